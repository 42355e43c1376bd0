"""Pure metric functions for the evaluation harness: retrieval, answers, latency.

Evidence and facts are verbatim strings, not clause ids, so any chunking of the report is scored against the same
question file. Matching is case-insensitive and ignores differences in whitespace.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.evaluation.questions import Question
from assistant.records import Answer, Citation, Clause, Hit
from assistant.textnorm import fold_ws
from assistant.answer.verify import quote_is_verbatim

Evidence = Sequence[Sequence[str]]  # required pieces, each a list of alternative strings
Span = tuple[int, int]

# Footnote reference markers sit inside the raw report text ("group.[footnoteRef:1] Around"), while evidence is
# written from the clean text, so the locator lets a marker stand wherever whitespace or trailing punctuation may.
_MARK = r"\[footnoteRef:\d+\]"
_SEP = rf"(?:\s|{_MARK})+"
_MARK_RE = re.compile(_MARK)
_TRAILING_PUNCT = re.compile(r"^(.*?)([.,;:!?)\]”\"’']*)$", re.S)


def normalize(text: str) -> str:
    """Case- and whitespace-insensitive form used for containment checks.

    Footnote markers are dropped too: raw-text passages (token windows) keep them, clause text does not.
    """
    return fold_ws(_MARK_RE.sub("", text)).casefold()


def passage_text(clause: Clause) -> str:
    """What a retrieved passage offers as evidence: the clause text plus its footnote texts."""
    return " ".join([clause.text, *(f.text for f in clause.footnotes)])


def contains_any(normalized_passage: str, alternatives: Iterable[str]) -> bool:
    return any(normalize(alt) in normalized_passage for alt in alternatives if normalize(alt))


def evidence_ranks(passages: Sequence[str], evidence: Evidence) -> list[int | None]:
    """For each evidence piece, the 1-based rank of the first passage containing it (None when not retrieved)."""
    normalized = [normalize(p) for p in passages]
    ranks: list[int | None] = []
    for alternatives in evidence:
        rank = next((i for i, p in enumerate(normalized, start=1) if contains_any(p, alternatives)), None)
        ranks.append(rank)
    return ranks


def recall_at(ranks: Sequence[int | None], k: int) -> float | None:
    """Share of evidence pieces found in the top k; None when there is no evidence to find."""
    if not ranks:
        return None
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks)


def reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    """1 / rank of the first passage holding any evidence piece; 0 when none is retrieved."""
    if not ranks:
        return None
    found = [r for r in ranks if r is not None]
    return 1.0 / min(found) if found else 0.0


def context_chars(passages: Sequence[str], k: int) -> int:
    return sum(len(p) for p in passages[:k])


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; None when there are none."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (the numpy default), q in [0, 100]; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


# --- answers -------------------------------------------------------------------------------------------------


def facts_found(answer_text: str, facts: Evidence) -> list[bool]:
    """For each facts group, whether any alternative appears in the answer."""
    normalized = normalize(answer_text)
    return [contains_any(normalized, alternatives) for alternatives in facts]


def fact_recall(answer_text: str, facts: Evidence) -> float | None:
    found = facts_found(answer_text, facts)
    return sum(found) / len(found) if found else None


def valid_citations(source: str, citations: Sequence[Citation]) -> int:
    return sum(1 for c in citations if quote_is_verbatim(source, c))


@lru_cache(maxsize=4096)
def _evidence_pattern(evidence_string: str) -> re.Pattern[str] | None:
    words = evidence_string.split()
    if not words:
        return None
    parts = []
    for word in words:
        core, punct = _TRAILING_PUNCT.match(word).groups()
        part = re.escape(core)
        if punct:
            part += rf"(?:{_MARK})?" + re.escape(punct)
        parts.append(part)
    return re.compile(_SEP.join(parts), re.IGNORECASE)


def locate_evidence(source: str, evidence: Evidence) -> list[Span]:
    """Every `[start, end)` in the source where any evidence alternative occurs."""
    spans: set[Span] = set()
    for alternatives in evidence:
        for alt in alternatives:
            pattern = _evidence_pattern(alt)
            if pattern is not None:
                spans.update(m.span() for m in pattern.finditer(source))
    return sorted(spans)


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def quotes_evidence(citations: Sequence[Citation], evidence_spans: Sequence[Span]) -> bool:
    """Whether some citation's span overlaps a located evidence span."""
    return any(overlaps((c.start, c.end), span) for c in citations for span in evidence_spans)


