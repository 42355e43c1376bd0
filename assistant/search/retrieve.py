"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused, plus a boost for places the query names."""

from __future__ import annotations

import hashlib
import heapq
import logging
import re
from collections.abc import Mapping, Sequence

import faiss
import numpy as np

from assistant.search.embed import Embedder, make_embedder
from assistant.search.index_store import ClauseIndex, bm25_tokens, identity, open_index
from assistant.records import Clause, Filters, Hit
from assistant.search.route import Places, Route, route_query, route_scores
from assistant.settings import Settings
from assistant.textnorm import clean_input

log = logging.getLogger("assistant.search.retrieve")

# Each ranked list contributes candidates to fusion down to this depth.
CANDIDATE_DEPTH = 100
# Route boost in units of one list's top score (1/(rrf_k+1) for RRF, 1.0 for weighted fusion), times the
# squared route score: a named clause (1.0) all but decides the top rank, a named section (~0.55 here)
# counts for less than one list's top rank, a whole opinion (~0.35) only breaks near-ties.
ROUTE_WEIGHT = 2.5
# Clauses in a named place at least this specific join the candidates even if no list ranked them.
ROUTE_CANDIDATE = 0.5
# Headings are structure: their words already lead every passage below them, and a bare "recognizing"
# is no answer, so they are indexed (ids stay aligned) but never returned.
SKIP_KINDS = frozenset({"heading"})


