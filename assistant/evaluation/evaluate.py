"""Evaluation harness: score retrieval (and answers) on a question file, print a table or JSON, save per-question rows.

Retrieval is scored for the clause index and, on request, for fixed token-window baselines built from the same
report through the same retriever code, so the systems are compared on the same queries in one run.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from assistant.report.chunking import DEFAULT_OVERLAP, token_windows
from assistant.errors import AssistantError
from assistant.evaluation.metrics import (
    RECALL_KS,
    AnswerScores,
    RetrievalScores,
    evidence_ranks,
    facts_found,
    locate_evidence,
    passage_text,
    quotes_evidence,
    score_answers,
    score_retrieval,
)
from assistant.evaluation.questions import SPLITS, Question, load_questions, split_of
from assistant.records import Answer, Clause, Hit
from assistant.settings import Settings
from assistant.textnorm import clean_input

CHUNKER_FORMS = "tokens:256, tokens:512 (or tokens:N for N in 65..8192)"
MAX_WINDOW = 8192
# Untimed first call per system, so model loading and first-call setup stay out of the latencies; it is not a
# question from the set, so no timed query finds its answer already cached.
WARM_UP = "What does the report say about this topic?"


class Searcher(Protocol):
    def search(self, query: str, k: int = ..., filters: Any = None) -> list[Hit]: ...


class Target(Searcher, Protocol):
    """What the harness needs from the assistant facade."""

    settings: Settings
    source: str
    clauses: Sequence[Clause]

    def ask(self, question: str, history: Sequence[str] = (), filters: Any = None, use_llm: Any = None) -> Answer: ...


RetrieverFactory = Callable[..., Searcher]


@dataclass(frozen=True)
class TypeScores:
    type: str
    questions: int
    retrieval: RetrievalScores
    answers: AnswerScores | None


@dataclass(frozen=True)
class EvalReport:
    questions: int
    answerable: int
    k: int
    systems: tuple[RetrievalScores, ...]
    answers: AnswerScores | None
    rows: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = ()
    by_type: tuple[TypeScores, ...] = ()


def parse_chunkers(spec: str | Sequence[str] | None) -> list[int]:
    """Window sizes from "tokens:256", "tokens:256,tokens:512" or a list of such forms."""
    if not spec:
        return []
    forms = [spec] if isinstance(spec, str) else list(spec)
    sizes: list[int] = []
    for form in (part.strip() for item in forms for part in item.split(",")):
        kind, _, number = form.partition(":")
        if kind.strip().lower() != "tokens" or not number.strip().isdigit():
            raise AssistantError(f"unknown chunker {form!r} (valid: {CHUNKER_FORMS})")
        size = int(number)
        if not DEFAULT_OVERLAP < size <= MAX_WINDOW:
            raise AssistantError(f"chunker window {size} is out of range (valid: {CHUNKER_FORMS})")
        if size not in sizes:
            sizes.append(size)
    return sizes


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000.0


def _progress(items: Sequence, label: str, shown: bool):
    if not shown:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="q", file=sys.stderr, leave=False)


def _ask_one(target: Target, question: Question) -> Answer:
    """Ask as the chat does: each earlier turn is asked in order, and its answer's citations travel with it."""
    try:
        history: list[dict[str, Any]] = []
        for turn in question.history:
            earlier = target.ask(turn, history=list(history))
            history.append({"question": turn, "cited": [c.clause_id for c in earlier.citations]})
        return target.ask(question.question, history=history)
    except AssistantError as exc:
        raise AssistantError(f"question {question.id} (line {question.line}): {exc}") from None


def _search_one(searcher: Searcher, query: str, depth: int, question: Question) -> list[Hit]:
    try:
        return list(searcher.search(query, k=depth))
    except AssistantError as exc:
        raise AssistantError(f"question {question.id} (line {question.line}): {exc}") from None


def _default_factory(settings: Settings, chunks: list[Clause], source: str, *, variant: str) -> Searcher:
    from assistant.search.retrieve import open_retriever

    return open_retriever(settings, chunks, source, variant=variant)


