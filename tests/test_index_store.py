"""The persisted index: round trip, reuse, and rebuild on corruption, staleness or mismatch."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import faiss
import numpy as np
import pytest

from assistant.search import index_store
from assistant.search.embed import HashEmbedder
from assistant.search.index_store import IndexUnusable, identity, load, make_dense_index, open_index
from assistant.records import Clause, Footnote

pytestmark = pytest.mark.unit

REQUIRED_MANIFEST_KEYS = {
    "corpus_sha256", "parser_version", "model", "dim", "faiss_version", "clause_count", "built_at", "files",
    "clauses_sha256", "index_type",
}


def make_clauses(n: int = 6) -> list[Clause]:
    topics = ["internet exchange points", "broadband investment", "IPv6 capacity building",
              "IPv6 adoption", "multistakeholder governance", "enhanced cooperation"]
    return [
        Clause(
            id=f"opinion-{i + 1}/p1", label=f"Opinion {i + 1} › recognizing (a)", text=f"that {topics[i % 6]} matter {i}",
            start=i * 10, end=i * 10 + 9, kind="clause", part="Part II", heading=f"Opinion {i + 1}: {topics[i % 6]}",
            opinion=i + 1, section="recognizing",
            footnotes=(Footnote(1, "source note"),) if i == 0 else (),
        )
        for i in range(n)
    ]


def wanted_for(clauses, embedder, corpus="c0", parser="p1"):
    return identity(clauses, corpus, parser, embedder)


@pytest.fixture
def built(tmp_path):
    clauses = make_clauses()
    embedder = HashEmbedder()
    directory = tmp_path / "clauses"
    index = open_index(directory, clauses, embedder, wanted_for(clauses, embedder))
    return directory, clauses, embedder, index


def test_build_writes_plain_files_and_complete_manifest(built):
    directory, clauses, embedder, index = built
    manifest = json.loads((directory / "manifest.json").read_text())
    assert REQUIRED_MANIFEST_KEYS <= set(manifest)
    assert manifest["clause_count"] == len(clauses) and manifest["dim"] == 384 and manifest["model"] == "hash-384"
    assert manifest["faiss_version"] == faiss.__version__ and manifest["index_type"] == "flat"
    assert {"vectors.npy", "dense.faiss", "clauses.jsonl"} <= set(manifest["files"])
    assert any(name.startswith("bm25/") for name in manifest["files"])
    for path in directory.rglob("*.npy"):
        np.load(path, allow_pickle=False)  # raises if anything was pickled
    assert not [p for p in directory.rglob("*") if p.suffix in {".pkl", ".pickle"}]
    lines = (directory / "clauses.jsonl").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == [c.id for c in clauses]
    assert not [p for p in directory.parent.iterdir() if p.name.startswith(".")]  # no temp dirs left


def test_second_open_reuses_without_embedding(built):
    directory, clauses, embedder, index = built
    calls = embedder.calls
    again = open_index(directory, clauses, embedder, wanted_for(clauses, embedder))
    assert embedder.calls == calls
    np.testing.assert_array_equal(again.vectors, index.vectors)
    q = embedder.encode(["IPv6 adoption"])
    assert again.dense.search(q, 3)[1].tolist() == index.dense.search(q, 3)[1].tolist()
    assert again.manifest["built_at"] == json.loads((directory / "manifest.json").read_text())["built_at"]


def _expect_rebuild(directory, clauses, embedder, wanted, caplog, reason):
    calls = embedder.calls
    with caplog.at_level(logging.INFO, logger="assistant.index"):
        index = open_index(directory, clauses, embedder, wanted)
    assert embedder.calls > calls, "index should have been rebuilt"
    assert any(reason in r.getMessage() for r in caplog.records), [r.getMessage() for r in caplog.records]
    load(directory, clauses, wanted)  # the rebuilt index is stored and now loads cleanly
    return index


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda d: (d / "vectors.npy").write_bytes((d / "vectors.npy").read_bytes()[:-100]), "vectors.npy is corrupted"),
        (lambda d: (d / "dense.faiss").write_bytes(b"\0" * 64), "dense.faiss is corrupted"),
        (lambda d: (d / "clauses.jsonl").unlink(), "clauses.jsonl is missing"),
        (lambda d: (d / "manifest.json").write_text("{not json"), "manifest unreadable"),
        (lambda d: (d / "manifest.json").write_text("[]"), "manifest unreadable"),
    ],
)
def test_damaged_files_are_detected_and_rebuilt(built, caplog, damage, reason):
    directory, clauses, embedder, index = built
    damage(directory)
    rebuilt = _expect_rebuild(directory, clauses, embedder, wanted_for(clauses, embedder), caplog, reason)
    np.testing.assert_allclose(rebuilt.vectors, index.vectors)


def test_damaged_bm25_file_is_detected(built, caplog):
    directory, clauses, embedder, _ = built
    victim = next(p for p in (directory / "bm25").iterdir() if p.suffix == ".npy")
    victim.write_bytes(victim.read_bytes()[:20])
    _expect_rebuild(directory, clauses, embedder, wanted_for(clauses, embedder), caplog, "is corrupted")


def test_manifest_edited_to_lie_about_checksums_is_still_caught(built, caplog):
    """Files swapped for valid ones of another shape: the reader checks shapes, not only hashes."""
    directory, clauses, embedder, _ = built
    np.save(directory / "vectors.npy", np.zeros((2, 384), dtype=np.float32))
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["files"]["vectors.npy"] = index_store.sha256_file(directory / "vectors.npy")
    (directory / "manifest.json").write_text(json.dumps(manifest))
    _expect_rebuild(directory, clauses, embedder, wanted_for(clauses, embedder), caplog, "vectors have shape")


@pytest.mark.parametrize(
    "change, reason",
    [
        (dict(corpus="c1"), "corpus_sha256 changed"),
        (dict(parser="p2"), "parser_version changed"),
    ],
)
def test_stale_corpus_or_parser_rebuilds(built, caplog, change, reason):
    directory, clauses, embedder, _ = built
    _expect_rebuild(directory, clauses, embedder, wanted_for(clauses, embedder, **change), caplog, reason)


def test_model_or_dimension_mismatch_rebuilds(built, caplog):
    directory, clauses, _, _ = built
    other = HashEmbedder(dim=64)
    index = _expect_rebuild(directory, clauses, other, wanted_for(clauses, other), caplog, "dim changed")
    assert index.vectors.shape == (len(clauses), 64) and index.dense.d == 64


def test_changed_clause_text_with_same_count_rebuilds(built, caplog):
    directory, clauses, embedder, _ = built
    edited = list(clauses)
    edited[2] = Clause(**{**edited[2].to_dict(), "footnotes": (), "text": "entirely different words"})
    index = _expect_rebuild(directory, edited, embedder, wanted_for(edited, embedder), caplog, "clauses_sha256")
    np.testing.assert_allclose(index.vectors[2], embedder.encode([index_store.passage_text(edited[2])])[0], atol=1e-6)


def test_an_index_embedded_with_other_sentence_units_rebuilds(built, caplog, monkeypatch):
    directory, clauses, embedder, _ = built
    monkeypatch.setattr(index_store, "SENTENCE_UNITS_OVER", 40)  # long clauses also embedded sentence by sentence
    _expect_rebuild(directory, clauses, embedder, wanted_for(clauses, embedder), caplog, "sentence_units_over")


def test_rebuild_flag_forces_a_fresh_build(built, caplog):
    directory, clauses, embedder, _ = built
    calls = embedder.calls
    with caplog.at_level(logging.INFO, logger="assistant.index"):
        open_index(directory, clauses, embedder, wanted_for(clauses, embedder), rebuild=True)
    assert embedder.calls > calls
    assert any("rebuild requested" in r.getMessage() for r in caplog.records)


def test_failed_save_keeps_previous_index(built, monkeypatch):
    directory, clauses, embedder, index = built
    before = (directory / "manifest.json").read_text()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(index_store.faiss, "write_index", broken)
    with pytest.raises(OSError):
        index_store.save(index, directory)
    assert (directory / "manifest.json").read_text() == before
    load(directory, clauses, wanted_for(clauses, embedder))
    assert not [p for p in directory.parent.iterdir() if p.name.startswith(".")]


def test_unwritable_index_dir_still_serves_from_memory(tmp_path, monkeypatch, caplog):
    clauses = make_clauses()
    embedder = HashEmbedder()
    monkeypatch.setattr(index_store, "save", lambda *a, **k: (_ for _ in ()).throw(PermissionError("read-only")))
    with caplog.at_level(logging.WARNING, logger="assistant.index"):
        index = open_index(tmp_path / "clauses", clauses, embedder, wanted_for(clauses, embedder))
    assert index.dense.ntotal == len(clauses)
    assert any("could not save" in r.getMessage() for r in caplog.records)


def test_missing_index_raises_unusable(tmp_path):
    clauses = make_clauses()
    with pytest.raises(IndexUnusable, match="no index"):
        load(tmp_path / "nothing", clauses, wanted_for(clauses, HashEmbedder()))


def test_empty_clause_list_builds_an_empty_index(tmp_path):
    embedder = HashEmbedder()
    index = open_index(tmp_path / "empty", [], embedder, wanted_for([], embedder))
    assert index.dense.ntotal == 0 and index.bm25 is None
    again = load(tmp_path / "empty", [], wanted_for([], embedder))
    assert again.vectors.shape == (0, 384)


def test_index_type_switches_to_hnsw_at_threshold():
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((400, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat = make_dense_index(vectors, threshold=401)
    hnsw = make_dense_index(vectors, threshold=400)
    assert index_store.index_type(flat) == "flat" and index_store.index_type(hnsw) == "hnsw"
    _, exact = flat.search(vectors[:20], 10)
    _, approx = hnsw.search(vectors[:20], 10)
    overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approx)])
    assert overlap >= 0.9


def test_bm25_tokens_fold_word_forms_and_drop_function_words():
    toks = index_store.bm25_tokens
    assert toks("What does the report recognize?") == toks("report recognizing")
    assert toks("Internet exchange points") == toks("internet exchanges point")
    assert toks("countries' policies") == toks("country policy")
    assert toks("IPv6 and IPv4") == ["ipv6", "ipv4"]
    assert toks("") == [] and toks("the of and") == []


def test_bm25_text_includes_footnotes():
    c = make_clauses()[0]
    assert "source note" in index_store.bm25_text(c) and c.label in index_store.bm25_text(c)


def test_owners_that_do_not_cover_the_clauses_are_caught(built, caplog):
    directory, clauses, embedder, _ = built
    np.save(directory / "owners.npy", np.zeros(len(clauses), dtype=np.int32))
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["files"]["owners.npy"] = index_store.sha256_file(directory / "owners.npy")
    (directory / "manifest.json").write_text(json.dumps(manifest))
    _expect_rebuild(directory, clauses, embedder, wanted_for(clauses, embedder), caplog, "owners.npy")


def test_split_sentences_keeps_abbreviations_together():
    text = "Mr D. Cavalcanti chaired it. It met on 14 May; Dr Y.J. Park spoke. Done"
    assert index_store.split_sentences(text) == ["Mr D. Cavalcanti chaired it.", "It met on 14 May;",
                                                 "Dr Y.J. Park spoke.", "Done"]


@pytest.mark.parametrize("victim", ["vectors.npy", "bm25/vocab.index.json", "clauses.jsonl"])
def test_file_dropped_from_the_manifest_and_then_changed_is_caught(built, caplog, victim):
    """The files to check are fixed in code: a manifest that stops listing one cannot hide its damage."""
    directory, clauses, embedder, _ = built
    manifest = json.loads((directory / "manifest.json").read_text())
    del manifest["files"][victim]
    (directory / "manifest.json").write_text(json.dumps(manifest))
    path = directory / victim
    path.write_bytes(path.read_bytes() + b" ")
    _expect_rebuild(directory, clauses, embedder, wanted_for(clauses, embedder), caplog, f"does not vouch for {victim}")


def test_expected_files_are_what_a_build_writes(built):
    directory, clauses, _, _ = built
    written = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    assert written == sorted([*index_store.expected_files(len(clauses)), "manifest.json"])
    assert index_store.expected_files(0) == index_store.CORE_FILES


def test_folders_left_by_a_killed_rebuild_are_removed_on_the_next_open(built, caplog):
    directory, clauses, embedder, index = built
    leftovers = [directory.parent / ".clauses.tmp-k1ll3d", directory.parent / ".clauses.old-0badf00d"]
    for folder in leftovers:
        (folder / "bm25").mkdir(parents=True)
        (folder / "vectors.npy").write_bytes(b"half written")
    other = directory.parent / ".sentences.tmp-keepme"  # another index's folder is not this open's to remove
    other.mkdir()
    with caplog.at_level(logging.INFO, logger="assistant.index"):
        reopened = open_index(directory, clauses, embedder, wanted_for(clauses, embedder))
    assert not any(folder.exists() for folder in leftovers)
    assert other.exists()
    assert "removed 2 leftover" in caplog.text
    np.testing.assert_allclose(reopened.vectors, index.vectors)


def test_leftovers_stay_while_another_process_is_writing(built):
    directory, _, _, _ = built
    writing = directory.parent / ".clauses.tmp-inflight"
    writing.mkdir()
    with index_store._writer_lock(directory, blocking=True):
        assert index_store.remove_leftovers(directory) == 0
    assert writing.exists()
    assert index_store.remove_leftovers(directory) == 1 and not writing.exists()
