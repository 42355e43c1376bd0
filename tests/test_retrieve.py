"""Hybrid retrieval on a small hand-made corpus with the hash embedder: fusion, routing, filters, bad input."""

from __future__ import annotations

import json

import pytest

from assistant.search.embed import HashEmbedder
from assistant.records import Clause, Filters, Footnote
from assistant.search.retrieve import HybridRetriever, minmax, open_retriever, rrf_fuse, strong_prefix, weighted_fuse
from assistant.settings import Settings

pytestmark = pytest.mark.unit

TWIN = "that capacity building for the deployment of IPv6 is needed in developing countries"


def _c(id, label, text, part="Part II", heading="", opinion=None, section=None, wg=None, footnotes=()):
    return Clause(id=id, label=label, text=text, start=0, end=len(text), kind="clause", part=part, heading=heading,
                  opinion=opinion, section=section, working_group=wg, footnotes=footnotes)


CLAUSES = [
    _c("part-1/p1", "Part I ¶1", "The Forum was established by the 1994 Kyoto Plenipotentiary Conference.", "Part I"),
    _c("part-1/p2", "Part I ¶2", "More than 180 experts took part in the informal experts group.", "Part I"),
    _c("opinion-3/recognizing/a", "Opinion 3 › recognizing (a)", TWIN, heading="Opinion 3: Capacity Building for IPv6 › recognizing",
       opinion=3, section="recognizing"),
    _c("opinion-4/recognizing/a", "Opinion 4 › recognizing (a)", TWIN, heading="Opinion 4: IPv6 Adoption › recognizing",
       opinion=4, section="recognizing"),
    _c("opinion-4/invites/1", "Opinion 4 › invites (1)", "to encourage operators to adopt IPv6 in their networks",
       heading="Opinion 4: IPv6 Adoption › invites", opinion=4, section="invites"),
    _c("opinion-1/considering/a", "Opinion 1 › considering (a)", "that a study finds bandwidth lowers access prices",
       heading="Opinion 1: Internet Exchange Points › considering", opinion=1, section="considering",
       footnotes=(Footnote(5, "ISOC, OECD and UNESCO study"),)),
    _c("annex-1/wg-1/p2", "Annex I › 1.1 Opinion 1 ¶2", "Ghana proposed a sentence on exchange points in Africa.",
       "Annex I", heading="Annex I › Working Group 1 › 1.1 Opinion 1", section="1.1 Opinion 1", wg=1),
    _c("annex-1/wg-2/p1", "Annex I › 2 ¶1", "Turkey proposed to merge the two IPv6 drafts.", "Annex I",
       heading="Annex I › Working Group 2", wg=2),
]


def retriever(tmp_path, fusion="rrf", embedder=None, clauses=CLAUSES) -> HybridRetriever:
    settings = Settings.from_env(embedder="hash", index_dir=tmp_path, fusion=fusion)
    return open_retriever(settings, clauses, "corpus text", embedder=embedder or HashEmbedder(), variant="unit")


@pytest.fixture
def r(tmp_path):
    return retriever(tmp_path)


# fusion: pure functions


def test_rrf_fuse_values_and_empty_inputs():
    assert rrf_fuse([]) == {} and rrf_fuse([[], []]) == {}
    fused = rrf_fuse([[1, 2], [2, 3]], k=60)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 61) and fused[3] == pytest.approx(1 / 62)
    assert max(fused, key=fused.get) == 2


def test_weighted_fuse_normalizes_and_handles_missing_and_empty():
    assert weighted_fuse({}, {}) == {}
    assert minmax({}) == {} and minmax({1: 3.0, 2: 3.0}) == {1: 1.0, 2: 1.0}
    fused = weighted_fuse({1: 0.9, 2: 0.1}, {2: 10.0, 3: 0.0}, dense_weight=0.7)
    assert fused[1] == pytest.approx(0.7) and fused[2] == pytest.approx(0.3) and fused[3] == pytest.approx(0.0)
    assert weighted_fuse({1: 0.5}, {}, dense_weight=0.0) == {1: 0.0}


