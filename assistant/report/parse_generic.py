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
FOOTNOTE_BODY = re.compile(r"\[(\d+):[ \t]([^\[\]]{0,3000}?)\]")  # bounded: an unclosed body must not eat the report
INLINE_NOISE = re.compile(r"\[image:[^\]\n]*\]|\[bookmark:[^\]\n]*\]")
RULE_LINE = re.compile(r"^[ \t]*_{3,}[ \t]*$")
# A running page header such as "Geneva, 14-16 May 2013" standing alone on its line.
PAGE_HEADER = re.compile(
    r"^[ \t]*[A-Z][A-Za-z .'’-]{1,40},[ \t]+\d{1,2}(?:[ \t]*[-–][ \t]*\d{1,2})?[ \t]+[A-Z][a-z]+[ \t]+\d{4}[ \t]*$"
)
BULLET = re.compile(r"^[·•▪◦][ \t]*")
SIGNATURE_TITLE = re.compile(
    r"\b(?:Chair|Chairman|Chairwoman|Chairperson|President|Director|Secretary|Rapporteur|Convenor|Coordinator)\b"
)
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
    raw = INLINE_NOISE.sub(" ", raw).replace("\ufeff", " ")  # a byte-order mark is not text
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
        return not text[i].isspace() and text[i] != "\ufeff" and not any(a <= i < b for a, b in noise)

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
    """A chair's signature: a short name with an honorific, then a short title line (or the end of the report)."""
    if not HONORIFIC.match(line.clean) or len(line.clean) > 60 or line.clean.endswith("."):
        return False
    return following is None or (len(following.clean) <= 80 and bool(SIGNATURE_TITLE.search(following.clean)))


# --- list numbering: printed markers → positions (lost `1.` numbering, nested lists) ----------------------

ITEM_MARKER = re.compile(r"^(?:(\d{1,3})([.)])|\(?([a-z]{1,5})\)|\((\d{1,3})\)|([·•▪◦]))\s*")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
         "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}  # fmt: skip
ROMAN_BY_VALUE = {v: k for k, v in ROMAN.items()}
# Lost numbering (every item printed "1.") is displayed by depth: letters, then roman numerals, then digits.
LOST_STYLE_BY_DEPTH = ("alpha", "roman", "digit")


@dataclass
class ListLevel:
    """One open list: the numbering style shown for it and how many items it has had so far."""

    style: str  # alpha | roman | digit | bullet
    count: int = 0


def place_item(levels: list[ListLevel], cands: list[tuple[str, int | None]], opens: bool) -> int | None:
    """Depth of an item among the open list `levels` (updated in place); None if it fits no level.

    `opens`: the previous item ended with a colon, so this item starts a nested list.
    """
    wild = cands == [("wild", None)]
    if not levels or opens:
        levels.append(new_level(cands, len(levels)))
        levels[-1].count += 1
        return len(levels) - 1
    for depth in range(len(levels) - 1, -1, -1):
        level = levels[depth]
        if (wild and depth == len(levels) - 1 and level.style != "bullet") or fits(level, cands):
            del levels[depth + 1 :]
            level.count += 1
            return depth
    if cands[0][0] == "bullet" or any(v == 1 for style, v in cands if style not in ("wild", "dotnum")):
        levels.append(new_level(cands, len(levels)))
        levels[-1].count += 1
        return len(levels) - 1
    explicit = [(s, v) for s, v in cands if s not in ("wild", "dotnum", "bullet")]
    if not explicit:
        return None
    top = levels[-1]  # an explicit marker that skips: trust the printed letter
    style, value = explicit[0]
    top.style, top.count = style, value
    return len(levels) - 1


def candidates(m: re.Match) -> list[tuple[str, int | None]]:
    """What a printed marker may mean: ('wild', None) is the lost-numbering `1.`."""
    number, punct, letters, paren_number, bullet = m.groups()
    if bullet:
        return [("bullet", None)]
    if number is not None:
        if punct == ".":
            return [("wild", None)] if number == "1" else [("dotnum", int(number))]
        return [("digit", int(number))]
    if paren_number is not None:
        return [("digit", int(paren_number))]
    out: list[tuple[str, int | None]] = []
    if len(letters) == 1:
        out.append(("alpha", ord(letters) - 96))
    if letters in ROMAN:
        out.append(("roman", ROMAN[letters]))
    return out


def new_level(cands: list[tuple[str, int | None]], depth: int) -> ListLevel:
    if cands[0][0] in ("wild", "dotnum"):
        return ListLevel(LOST_STYLE_BY_DEPTH[min(depth, 2)])
    if cands[0][0] == "bullet":
        return ListLevel("bullet")
    style, value = next(((s, v) for s, v in cands if v == 1), cands[0])
    return ListLevel(style, count=value - 1)


def fits(level: ListLevel, cands: list[tuple[str, int | None]]) -> bool:
    for style, value in cands:
        if style == "bullet" and level.style == "bullet":
            return True
        if style == "dotnum" and value == level.count + 1 and level.style != "bullet":
            return True
        if style == level.style and value == level.count + 1:
            return True
    return False


def item_key(level: ListLevel) -> str:
    """The id segment of the level's current item: 'c', 'iv', '2', 'b3' (third bullet)."""
    n = level.count
    if level.style == "alpha":
        return chr(96 + n) if n <= 26 else str(n)
    if level.style == "roman":
        return ROMAN_BY_VALUE.get(n, str(n))
    if level.style == "bullet":
        return f"b{n}"
    return str(n)