def run_eval(
    assistant: Target,
    questions: Sequence[Question],
    *,
    k: int = 5,
    ask: bool = True,
    chunker: str | Sequence[str] | None = None,
    settings: Settings | None = None,
    retriever_factory: RetrieverFactory | None = None,
    progress: bool = False,
) -> EvalReport:
    """Score every question for every system; `retriever_factory` opens a retriever over given passages."""
    if not 1 <= k <= 100:
        raise AssistantError(f"k={k} is out of range (valid: 1..100)")
    if not questions:
        raise AssistantError("no questions to evaluate")
    sizes = parse_chunkers(chunker)
    settings = settings or assistant.settings
    source = assistant.source
    depth = max(k, *RECALL_KS)
    notes: list[str] = []

    answers: list[Answer] = []
    ask_ms: list[float] = []
    if ask:
        assistant.ask(WARM_UP)
        for question in _progress(questions, "ask", progress):
            answer, elapsed = _timed(lambda q=question: _ask_one(assistant, q))
            answers.append(answer)
            ask_ms.append(elapsed)
        # Follow-ups are retrieved with the facade's rewritten query, the one its answer was built from.
        queries = [a.rewritten_query or clean_input(q.question) for q, a in zip(questions, answers)]
    else:
        queries = [clean_input(q.question) for q in questions]
        with_history = sum(1 for q in questions if q.history)
        if with_history:
            notes.append(f"{with_history} follow-up question(s) were searched without their history (answers off).")

    def search_all(searcher: Searcher, system: str) -> tuple[list[list[Hit]], list[float]]:
        searcher.search(WARM_UP, k=depth)
        hits, latencies = [], []
        for question, query in _progress(list(zip(questions, queries)), f"search {system}", progress):
            found, elapsed = _timed(lambda q=question, text=query: _search_one(searcher, text, depth, q))
            hits.append(found)
            latencies.append(elapsed)
        return hits, latencies

    factory = retriever_factory or _default_factory
    clauses = list(assistant.clauses)
    # The facade caches query embeddings, and asking has just filled that cache with these very queries: search
    # a second instance of the same clause index so retrieval latency is measured on queries it has not seen.
    clause_searcher = factory(settings, clauses, source, variant="clauses") if ask else assistant
    clause_hits, search_ms = search_all(clause_searcher, "clauses")
    systems = [score_retrieval("clauses", questions, clause_hits, search_ms, k, len(clauses))]
    if ask:
        # What the answer shows as its sources: the clauses it was built from first, then the rest of the search.
        answer_hits = [list(a.retrieved) for a in answers]
        systems.insert(0, score_retrieval("answer", questions, answer_hits, ask_ms, k, len(clauses)))
    for size in sizes:
        chunks = token_windows(source, size, DEFAULT_OVERLAP)
        hits, latencies = search_all(factory(settings, chunks, source, variant=f"tokens-{size}"), f"tokens:{size}")
        systems.append(score_retrieval(f"tokens:{size}", questions, hits, latencies, k, len(chunks)))

    shown_hits = [list(a.retrieved) for a in answers] if ask else clause_hits
    rows = [
        _row(source, q, shown_hits[i], k, ask_ms[i] if ask else search_ms[i], answers[i] if ask else None)
        for i, q in enumerate(questions)
    ]
    answer_scores = score_answers(source, questions, answers, ask_ms) if ask else None
    by_type = _by_type(source, questions, shown_hits, answers if ask else None, k)
    unlocated = [q.id for q in questions if q.answerable and not locate_evidence(source, q.evidence)]
    if unlocated:
        notes.append(f"evidence not found verbatim in the report for: {', '.join(unlocated)}")
    return EvalReport(
        questions=len(questions),
        answerable=sum(1 for q in questions if q.answerable),
        k=k,
        systems=tuple(systems),
        answers=answer_scores,
        rows=tuple(rows),
        notes=tuple(notes),
        by_type=by_type,
    )


def standalone_rewrites(target: Target, questions: Sequence[Question]) -> tuple[int, int, list[str]]:
    """Each question that stands alone, asked right after the one before it in the file (an unrelated
    question, as in a chat): how many are read differently from when asked alone. Returns (rewritten,
    asked, ids rewritten)."""
    standalone = [q for q in questions if not q.history]
    rewritten: list[str] = []
    for before, question in zip(standalone, standalone[1:]):
        answer = target.ask(question.question, history=[before.question])
        if getattr(answer, "read_as", None):
            rewritten.append(question.id)
    return len(rewritten), max(0, len(standalone) - 1), rewritten