# search


@pytest.mark.parametrize("fusion", ["rrf", "weighted"])
def test_search_finds_clause_by_words_and_reports_parts(tmp_path, fusion):
    hits = retriever(tmp_path, fusion).search("Kyoto Plenipotentiary Conference", k=3)
    assert hits[0].clause.id == "part-1/p1"
    assert {"dense", "bm25", "route", "dense_rank", "bm25_rank"} <= set(hits[0].parts)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    json.dumps([h.to_dict() for h in hits])


def test_named_opinion_separates_twin_clauses(r):
    for n in (3, 4):
        hits = r.search(f"capacity building for IPv6 deployment in Opinion {n}", k=3)
        assert hits[0].clause.id == f"opinion-{n}/recognizing/a" and hits[0].parts["route"] > 0
        assert f"opinion-{7 - n}/recognizing/a" in [h.clause.id for h in hits]  # the twin still follows


def test_clause_named_by_route_is_a_candidate_even_without_word_overlap(r, monkeypatch):
    monkeypatch.setattr("assistant.search.route.resolve_clause_refs", lambda q, c: ("opinion-4/invites/1",))
    hits = r.search("zzz qqq", k=1)
    assert hits[0].clause.id == "opinion-4/invites/1" and hits[0].parts["route"] == 1.0


def test_working_group_named_routes_to_annex(r):
    hits = r.search("what was proposed in Working Group 2?", k=1)
    assert hits[0].clause.id == "annex-1/wg-2/p1"


def test_footnote_text_is_searchable(r):
    assert r.search("OECD UNESCO", k=1)[0].clause.id == "opinion-1/considering/a"


def test_filters_restrict_results(r):
    hits = r.search("IPv6", k=10, filters=Filters(opinion=4))
    assert hits and {h.clause.opinion for h in hits} == {4}
    assert {h.clause.part for h in r.search("proposed", k=10, filters=Filters(part="Annex I"))} == {"Annex I"}
    assert r.search("IPv6", filters=Filters(opinion=6)) == []
    assert r.search("IPv6", k=10, filters=Filters()) != []


def test_k_beyond_corpus_and_nonpositive_k(r):
    assert len(r.search("IPv6", k=100)) == len(CLAUSES)
    assert r.search("IPv6", k=0) == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\u200b\u200e\u202e", "?!.", None])
def test_empty_queries_return_nothing_without_embedding(tmp_path, query):
    embedder = HashEmbedder()
    rr = retriever(tmp_path, embedder=embedder)
    calls = embedder.calls
    assert rr.search(query) == []
    assert embedder.calls == calls


def test_invisible_characters_are_stripped(r):
    plain = r.search("Ghana proposed", k=3)
    dirty = r.search("Gh\u200bana\u202e prop\u0000osed\u200d", k=3)
    assert [h.clause.id for h in dirty] == [h.clause.id for h in plain]


def test_huge_and_foreign_queries_do_not_crash(r):
    huge = r.search("IPv6 " * 20_000, k=3)
    assert len(huge) == 3
    for q in ["¿Qué propuso Ghana sobre los puntos de intercambio?", "加纳提出了什么？", "Гана предложила"]:
        assert len(r.search(q, k=2)) == 2


def test_empty_corpus(tmp_path):
    assert retriever(tmp_path, clauses=[]).search("IPv6") == []


def test_variant_gets_its_own_directory_and_manifest(tmp_path):
    rr = retriever(tmp_path)
    assert (tmp_path / "unit" / "manifest.json").is_file()
    assert rr.manifest["parser_version"] == "unit"
    assert rr.manifest["clause_count"] == len(CLAUSES)
    settings = Settings.from_env(embedder="hash", index_dir=tmp_path)
    odd = open_retriever(settings, CLAUSES, "corpus text", embedder=HashEmbedder(), variant="../tokens 256")
    assert (tmp_path / "tokens-256" / "manifest.json").is_file() and odd.manifest["parser_version"] == "../tokens 256"


