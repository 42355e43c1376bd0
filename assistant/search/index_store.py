"""The persisted clause index: dense vectors in FAISS plus a BM25 index, as plain files with a manifest.

Layout of one index directory (all written to a temporary directory, then swapped in with os.replace):
  manifest.json   what the index was built from, and a sha256 for every other file
  vectors.npy     float32 (m, dim), L2-normalized: one row per unit (a whole clause, or one of its sentences)
  owners.npy      int32 (m,): the clause position each unit belongs to
  dense.faiss     faiss.write_index of IndexFlatIP over the units (HNSW for large corpora)
  bm25/           bm25s's own save format (numpy arrays + json, no pickle)
  clauses.jsonl   the clauses, one JSON object a line, in index order

Writing and checking go through assistant/artifacts.py, like the query model's and the parsed report's.
Answering reads BM25 through `StoredBM25`, a plain reader of bm25s's files: importing bm25s itself (scipy,
tqdm) would cost more than the rest of a start-up.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

from assistant.artifacts import (  # noqa: F401 (sha256_file, writer_lock: read by the tests through here)
    IndexUnusable,
    publish,
    remove_leftovers,
    sha256_file,
    verified_manifest,
    write_clauses,
    writer_lock as _writer_lock,
)
from assistant.search.embed import Embedder, encode_documents, passage_text
from assistant.records import Clause
from assistant.textnorm import stem

log = logging.getLogger("assistant.index")

# Bump when what gets embedded or BM25-tokenized changes, so old indexes rebuild.
INDEX_FORMAT = 7
# Exact flat search below this many vectors, HNSW at or above it. benchmarks/bench_retrieval.py on 2 cores,
# one thread: flat costs ~0.06 ms per 1,000 vectors (~6 ms at 100k, a fifth of the 30 ms query budget once
# the query is embedded), while HNSW stays near 1 ms with recall@10 ~0.98 on report-like vectors.
HNSW_THRESHOLD = 100_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256
# Clauses longer than this may also be embedded sentence by sentence (max over units at search time).
# Off: on the dev questions it moved recall@5 by under 0.01 while adding ~120 characters of top-5 context.
SENTENCE_UNITS_OVER: int | None = None
_SENTENCE_END = re.compile(r"(?<=[.!?;])[”\"’)]?\s+(?=[“\"(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(?:Mr|Ms|Mrs|Mme|Dr|Prof|St|No|Rev|Res|para|e\.g|i\.e|H\.E|[A-Z])\.$")

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# A common English function-word list; question words matter here because users ask questions.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves""".split()
)


# The files an index directory must hold, fixed here rather than read from the manifest: a manifest that
# leaves a file out must not make that file's damage invisible.
CORE_FILES = ("clauses.jsonl", "dense.faiss", "owners.npy", "vectors.npy")
BM25_FILES = tuple(
    f"bm25/{name}"
    for name in ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "params.index.json", "vocab.index.json")
)


def expected_files(clause_count: int) -> tuple[str, ...]:
    """Relative paths every index over `clause_count` clauses has (no BM25 files for an empty one)."""
    return CORE_FILES + (BM25_FILES if clause_count else ())