def share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


# --- aggregates over a question set ---------------------------------------------------------------------------

RECALL_KS = (1, 3, 5, 10)


@dataclass(frozen=True)
class RetrievalScores:
    system: str
    passages: int | None  # size of the index, when known
    scored: int  # answerable questions the recall figures average over
    recall: dict[int, float | None]
    mrr: float | None
    context_chars: float | None  # mean characters in the top k, over all questions
    p50_ms: float | None
    p95_ms: float | None
    micro_recall: float | None = None  # evidence pieces found in the top k over all pieces of all questions


@dataclass(frozen=True)
class AnswerScores:
    fact_recall: float | None
    fact_questions: int  # answerable questions that list facts
    citations_valid: int
    citations_total: int
    evidence_quoted: int
    answerable: int
    abstained_unanswerable: int
    unanswerable: int
    abstained_answerable: int
    p50_ms: float | None
    p95_ms: float | None


def score_retrieval(
    system: str,
    questions: Sequence[Question],
    hits_per_question: Sequence[Sequence[Hit]],
    latencies_ms: Sequence[float],
    k: int,
    passages: int | None = None,
) -> RetrievalScores:
    """Recall@1/3/5/10 and MRR over answerable questions; context size in the top k and latency over all."""
    recalls: dict[int, list[float | None]] = {n: [] for n in RECALL_KS}
    rrs, contexts = [], []
    pieces = found = 0
    for question, hits in zip(questions, hits_per_question):
        texts = [passage_text(h.clause) for h in hits]
        contexts.append(context_chars(texts, k))
        if not question.answerable:
            continue
        ranks = evidence_ranks(texts, question.evidence)
        pieces += len(ranks)
        found += sum(1 for r in ranks if r is not None and r <= k)
        for n in RECALL_KS:
            recalls[n].append(recall_at(ranks, n))
        rrs.append(reciprocal_rank(ranks))
    return RetrievalScores(
        system=system,
        passages=passages,
        scored=sum(1 for v in recalls[RECALL_KS[0]] if v is not None),
        recall={n: mean(values) for n, values in recalls.items()},
        mrr=mean(rrs),
        context_chars=mean(contexts),
        p50_ms=percentile(latencies_ms, 50),
        p95_ms=percentile(latencies_ms, 95),
        micro_recall=found / pieces if pieces else None,
    )


def score_answers(
    source: str, questions: Sequence[Question], answers: Sequence[Answer], latencies_ms: Sequence[float]
) -> AnswerScores:
    answerable = [(q, a) for q, a in zip(questions, answers) if q.answerable]
    unanswerable = [a for q, a in zip(questions, answers) if not q.answerable]
    fact_scores = [fact_recall(a.answer, q.facts) for q, a in answerable if q.facts]
    citations = [c for a in answers for c in a.citations]
    quoted = [quotes_evidence(a.citations, locate_evidence(source, q.evidence)) for q, a in answerable]
    return AnswerScores(
        fact_recall=mean(fact_scores),
        fact_questions=len(fact_scores),
        citations_valid=valid_citations(source, citations),
        citations_total=len(citations),
        evidence_quoted=sum(quoted),
        answerable=len(answerable),
        abstained_unanswerable=sum(1 for a in unanswerable if a.abstained),
        unanswerable=len(unanswerable),
        abstained_answerable=sum(1 for _, a in answerable if a.abstained),
        p50_ms=percentile(latencies_ms, 50),
        p95_ms=percentile(latencies_ms, 95),
    )