def test_reopen_after_corpus_change_rebuilds(tmp_path, caplog):
    settings = Settings.from_env(embedder="hash", index_dir=tmp_path)
    open_retriever(settings, CLAUSES, "v1", embedder=HashEmbedder(), variant="unit")
    embedder = HashEmbedder()
    with caplog.at_level("INFO", logger="assistant.index"):
        open_retriever(settings, CLAUSES, "v2", embedder=embedder, variant="unit")
    assert embedder.calls > 0 and any("corpus_sha256 changed" in rec.getMessage() for rec in caplog.records)


def test_headings_are_indexed_but_never_returned(tmp_path):
    heading = _c("opinion-4", "Opinion 4", "OPINION 4: In support of IPv6 adoption")
    heading = Clause(**{**heading.to_dict(), "footnotes": (), "kind": "heading"})
    rr = retriever(tmp_path, clauses=CLAUSES + [heading])
    assert "opinion-4" not in [h.clause.id for h in rr.search("IPv6 adoption support", k=len(CLAUSES) + 1)]
    assert "opinion-4" not in [h.clause.id for h in rr.search("IPv6 adoption", k=20, filters=Filters(opinion=4))]


def test_sentence_units_score_a_clause_by_its_best_sentence(tmp_path, monkeypatch):
    from assistant.search import index_store

    monkeypatch.setattr(index_store, "SENTENCE_UNITS_OVER", 40)
    long = _c("part-1/p9", "Part I ¶9", "The Forum discussed many matters at length over three days. "
              "Working Group 1 met on 14 May 2013 in the afternoon.", "Part I")
    rr = retriever(tmp_path, clauses=CLAUSES + [long])
    assert rr.manifest["unit_count"] == len(CLAUSES) + 1 + 2
    query = "met on 14 May 2013 in the afternoon"
    hit = next(h for h in rr.search(query, k=len(CLAUSES) + 1) if h.clause.id == "part-1/p9")
    e = HashEmbedder()
    q = e.encode([query])[0]
    whole, sentence = e.encode(index_store.clause_units(long)[::2])  # the whole passage, then sentence 2
    assert hit.parts["dense"] == pytest.approx(float(q @ sentence), abs=1e-5)
    assert float(q @ sentence) > float(q @ whole)


def test_strong_prefix_drops_only_a_weak_tail():
    assert strong_prefix([], 0.4, 3) == 0
    assert strong_prefix([1.0, 0.9, 0.8, 0.7, 0.6], 0.4, 3) == 5
    assert strong_prefix([1.0, 0.9, 0.2, 0.1, 0.05], 0.4, 3) == 3  # the first `keep` stay whatever they score
    assert strong_prefix([1.0, 0.9, 0.8, 0.5, 0.3], 0.4, 3) == 4
    assert strong_prefix([1.0, 0.2], 0.4, 3) == 2
    assert strong_prefix([0.0, 0.0, 0.0, 0.0], 0.4, 1) == 4  # nothing to compare against: keep all
    assert strong_prefix([1.0, 0.1, 0.1], 0.0, 1) == 3  # 0 turns the cut off


def test_search_leaves_out_a_weak_tail_unless_asked_not_to(tmp_path):
    settings = Settings.from_env(embedder="hash", index_dir=tmp_path, fusion="weighted", keep_hits=1, min_relative_score=0.9)
    r = open_retriever(settings, CLAUSES, "corpus text", embedder=HashEmbedder(), variant="unit")
    cut = r.search("Ghana proposed a sentence on exchange points in Africa", k=5)
    full = r.search("Ghana proposed a sentence on exchange points in Africa", k=5, cut_weak_tail=False)
    assert len(full) == 5 and 1 <= len(cut) < 5
    assert [h.clause.id for h in cut] == [h.clause.id for h in full[: len(cut)]]