def bm25_tokens(text: str) -> list[str]:
    """Tokens for BM25, the same for clauses and queries: lowercased words, stopwords out, stemmed."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


def bm25_text(clause: Clause) -> str:
    """What BM25 sees: heading path, label, text and footnotes (named sources live there).

    The heading carries the opinion's title, so "the broadband opinion" finds Opinion 2's clauses.
    """
    notes = " ".join(f.text for f in clause.footnotes)
    return " ".join(x for x in (clause.heading, clause.label, clause.text, notes) if x)


def clauses_sha256(clauses: Iterable[Clause]) -> str:
    digest = hashlib.sha256()
    for clause in clauses:
        digest.update(json.dumps(clause.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def make_dense_index(vectors: np.ndarray, threshold: int = HNSW_THRESHOLD) -> faiss.Index:
    """Exact inner product below `threshold` vectors, HNSW (approximate, sub-linear) at or above it."""
    n, dim = vectors.shape
    if n >= threshold:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def index_type(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


class StoredBM25:
    """A bm25s index as its saved arrays, scored exactly as `bm25s.BM25.get_scores` scores them.

    Building still uses bm25s; reading and scoring need only numpy, so answering never imports bm25s.
    """

    PARAMS, VOCAB = "params.index.json", "vocab.index.json"
    ARRAYS = ("data", "indices", "indptr")
    NONOCCURRENCE = "nonoccurrence_array.index.npy"

    def __init__(self, params: dict, vocab: dict[str, int], arrays: dict[str, np.ndarray], nonoccurrence=None):
        self.params = dict(params)
        self.vocab_dict = vocab
        self.scores = {**arrays, "num_docs": int(params["num_docs"])}
        self.dtype = np.dtype(params.get("dtype", "float32"))
        self.nonoccurrence = nonoccurrence

    @classmethod
    def build(cls, corpus_tokens: list[list[str]]) -> "StoredBM25":
        import bm25s  # scipy and tqdm come with it: only when an index is built

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # its import sets DEBUG
        bm25 = bm25s.BM25()
        bm25.index(corpus_tokens, show_progress=False)
        params = dict(k1=bm25.k1, b=bm25.b, delta=bm25.delta, method=bm25.method, idf_method=bm25.idf_method,
                      dtype=bm25.dtype, int_dtype=bm25.int_dtype, num_docs=bm25.scores["num_docs"],
                      version=bm25s.__version__, backend=bm25.backend)
        arrays = {name: np.asarray(bm25.scores[name]) for name in cls.ARRAYS}
        return cls(params, dict(bm25.vocab_dict), arrays, getattr(bm25, "nonoccurrence_array", None))

    def save(self, directory: Path) -> None:
        """bm25s's own file layout, so `bm25s.BM25.load` reads it too."""
        directory.mkdir(parents=True, exist_ok=True)
        for name in self.ARRAYS:
            np.save(directory / f"{name}.csc.index.npy", self.scores[name], allow_pickle=False)
        if self.nonoccurrence is not None:
            np.save(directory / self.NONOCCURRENCE, self.nonoccurrence, allow_pickle=False)
        (directory / self.VOCAB).write_text(json.dumps(self.vocab_dict, ensure_ascii=False), encoding="utf-8")
        (directory / self.PARAMS).write_text(json.dumps(self.params, indent=4), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "StoredBM25":
        params = json.loads((directory / cls.PARAMS).read_text(encoding="utf-8"))
        vocab = json.loads((directory / cls.VOCAB).read_text(encoding="utf-8"))
        arrays = {name: np.load(directory / f"{name}.csc.index.npy", allow_pickle=False) for name in cls.ARRAYS}
        extra = directory / cls.NONOCCURRENCE
        nonoccurrence = np.load(extra, allow_pickle=False) if extra.is_file() else None
        if params.get("method") in ("bm25l", "bm25+") and nonoccurrence is None:
            raise ValueError(f"{cls.NONOCCURRENCE} is missing")
        indptr = arrays["indptr"]
        if not len(indptr) or len(arrays["data"]) != len(arrays["indices"]) or indptr[-1] != len(arrays["data"]):
            raise ValueError("BM25 arrays are inconsistent")
        return cls(params, vocab, arrays, nonoccurrence)

    def get_scores(self, query_tokens: list[str]) -> np.ndarray:
        """Per document, the sum of the stored per-term scores of the query's known tokens.

        (bm25s adds the empty token to the vocabulary without a column: it scores nothing.)"""
        data, indices, indptr = self.scores["data"], self.scores["indices"], self.scores["indptr"]
        ids = [self.vocab_dict[t] for t in query_tokens if t in self.vocab_dict]
        ids = np.asarray([i for i in ids if i < len(indptr) - 1], dtype=np.int64)
        scores = np.zeros(self.scores["num_docs"], dtype=self.dtype)
        for start, end in zip(indptr[ids].tolist(), indptr[ids + 1].tolist()):
            np.add.at(scores, indices[start:end], data[start:end])
        if self.nonoccurrence is not None:
            scores += self.nonoccurrence[ids].sum()
        return scores


def build_bm25(clauses: list[Clause]) -> StoredBM25 | None:
    if not clauses:
        return None
    return StoredBM25.build([bm25_tokens(bm25_text(c)) or [""] for c in clauses])


@dataclass
class ClauseIndex:
    """Everything retrieval needs in memory; `manifest` says what it was built from."""

    clauses: list[Clause]
    vectors: np.ndarray  # one row per unit
    owners: np.ndarray  # unit row → clause position
    dense: faiss.Index
    bm25: StoredBM25 | None
    manifest: dict


def split_sentences(text: str) -> list[str]:
    pieces, current = [], ""
    for part in _SENTENCE_END.split(text):
        current = f"{current} {part}" if current else part
        if not _ABBREVIATION.search(current.rstrip()):
            pieces.append(current.strip())
            current = ""
    if current.strip():
        pieces.append(current.strip())
    return [p for p in pieces if p]


def clause_units(clause: Clause) -> list[str]:
    """The texts embedded for one clause: the whole passage, plus each sentence of a long clause
    (each under the same heading path, which is what places it)."""
    whole = passage_text(clause)
    if SENTENCE_UNITS_OVER is None or len(clause.text) <= SENTENCE_UNITS_OVER:
        return [whole]
    sentences = split_sentences(clause.text)
    if len(sentences) < 2:
        return [whole]
    prefix = whole[: len(whole) - len(clause.text)]
    return [whole] + [prefix + s for s in sentences]


def unit_texts(clauses: list[Clause]) -> list[str]:
    """Every text embedded for `clauses`, in index order (see `clause_units`)."""
    return [text for clause in clauses for text in clause_units(clause)]


def embed_clauses(clauses: list[Clause], embedder: Embedder, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors and their owners, from one `encode_documents` call over all the units (the model sorts
    them by length, so a batch pads little)."""
    owners = np.asarray([i for i, clause in enumerate(clauses) for _ in clause_units(clause)], dtype=np.int32)
    texts = unit_texts(clauses)
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32), owners
    vectors = encode_documents(embedder, texts, progress=progress)
    return np.ascontiguousarray(vectors, dtype=np.float32), owners


def identity(clauses: list[Clause], corpus_sha256: str, parser_version: str, embedder: Embedder) -> dict:
    """The manifest fields that must match for a stored index to be reused.

    The bm25s version is recorded at build time but is not part of this: `StoredBM25` reads the files.
    """
    return {
        "format": INDEX_FORMAT,
        "corpus_sha256": corpus_sha256,
        "parser_version": parser_version,
        "model": embedder.name,
        "dim": int(embedder.dim),
        "faiss_version": faiss.__version__,
        "clause_count": len(clauses),
        "clauses_sha256": clauses_sha256(clauses),
        # which clauses are also embedded sentence by sentence: an index built with other units is stale
        "sentence_units_over": SENTENCE_UNITS_OVER,
    }


def build(clauses: list[Clause], embedder: Embedder, wanted: dict, progress: bool = False) -> ClauseIndex:
    started = time.perf_counter()
    vectors, owners = embed_clauses(clauses, embedder, progress=progress)
    if vectors.shape != (len(owners), embedder.dim):
        raise ValueError(f"embedder returned shape {vectors.shape}, expected {(len(owners), embedder.dim)}")
    dense = make_dense_index(vectors)
    bm25 = build_bm25(clauses)
    manifest = dict(wanted)
    manifest["unit_count"] = int(len(owners))
    manifest["index_type"] = index_type(dense)
    if bm25 is not None:
        manifest["bm25s_version"] = bm25.params.get("version")
    manifest["built_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    manifest["build_seconds"] = round(time.perf_counter() - started, 3)
    return ClauseIndex(list(clauses), vectors, owners, dense, bm25, manifest)


def save(index: ClauseIndex, directory: Path) -> None:
    def write(tmp: Path) -> None:
        np.save(tmp / "vectors.npy", index.vectors, allow_pickle=False)
        np.save(tmp / "owners.npy", index.owners, allow_pickle=False)
        faiss.write_index(index.dense, str(tmp / "dense.faiss"))
        if index.bm25 is not None:
            index.bm25.save(tmp / "bm25")
        write_clauses(tmp / "clauses.jsonl", index.clauses)

    index.manifest = publish(directory, index.manifest, write, expected_files(len(index.clauses)))


def load(directory: Path, clauses: list[Clause], wanted: dict) -> ClauseIndex:
    """Load a stored index, or raise IndexUnusable saying why it cannot be trusted."""
    directory = Path(directory)
    n, dim = wanted["clause_count"], wanted["dim"]
    manifest = verified_manifest(directory, wanted, expected_files(n))
    try:
        vectors = np.load(directory / "vectors.npy", allow_pickle=False)
        owners = np.load(directory / "owners.npy", allow_pickle=False)
        dense = faiss.read_index(str(directory / "dense.faiss"))
        bm25 = StoredBM25.load(directory / "bm25") if n else None
    except Exception as exc:  # any reader failure means the files are not what the manifest promised
        raise IndexUnusable(f"index files unreadable ({exc.__class__.__name__}: {exc})") from exc
    m = manifest.get("unit_count")
    if vectors.shape != (m, dim) or vectors.dtype != np.float32:
        raise IndexUnusable(f"vectors have shape {vectors.shape}, expected {(m, dim)}")
    # (np.bincount rather than np.unique, which imports numpy.ma: 20-60 ms of a start-up)
    if owners.shape != (m,) or (m and (owners.min() < 0 or owners.max() >= n)) or (
        np.count_nonzero(np.bincount(owners, minlength=n)) != n
    ):
        raise IndexUnusable("owners.npy does not map the units onto the clauses")
    if dense.ntotal != m or dense.d != dim:
        raise IndexUnusable(f"faiss index holds {dense.ntotal}×{dense.d}, expected {m}×{dim}")
    if bm25 is not None and bm25.scores["num_docs"] != n:
        raise IndexUnusable("bm25 index document count does not match")
    if isinstance(dense, faiss.IndexHNSW):
        dense.hnsw.efSearch = HNSW_EF_SEARCH
    return ClauseIndex(list(clauses), vectors, owners, dense, bm25, manifest)


def open_index(
    directory: Path,
    clauses: list[Clause],
    embedder: Embedder,
    wanted: dict,
    *,
    progress: bool = False,
    rebuild: bool = False,
) -> ClauseIndex:
    """The stored index if it matches `wanted`, else a fresh build saved in its place."""
    remove_leftovers(directory)
    if rebuild:
        log.info("building index at %s: rebuild requested", directory)
    else:
        try:
            return load(directory, clauses, wanted)
        except IndexUnusable as exc:
            reason = str(exc)
            level = logging.INFO if reason.startswith("no index") else logging.WARNING
            log.log(level, "building index at %s: %s", directory, reason)
    index = build(clauses, embedder, wanted, progress=progress)
    try:
        save(index, directory)
    except OSError as exc:
        # A read-only checkout can still answer questions; it just rebuilds next time.
        log.warning("could not save index at %s (%s); using it from memory", directory, exc)
    return index
