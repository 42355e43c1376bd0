"""Report text → citable clauses with exact raw spans. Pure; `load_clauses` adds the file reading."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import replace

from assistant.errors import AssistantError, ReportError
from assistant.report.parse_generic import Draft, scan_lines
from assistant.report.parse_wtpf import StructuredParser
from assistant.report.read_report import read_report
from assistant.records import Clause, Footnote
from assistant.report.refs import resolve_references
from assistant.textnorm import count_tokens

# Bump whenever the clauses produced for the same text change (the index manifest rebuilds on it).
PARSER_VERSION = "1.4.0"

_MIN_WORDS = 4
# A paragraph that opens with its own number or letter ("1.", "(b)", "iv)") is report structure.
_NUMBERED = re.compile(r"\s*(?:[·•]\s*)?\(?(?:\d{1,3}|[a-z]|[ivxl]{1,6})[.)]\s", re.IGNORECASE)

log = logging.getLogger(__name__)


def parse_report(text: str) -> list[Clause]:
    """Clauses of a report: the WTPF structure where recognised, generic paragraphs elsewhere."""
    if not text or not text.strip():
        raise ReportError("no recognizable structure: the text is empty")
    lines = scan_lines(text)
    drafts = StructuredParser(lines).run()
    if not any(len(re.findall(r"[^\W\d_]{2,}", d.clean)) >= _MIN_WORDS for d in drafts):
        raise ReportError("no recognizable structure: no headings, clauses or paragraphs of prose were found")
    clauses = [_finish(d) for d in drafts]
    return _with_refs(clauses)


def load_clauses(path: str | os.PathLike, max_bytes: int | None = None, strict: bool = False) -> list[Clause]:
    """Read and parse a report file; errors name the file."""
    text = read_report(path, max_bytes)
    try:
        clauses = parse_report(text)
    except ReportError as exc:
        raise ReportError(f"{path}: {exc}") from None
    check_structure(text, clauses, path, strict)
    return clauses


def load_report(settings) -> tuple[str, list[Clause]]:
    """The report named by `settings` and its clauses: the stored parse (with its token counts) while the report
    and the code are unchanged, else a fresh one; its structure checked. Errors name the file."""
    from assistant.artifacts import stored_parse

    source = read_report(settings.corpus_path, settings.max_corpus_bytes)
    try:
        clauses = stored_parse(settings.index_dir / "parsed", source, parse_report)
    except AssistantError as exc:
        raise type(exc)(f"{settings.corpus_path}: {exc}") from None
    check_structure(source, clauses, settings.corpus_path, settings.strict)
    return source, clauses


def structure_problem(text: str, clauses: list[Clause]) -> str | None:
    """Why the text does not look like a report (no heading, numbered paragraph, clause, table or signature)."""
    if any(c.kind != "paragraph" for c in clauses):
        return None
    if any(_NUMBERED.match(text, c.start) for c in clauses):
        return None
    count = len(clauses)
    return (
        f"no recognisable report structure: {count} plain paragraph{'s' if count != 1 else ''} with no headings, "
        "numbered paragraphs, clauses or tables; answers will cite it paragraph by paragraph"
    )


def check_structure(text: str, clauses: list[Clause], name, strict: bool) -> None:
    """Warn about a file with no recognisable report structure; with `strict`, refuse it."""
    problem = structure_problem(text, clauses)
    if problem is None:
        return
    if strict:
        raise ReportError(f"{name}: {problem} (refused because of --strict)")
    log.warning("%s: %s", name, problem)


def _finish(draft: Draft) -> Clause:
    footnotes: dict[int, Footnote] = {}
    for line in draft.lines:
        for note in line.footnotes:
            footnotes.setdefault(note.number, note)
    text = draft.clean
    return Clause(
        id=draft.id,
        label=draft.label,
        text=text,
        start=draft.lines[0].start,
        end=draft.lines[-1].end,
        kind=draft.kind,
        part=draft.part,
        heading=draft.heading,
        opinion=draft.opinion,
        opinion_title=draft.opinion_title,
        section=draft.section,
        working_group=draft.working_group,
        parent=draft.parent,
        footnotes=tuple(footnotes.values()),
        tokens=count_tokens(text),
    )


def _with_refs(clauses: list[Clause]) -> list[Clause]:
    """Fill `refs` with the clauses each clause names, minus itself and its own ancestors."""
    by_id = {c.id: c for c in clauses}
    out = []
    for clause in clauses:
        own = {clause.id}
        parent = clause.parent
        while parent and parent not in own:
            own.add(parent)
            parent = by_id[parent].parent if parent in by_id else None
        refs = [r for r in resolve_references(clause.text, clauses, clause.opinion) if r not in own]
        out.append(replace(clause, refs=tuple(refs)) if refs else clause)
    return out
