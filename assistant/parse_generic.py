"""The line model every parser works on, plus the shape rules shared by the structured and fallback parsers.

A *line* is one physical line of the report, except that a footnote body `[N: …]` spanning several physical
lines is kept inside the line that opens it. Non-content (page headers, rules, image and bookmark markers)
is recognised here, once, so that the coverage test and the parsers agree on what counts as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.records import Footnote
from assistant.textnorm import fold_ws

FOOTNOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")
FOOTNOTE_BODY = re.compile(r"\[(\d+):[ \t](.*?)\]", re.DOTALL)
INLINE_NOISE = re.compile(r"\[image:[^\]\n]*\]|\[bookmark:[^\]\n]*\]")
RULE_LINE = re.compile(r"^[ \t]*_{3,}[ \t]*$")
# A running page header such as "Geneva, 14-16 May 2013" standing alone on its line.
PAGE_HEADER = re.compile(
    r"^[ \t]*[A-Z][A-Za-z .'’-]{1,40},[ \t]+\d{1,2}(?:[ \t]*[-–][ \t]*\d{1,2})?[ \t]+[A-Z][a-z]+[ \t]+\d{4}[ \t]*$"
)
BULLET = re.compile(r"^[·•▪◦][ \t]*")
HONORIFIC = re.compile(r"^(?:Mr|Ms|Mrs|Miss|Dr|Prof|H\.\s?E\.?)\b\.?\s")


@dataclass(frozen=True)
class Line:
    """One logical line: `[start, end)` runs from its first to its last content character."""

    start: int
    end: int
    clean: str  # footnote markers/bodies and inline noise removed, whitespace folded
    indented: bool  # the physical line began with a tab (table cells, section phrases)
    blank_before: bool  # a blank or non-content line precedes it
    rule_before: bool  # a `____` rule precedes it (since the previous content line)
    footnotes: tuple[Footnote, ...] = ()


def non_content_spans(text: str) -> list[tuple[int, int]]:
    """Spans that are not content: inline image/bookmark markers, `____` rules, running page headers."""
    spans = [(m.start(), m.end()) for m in INLINE_NOISE.finditer(text)]
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        if RULE_LINE.match(body) or PAGE_HEADER.match(body):
            spans.append((pos, pos + len(body)))
        pos += len(raw)
    return sorted(spans)


def clean_text(raw: str) -> str:
    """Clause text from raw report text: footnote markers, bodies and inline noise removed, whitespace folded."""
    raw = FOOTNOTE_BODY.sub(" ", raw)
    raw = FOOTNOTE_REF.sub("", raw)
    raw = INLINE_NOISE.sub(" ", raw)
    return fold_ws(raw)


def scan_lines(text: str) -> list[Line]:
    """Split the report into logical content lines (see module docstring)."""
    bodies = {int(m.group(1)): fold_ws(m.group(2)) for m in FOOTNOTE_BODY.finditer(text)}
    body_spans = [(m.start(), m.end()) for m in FOOTNOTE_BODY.finditer(text)]
    noise = [(m.start(), m.end()) for m in INLINE_NOISE.finditer(text)]
    lines: list[Line] = []
    blank = rule = False
    pos, n = 0, len(text)
    while pos < n:
        end = _line_end(text, pos, body_spans)
        raw = text[pos:end]
        is_rule = bool(RULE_LINE.match(raw))
        if is_rule or PAGE_HEADER.match(raw) or not clean_text(raw):
            blank = True
            rule = rule or is_rule
        else:
            first, last = _content_bounds(text, pos, end, noise)
            refs = [int(m.group(1)) for m in FOOTNOTE_REF.finditer(raw)]
            footnotes = tuple(Footnote(k, bodies[k]) for k in dict.fromkeys(refs) if k in bodies)
            lines.append(Line(first, last, clean_text(raw), raw[:1] == "\t", blank, rule, footnotes))
            blank = rule = False
        pos = end + 2 if text.startswith("\r\n", end) else end + 1
    return lines


def _line_end(text: str, pos: int, body_spans: list[tuple[int, int]]) -> int:
    """End of the physical line at `pos`, extended when a footnote body crosses the line break."""
    end = _next_break(text, pos)
    for b_start, b_end in body_spans:
        if b_start < end < b_end:
            end = _next_break(text, b_end)
    return end


_BREAK = re.compile(r"[\r\n]")


def _next_break(text: str, pos: int) -> int:
    m = _BREAK.search(text, pos)
    return m.start() if m else len(text)


def _content_bounds(text: str, start: int, end: int, noise: list[tuple[int, int]]) -> tuple[int, int]:
    def is_content(i: int) -> bool:
        return not text[i].isspace() and not any(a <= i < b for a, b in noise)

    first = next(i for i in range(start, end) if is_content(i))
    last = next(i for i in range(end - 1, start - 1, -1) if is_content(i))
    return first, last + 1


@dataclass
class Draft:
    """A clause under construction; `lines` give its span and text."""

    id: str
    label: str
    kind: str
    part: str
    lines: list[Line] = field(default_factory=list)
    heading: str = ""
    opinion: int | None = None
    opinion_title: str | None = None
    section: str | None = None
    working_group: int | None = None
    parent: str | None = None
    strip_prefix: re.Pattern | None = None  # printed list marker removed from the text
    strip_bullets: bool = False  # bullets removed from every line (Part I paragraphs and their lists)
    text: str | None = None  # set when the text is composed (table rows)

    @property
    def clean(self) -> str:
        if self.text is not None:
            return self.text
        parts = (BULLET.sub("", line.clean) if self.strip_bullets else line.clean for line in self.lines)
        joined = fold_ws(" ".join(parts))
        if self.strip_prefix is not None:
            joined = self.strip_prefix.sub("", joined, count=1)
        return joined

    @property
    def last_clean(self) -> str:
        return self.lines[-1].clean if self.lines else ""


# --- shape rules for running paragraphs (Part I prose, Working Group reports, fallback) -------------------

LIST_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[a-z]{1,4}\)|\([a-z0-9]{1,4}\))\s")
_QUOTE_START = re.compile(r"^[“\"‘]")


def quote_open(text: str) -> bool:
    """An opening curly quote whose closing quote has not come yet."""
    return text.count("“") > text.count("”")


def is_short_list_entry(line: str, previous: str) -> bool:
    """A line that reads as an entry of a list introduced by a colon (names, titles), not a new paragraph."""
    if len(line) > 160 or line.rstrip().endswith(":"):
        return False  # a line ending in a colon introduces a list of its own
    head = line.split(":", 1)[0]
    if ":" in line and len(head) <= 40:
        return True  # "Draft Opinion 1: Promoting IXPs …"
    if not line.rstrip().endswith("."):
        return True
    return bool(re.search(r"(?:;|\band|\bor)\s*$", previous))  # "…(Gabon); and" → the last entry follows


def continues_paragraph(line: Line, para_lines: list[Line], list_mode: bool) -> bool:
    """Whether `line` belongs to the running paragraph (quoted text, colon lists) rather than starting one."""
    if not para_lines:
        return False
    previous = para_lines[-1].clean
    joined = " ".join(item.clean for item in para_lines)
    if quote_open(joined):
        return True
    if line.clean[:1].islower() or _QUOTE_START.match(line.clean) or LIST_MARKER.match(line.clean):
        return True
    return list_mode and is_short_list_entry(line.clean, previous)


def is_signature(line: Line, following: Line | None) -> bool:
    """A chair's signature: a short name with an honorific, then (optionally) a short title line."""
    if not HONORIFIC.match(line.clean) or len(line.clean) > 60 or line.clean.endswith("."):
        return False
    return following is None or len(following.clean) <= 80
