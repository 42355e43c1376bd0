"""Definition answers: an acronym's long form where the report defines it, then how the report uses it."""

from __future__ import annotations

import re

from assistant.answer.context import PlanContext
from assistant.answer.draft import Draft
from assistant.records import Hit
from assistant.report.glossary import defining

USES = 2  # sentences using the term, after the defining one


def asked_acronym(query: str, glossary: dict[str, str]) -> str | None:
    for word in re.findall(r"[A-Za-z]{2,8}", query):
        bare = word[:-1] if word.endswith("s") and word[:-1].upper() in glossary else word
        if bare.upper() in glossary and (bare.isupper() or len(bare) <= 5):
            return bare.upper()
    return None


def compose_definition(ctx: PlanContext, query: str, hits: list[Hit]) -> Draft | None:
    acronym = asked_acronym(query, ctx.glossary)
    if acronym is None:
        return None
    long_form = ctx.glossary[acronym]
    view = ctx.view
    defines = defining(acronym, long_form)
    uses = re.compile(rf"\b{acronym}s?\b")
    definition = None
    using = []
    for clause in view.clauses:
        for unit in view.units(clause):
            if definition is None and defines.search(unit.text):
                definition = unit
            elif uses.search(unit.text) or long_form.lower() in unit.text.lower():
                using.append(unit)
    if definition is None:
        return None
    draft = ctx.draft()
    framed: set[str] = set()
    draft.lead = f"{acronym} stands for {long_form}. {ctx.line(draft, definition, framed)}"
    if using:
        scores = ctx.relevance(query, using)
        # the sentence after the defining one goes on defining when it names the term again: "The ITU World
        # Telecommunication/ICT Policy Forum (WTPF) was established by … WTPF provides a forum where …"
        own = view.units(view.by_id[definition.clause_id])
        following = own[own.index(definition) + 1] if own.index(definition) + 1 < len(own) else None
        order = sorted(range(len(using)), key=lambda i: (using[i] != following, -scores[i]))
        for i in order[:USES]:
            draft.bullets.append(ctx.line(draft, using[i], framed))
    return draft
