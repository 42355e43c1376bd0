"""What starting up and building cost: the stored parse, BM25 read without bm25s, passages embedded once in one
call, the query cache under threads, and commands that import only what they use."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant import artifacts
from assistant.search import embed
from assistant.artifacts import stored_parse
from assistant.search.embed import HashEmbedder, MiniLMEmbedder
from assistant.search.index_store import StoredBM25
from assistant.search.sentence_index import QueryCachingEmbedder

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
# What no command but a build (or serve, for gradio) may import.
HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn", "scipy", "bm25s", "tiktoken", "gradio", "tqdm")


# ---------------------------------------------------------------- BM25 without bm25s


def test_stored_bm25_scores_exactly_as_bm25s(tmp_path):
    import bm25s

    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(60)]
    corpus = [list(rng.choice(words, size=rng.integers(1, 30))) for _ in range(40)] + [[""]]
    reference = bm25s.BM25()
    reference.index(corpus, show_progress=False)
    stored = StoredBM25.build(corpus)
    stored.save(tmp_path / "bm25")
    reread = StoredBM25.load(tmp_path / "bm25")
    again = bm25s.BM25.load(str(tmp_path / "bm25"))  # the files are still bm25s's own format
    for query in (["w1"], ["w3", "w3", "w59"], ["w7", "unknown"], list(rng.choice(words, size=12))):
        expected = reference.get_scores(query)
        for scorer in (stored, reread, again):
            np.testing.assert_array_equal(scorer.get_scores(query), expected)
    assert reread.get_scores(["unknown"]).tolist() == [0.0] * len(corpus)
    assert reread.vocab_dict == dict(reference.vocab_dict) and reread.scores["num_docs"] == len(corpus)


def test_stored_bm25_refuses_inconsistent_arrays(tmp_path):
    StoredBM25.build([["a", "b"], ["b", "c"]]).save(tmp_path)
    np.save(tmp_path / "data.csc.index.npy", np.zeros(1, dtype=np.float32))
    with pytest.raises(ValueError, match="inconsistent"):
        StoredBM25.load(tmp_path)


# ---------------------------------------------------------------- the stored parse


def test_stored_parse_is_reused_until_the_report_or_the_code_changes(tmp_path, source, clauses, monkeypatch):
    calls = []

    def parse(text):
        calls.append(text)
        return clauses

    directory = tmp_path / "parsed"
    assert stored_parse(directory, source, parse) == clauses and len(calls) == 1
    again = stored_parse(directory, source, parse)
    assert len(calls) == 1, "parsed again although nothing changed"
    assert again == clauses and [c.tokens for c in again] == [c.tokens for c in clauses]  # counts kept, no tiktoken
    stored_parse(directory, source + "\nAnother paragraph of the report, added later.", parse)
    assert len(calls) == 2
    stored_parse(directory, source, parse)
    monkeypatch.setattr(artifacts, "code_sha256", lambda: "0" * 64)
    stored_parse(directory, source, parse)
    assert len(calls) == 4
    (directory / "clauses.jsonl").write_text("[]\n", encoding="utf-8")  # damaged: the checksum catches it
    assert stored_parse(directory, source, parse) == clauses and len(calls) == 5


def test_stored_parse_still_answers_where_it_cannot_write(tmp_path, source, clauses):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert stored_parse(blocker / "parsed", source, lambda text: clauses) == clauses


# ---------------------------------------------------------------- embedding passages


class _CountingModel:
    """Stands in for sentence-transformers: records each call's texts."""

    dim = 384

    def __init__(self):
        self.calls: list[list[str]] = []
        self.hash = HashEmbedder()

    def encode_documents(self, texts, progress=False, workers=None):
        self.calls.append(list(texts))
        return self.hash.encode(texts)


