"""An answer being written: a lead sentence, then bullets, each quoting the report with a citation.

Every quote is a span of the source. Several sentences quoted from one clause share one citation (its span
runs from the first to the last of them), so the reader checks one place once. The finished text is
Markdown: the lead on its own line, then "- " bullets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.records import Answer, Citation, Clause, Hit
from assistant.report.sentences import Unit
from assistant.answer.verify import quote_is_verbatim

# How an Opinion's section word reads at the head of a sentence: "Opinion 4 recognizes that …".
_SECTION_VERBS = {
    "recalling": "recalls",
    "considering": "considers",
    "recognizing": "recognizes",
    "recognizing further": "further recognizes",
    "noting": "notes",
    "taking into account": "takes into account",
    "bearing in mind": "bears in mind",
    "emphasizing": "emphasizes",
    "invite": "invites",  # Opinion 1's section is headed "invite"
}


def section_phrase(section: str | None) -> str:
    """The Opinion's own words for a section, as a verb phrase: "invites Member States", "recognizes"."""
    if not section:
        return "states"
    text = section.strip().rstrip(",;:")
    return _SECTION_VERBS.get(text.lower(), text)


def clean_sentence(text: str) -> str:
    """A quoted unit as it reads inside a sentence: no dangling separators, closed with a full stop."""
    text = text.strip().rstrip(" ;,")
    text = re.sub(r"\s+(?:and|or)$", "", text).rstrip(" ;,")
    if text and text[-1] not in ".?!:”\")":
        text += "."
    return text


@dataclass
class Draft:
    """Collects quotes and lines; `finish` turns them into an `Answer` whose citations all verify."""

    source: str
    clauses: dict[str, Clause]
    lead: str = ""
    bullets: list[str] = field(default_factory=list)
    _spans: dict[str, list[int]] = field(default_factory=dict)  # clause id → [start, end] of its citation
    _order: list[str] = field(default_factory=list)
    used: list[Unit] = field(default_factory=list)
    # the answer stands on something the question names (an Opinion by number, a defined term, an actor),
    # so it holds even when no single sentence is close in meaning to a terse question
    anchored: bool = False

    def cite(self, unit: Unit) -> str:
        """The citation marker for a quoted unit; one citation per clause."""
        span = self._spans.get(unit.clause_id)
        if span is None:
            self._spans[unit.clause_id] = [unit.start, unit.end]
            self._order.append(unit.clause_id)
        else:
            span[0], span[1] = min(span[0], unit.start), max(span[1], unit.end)
        if unit not in self.used:
            self.used.append(unit)
        return f"[{self._order.index(unit.clause_id) + 1}]"

    def has(self, unit: Unit) -> bool:
        return unit in self.used

    def overlaps(self, unit: Unit) -> bool:
        """Some of `unit`'s words are quoted already (as an item of a list its lead-in brought, or inside a
        quotation told to its close)."""
        return any(unit.start < done.end and done.start < unit.end for done in self.used)

    def quote(self, unit: Unit, frame: str = "") -> str:
        """`frame` + the unit's words + its marker: "Opinion 4 recognizes that … [2]"."""
        text = clean_sentence(unit.text)
        return f"{frame}{text} {self.cite(unit)}"

    def finish(self, question: str, query: str, plan: str, hits: list[Hit], k: int) -> Answer:
        citations = []
        for n, clause_id in enumerate(self._order, start=1):
            start, end = self._spans[clause_id]
            clause = self.clauses[clause_id]
            citation = Citation(n, clause_id, clause.label, self.source[start:end], start, end)
            if not quote_is_verbatim(self.source, citation):  # never happens for spans of the source
                raise AssertionError(f"unverifiable quote for {clause_id}")
            citations.append(citation)
        lines = [self.lead] if self.lead else []
        if self.bullets:
            bullets = [b if b.startswith("  ") and b.lstrip().startswith("- ") else f"- {b}" for b in self.bullets]
            lines += ["", *bullets] if self.lead else bullets
        return Answer(
            question=question,
            answer="\n".join(lines).strip(),
            rewritten_query=query,
            citations=tuple(citations),
            retrieved=tuple(answer_passages(self._order, self.clauses, hits, k, in_answer_order=plan in IN_ANSWER_ORDER)),
            plan=plan,
        )


# Plans whose answers are shown as sources in the order they tell them, not in the search's. An overview tells its
# place's clauses in an order of its own (an Opinion's views and calls before its preamble), which the search,
# finding every clause of the place named, does not know (14 user sets, evidence recall@5: tune .9083 → .9095,
# test .8836 → .8844, users test .8923 → .8963; dev unchanged). A fact answer leads with its best match, which the
# search may rank below sentences it did not quote (tune .9095 → .9100, test .8844 → .8892; users test and dev
# unchanged). Reason answers traded tune for test; lists, comparisons and actor answers lost on every split.
IN_ANSWER_ORDER = frozenset({"overview", "fact"})

# Search hits an answer did not quote, shown after the ones it did. Over the tune splits of the twelve user sets
# and dev (top-5 context chars / evidence recall@5): all of them 1,646 / .900 and dev 1,499 / .943; two 1,438 / .899
# and dev 1,365 / .943; one 1,276 / .899 and dev 1,226 / .937; none 1,037 / .885 and dev 1,032 / .919.
UNQUOTED_SHOWN = 2


def answer_passages(
    cited: list[str], clauses: dict[str, Clause], hits: list[Hit], k: int, in_answer_order: bool = False
) -> list[Hit]:
    """What an answer shows as retrieved: the searched clauses it quotes, in the search's order; the other
    clauses it quotes (a list's items, an Opinion's clauses), in the answer's order; the best few clauses of the
    search it did not quote; and last the headings it quotes (titles), which only name a place.

    With `in_answer_order` (the plans in IN_ANSWER_ORDER), the clauses it quotes are shown in the order it tells
    them."""
    quoted = set(cited)
    ranked = {h.clause.id for h in hits}
    out = [h for h in hits if h.clause.id in quoted]
    unranked = [c for c in cited if c not in ranked]
    out += [Hit(clause=clauses[c], score=0.0, parts={"cited": 1.0}) for c in unranked if clauses[c].kind != "heading"]
    if in_answer_order:
        out.sort(key=lambda h: cited.index(h.clause.id))
    out += [h for h in hits if h.clause.id not in quoted][:UNQUOTED_SHOWN]
    out += [Hit(clause=clauses[c], score=0.0, parts={"cited": 1.0}) for c in unranked if clauses[c].kind == "heading"]
    return _items_before_their_lead_in(out)[: max(k, len(cited))]


def _items_before_their_lead_in(shown: list[Hit]) -> list[Hit]:
    """A lead-in shown with two or more of its items ("… which urges all countries to:" and (i) … (v)) comes
    after the last of them: the items hold what was asked, and ahead of them the lead-in pushed the last item out
    of the top five. Over the 13 user sets (evidence recall@5): tune .9091 → .9127, test .8745 → .8793; dev
    .9487 → .9506; no answer's text changed."""
    out = list(shown)
    for lead_in in [h for h in shown if sum(1 for x in shown if x.clause.parent == h.clause.id) >= 2]:
        last_item = max(i for i, x in enumerate(out) if x.clause.parent == lead_in.clause.id)
        if out.index(lead_in) < last_item:
            out.remove(lead_in)
            out.insert(last_item, lead_in)
    return out