def _by_type(
    source: str, questions: Sequence[Question], hits: Sequence[Sequence[Hit]], answers: Sequence[Answer] | None, k: int
) -> tuple[TypeScores, ...]:
    """Every metric per question type (the question file's `type` field), when the file has types."""
    kinds = sorted({q.type for q in questions if q.type})
    if not kinds:
        return ()
    out = []
    for kind in kinds:
        picked = [i for i, q in enumerate(questions) if q.type == kind]
        qs = [questions[i] for i in picked]
        retrieval = score_retrieval(kind, qs, [hits[i] for i in picked], [0.0] * len(qs), k)
        answer_scores = score_answers(source, qs, [answers[i] for i in picked], [0.0] * len(qs)) if answers else None
        out.append(TypeScores(kind, len(qs), retrieval, answer_scores))
    return tuple(out)


def _row(
    source: str, question: Question, hits: Sequence[Hit], k: int, latency_ms: float, answer: Answer | None
) -> dict[str, Any]:
    """One line of the results file, with the checks behind the scores so misses can be read off it."""
    row: dict[str, Any] = {"id": question.id, "question": question.question}
    if question.history:
        row["history"] = list(question.history)
    row["retrieved"] = [h.to_dict() for h in hits[:k]]
    row["latency_ms"] = round(latency_ms, 3)
    checks: dict[str, Any] = {
        "evidence_ranks": evidence_ranks([passage_text(h.clause) for h in hits], question.evidence)
    }
    if answer is not None:
        row.update(
            answer=answer.answer,
            citations=[c.to_dict() for c in answer.citations],
            abstained=answer.abstained,
            rewritten_query=answer.rewritten_query,
        )
        checks["facts_found"] = facts_found(answer.answer, question.facts)
        checks["evidence_quoted"] = quotes_evidence(answer.citations, locate_evidence(source, question.evidence))
    row["checks"] = checks
    return row


# --- output --------------------------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(part: int, whole: int) -> str:
    return "n/a" if not whole else f"{part / whole:.3f} ({part}/{whole})"


def _percent(part: int, whole: int) -> str:
    """A percentage that shows 100% only when every item passes (never rounded up to it)."""
    if not whole:
        return "n/a (no citations)"
    if part == whole:
        return f"100% ({part}/{whole})"
    return f"{int(part / whole * 1000) / 10:.1f}% ({part}/{whole})"


def _aligned(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:]))]).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def format_table(report: EvalReport) -> str:
    k = report.k
    lines = [
        f"Retrieval: {report.questions} questions, {report.answerable} answerable "
        f"(recall and MRR over answerable; context over all), k={k}"
    ]
    headers = ["system", "passages", "R@1", "R@3", "R@5", "R@10", "MRR", f"ctx chars@{k}", "p50 ms", "p95 ms"]
    rows = [
        [
            s.system,
            "?" if s.passages is None else str(s.passages),
            *(_num(s.recall[n]) for n in RECALL_KS),
            _num(s.mrr),
            "n/a" if s.context_chars is None else f"{s.context_chars:,.0f}",
            _num(s.p50_ms, 1),
            _num(s.p95_ms, 1),
        ]
        for s in report.systems
    ]
    lines += _aligned(headers, rows)
    a = report.answers
    if a is not None:
        answer_lines = [
            ("fact recall", f"{_num(a.fact_recall)} (over {a.fact_questions} answerable questions with facts)"),
            ("citation validity", _percent(a.citations_valid, a.citations_total)),
            ("evidence quoted", _ratio(a.evidence_quoted, a.answerable)),
            ("abstention accuracy (unanswerable)", _ratio(a.abstained_unanswerable, a.unanswerable)),
            ("false abstentions (answerable)", _ratio(a.abstained_answerable, a.answerable)),
            ("ask latency p50 / p95 ms", f"{_num(a.p50_ms, 1)} / {_num(a.p95_ms, 1)}"),
        ]
        lines += ["", "Answers", *(f"{name:<36}{value}" for name, value in answer_lines)]
    if report.by_type:
        lines += ["", f"By type (recall over {report.systems[0].system} passages)"]
        headers = ["type", "n", f"R@{k}", f"micro R@{k}", "facts", "abstained ok", "false abst."]
        rows = []
        for t in report.by_type:
            ta = t.answers
            rows.append([
                t.type,
                str(t.questions),
                _num(t.retrieval.recall[5] if k == 5 else t.retrieval.recall.get(k)),
                _num(t.retrieval.micro_recall),
                _num(ta.fact_recall) if ta else "n/a",
                f"{ta.abstained_unanswerable}/{ta.unanswerable}" if ta and ta.unanswerable else "-",
                f"{ta.abstained_answerable}/{ta.answerable}" if ta and ta.answerable else "-",
            ])
        lines += _aligned(headers, rows)
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def report_to_json(report: EvalReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "questions": report.questions,
        "answerable": report.answerable,
        "k": report.k,
        "retrieval": {
            s.system: {
                "passages": s.passages,
                "scored": s.scored,
                **{f"recall@{n}": _rounded(s.recall[n]) for n in RECALL_KS},
                "mrr": _rounded(s.mrr),
                f"context_chars@{report.k}": _rounded(s.context_chars, 1),
                "latency_p50_ms": _rounded(s.p50_ms, 3),
                "latency_p95_ms": _rounded(s.p95_ms, 3),
            }
            for s in report.systems
        },
        "answers": None,
        "notes": list(report.notes),
    }
    for s in report.systems:
        data["retrieval"][s.system][f"micro_recall@{report.k}"] = _rounded(s.micro_recall)
    if report.by_type:
        data["by_type"] = {
            t.type: {
                "questions": t.questions,
                f"recall@{report.k}": _rounded(t.retrieval.recall.get(report.k)),
                f"micro_recall@{report.k}": _rounded(t.retrieval.micro_recall),
                "fact_recall": _rounded(t.answers.fact_recall) if t.answers else None,
                "abstained_unanswerable": t.answers.abstained_unanswerable if t.answers else None,
                "unanswerable": t.answers.unanswerable if t.answers else None,
                "abstained_answerable": t.answers.abstained_answerable if t.answers else None,
                "answerable": t.answers.answerable if t.answers else None,
            }
            for t in report.by_type
        }
    a = report.answers
    if a is not None:
        data["answers"] = {
            "fact_recall": _rounded(a.fact_recall),
            "fact_questions": a.fact_questions,
            "citation_validity": _rounded(a.citations_valid / a.citations_total) if a.citations_total else None,
            "citations_valid": a.citations_valid,
            "citations_total": a.citations_total,
            "evidence_quoted": _rounded(a.evidence_quoted / a.answerable) if a.answerable else None,
            "abstention_accuracy": _rounded(a.abstained_unanswerable / a.unanswerable) if a.unanswerable else None,
            "false_abstention_rate": _rounded(a.abstained_answerable / a.answerable) if a.answerable else None,
            "answerable": a.answerable,
            "unanswerable": a.unanswerable,
            "latency_p50_ms": _rounded(a.p50_ms, 3),
            "latency_p95_ms": _rounded(a.p95_ms, 3),
        }
    return data