def rrf_fuse(rankings: Sequence[Sequence[int]], k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) for every item it ranks (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def minmax(scores: Mapping[int, float]) -> dict[int, float]:
    """Scale to [0, 1]; a list whose scores are all equal maps to 1.0 (it cannot tell its items apart)."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo <= 1e-12:
        return {item: 1.0 for item in scores}
    return {item: (s - lo) / (hi - lo) for item, s in scores.items()}


def weighted_fuse(dense: Mapping[int, float], sparse: Mapping[int, float], dense_weight: float = 0.5) -> dict[int, float]:
    """Convex mix of min-max-normalized scores; an item missing from a list gets 0 from it."""
    d, s = minmax(dense), minmax(sparse)
    return {
        item: dense_weight * d.get(item, 0.0) + (1.0 - dense_weight) * s.get(item, 0.0)
        for item in set(d) | set(s)
    }


def strong_prefix(scores: Sequence[float], min_share: float, keep: int) -> int:
    """How many of `scores` (best first) to return: at least `keep`, then while a score reaches `min_share`
    of the best. A weak tail adds characters of context, not evidence."""
    if not scores:
        return 0
    floor = min_share * scores[0]
    n = min(keep, len(scores))
    while n < len(scores) and scores[n] >= floor:
        n += 1
    return n


class HybridRetriever:
    """Search one clause index; `search` is safe for any string."""

    def __init__(self, index: ClauseIndex, embedder: Embedder, settings: Settings, *, route_weight: float = ROUTE_WEIGHT):
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.fusion = settings.fusion
        self.rrf_k = settings.rrf_k
        self.dense_weight = settings.dense_weight
        self.route_weight = route_weight
        self.places = Places.of(index.clauses)
        self.skipped = np.array([i for i, c in enumerate(index.clauses) if c.kind in SKIP_KINDS], dtype=np.int64)
        self._skip_set = frozenset(self.skipped.tolist())
        self._no_skip: frozenset[int] = frozenset()
        self._skipped_units = int(np.isin(index.owners, self.skipped).sum()) if self.skipped.size else 0
        # Two cores: one thread per query beats OpenMP's hand-off cost at this size.
        faiss.omp_set_num_threads(1)

    @property
    def clauses(self) -> list[Clause]:
        return self.index.clauses

    @property
    def manifest(self) -> dict:
        return self.index.manifest

    def route(self, query: str) -> Route:
        return route_query(query, self.clauses, self.places)

    def _admitted(self, filters: Filters | None) -> np.ndarray | None:
        """Positions that may be returned; None when every clause may (apart from skipped kinds)."""
        if filters is None or filters.empty:
            return None
        return np.array(
            [i for i, c in enumerate(self.clauses) if c.kind not in SKIP_KINDS and filters.admits(c)], dtype=np.int64
        )

    def _dense(self, query: str, admitted: np.ndarray | None, depth: int) -> tuple[list[int], dict[int, float]]:
        """Clauses by their best unit (whole clause or one of its sentences), best first."""
        vector = self.embedder.encode([query]).astype(np.float32, copy=False)
        owners = self.index.owners
        units = len(owners)
        per_clause = units / max(1, len(self.clauses))
        params = None
        if admitted is not None:
            allowed_units = np.flatnonzero(np.isin(owners, admitted)).astype(np.int64)
            selector = faiss.IDSelectorBatch(allowed_units)
            if isinstance(self.index.dense, faiss.IndexHNSW):
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=self.index.dense.hnsw.efSearch)
            else:
                params = faiss.SearchParameters(sel=selector)
            unit_depth = min(len(allowed_units), int(depth * per_clause) + 1)
            skip = self._no_skip
        else:
            skip = self._skip_set
            unit_depth = min(units, int(depth * per_clause) + 1 + self._skipped_units)
        if unit_depth <= 0:
            return [], {}
        scores, ids = self.index.dense.search(vector, unit_depth, params=params)
        best: dict[int, float] = {}
        for unit, score in zip(ids[0].tolist(), scores[0].tolist()):
            if unit < 0:
                continue
            clause = int(owners[unit])
            if clause not in skip and clause not in best:  # hits come best first: the first is the max
                best[clause] = score
        ranking = list(best)[:depth]
        return ranking, {i: best[i] for i in ranking}

    def _bm25(self, tokens: list[str], admitted: np.ndarray | None, depth: int) -> tuple[list[int], dict[int, float]]:
        bm25 = self.index.bm25
        if bm25 is None or not tokens:
            return [], {}
        known = [t for t in tokens if t in bm25.vocab_dict]
        if not known:
            return [], {}
        scores = np.asarray(bm25.get_scores(known), dtype=np.float32)
        if admitted is not None:
            mask = np.full(scores.shape, -np.inf, dtype=np.float32)
            mask[admitted] = 0.0
            scores = scores + mask
        elif self.skipped.size:
            scores[self.skipped] = -np.inf
        positive = np.flatnonzero(scores > 0)  # no shared term: BM25 has nothing to say about the clause
        order = positive[np.argsort(-scores[positive], kind="stable")][:depth]
        return [int(i) for i in order], {int(i): float(scores[i]) for i in order}

    def strong_prefix(self, scores: Sequence[float]) -> int:
        if not self.settings.uses("weak-tail"):
            return len(scores)
        return strong_prefix(scores, self.settings.min_relative_score, self.settings.keep_hits)

    def search(self, query: str, k: int = 5, filters: Filters | None = None, *, cut_weak_tail: bool = True) -> list[Hit]:
        """Top-k clauses for `query` (after `filters`), best first; [] for an empty query.

        With `cut_weak_tail`, hits far weaker than the best are left out (see `Settings.min_relative_score`).
        """
        text = clean_input(query or "")[: self.settings.max_query_chars]
        n = len(self.clauses)
        if not text or not any(ch.isalnum() for ch in text) or n == 0 or k <= 0:
            return []
        admitted = self._admitted(filters)
        if admitted is not None and admitted.size == 0:
            return []
        depth = min(n, max(CANDIDATE_DEPTH, 4 * k))
        dense_rank, dense_score = self._dense(text, admitted, depth)
        bm25_rank, bm25_score = self._bm25(bm25_tokens(text), admitted, depth)
        route = self.route(text)
        routed = route_scores(route, self.clauses, self.places)

        if self.fusion == "weighted":
            fused = weighted_fuse(dense_score, bm25_score, self.dense_weight)
            unit = 1.0
        else:
            fused = rrf_fuse([dense_rank, bm25_rank], self.rrf_k)
            unit = 1.0 / (self.rrf_k + 1)
        if not route.empty:
            allowed = set(admitted.tolist()) if admitted is not None else None
            skipped = self._skip_set
            # A clause the query points at by name is a candidate even if neither list found it.
            for i in np.flatnonzero(routed >= ROUTE_CANDIDATE):
                i = int(i)
                if (allowed is None and i not in skipped) or (allowed is not None and i in allowed):
                    fused.setdefault(i, 0.0)
            for i in fused:
                fused[i] += self.route_weight * unit * float(routed[i]) ** 2

        dense_pos = {item: r for r, item in enumerate(dense_rank, start=1)}
        bm25_pos = {item: r for r, item in enumerate(bm25_rank, start=1)}
        # the k best of ~130 candidates (a named Opinion brings all its clauses): a heap, not a full sort
        best = heapq.nsmallest(k, fused.items(), key=lambda kv: (-kv[1], kv[0]))
        if cut_weak_tail:
            best = best[: self.strong_prefix([score for _, score in best])]
        hits = []
        for i, score in best:
            parts = {
                "dense": dense_score.get(i, 0.0),
                "bm25": bm25_score.get(i, 0.0),
                "route": float(routed[i]),
            }
            if i in dense_pos:
                parts["dense_rank"] = float(dense_pos[i])
            if i in bm25_pos:
                parts["bm25_rank"] = float(bm25_pos[i])
            hits.append(Hit(clause=self.clauses[i], score=float(score), parts=parts))
        return hits


def _parser_version() -> str:
    from assistant.report.parse import PARSER_VERSION

    return str(PARSER_VERSION)


def _directory_name(variant: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", variant).strip(".-")
    return safe or "clauses"


def open_retriever(
    settings: Settings,
    clauses: list[Clause],
    corpus_text: str,
    *,
    embedder: Embedder | None = None,
    progress: bool = False,
    rebuild: bool = False,
    variant: str = "clauses",
) -> HybridRetriever:
    """A retriever over `clauses`, from the stored index under `settings.index_dir / variant` when it
    still matches (corpus, parser or variant, model, files), otherwise rebuilt and stored."""
    embedder = embedder or make_embedder(settings)
    parser_version = _parser_version() if variant == "clauses" else variant
    corpus_sha = hashlib.sha256(corpus_text.encode("utf-8")).hexdigest()
    wanted = identity(list(clauses), corpus_sha, parser_version, embedder)
    directory = settings.index_dir / _directory_name(variant)
    index = open_index(directory, list(clauses), embedder, wanted, progress=progress, rebuild=rebuild)
    return HybridRetriever(index, embedder, settings)
