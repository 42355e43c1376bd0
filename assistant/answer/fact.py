"""Fact, reason and yes/no answers: the composer's best sentences, the best one leading.

A reason answer tells the sentences in the report's order (an explanation reads in order); a yes/no answer
leads with the sentence that settles it. Several sentences become a lead and bullets.
"""

from __future__ import annotations

from assistant.answer.context import PlanContext
from assistant.answer.draft import Draft
from assistant.records import Hit

MAX_SENTENCES = {"fact": 5, "reason": 6, "yesno": 4}


def compose_fact(ctx: PlanContext, query: str, hits: list[Hit], plan: str = "fact", filters=None) -> Draft | None:
    chosen = ctx.composer.select(query, hits, MAX_SENTENCES.get(plan, 5), filters)
    if not chosen:
        return None
    draft = ctx.draft()
    framed: set[str] = set()
    lines = [ctx.line(draft, item.unit, framed) for item in chosen]
    if len(lines) <= 2:
        draft.lead = " ".join(lines)
    else:
        draft.lead, draft.bullets = lines[0], lines[1:]
    return draft
