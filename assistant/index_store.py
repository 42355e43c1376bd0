"""The persisted clause index: dense vectors in FAISS plus a BM25 index, as plain files with a manifest.

Layout of one index directory (all written to a temporary directory, then swapped in with os.replace):
  manifest.json   what the index was built from, and a sha256 for every other file
  vectors.npy     float32 (m, dim), L2-normalized: one row per unit (a whole clause, or one of its sentences)
  owners.npy      int32 (m,): the clause position each unit belongs to
  dense.faiss     faiss.write_index of IndexFlatIP over the units (HNSW for large corpora)
  bm25/           bm25s's own save format (numpy arrays + json, no pickle)
  clauses.jsonl   the clauses, one JSON object a line, in index order
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import bm25s
import faiss
import numpy as np

from assistant.embed import Embedder, passage_text
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
EMBED_BATCH = 64
# Clauses longer than this may also be embedded sentence by sentence (max over units at search time).
# Off: on the dev questions it moved recall@5 by under 0.01 while adding ~120 characters of top-5 context.
SENTENCE_UNITS_OVER: int | None = None
_SENTENCE_END = re.compile(r"(?<=[.!?;])[”\"’)]?\s+(?=[“\"(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(?:Mr|Ms|Mrs|Mme|Dr|Prof|St|No|Rev|Res|para|e\.g|i\.e|H\.E|[A-Z])\.$")

# The files an index directory must hold, fixed here rather than read from the manifest: a manifest that
# leaves a file out must not make that file's damage invisible.
CORE_FILES = ("clauses.jsonl", "dense.faiss", "owners.npy", "vectors.npy")
BM25_FILES = tuple(
    f"bm25/{name}"
    for name in ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "params.index.json", "vocab.index.json")
)

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


class IndexUnusable(Exception):
    """The stored index cannot be used as is; the message says why (logged before a rebuild)."""


def bm25_tokens(text: str) -> list[str]:
    """Tokens for BM25, the same for clauses and queries: lowercased words, stopwords out, stemmed."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


def bm25_text(clause: Clause) -> str:
    """What BM25 sees: heading path, label, text and footnotes (named sources live there).

    The heading carries the opinion's title, so "the broadband opinion" finds Opinion 2's clauses.
    """
    notes = " ".join(f.text for f in clause.footnotes)
    return " ".join(x for x in (clause.heading, clause.label, clause.text, notes) if x)


def expected_files(clause_count: int) -> tuple[str, ...]:
    """Relative paths every index over `clause_count` clauses has (no BM25 files for an empty one)."""
    return CORE_FILES + (BM25_FILES if clause_count else ())


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def build_bm25(clauses: list[Clause]) -> bm25s.BM25 | None:
    if not clauses:
        return None
    corpus_tokens = [bm25_tokens(bm25_text(c)) or [""] for c in clauses]
    bm25 = bm25s.BM25()
    bm25.index(corpus_tokens, show_progress=False)
    return bm25


@dataclass
class ClauseIndex:
    """Everything retrieval needs in memory; `manifest` says what it was built from."""

    clauses: list[Clause]
    vectors: np.ndarray  # one row per unit
    owners: np.ndarray  # unit row → clause position
    dense: faiss.Index
    bm25: bm25s.BM25 | None
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


def embed_clauses(clauses: list[Clause], embedder: Embedder, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    texts: list[str] = []
    owners: list[int] = []
    for i, clause in enumerate(clauses):
        units = clause_units(clause)
        texts.extend(units)
        owners.extend([i] * len(units))
    owner_array = np.asarray(owners, dtype=np.int32)
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32), owner_array
    batches = range(0, len(texts), EMBED_BATCH)
    if progress:
        from tqdm import tqdm

        batches = tqdm(batches, desc="embedding clauses", unit="batch", total=len(batches))
    parts = [embedder.encode(texts[i : i + EMBED_BATCH]) for i in batches]
    return np.ascontiguousarray(np.vstack(parts), dtype=np.float32), owner_array


