"""List answers: a lead-in brings all of its items; a section or clause with children lists them all; a
table lists its rows; otherwise the matching sentences are gathered and grouped by place."""

from __future__ import annotations

from assistant.answer.context import PlanContext
from assistant.answer.draft import Draft, clean_sentence, section_phrase
from assistant.records import Clause, Hit
from assistant.sentences import Unit

CONTAINER_DEPTH = 8  # hits searched for a list: the whole pool the composer reads
MAX_ITEMS = 14
GATHERED = 7  # sentences gathered when the report has no list for the question


W_RANK = 0.25  # weight of the hit's rank against the list's closeness to the question


def _candidates(ctx: PlanContext, hits: list[Hit], places) -> list[tuple[int, Clause]]:
    """(rank, clause) that may hold the list: the top hits and the places above them, and every clause with
    children in the Opinion or Working Group report the question names."""
    view = ctx.view
    out: list[tuple[int, Clause]] = []
    for rank, hit in enumerate(hits[:CONTAINER_DEPTH]):
        clause: Clause | None = hit.clause
        while clause is not None:
            out.append((rank, clause))
            clause = view.by_id.get(clause.parent or "")
    named = [view.opinion_heads.get(n) for n in places.opinions] + [view.group_heads.get(n) for n in places.groups]
    for head in (h for h in named if h is not None):
        out += [(0, c) for c in [head, *view.descendants(head.id)] if view.children.get(c.id)]
    return out


def find_list(ctx: PlanContext, query: str, hits: list[Hit], places) -> tuple[Clause, list] | None:
    """Of the candidate clauses listing at least two items, the one whose lead-in and items come closest
    to the question."""
    view = ctx.view
    best, best_score = None, float("-inf")
    seen: set[str] = set()
    for rank, candidate in _candidates(ctx, hits, places):
        if candidate.id in seen:
            continue
        seen.add(candidate.id)
        items = view.items(candidate)
        if len(items) < 2:
            continue
        own = [u for u in view.units(candidate) if not any(u.start <= i.start < u.end for i in items)][:2]
        # the lead-in may match the question, but the items have to as well: "the six opinions" are not
        # six vice-chairs
        own_scores, item_scores = ctx.relevance(query, own), ctx.relevance(query, items)
        score = (max(own_scores + item_scores) + sum(item_scores) / len(item_scores)) / 2
        score += W_RANK / (1 + rank) ** 0.5
        if score > best_score:
            best, best_score = (candidate, items), score
    return best


def compose_list(ctx: PlanContext, query: str, hits: list[Hit], places) -> Draft | None:
    found = find_list(ctx, query, hits, places)
    draft = ctx.draft()
    framed: set[str] = set()
    if found is not None:
        container, items = found
        lead_unit = _lead_in(ctx, container, items) if container.kind != "heading" else None
        if lead_unit is not None:
            draft.lead = ctx.line(draft, lead_unit, framed)
        elif container.part == "Part II" and container.section:
            draft.lead = f"Opinion {container.opinion} {section_phrase(container.section)}:"
        else:
            draft.lead = f"{container.label.split(' › ')[-1]} ({ctx.name(container)}):"
        for unit in items[:MAX_ITEMS]:
            draft.bullets.append(f"{clean_sentence(unit.text)} {draft.cite(unit)}")
        if len(items) > MAX_ITEMS:
            draft.bullets.append(f"… and {len(items) - MAX_ITEMS} more in {container.label}.")
        return draft
    units = ctx.top_units(query, [h.clause for h in hits], GATHERED, min_share=0.6)
    if not units:
        return None
    draft.lead = "The report mentions these:"
    for unit in units:
        draft.bullets.append(ctx.line(draft, unit, framed))
    return draft


def _lead_in(ctx: PlanContext, container: Clause, items) -> object | None:
    """The sentence that introduces the items: the container's own last sentence before them."""
    units = ctx.composer.units(container)
    first_item = items[0]
    before = [u for u in units if u.end <= first_item.start or first_item.clause_id != container.id]
    if first_item.clause_id == container.id:
        # inline list: the sentence holding the colon, up to the colon
        holding = [u for u in units if u.start < first_item.start]
        if holding:
            last = holding[-1]
            colon = ctx.source.rfind(":", last.start, first_item.start)
            end = colon + 1 if colon >= 0 else first_item.start
            while end > last.start and ctx.source[end - 1] in " \n\t·•":
                end -= 1
            text = ctx.source[last.start:end]
            return Unit(container.id, last.start, end, " ".join(text.split()))
        return None
    return before[-1] if before else None
