"""What every answer plan reads: the report tree, the composer's sentence scoring, the question's places."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from assistant.answer.draft import Draft, clean_sentence, section_phrase
from assistant.answer.report_view import ReportView
from assistant.answer.compose import Composer, frame_sentence, source_name
from assistant.records import Clause, Hit
from assistant.search.route import numbered_places
from assistant.report.sentences import Unit

# A capitalized common word opens a sentence of its own ("In this respect, …", "Invites the Chair …"); a clause
# of an Opinion's section otherwise continues it in lower case ("that the …", "to promote …")
_OPENS_SENTENCE = re.compile(r"[“\"]?[A-Z][a-z]")


@dataclass(frozen=True)
class Places:
    """The Opinions and Working Groups a question names by number (after follow-up and subject naming)."""

    opinions: tuple[int, ...]
    groups: tuple[int, ...]

    @classmethod
    def of(cls, query: str) -> "Places":
        opinions, groups = numbered_places(query)
        return cls(tuple(sorted(opinions)), tuple(sorted(groups)))

    @property
    def count(self) -> int:
        return len(self.opinions) + len(self.groups)


def _runs_into_items(text: str, after: str) -> bool:
    """The sentence ends on a colon, or on a comma (kept in the source after it) that runs on into its items."""
    return text.rstrip().endswith((":", ",")) or after.strip()[:1] == ","


class PlanContext:
    def __init__(self, source: str, clauses: list[Clause], composer: Composer, glossary: dict[str, str]):
        self.source = source
        self.composer = composer
        # an acronym whose long form is plural names things ("Internet Exchange Points"), never an actor
        things = frozenset(a.lower() for a, long_form in glossary.items() if long_form.endswith("s"))
        self.view = ReportView(source, clauses, composer.units, things)
        self.glossary = glossary
        # words of the long forms acronyms stand for ("Internet", "Exchange"): names, not a sentence's first word
        self.glossary_words = frozenset(w.lower() for long_form in glossary.values() for w in re.findall(r"[A-Z][\w-]*", long_form))

    def draft(self) -> Draft:
        return Draft(self.source, self.view.by_id)

    def relevance(self, query: str, units: list[Unit]) -> list[float]:
        return self.composer.relevance(query, units)

    def frame(self, unit: Unit, framed: set[str]) -> str:
        """A quoted sentence as it reads in an answer, without its marker."""
        clause = self.view.by_id[unit.clause_id]
        if clause.part == "Part II" and clause.opinion is not None and clause.kind != "heading":
            text = unit.text
            # an operative section names whom it addresses first ("invites Membership to promote …")
            addressing = re.match(r"(?:invit|request|resolv|decid|urg|call|encourag)", clause.section or "", re.I)
            if _OPENS_SENTENCE.match(text) and clause.section and not addressing and not self._named_first(text):
                # "In this respect, it is recognized that:", a resolution's "Invites the Chair …" quoted under
                # noting: a sentence of its own, which a verb put before it would garble ("notes Invites")
                return f"Opinion {clause.opinion}, {clause.section.strip(' ,;:')}: {text}"
            return f"Opinion {clause.opinion} {section_phrase(clause.section)} {text}"
        return frame_sentence(clause, unit.text, framed, self.composer.common_words)

    def _named_first(self, text: str) -> bool:
        """The sentence opens on a name ("UNGA Resolution …", "ITU …", "Internet Exchange Points …")."""
        first = re.match(r"[“\"]?([\w’'-]+)(\s+\S+)?", text)
        word = first.group(1) if first else ""
        after = (first.group(2) or "").strip() if first else ""
        # "Resolution 101 (Rev. …)", "Member States", "Plenipotentiary Resolution 180": a name, titled or numbered
        titled = bool(re.match(r"(?:\d|[A-Z])", after))
        return word.isupper() or titled or word.lower() in self.view.actor_words or word.lower() in self.glossary_words

    def line(self, draft: Draft, unit: Unit, framed: set[str]) -> str:
        lead = self.item_lead_in(unit)
        if lead is not None and not draft.overlaps(lead):
            # "established a website …" is an item of "that the Directors of the TSB and BDT have,": told alone, a
            # verb would garble it ("Opinion 3 recognizes established …"), so the words it continues come first
            return self.after_lead_in(draft, self.frame(lead, framed), lead, unit)
        return self.with_what_it_quotes(draft, unit, f"{clean_sentence(self.frame(unit, framed))} {draft.cite(unit)}")

    def with_what_it_quotes(self, draft: Draft, unit: Unit, line: str) -> str:
        """`line`, telling `unit`, with the text `unit` introduces quoted after it, when not told already ("Turkey
        proposed an addition of the following text: “Requests …”")."""
        quoted = [u for u in self.quotation_after(unit) if not draft.overlaps(u)]
        return self.with_quoted(draft, line, quoted) if quoted else line

    def after_lead_in(self, draft: Draft, words: str, lead: Unit, unit: Unit) -> str:
        """An item told after the `words` of the lead-in it continues: "that the Directors of the TSB and BDT have …
        studied IPv6 address allocation …", citing both."""
        return f"{words.rstrip(' ,;:')} … {clean_sentence(unit.text)} {draft.cite(lead)}{draft.cite(unit)}"

    def item_lead_in(self, unit: Unit) -> Unit | None:
        """The sentence a numbered item of an Opinion's clause continues ("that the Directors of the TSB and BDT
        have," for "2) established a website …"), when `unit` opens the item."""
        clause = self.view.by_id.get(unit.clause_id)
        if clause is None or clause.kind != "sub-clause" or clause.parent not in self.view.by_id:
            return None
        own = self.view.units(clause)
        before = self.view.units(self.view.by_id[clause.parent])
        return before[-1] if own and own[0] == unit and before else None

    def lines(self, draft: Draft, unit: Unit, framed: set[str], nested: bool, max_items: int = 14) -> list[str]:
        """`unit` as answer lines: one, or a list's lead-in with its items after it (as sub-bullets when
        `nested`), so a lead-in quoted never comes without what it introduces."""
        openers = [u for u in self.openers(unit) if not draft.overlaps(u)]
        if openers:
            # "…proposed the inclusion of the following paragraph: | invites Member States | to promote …": the
            # words a sentence continues are quoted with it, so proposed text never reads as the report's own
            first = self.frame(openers[0], framed).strip().rstrip(".:")
            first += ":" if openers[0].text.rstrip().endswith(":") else ""
            told = self.source[openers[0].start : unit.end]
            # a quotation the line opens is told to its close, and text set out unquoted to where it stops running on
            # in lower case ("… invites Member States and Sector Members | to promote and encourage …")
            closing = self._closing(unit) if told.count("“") > told.count("”") else _running_on(self._after(unit, 3))
            for later in closing:
                draft.cite(later)
            end = closing[-1].end if closing else unit.end
            rest = " ".join(self.source[openers[0].end : end].split())  # verbatim, its colon kept
            if openers[0].text.rstrip().endswith(".") and rest[:1].isalnum() and not rest[:1].islower():
                first += "."  # a sentence of its own before a quoted paragraph: "… Report. 61. We are convinced …"
            marker = [draft.cite(u) for u in [*openers, unit]][-1]  # one clause, one marker
            return [f"{clean_sentence(f'{first}{rest}' if rest[:1] in ':;,' else f'{first} {rest}')} {marker}"]
        listed = self.introduced(unit)
        if listed is None:
            return [self.line(draft, unit, framed)]
        lead, items = listed
        nest = "  - " if nested else ""
        out = [re.sub(r"[.:]? (\[\d+\])$", r": \1", self.line(draft, lead, framed))]
        items = [item for item in items if not draft.overlaps(item)]
        out += [f"{nest}{clean_sentence(item.text)} {draft.cite(item)}" for item in items[:max_items]]
        if len(items) > max_items:
            out.append(f"{nest}… and {len(items) - max_items} more.")
        return out

    def tell(self, units: list[Unit]) -> Draft:
        """`units` as an answer, in the order given: the first line leads, the others are bullets; a unit quoted
        already (an item its lead-in brought, a sentence inside a quotation told to its close) is not told again."""
        draft = self.draft()
        framed: set[str] = set()
        lines: list[str] = []
        for unit in units:
            if not draft.overlaps(unit):
                lines += self.lines(draft, unit, framed, nested=bool(lines))
        draft.lead, draft.bullets = lines[0], lines[1:]
        return draft

    def with_quoted(self, draft: Draft, line: str, quoted: list[Unit]) -> str:
        """`line`, a lead-in ending on its citation marker, with the text it introduces quoted after its colon
        ("Turkey proposed an addition of the following text: “Requests …” [3]"); one clause, one marker. The
        quoted text is the report's own, from its opening mark on ("“20. Invites the Chair …”")."""
        for item in quoted:
            draft.cite(item)
        opening = self.source.rfind("“", max(0, quoted[0].start - 8), quoted[0].start + 1)
        start = opening if opening >= 0 else quoted[0].start
        text = " ".join(self.source[start : quoted[-1].end].split())
        return re.sub(r"[.:,]? (\[\d+\])$", lambda m: f": {text} {m.group(1)}", line)

    def _after(self, unit: Unit, most: int) -> list[Unit]:
        """The next `most` sentences of `unit`'s clause."""
        clause = self.view.by_id.get(unit.clause_id)
        return [u for u in self.view.units(clause) if u.start >= unit.end][:most] if clause else []

    def _closing(self, unit: Unit, most: int = 3) -> list[Unit]:
        """The sentences after `unit` in its clause up to the one closing the quotation it is inside."""
        return _to_close(self._after(unit, most))

    def quotation_after(self, unit: Unit, most: int = 3) -> list[Unit]:
        """The sentences of a quotation `unit` introduces, up to the one that closes it: after its colon ("… the
        following text: “Requests …”"), or opening right after it ("the UNGA has passed Resolution (A/RES/67/195),
        on 21 Dec. 2012, “20. Invites the Chair …”"), so that what introduces a quotation never stands alone."""
        rest = self._after(unit, most)
        if not rest:
            return []
        gap = self.source[unit.end : rest[0].start]
        colon = unit.text.rstrip().endswith(":")
        if colon and rest[0].text[:1].islower():
            # "… the following paragraph under the invite section …: | invites Member States and Sector Members | to
            # promote …": text set out unquoted after a colon runs on in lower case
            return _running_on(rest)
        if not ((colon and rest[0].text.lstrip().startswith(("“", '"'))) or "“" in gap):
            return []
        return _to_close(rest) or rest  # to where the quotation closes, or as far as may be told

    def _quoted_paragraph(self, clause, unit: Unit) -> bool:
        """`unit` sits in a numbered paragraph of another text set out inside a paragraph of the report ("India …
        reflecting paragraph 61 of the Tunis Agenda … ↵61. We are convinced that …"): what introduces it goes
        with it, so the quoted text never reads as the report's own words."""
        line = self.source.rfind("\n", clause.start, unit.start) + 1
        return line > clause.start and re.match(r"\d{1,3}\.\s", self.source[line : line + 6]) is not None

    def openers(self, unit: Unit, most: int = 3) -> list[Unit]:
        """The sentences `unit` continues, back to one that starts a sentence: none unless it starts in lower
        case in the middle of its clause."""
        clause = self.view.by_id.get(unit.clause_id)
        if clause is None:
            return []
        units = self.view.units(clause)
        out: list[Unit] = []
        current = unit
        while len(out) < most and (self.source[current.start : current.start + 1].islower()
                                   or self._quoted_paragraph(clause, current) or self._in_quotation(clause, current)):
            before = [u for u in units if u.end <= current.start]
            if not before:
                break
            current = before[-1]
            out.insert(0, current)
        return out

    def _in_quotation(self, clause, unit: Unit) -> bool:
        """`unit` is quoted text a sentence before it introduced: inside a quotation opened earlier in its clause
        ("… the following text: “Requests Secretary-General ↵To ensure effective implementation …”"), or opening
        one right after a lead-in's colon."""
        before = self.source[clause.start : unit.start]
        if before.count("“") > before.count("”"):
            return True
        return self.source[unit.start : unit.start + 1] in ("“", '"') and before.rstrip().endswith(":")

    def introduced(self, unit: Unit) -> tuple[Unit, list[Unit]] | None:
        """The lead-in and items of the list `unit` introduces, when it is the sentence holding the colon (and
        perhaps the first item with it)."""
        view = self.view
        clause = view.by_id.get(unit.clause_id)
        if clause is None or clause.kind == "heading":
            return None
        items = view.items(clause)
        if len(items) < 2 and unit.text.rstrip().endswith(":") and view.units(clause)[-1:] == [unit]:
            # "Member States and Sector Members to work in a collaborative manner to:" whose bullets are the clauses
            # after it in its section
            parent = view.by_id.get(clause.parent or "")
            items = [u for u in view.items(parent) if u.start >= unit.end] if parent is not None else []
        if len(items) < 2:
            return None
        first = items[0]
        if first.clause_id == clause.id:
            # inline: the sentence reaches the colon before the items
            colon = self.source.rfind(":", unit.start, first.start)
            gap = self.source[unit.end : first.start] if unit.end <= first.start else ""
            if not (unit.start < first.start and colon >= 0 and (unit.end > first.start or not gap.strip(" \n\t:·•\xa0"))):
                return None
        elif not (_runs_into_items(unit.text, self.source[unit.end: unit.end + 3]) and view.units(clause)[-1:] == [unit]):
            # items in child clauses follow a clause that ends with its colon, or that runs on into them with a
            # comma ("l) that the Directors of the TSB and BDT have, 1) initiated a project …")
            return None
        lead = self.lead_in(clause, items)
        return (lead, items) if lead is not None else None

    def lead_in(self, container: Clause, items: list[Unit]) -> Unit | None:
        """The sentence that introduces the items: the container's own last sentence before them."""
        units = self.composer.units(container)
        first_item = items[0]
        before = [u for u in units if u.end <= first_item.start or first_item.clause_id != container.id]
        if first_item.clause_id == container.id:
            # inline list: the sentence holding the colon, up to the colon
            holding = [u for u in units if u.start < first_item.start]
            if holding:
                last = holding[-1]
                colon = self.source.rfind(":", last.start, first_item.start)
                end = colon + 1 if colon >= 0 else first_item.start
                while end > last.start and self.source[end - 1] in " \n\t·•":
                    end -= 1
                text = self.source[last.start:end]
                return Unit(container.id, last.start, end, " ".join(text.split()))
            return None
        return before[-1] if before else None

    def name(self, clause: Clause) -> str:
        return source_name(clause)

    def top_units(self, query: str, clauses: list[Clause], n: int, min_share: float = 0.0, first=None) -> list[Unit]:
        """The `n` sentences of `clauses` closest to the query, in the report's order; with `first`, a test of a
        sentence, those that pass it are taken before those that do not."""
        units = [u for c in clauses if c.kind != "heading" for u in self.composer.units(c) if len(u.text) >= 25]
        if not units:
            return []
        scores = self.relevance(query, units)
        best = max(scores)
        ranked = sorted(zip(scores, range(len(units))), key=lambda x: (first is not None and not first(units[x[1]]), -x[0]))
        picked = [i for s, i in ranked[:n] if s >= best * min_share]
        return [units[i] for i in sorted(picked, key=lambda i: units[i].start)]

    def hits_in(self, hits: list[Hit], clause_ids: set[str]) -> list[Hit]:
        return [h for h in hits if h.clause.id in clause_ids]


def _running_on(units: list[Unit]) -> list[Unit]:
    """The first of `units` as long as they start in lower case: text set out unquoted that runs on."""
    return list(itertools.takewhile(lambda u: u.text[:1].islower(), units))


def _to_close(units: list[Unit]) -> list[Unit]:
    """`units` up to the one closing a quotation, or none when none closes it."""
    for i, unit in enumerate(units):
        if "”" in unit.text:
            return units[: i + 1]
    return []