def identity(clauses: list[Clause], corpus_sha256: str, parser_version: str, embedder: Embedder) -> dict:
    """The manifest fields that must match for a stored index to be reused."""
    return {
        "format": INDEX_FORMAT,
        "corpus_sha256": corpus_sha256,
        "parser_version": parser_version,
        "model": embedder.name,
        "dim": int(embedder.dim),
        "faiss_version": faiss.__version__,
        "bm25s_version": bm25s.__version__,
        "clause_count": len(clauses),
        "clauses_sha256": clauses_sha256(clauses),
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
    manifest["built_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    manifest["build_seconds"] = round(time.perf_counter() - started, 3)
    return ClauseIndex(list(clauses), vectors, owners, dense, bm25, manifest)


def save(index: ClauseIndex, directory: Path) -> None:
    """Write to a sibling temp directory, then swap it in, so readers never see a half-written index."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(directory, blocking=True):
        _save_locked(index, directory)


def _save_locked(index: ClauseIndex, directory: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        np.save(tmp / "vectors.npy", index.vectors, allow_pickle=False)
        np.save(tmp / "owners.npy", index.owners, allow_pickle=False)
        faiss.write_index(index.dense, str(tmp / "dense.faiss"))
        if index.bm25 is not None:
            index.bm25.save(str(tmp / "bm25"), show_progress=False)
        with open(tmp / "clauses.jsonl", "w", encoding="utf-8") as fh:
            for clause in index.clauses:
                fh.write(json.dumps(clause.to_dict(), ensure_ascii=False) + "\n")
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        missing = set(expected_files(len(index.clauses))) - {p.relative_to(tmp).as_posix() for p in files}
        if missing:  # a library changed its file names: fail loudly rather than rebuild on every open
            raise ValueError(f"index writer did not produce {', '.join(sorted(missing))}")
        manifest = dict(index.manifest)
        manifest["files"] = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in files}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        trash = None
        if directory.exists():
            trash = directory.parent / f".{directory.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(directory, trash)
        os.replace(tmp, directory)
        index.manifest = manifest
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _differences(stored: dict, wanted: dict) -> list[str]:
    out = []
    for key, value in wanted.items():
        if stored.get(key) != value:
            shown = stored.get(key)
            if isinstance(shown, str) and len(shown) > 16:
                shown = shown[:12] + "…"
            out.append(f"{key} changed (stored {shown!r})")
    return out


def load(directory: Path, clauses: list[Clause], wanted: dict) -> ClauseIndex:
    """Load a stored index, or raise IndexUnusable saying why it cannot be trusted."""
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise IndexUnusable(f"no index at {directory}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise ValueError("not a manifest object")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise IndexUnusable(f"manifest unreadable ({exc.__class__.__name__})") from exc
    diffs = _differences(manifest, wanted)
    if diffs:
        raise IndexUnusable("; ".join(diffs))
    n, dim = wanted["clause_count"], wanted["dim"]
    for rel in expected_files(n):
        digest = manifest["files"].get(rel)
        if not isinstance(digest, str):
            raise IndexUnusable(f"manifest does not vouch for {rel}")
        path = directory / rel
        if not path.is_file():
            raise IndexUnusable(f"{rel} is missing")
        if sha256_file(path) != digest:
            raise IndexUnusable(f"{rel} is corrupted (checksum mismatch)")
    try:
        vectors = np.load(directory / "vectors.npy", allow_pickle=False)
        owners = np.load(directory / "owners.npy", allow_pickle=False)
        dense = faiss.read_index(str(directory / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(directory / "bm25"), load_corpus=False) if n else None
    except Exception as exc:  # any reader failure means the files are not what the manifest promised
        raise IndexUnusable(f"index files unreadable ({exc.__class__.__name__}: {exc})") from exc
    m = manifest.get("unit_count")
    if vectors.shape != (m, dim) or vectors.dtype != np.float32:
        raise IndexUnusable(f"vectors have shape {vectors.shape}, expected {(m, dim)}")
    if owners.shape != (m,) or (m and (owners.min() < 0 or owners.max() >= n)) or len(np.unique(owners)) != n:
        raise IndexUnusable("owners.npy does not map the units onto the clauses")
    if dense.ntotal != m or dense.d != dim:
        raise IndexUnusable(f"faiss index holds {dense.ntotal}×{dense.d}, expected {m}×{dim}")
    if bm25 is not None and int(bm25.scores.get("num_docs", -1)) != n:
        raise IndexUnusable("bm25 index document count does not match")
    if isinstance(dense, faiss.IndexHNSW):
        dense.hnsw.efSearch = HNSW_EF_SEARCH
    return ClauseIndex(list(clauses), vectors, owners, dense, bm25, manifest)


@contextmanager
def _writer_lock(directory: Path, blocking: bool):
    """An exclusive lock on the folder that holds the index, taken while a new version is written and swapped in.

    Yields False when `blocking` is off and another process holds it. The OS releases it if its holder dies,
    so a killed rebuild never leaves it taken; locking the folder itself leaves no lock file behind.
    """
    fd = os.open(directory.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def remove_leftovers(directory: Path) -> int:
    """Delete `.NAME.tmp-*` / `.NAME.old-*` folders a killed rebuild left; skipped while someone is writing."""
    directory = Path(directory)
    if not directory.parent.is_dir():
        return 0
    removed = 0
    try:
        with _writer_lock(directory, blocking=False) as free:
            if not free:
                return 0
            for pattern in (f".{directory.name}.tmp-*", f".{directory.name}.old-*"):
                for path in directory.parent.glob(pattern):
                    shutil.rmtree(path, ignore_errors=True)
                    removed += not path.exists()
    except OSError as exc:  # a read-only checkout: nothing to clean, nothing we could
        log.debug("could not check for leftover index folders beside %s (%s)", directory, exc)
    if removed:
        log.info("removed %d leftover folder(s) of an interrupted index write beside %s", removed, directory)
    return removed


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
