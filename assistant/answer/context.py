"""What every answer plan reads: the report tree, the composer's sentence scoring, the question's places."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer.draft import Draft, clean_sentence, section_phrase
from assistant.answer.report_view import ReportView
from assistant.compose import Composer, frame_sentence, source_name
from assistant.records import Clause, Hit
from assistant.route import numbered_places
from assistant.sentences import Unit


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


class PlanContext:
    def __init__(self, source: str, clauses: list[Clause], composer: Composer, glossary: dict[str, str]):
        self.source = source
        self.composer = composer
        # an acronym whose long form is plural names things ("Internet Exchange Points"), never an actor
        things = frozenset(a.lower() for a, long_form in glossary.items() if long_form.endswith("s"))
        self.view = ReportView(source, clauses, composer.units, things)
        self.glossary = glossary

    def draft(self) -> Draft:
        return Draft(self.source, self.view.by_id)

    def relevance(self, query: str, units: list[Unit]) -> list[float]:
        return self.composer.relevance(query, units)

    def frame(self, unit: Unit, framed: set[str]) -> str:
        """A quoted sentence as it reads in an answer, without its marker."""
        clause = self.view.by_id[unit.clause_id]
        if clause.part == "Part II" and clause.opinion is not None and clause.kind != "heading":
            text = unit.text
            return f"Opinion {clause.opinion} {section_phrase(clause.section)} {text}"
        return frame_sentence(clause, unit.text, framed, self.composer.common_words)

    def line(self, draft: Draft, unit: Unit, framed: set[str]) -> str:
        return f"{clean_sentence(self.frame(unit, framed))} {draft.cite(unit)}"

    def name(self, clause: Clause) -> str:
        return source_name(clause)

    def top_units(self, query: str, clauses: list[Clause], n: int, min_share: float = 0.0) -> list[Unit]:
        """The `n` sentences of `clauses` closest to the query, in the report's order."""
        units = [u for c in clauses if c.kind != "heading" for u in self.composer.units(c) if len(u.text) >= 25]
        if not units:
            return []
        scores = self.relevance(query, units)
        best = max(scores)
        ranked = sorted(zip(scores, range(len(units))), key=lambda x: -x[0])
        picked = [i for s, i in ranked[:n] if s >= best * min_share]
        return [units[i] for i in sorted(picked, key=lambda i: units[i].start)]

    def hits_in(self, hits: list[Hit], clause_ids: set[str]) -> list[Hit]:
        return [h for h in hits if h.clause.id in clause_ids]
