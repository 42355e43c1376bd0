"""Structured parse of WTPF-style reports: Parts, Opinions (or Resolutions…) with preamble/operative sections and
lettered items, Annex chairmen's reports with numbered subsections. Unknown stretches fall back to paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.report.parse_generic import (
    BULLET,
    ITEM_MARKER,
    LIST_MARKER,
    ROMAN,
    Draft,
    Line,
    ListLevel,
    candidates,
    continues_paragraph,
    is_short_list_entry,
    is_signature,
    item_key,
    place_item,
)

PART_HEADING = re.compile(r"^(PART|ANNEX|APPENDIX)\s+([IVXLC]+|\d+|[A-Z])$")
UNIT_HEADING = re.compile(
    r"^(OPINION|RESOLUTION|DECISION|RECOMMENDATION|DECLARATION)\s+(\d+|[A-Z])\s*[:.–-]?\s*(.*)$"
)
REPORT_HEADING = re.compile(r"^(\d+)\.\s+([^a-z]{10,})$")
SUBSECTION = re.compile(r"^(\d+)\.(\d+)\.?\s+(\S.{0,99})$")
GENERIC_HEADING = re.compile(r"^(?=.*[A-Z]{2})[^a-z]{4,100}$")
SECTION_VERBS = (
    "recalling", "considering", "taking into account", "taking note", "recognizing", "recognising", "noting",
    "bearing in mind", "aware", "mindful", "acknowledging", "emphasizing", "emphasising", "welcoming",
    "reaffirming", "having", "convinced", "concerned", "observing", "further", "is of the view", "invites",
    "invite", "requests", "request", "resolves", "resolve", "decides", "instructs", "encourages", "urges",
    "calls upon", "calls on", "endorses", "expresses", "appeals", "affirms", "agrees", "welcomes",
)  # fmt: skip
SMALL_WORDS = {"of", "the", "to", "and", "for", "in", "on", "a", "an", "by", "with", "from", "or", "at"}


def section_phrase(clean: str) -> str | None:
    """'recognizing further', 'invites Member States,' … → the phrase; None for any other line."""
    phrase = clean.rstrip(" ,:")
    if not phrase or not phrase[0].islower() or len(phrase.split()) > 12 or phrase[-1] in ";.":
        return None
    low = phrase.lower()
    return phrase if any(low == v or low.startswith(v + " ") for v in SECTION_VERBS) else None


def slug(text: str, words: int = 6) -> str:
    """'invites Member States, Sector Members and all …' → 'invites-member-states-sector-members'."""
    kept = re.findall(r"[a-z0-9]+", text.lower())[:words]
    while len(kept) > 1 and kept[-1] in SMALL_WORDS | {"all"}:
        kept.pop()
    return "-".join(kept) or "x"


def roman_to_int(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else ROMAN.get(numeral.lower(), 0)


def nice_title(upper: str) -> str:
    """'REPORT OF THE CHAIRMAN OF WORKING GROUP 1' → 'Report of the Chairman of Working Group 1'."""
    words = upper.split()
    out = [w.capitalize() if i == 0 or w.lower() not in SMALL_WORDS else w.lower() for i, w in enumerate(words)]
    return " ".join(out)


def shorten(text: str, limit: int = 160) -> str:
    """Head and tail of a long lead-in: its end ("… all Member States to:") is what introduces the sub-items."""
    if len(text) <= limit:
        return text
    head = text[: limit // 2].rsplit(" ", 1)[0]
    tail = text[-(limit // 2) :].split(" ", 1)[-1]
    return f"{head} … {tail}"


@dataclass
class _Section:
    draft: Draft
    name: str
    levels: list[ListLevel] = field(default_factory=list)
    path: list[Draft] = field(default_factory=list)  # the open item at each depth
    lead_in: Draft | None = None
    unmarked: int = 0


@dataclass
class _Context:
    """Where the parser is: part, unit (Opinion), report and subsection, each with id/label/heading."""

    part: str = "Report"
    part_id: str = ""
    unit: Draft | None = None
    unit_label: str = ""
    unit_heading: str = ""
    report: Draft | None = None
    report_label: str = ""
    report_heading: str = ""
    subsection: str | None = None
    subsection_opinion: int | None = None
    subsection_id: str | None = None  # the heading clause the running paragraphs sit under
    container: str = ""  # id prefix of running paragraphs
    container_label: str = "Report"
    heading: str = "Report"


class StructuredParser:
    """One pass over the lines; each line either opens a heading or joins/starts the clause it belongs to."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.drafts: list[Draft] = []
        self.ids: set[str] = set()
        self.ctx = _Context()
        self.section: _Section | None = None
        self.para: Draft | None = None
        self.para_list = False  # the running paragraph ended with a colon: short entries follow
        self.para_list_bullet: bool | None = None
        self.para_counts: dict[str, int] = {}
        self.numbered_paras: dict[str, int] = {}
        self.headings = 0

    # --- driver ------------------------------------------------------------------------------------------------
    def run(self) -> list[Draft]:
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        return self.drafts

    def _step(self, i: int) -> int:
        line = self.lines[i]
        c = line.clean
        if line.rule_before and self.ctx.unit is not None:
            self._close_unit()
        if m := PART_HEADING.match(c):
            self._start_part(m.group(1), m.group(2), line)
            return i + 1
        if m := UNIT_HEADING.match(c):
            return self._start_unit(m, i)
        if self.ctx.unit is None and (m := REPORT_HEADING.match(c)) and len(c.split()) >= 3:
            self._start_report(m, line)
            return i + 1
        if self.ctx.report is not None and (m := SUBSECTION.match(c)):
            self._start_subsection(m, line)
            return i + 1
        if self.ctx.unit is not None:
            self._unit_line(line)
            return i + 1
        table_end = self._try_table(i)
        if table_end:
            return table_end
        following = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if not self._continues(line) and is_signature(line, following):
            return self._signature(i, following)
        if not self._continues(line) and GENERIC_HEADING.match(c) and len(c.split()) >= 2:
            self._generic_heading(line)
            return i + 1
        self._paragraph_line(line)
        return i + 1

    # --- emitting -------------------------------------------------------------------------------------------
    def _emit(self, draft: Draft) -> Draft:
        base, n = draft.id, 2
        while draft.id in self.ids:
            draft.id = f"{base}-{n}"
            n += 1
        self.ids.add(draft.id)
        self.drafts.append(draft)
        return draft

    def _new(self, id_: str, label: str, kind: str, line: Line, **kw) -> Draft:
        ctx = self.ctx
        kw.setdefault("heading", ctx.heading)
        kw.setdefault("section", ctx.subsection)
        kw.setdefault("opinion", ctx.subsection_opinion)
        if ctx.report is not None:
            kw.setdefault("working_group", ctx.report.working_group)
        return self._emit(Draft(id_, label, kind, ctx.part, [line], **kw))

    def _end_running(self) -> None:
        self.para = None
        self.para_list = False
        self.section = None

    # --- parts and generic headings ---------------------------------------------------------------------------
    def _start_part(self, word: str, numeral: str, line: Line) -> None:
        self._close_unit()
        self._end_running()
        name = f"{word.capitalize()} {numeral}"
        number = roman_to_int(numeral) if numeral.isalpha() and numeral.lower() in ROMAN else numeral
        part_id = f"{word.lower()}-{str(number).lower()}"
        self.ctx = _Context(part=name, part_id=part_id, container=part_id, container_label=name, heading=name)
        self._new(part_id, name, "heading", line, heading="")

    def _generic_heading(self, line: Line) -> None:
        self._end_running()
        self.headings += 1
        prefix = f"{self.ctx.container}/" if self.ctx.container else ""
        title = nice_title(line.clean)
        label = f"{self.ctx.container_label} › {title}"
        draft = self._new(f"{prefix}h{self.headings}", label, "heading", line, parent=self.ctx.container or None)
        base = self.ctx.report_heading or self.ctx.unit_heading or self.ctx.part
        self.ctx.heading = f"{base} › {title}"
        self.ctx.subsection, self.ctx.subsection_id = title, draft.id

    # --- Opinions and their sections -----------------------------------------------------------------------
    def _start_unit(self, m: re.Match, i: int) -> int:
        self._close_unit()
        self._end_running()
        ctx = self.ctx  # an Opinion ends any chairman's report before it
        ctx.report, ctx.report_label, ctx.report_heading = None, "", ""
        ctx.subsection, ctx.subsection_opinion, ctx.subsection_id = None, None, None
        ctx.container, ctx.container_label, ctx.heading = ctx.part_id, ctx.part, ctx.part
        kind_word, number, title = m.group(1).capitalize(), m.group(2), m.group(3).strip()
        first = self.lines[i]
        lines, i = [first], i + 1
        while i < len(self.lines):  # the title wraps onto lines that start in lower case (or is on the next line)
            nxt = self.lines[i]
            only_dates = not title or re.fullmatch(r"\(.*\)", title)  # "RESOLUTION 101 (REV. GUADALAJARA, 2010)"
            wraps = nxt.clean[:1].islower() or (only_dates and len(lines) == 1 and not nxt.clean.endswith(","))
            if not wraps or section_phrase(nxt.clean) or len(nxt.clean) > 150 or nxt.rule_before:
                break
            title = f"{title} {nxt.clean}".strip()
            lines.append(nxt)
            i += 1
        unit_id = f"{kind_word.lower()}-{number.lower()}"
        label = f"{kind_word} {number}"
        opinion = int(number) if kind_word == "Opinion" and number.isdigit() else None
        parent = self.ctx.part_id or None
        draft = self._new(unit_id, label, "heading", first, opinion=opinion, opinion_title=title or None,
                          parent=parent, section=None)  # fmt: skip
        draft.lines = lines
        self.ctx.unit = draft
        self.ctx.unit_label = label
        self.ctx.unit_heading = f"{label}: {title}" if title else label
        return i

    def _close_unit(self) -> None:
        if self.ctx.unit is None:
            return
        self.ctx.unit = None
        self.ctx.unit_label = self.ctx.unit_heading = ""
        self._end_running()

    def _unit_kw(self, **kw) -> dict:
        unit = self.ctx.unit
        base = {"opinion": unit.opinion, "opinion_title": unit.opinion_title, "working_group": None}
        base.update(kw)
        return base

    def _unit_line(self, line: Line) -> None:
        ctx, c = self.ctx, line.clean
        phrase = section_phrase(c)
        if phrase:
            self._start_section(phrase, line)
        elif self.section is None:
            if self.para is not None:
                self.para.lines.append(line)
            else:
                label = f"{ctx.unit_label} › preamble"
                self.para = self._new(f"{ctx.unit.id}/preamble", label, "paragraph", line, heading=ctx.unit_heading,
                                      parent=ctx.unit.id, **self._unit_kw(section=None))  # fmt: skip
        elif ITEM_MARKER.match(c) and not c.startswith(("“", '"')):
            self._item(line)
        else:
            self._unmarked(line)

    def _start_section(self, phrase: str, line: Line) -> None:
        ctx = self.ctx
        self.para = None
        name = " ".join(phrase.split())
        draft = self._new(f"{ctx.unit.id}/{slug(name)}", f"{ctx.unit_label} › {name}", "heading", line,
                          heading=ctx.unit_heading, parent=ctx.unit.id, **self._unit_kw(section=name))  # fmt: skip
        self.section = _Section(draft, name)

    def _unmarked(self, line: Line) -> None:
        sec = self.section
        if sec.path:  # text after an item without a marker of its own (quoted paragraphs) stays in that item
            sec.path[-1].lines.append(line)
            return
        if self.para is not None and continues_paragraph(line, self.para.lines, False):
            self.para.lines.append(line)
            return
        sec.unmarked += 1
        ctx = self.ctx
        suffix = f" ¶{sec.unmarked}" if sec.unmarked > 1 else ""
        self.para = self._new(f"{sec.draft.id}/p{sec.unmarked}", f"{ctx.unit_label} › {sec.name}{suffix}",
                              "clause", line, heading=f"{ctx.unit_heading} › {sec.name}", parent=sec.draft.id,
                              **self._unit_kw(section=sec.name))  # fmt: skip
        sec.lead_in = self.para

    def _item(self, line: Line) -> None:
        sec = self.section
        cands = candidates(ITEM_MARKER.match(line.clean))
        if not cands:  # "etc) …": not a marker this parser knows
            self._unmarked(line)
            return
        del sec.levels[len(sec.path) :]
        depth = place_item(sec.levels, cands, bool(sec.path) and sec.path[-1].last_clean.endswith(":"))
        if depth is None:  # a number that continues no list: quoted numbered text inside the open item
            self._unmarked(line)
            return
        level = sec.levels[depth]
        key = item_key(level)
        del sec.path[depth:]
        parent = sec.path[-1] if sec.path else None
        ctx = self.ctx
        ids = f"{parent.id}/{key}" if parent else f"{sec.draft.id}/{key}"
        if level.style == "bullet":
            label = f"{ctx.unit_label} › {sec.name}, bullet {level.count}"
        else:
            marks = "".join(f"({item_key(lv)})" for lv in sec.levels[: depth + 1])
            label = f"{ctx.unit_label} › {sec.name} {marks}"
        heading = f"{ctx.unit_heading} › {sec.name}"
        if parent is not None:
            heading += f" › {parent.label.rsplit(' ', 1)[-1]} {shorten(parent.clean)}"
        elif sec.lead_in is not None:
            heading += f" › {shorten(sec.lead_in.clean)}"
        draft = self._new(ids, label, "clause" if depth == 0 else "sub-clause", line, heading=heading,
                          parent=parent.id if parent else sec.draft.id, strip_prefix=ITEM_MARKER,
                          **self._unit_kw(section=sec.name))  # fmt: skip
        sec.path.append(draft)
        self.para = None

    # --- Annex reports -----------------------------------------------------------------------------------
    def _start_report(self, m: re.Match, line: Line) -> None:
        self._end_running()
        ctx = self.ctx
        title = re.sub(r"\s+to the plenary$", "", nice_title(m.group(2)), flags=re.I)
        wg = re.search(r"WORKING GROUP\s+(\d+)", m.group(2))
        prefix = f"{ctx.part_id}/" if ctx.part_id else ""
        rid = f"{prefix}wg-{wg.group(1)}" if wg else f"{prefix}report-{m.group(1)}"
        label = f"{ctx.part} › Working Group {wg.group(1)}" if wg else f"{ctx.part} › {m.group(1)}. {title}"
        ctx.report = None
        ctx.subsection, ctx.subsection_opinion, ctx.subsection_id = None, None, None
        draft = self._new(rid, label, "heading", line, heading=ctx.part, parent=ctx.part_id or None,
                          working_group=int(wg.group(1)) if wg else None)  # fmt: skip
        ctx.report, ctx.report_label = draft, label
        ctx.report_heading = f"{ctx.part} › {title}"
        ctx.container, ctx.container_label, ctx.heading = draft.id, label, ctx.report_heading

    def _start_subsection(self, m: re.Match, line: Line) -> None:
        self._end_running()
        ctx = self.ctx
        name = f"{m.group(1)}.{m.group(2)} {m.group(3)}"
        op = re.match(r"(?:Draft\s+)?Opinion\s+(\d+)\b", m.group(3))
        ctx.subsection, ctx.subsection_opinion = name, int(op.group(1)) if op else None
        draft = self._new(f"{ctx.report.id}/s{m.group(1)}.{m.group(2)}", f"{ctx.report_label} › {name}", "heading",
                          line, heading=ctx.report_heading, parent=ctx.report.id)  # fmt: skip
        ctx.subsection_id = draft.id
        ctx.heading = f"{ctx.report_heading} › {name}"

    def _signature(self, i: int, following: Line | None) -> int:
        self._end_running()
        ctx = self.ctx
        draft = self._new(f"{ctx.container}/signature" if ctx.container else "signature",
                          f"{ctx.container_label} › signature", "signature", self.lines[i],
                          heading=ctx.report_heading or ctx.heading, parent=ctx.container or None,
                          section=None, opinion=None)  # fmt: skip
        if following is not None and not self._is_structural(following):
            draft.lines.append(following)
            return i + 2
        return i + 1

    def _is_structural(self, line: Line) -> bool:
        c = line.clean
        return bool(PART_HEADING.match(c) or UNIT_HEADING.match(c) or REPORT_HEADING.match(c) or SUBSECTION.match(c))

    # --- running paragraphs (Part I, reports, fallback) ----------------------------------------------------
    def _continues(self, line: Line) -> bool:
        para = self.para
        if para is None:
            return False
        c = line.clean
        bullet = bool(BULLET.match(c))
        if self.para_list and (self.para_list_bullet is None or self.para_list_bullet == bullet):
            if is_short_list_entry(BULLET.sub("", c), para.last_clean):
                return True
        if bullet:
            return False
        if LIST_MARKER.match(c):
            number = re.match(r"\d+", c)
            if para.last_clean.endswith(":"):
                return True
            if number is None or int(number.group()) == self.numbered_paras.get(self.ctx.container, 0) + 1:
                return False  # the next numbered paragraph of the report
        return continues_paragraph(line, para.lines, False)

    def _paragraph_line(self, line: Line) -> None:
        c = line.clean
        if self._continues(line):
            if self.para_list and self.para_list_bullet is None:
                self.para_list_bullet = bool(BULLET.match(c))
            self.para.lines.append(line)
        else:
            ctx = self.ctx
            key = ctx.container
            n = self.para_counts[key] = self.para_counts.get(key, 0) + 1
            number = re.match(r"(\d+)\.\s", c)
            if number:
                self.numbered_paras[key] = int(number.group(1))
            prefix = f"{key}/" if key else ""
            self.para = self._new(f"{prefix}p{n}", f"{ctx.container_label} › ¶{n}", "paragraph", line,
                                  parent=ctx.subsection_id or key or None, strip_bullets=True)  # fmt: skip
            self.para_list, self.para_list_bullet = False, None
        if c.endswith(":"):
            self.para_list, self.para_list_bullet = True, None

    # --- tables -------------------------------------------------------------------------------------------
    def _try_table(self, i: int) -> int:
        """A header row and rows of short tab-indented cells, rows separated by blank lines."""
        groups: list[list[Line]] = []
        j = i
        while j < len(self.lines) and self.lines[j].indented and len(self.lines[j].clean) < 80:
            line = self.lines[j]
            if line.blank_before or not groups:
                groups.append([])
            groups[-1].append(line)
            j += 1
        if len(groups) < 2 or len({len(g) for g in groups}) != 1 or len(groups[0]) < 2:
            return 0
        self._end_running()
        ctx = self.ctx
        header = [ln.clean for ln in groups[0]]
        first_cells = [g[0].clean for g in groups[1:]]
        wgs = [re.fullmatch(r"Working Group\s+(\d+)", cell) for cell in first_cells]
        prefix = f"{ctx.container}/" if ctx.container else ""
        table_id = f"{prefix}working-groups" if all(wgs) else f"{prefix}table"
        title = "Working Groups table" if all(wgs) else "table"
        label = f"{ctx.container_label} › {title}"
        head = self._new(table_id, label, "heading", groups[0][0], parent=ctx.container or None)
        head.lines = list(groups[0])
        for k, (group, wg) in enumerate(zip(groups[1:], wgs), start=1):
            cells = [ln.clean for ln in group]
            parts = [f"{_singular(h)} {v}" for h, v in zip(header[1:], cells[1:])]
            text = f"{cells[0]}: {'; '.join(parts)}"
            row_id = f"{table_id}/wg-{wg.group(1)}" if wg else f"{table_id}/row-{k}"
            row = self._new(row_id, f"{ctx.container_label} › {title} › {cells[0]}", "table-row", group[0],
                            heading=f"{ctx.heading} › {title}", parent=table_id, text=text,
                            working_group=int(wg.group(1)) if wg else None)  # fmt: skip
            row.lines = list(group)
        return j


def _singular(header: str) -> str:
    header = re.sub(r"\(s\)$", "", header.strip())
    return header[:-1] if header.endswith("s") and not header.endswith("ss") else header
