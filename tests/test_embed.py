"""Embedder protocol, the hash fake, and what text a clause contributes to its vector."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.search.embed import Embedder, HashEmbedder, make_embedder, passage_text
from assistant.records import Clause
from assistant.settings import Settings

pytestmark = pytest.mark.unit


def _clause(**kw) -> Clause:
    base = dict(id="x", label="", text="", start=0, end=1, kind="clause", part="Part II")
    base.update(kw)
    return Clause(**base)


def test_hash_embedder_is_deterministic_normalized_float32():
    texts = ["IPv6 adoption and transition", "Internet exchange points", ""]
    a = HashEmbedder().encode(texts)
    b = HashEmbedder().encode(texts)
    assert a.dtype == np.float32 and a.shape == (3, 384)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


def test_hash_embedder_similarity_follows_shared_words():
    v = HashEmbedder(dim=256).encode(["IPv6 adoption transition", "adoption of IPv6", "broadband in Ghana"])
    assert v[0] @ v[1] > 0.5
    assert abs(float(v[0] @ v[2])) < 0.3


def test_hash_embedder_empty_batch_and_protocol():
    e = HashEmbedder(dim=16)
    assert e.encode([]).shape == (0, 16)
    assert isinstance(e, Embedder)
    assert e.name == "hash-16" and e.dim == 16


def test_make_embedder_hash_needs_no_model(tmp_path):
    e = make_embedder(Settings.from_env(embedder="hash", index_dir=tmp_path))
    assert isinstance(e, HashEmbedder)


def test_passage_text_joins_heading_path_label_and_text():
    c = _clause(
        label="Opinion 4 › recognizing (g)",
        heading="Opinion 4: In Support of IPv6 Adoption and Transition from IPv4 › recognizing",
        text="that because of the exhaustion of IPv4 addresses…",
    )
    assert passage_text(c) == (
        "Opinion 4: In Support of IPv6 Adoption and Transition from IPv4 › recognizing (g): "
        "that because of the exhaustion of IPv4 addresses…"
    )


def test_passage_text_separates_twin_clauses_of_different_opinions():
    same = "that capacity building is needed"
    three = _clause(label="Opinion 3 › considering (a)", heading="Opinion 3: Capacity Building › considering", text=same)
    four = _clause(label="Opinion 4 › considering (a)", heading="Opinion 4: IPv6 Adoption › considering", text=same)
    assert passage_text(three) != passage_text(four)
    assert "Opinion 3" in passage_text(three) and "Opinion 4" in passage_text(four)


def test_passage_text_without_heading_or_text():
    assert passage_text(_clause(label="Part I ¶3", text="The Forum met.")) == "Part I ¶3: The Forum met."
    assert passage_text(_clause(text="Bare text.")) == "Bare text."
    assert passage_text(_clause(label="Annex I", heading="Annex I")) == "Annex I"