def test_passages_of_both_indexes_are_embedded_once_in_one_call(monkeypatch):
    model = _CountingModel()
    embedder = MiniLMEmbedder()
    monkeypatch.setattr(embedder, "_sentence_transformer", lambda: model)
    clause_texts = ["Opinion 1: internet exchange points", "Part I ¶2: the Forum met", "shared text", "IXPs help"]
    # a sentence whose acronym was spelled out is another text: it gets its own vector
    sentence_texts = ["shared text", "the Forum met in Geneva", "IXPs help (Internet Exchange Points)"]
    embedder.plan(clause_texts + sentence_texts)
    first = embedder.encode_documents(clause_texts)
    second = embedder.encode_documents(sentence_texts)
    embedder.plan(None)
    assert len(model.calls) == 1 and sorted(model.calls[0]) == sorted(set(clause_texts + sentence_texts))
    assert len(model.calls[0]) == 6  # "shared text" once
    np.testing.assert_array_equal(first, model.hash.encode(clause_texts))
    np.testing.assert_array_equal(second, model.hash.encode(sentence_texts))
    np.testing.assert_array_equal(first[2], second[0])  # both indexes hold the one vector
    embedder.encode_documents(["a new text"])
    assert model.calls[-1] == ["a new text"], "a cleared plan is not embedded again"


def test_nothing_is_loaded_until_used():
    embedder = MiniLMEmbedder(Path("/nonexistent/query-model"))
    assert embedder.name == embed.MINILM_NAME and embedder.dim == 384
    assert embedder.encode([]).shape == (0, 384)


@pytest.mark.parametrize(("load", "threads"), [(0.0, 2), (0.4, 2), (0.6, 1), (1.5, 1), (7.0, 1)])
def test_build_threads_use_idle_cores_only(monkeypatch, load, threads):
    monkeypatch.setattr(embed.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(embed.os, "getloadavg", lambda: (load, load, load))
    assert embed.build_threads() == threads


def test_query_cache_is_safe_to_share_between_threads():
    cached = QueryCachingEmbedder(HashEmbedder(dim=16), size=8)
    reference = HashEmbedder(dim=16)
    texts = [f"question {i % 37}" for i in range(400)]
    failures = []

    def hammer(offset):
        try:
            for text in texts[offset:] + texts[:offset]:
                np.testing.assert_array_equal(cached.encode([text]), reference.encode([text]))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            failures.append(exc)

    threads = [threading.Thread(target=hammer, args=(i * 13,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and len(cached._cache) <= 8


# ---------------------------------------------------------------- what each command imports


def _imports_after(args: list[str], cwd: Path) -> tuple[int, list[str]]:
    probe = (
        "import json, sys\n"
        "from assistant.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print(json.dumps([code, sorted({m.split('.')[0] for m in sys.modules})]), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    code, modules = json.loads(result.stderr.strip().splitlines()[-1])
    return code, modules


@pytest.fixture(scope="module")
def hash_index(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("index-imports")
    subprocess.run(
        [sys.executable, "-m", "assistant", "--embedder", "hash", "--index-dir", str(index_dir), "index"],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )
    return index_dir


@pytest.mark.parametrize(
    ("args", "light"),
    [
        (["--help"], True),
        (["clauses", "--id", "part-1/p6"], True),
        (["ask", "   "], True),
        (["--corpus", "/nonexistent/report.txt", "ask", "Who chaired Working Group 2?"], True),
        (["ask", "Who chaired Working Group 2?", "--json"], False),
        (["search", "IPv6 legacy addresses"], False),
    ],
    ids=["help", "clauses", "empty-question", "missing-report", "ask", "search"],
)
def test_commands_import_only_what_they_use(hash_index, args, light):
    """No build's tools (torch, bm25s, scipy), no tiktoken, no gradio; help, listings and errors not even numpy."""
    code, modules = _imports_after(["--embedder", "hash", "--index-dir", str(hash_index), *args], ROOT)
    assert code in (0, 2)
    assert not set(HEAVY) & set(modules), sorted(set(HEAVY) & set(modules))
    if light:
        assert not {"numpy", "faiss"} & set(modules), sorted({"numpy", "faiss"} & set(modules))
