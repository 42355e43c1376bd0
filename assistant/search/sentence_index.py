"""Embeddings of every quotable sentence, stored like the clause index (variant "sentences").

The composer ranks sentences inside retrieved clauses by meaning as well as by shared words,
so paraphrased questions still land on the sentence that answers them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

import numpy as np

from assistant.search.embed import encode_documents
from assistant.report.glossary import acronyms, expand
from assistant.records import Clause
from assistant.search.retrieve import HybridRetriever, open_retriever
from assistant.report.sentences import Unit, clause_units
from assistant.settings import Settings

VARIANT = "sentences"
QUERY_CACHE = 256


def sentence_clauses(clauses: list[Clause], source: str) -> list[Clause]:
    """Each unit as a pseudo-clause that keeps its parent's label and heading (the context it is embedded with);
    acronyms the report defines are spelled out beside it ("The IEG met…" also reads "Informal Experts Group")."""
    glossary = acronyms(source)
    out = []
    for clause in clauses:
        for unit in clause_units(clause, source):
            out.append(
                replace(
                    clause,
                    id=f"{clause.id}@{unit.start}",
                    text=expand(unit.text, glossary),
                    start=unit.start,
                    end=unit.end,
                    kind="sentence",
                    parent=clause.id,
                    footnotes=(),
                    refs=(),
                    tokens=0,
                )
            )
    return out


class QueryCachingEmbedder:
    """Wraps an embedder so one query is encoded once, however many indexes search with it.

    Safe to share between request threads; passages being indexed go straight to the inner embedder.
    """

    def __init__(self, inner, size: int = QUERY_CACHE):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.encode(texts)
        text = texts[0]
        with self._lock:
            vectors = self._cache.get(text)
            if vectors is not None:
                self._cache.move_to_end(text)
                return vectors
        vectors = self.inner.encode(texts)  # outside the lock: other requests need not wait for this one
        with self._lock:
            self._cache[text] = vectors
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vectors

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return encode_documents(self.inner, texts, progress=progress)

    def plan(self, texts: list[str] | None) -> None:
        if hasattr(self.inner, "plan"):
            self.inner.plan(texts)

    def prepare(self, rebuild: bool = False) -> None:
        if hasattr(self.inner, "prepare"):
            self.inner.prepare(rebuild=rebuild)


class IndexedSentenceVectors:
    """Sentence vectors for the composer, plus hybrid search over sentences."""

    def __init__(self, retriever: HybridRetriever):
        self.retriever = retriever
        self._vectors = retriever.index.vectors
        self._rows = {(c.start, c.end): i for i, c in enumerate(retriever.clauses)}

    def unit_vector(self, unit: Unit) -> np.ndarray | None:
        row = self._rows.get((unit.start, unit.end))
        return None if row is None else self._vectors[row]

    def query_vector(self, text: str) -> np.ndarray:
        return np.asarray(self.retriever.embedder.encode([text])[0], dtype=np.float32)

    def search(self, query: str, k: int, filters=None) -> list[tuple[str, int, int, float]]:
        """(parent clause id, start, end, fused score) of the best-matching sentences."""
        return [(h.clause.parent, h.clause.start, h.clause.end, h.score) for h in self.retriever.search(query, k, filters)]


def open_sentence_vectors(
    settings: Settings,
    clauses: list[Clause],
    source: str,
    embedder,
    *,
    units: list[Clause] | None = None,
    progress: bool = False,
    rebuild: bool = False,
) -> IndexedSentenceVectors:
    """The sentence index over `units` (`sentence_clauses(clauses, source)` unless given)."""
    if units is None:
        units = sentence_clauses(clauses, source)
    retriever = open_retriever(
        settings, units, source, embedder=embedder, progress=progress, rebuild=rebuild, variant=VARIANT
    )
    return IndexedSentenceVectors(retriever)
