"""Quotable units: the sentences of a clause as exact spans of the report.

A quote must be `source[start:end]` verbatim, so units are cut from the raw span of the clause:
footnote markers and footnote bodies end a unit rather than being quoted, list markers
("1.", "a)", "(iv)", "·") are left out, and table rows are quoted cell by cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.records import Clause
from assistant.textnorm import fold_ws

# Footnote bodies "[3: body]" (may span lines) and layout debris end a unit; a "[footnoteRef:3]" marker
# inside a sentence does not (the quote keeps it verbatim, the clean text drops it).
_CUT = re.compile(r"\[\d+:.*?\]|\[bookmark:[^\]]*\]|\[image:[^\]]*\]", re.S)
_MARKER = re.compile(r"\[footnoteRef:\d+\]")
_LIST_MARKER = re.compile(r"(?:[“\"]?\d{1,3}[.)]|\(?[a-z]\)|\(?[ivx]{1,5}\)|·|•|-)[ \t]+", re.I)
_BOUNDARY = re.compile(r"(?<=[.!?;])(?:\[footnoteRef:\d+\])?[”\"’)]?\s+(?=[“\"(]?[A-Z0-9])")
# Tokens ending in "." that do not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?i:Mr|Ms|Mrs|Mme|Dr|Prof|St|No|Nos|Res|Rev|Dec|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|"
    r"para|paras|art|vs|etc|al|Inc|Ltd|Co|e\.g|i\.e|H\.E|U\.S|U\.K)\.|\b[A-Z]\.)$"
)
_NUMBER_ONLY = re.compile(r"^\W*\d{1,3}\.$")
_DANGLING = re.compile(r"\s*[;,]\s*(?:and|or)?\s*$|\s+(?:and|or)\s*$")
MIN_UNIT_CHARS = 3


def ends_in_abbreviation(text: str) -> bool:
    """`text` ends with a token whose full stop does not end a sentence ("(Rev.", "Mr.", "e.g.")."""
    return _ABBREV.search(text.rstrip("”\"’)")) is not None


@dataclass(frozen=True)
class Unit:
    """One quotable sentence: `source[start:end]` is the quote, `text` its clean form."""

    clause_id: str
    start: int
    end: int
    text: str


def _segments(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of [start, end) between footnote markers/bodies and line breaks."""
    pieces, cursor = [], start
    raw = source[start:end]
    cuts = [(m.start() + start, m.end() + start) for m in _CUT.finditer(raw)]
    for cut_start, cut_end in cuts + [(end, end)]:
        for line_start, line_end in _lines(source, cursor, cut_start):
            pieces.append((line_start, line_end))
        cursor = cut_end
    return pieces


def _lines(source: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    while pos < end:
        nl = source.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        out.append((pos, line_end))
        pos = line_end + 1
    return out


def _trim(source: str, start: int, end: int) -> tuple[int, int]:
    while start < end and source[start].isspace():
        start += 1
    while end > start and source[end - 1].isspace():
        end -= 1
    marker = _LIST_MARKER.match(source, start, end)
    if marker:
        start = marker.end()
        while start < end and source[start].isspace():
            start += 1
    return start, end


def _sentences(source: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in _BOUNDARY.finditer(source, start, end):
        before = source[cursor : match.start()]
        if _ABBREV.search(before.rstrip("”\"’)")) or _NUMBER_ONLY.match(before):
            continue
        spans.append((cursor, match.start()))
        cursor = match.end()
        # keep a closing quote/bracket with the sentence it closes
    spans.append((cursor, end))
    return spans


def clause_units(clause: Clause, source: str) -> list[Unit]:
    """The clause's sentences as exact, non-empty spans of `source`."""
    if clause.kind in ("table-row", "signature"):
        # a row reads as one sentence only in its clean form; quote the whole row
        start, end = _trim(source, clause.start, clause.end)
        return [Unit(clause.id, start, end, clause.text)] if end > start else []
    units = []
    for seg_start, seg_end in _segments(source, clause.start, clause.end):
        seg_start, seg_end = _trim(source, seg_start, seg_end)
        if seg_end - seg_start < MIN_UNIT_CHARS:
            continue
        for s, e in _sentences(source, seg_start, seg_end):
            s, e = _trim(source, s, e)
            # a closing quote or bracket that belonged to the sentence
            if e < seg_end and source[e] in "”\"’)" and source.count("“", s, e) > source.count("”", s, e):
                e += 1
            tail = _DANGLING.search(source, s, e)
            if tail and tail.start() > s:
                e = tail.start()  # "…investment; and" → "…investment"
            text = fold_ws(_MARKER.sub("", source[s:e]))
            if len(text) >= MIN_UNIT_CHARS and any(ch.isalnum() for ch in text):
                units.append(Unit(clause.id, s, e, text))
    return units
