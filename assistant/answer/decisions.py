"""What the Working Groups decided about each Opinion: the sentences that state an outcome or a decision, and
the debate paragraphs that are about an Opinion. Plans that tell an Opinion's fate (yes/no, reason, overview,
comparison, actor) read them here."""

from __future__ import annotations

import re

from assistant.answer.context import PlanContext
from assistant.query.question import TAKEN_UP
from assistant.report.refs import about_opinions
from assistant.report.sentences import Unit

OUTCOME = re.compile(
    r"\b(?:endorsed|adopted|approved|agreed|submitted|withdr\w*|forwarded|consensus|accepted|concluded|"
    r"not (?:be )?(?:included|accepted)|decided|moved)\b",
    re.I,
)
# The group's own decision about an Opinion, stated as such ("Working Group 1 endorsed Draft Opinion 1 …").
DECISION = re.compile(r"\b(?:endorsed|agreed to|adopted|not adopted|decided|concluded|approved)\b", re.I)
# "Was Opinion 3 changed?": the Working Group's own decision about the Opinion settles it.
FATE = re.compile(rf"\b(?:{TAKEN_UP}|chang\w*|amend\w*|modif\w*|alter\w*|pass\w*|"
                   r"final\w*|rejected|dropped|survive\w*|outcome|end up|ended up|merg\w*|combin\w*|separate\w*|split|"
                   r"decid\w*|decision\w*|verdict|fate|"
                   # "did 'relevant' go in?", "did turkey get its paragraph into op 6", "what got added to op 5"
                   r"added|inserted|go(?:es)?\s+in|went\s+in|(?:get|got|make|made)\s+(?:(?![a-z]+ed\b)[\w’'\"“”-]+\s+){1,3}?"
                   r"in(?:to)?(?=\s*(?:$|[?.!,]|(?:the\s+)?(?:op|opinion|text|final|draft|it)\b)))\b", re.I)



def in_places(clause, places, view) -> bool:
    """A clause in the Opinions and Working Groups `places` names (any clause when it names none)."""
    if places.opinions and not about_opinions(clause, places.opinions, view):
        return False
    return not places.groups or clause.working_group in places.groups


def decisions(ctx: PlanContext, opinions, limit: int | None = 2) -> list[Unit]:
    """The Working Group's decision sentences about the Opinions ("WG2 endorsed Opinion 3 in its unaltered
    form"), in the report's order."""
    view = ctx.view
    out = []
    for clause in view.clauses:
        if clause.part != "Annex I" or clause.kind != "paragraph" or not about_opinions(clause, opinions, view):
            continue
        for unit in view.units(clause):
            if DECISION.search(unit.text) and any(re.search(rf"\bopinions?\s+(?:\d+\s*(?:,|and|&)\s*)*{n}\b", unit.text, re.I) for n in opinions):
                out.append(unit)
    return out[:limit]


def group_decisions(ctx: PlanContext, group_head) -> list[Unit]:
    """What a Working Group's report states it decided about each Opinion it handled, in order."""
    inside = {c.id for c in ctx.view.descendants(group_head.id)}
    return [u for u in decisions(ctx, tuple(sorted(ctx.view.opinion_heads)), limit=None) if u.clause_id in inside]
