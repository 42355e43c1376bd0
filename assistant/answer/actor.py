"""Actor answers: everything the report records of a named country, body or person — what it proposed or
said, grouped by place in the report's order, each with the outcome stated next to it."""

from __future__ import annotations

import re

from assistant.answer.context import PlanContext
from assistant.answer.draft import Draft
from assistant.answer.overview import OUTCOME
from assistant.records import Hit
from assistant.sentences import Unit

MAX_MENTIONS = 8
# A sentence opening on these goes on about the one before it.
ANAPHOR = re.compile(r"^(?:This|These|That|Those|They|Their|It|Its|Such|In (?:this|that) (?:regard|respect))\b")


def actor_mentions(ctx: PlanContext, query: str, actors: tuple[str, ...], places) -> list[Unit]:
    """Sentences naming the actors (and the outcome told right after), in the report's order, at most
    MAX_MENTIONS of them, the closest to the question kept."""
    view = ctx.view
    pattern = re.compile("|".join(rf"\b{re.escape(a)}" for a in actors), re.I)
    found: list[Unit] = []
    for clause in view.clauses:
        if clause.kind == "heading":
            continue
        if places.opinions and not about_opinions(clause, places.opinions, view):
            continue
        if places.groups and clause.working_group not in places.groups:
            continue
        units = view.units(clause)
        for i, unit in enumerate(units):
            if pattern.search(unit.text):
                found.append(unit)
                # "Turkey proposed an addition of the following text:" — the text it proposed follows
                j = i + 1
                while j < len(units) and j <= i + 3 and (
                    units[j - 1].text.rstrip().endswith(":") or _open_quote(ctx.source, clause.start, units[j].start)
                ):
                    found.append(units[j])
                    j += 1
                # the outcome or the purpose is often the next sentence: "… was not accepted", "These proposed
                # changes sought to …"
                if i + 1 < len(units) and not pattern.search(units[i + 1].text) and (
                    OUTCOME.search(units[i + 1].text) or ANAPHOR.match(units[i + 1].text)
                ):
                    found.append(units[i + 1])
    found = list(dict.fromkeys(found))
    if len(found) > MAX_MENTIONS:
        scores = ctx.relevance(query, found)
        keep = sorted(sorted(range(len(found)), key=lambda i: -scores[i])[:MAX_MENTIONS])
        found = [found[i] for i in keep]
    return found


def compose_actor(ctx: PlanContext, query: str, hits: list[Hit], actors: tuple[str, ...], places) -> Draft | None:
    found = actor_mentions(ctx, query, actors, places)
    if not found:
        return None
    draft = ctx.draft()
    framed: set[str] = set()
    name = " and ".join(a.title() if not a.isupper() else a for a in actors)
    draft.lead = f"What the report records of {name}:"
    for unit in found:
        draft.bullets.append(ctx.line(draft, unit, framed))
    return draft


def about_opinions(clause, opinions, view=None) -> bool:
    """A clause of a named Opinion, or a debate paragraph about it (it, or the subsection it sits in,
    refers to the Opinion)."""
    if clause.opinion in opinions:
        return True
    refs = list(clause.refs)
    parent = view.by_id.get(clause.parent or "") if view is not None else None
    if parent is not None and parent.kind == "heading":
        refs += parent.refs
    return any(ref == f"opinion-{n}" or ref.startswith(f"opinion-{n}/") for ref in refs for n in opinions)


def _open_quote(source: str, start: int, at: int) -> bool:
    before = source[start:at]
    return before.count("“") > before.count("”")