def write_results(path: str | Path, rows: Sequence[dict[str, Any]]) -> None:
    """One JSON line per question, written to a temp file beside `path` and moved into place."""
    path = Path(path)
    if not path.parent.is_dir():
        raise AssistantError(f"{path}: the folder for the results file does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise AssistantError(f"{path}: cannot write results ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise AssistantError(f"{path}: cannot write results ({exc.strerror or exc})") from None
        raise


def run_eval_command(
    path: str | Path,
    *,
    k: int = 5,
    results: str | Path | None = None,
    as_json: bool = False,
    chunker: str | Sequence[str] | None = None,
    ask: bool = True,
    settings: Settings | None = None,
    split: str | None = None,
    standalone_check: bool = False,
) -> int:
    """`assistant eval`: print the table (or JSON); 0 on success, 2 with a one-line message on bad input."""
    try:
        parse_chunkers(chunker)  # reject a bad form before loading anything
        if not 1 <= k <= 100:
            raise AssistantError(f"--k {k} is out of range (valid: 1..100)")
        if results is not None and not Path(results).parent.is_dir():
            raise AssistantError(f"{results}: the folder for the results file does not exist")
        questions = load_questions(path)
        if split:
            if split not in SPLITS:
                raise AssistantError(f"unknown split {split!r} (valid: {', '.join(SPLITS)})")
            questions = [q for q in questions if split_of(q.id) == split]
            if not questions:
                raise AssistantError(f"{path}: no questions in the {split} split")
        from assistant.service import Assistant

        shown = sys.stderr.isatty()
        target = Assistant.load(settings, progress=shown)
        report = run_eval(target, questions, k=k, ask=ask, chunker=chunker, settings=settings, progress=shown)
        if results is not None:
            write_results(results, report.rows)
        if standalone_check:
            count, asked, ids = standalone_rewrites(target, questions)
            note = f"standalone questions rewritten when asked after another: {count} of {asked}"
            report = replace(report, notes=(*report.notes, note + (f" ({', '.join(ids)})" if ids else "")))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(report_to_json(report), indent=2, ensure_ascii=False))
    else:
        print(format_table(report))
    return 0
