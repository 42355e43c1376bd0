"""What became of every draft Opinion: "which opinions were amended?", "were any of the drafts changed?". The
answer is spread over the Working Group reports, one decision per Opinion ("Working Group 1 endorsed Draft
Opinion 2 with the addition of the word “relevant” …"), so each Opinion's decision is gathered in the
Opinions' order, with any draft a group did not endorse."""

from __future__ import annotations

import re

from assistant.answer.context import PlanContext
from assistant.answer.decisions import decisions
from assistant.answer.draft import Draft, clean_sentence
from assistant.query.conversation import own_words
from assistant.query.question import tokenize

# The question is about the drafts as a whole: "the opinions", "any of the drafts", "which opinions"
_ALL_DRAFTS = re.compile(
    r"\b(?:(?:which|what|any|all|each|every|the|of the)\s+(?:(?:six|draft|final)\s+)*(?:opinions|drafts|draft opinions)|"
    r"(?:which|what|any|all|each|every)\s+(?:of\s+the\s+)?(?:six\s+)?(?:opinions?|drafts?))\b",
    re.I,
)
# Asked what changed, not which were adopted: "list the opinions adopted" wants the six titles
_CHANGED = re.compile(
    r"\b(?:chang\w*|amend\w*|modif\w*|alter\w*|edit\w*|revis\w*|tweak\w*|added|rejected|dropped|unaltered|unchanged|"
    r"happen\w*\s+to)\b",
    re.I,
)
_PROPOSED = re.compile(r"\b(?:propos\w*|suggest\w*|want\w*|ask\w*|request\w*|submit\w*|sought|push\w*)\b", re.I)
# A draft a group turned down names no Opinion number ("the new Draft Opinion was not endorsed")
_NOT_ENDORSED = re.compile(r"\bnot\s+(?:be\s+)?(?:endorsed|adopted|accepted)\b", re.I)


# What the Working Groups decided, asked of them: "what did each working group decide", "the outcome of working
# group 2", "results of the working groups?", "every amendment that got accepted"
_GROUPS_DECIDED = re.compile(
    r"\b(?:working\s+groups?|wgs?)\b.{0,40}?\b(?:decid\w*|conclu\w*|endors\w*|agreed|outcomes?|results?)\b|"
    r"\b(?:decid\w*|decisions?|conclu\w*|outcomes?|results?)\b.{0,40}?\b(?:working\s+groups?|wgs?)\b|"
    r"\b(?:each|every|all|which|what|list)\s+(?:of\s+the\s+)?(?:amendments|changes|edits)\b.{0,30}?"
    r"\b(?:accepted|adopted|made|agreed|went\s+through)\b|"
    r"\b(?:every|each|all)\s+amendment\b.{0,30}?\b(?:accepted|adopted|agreed)\b",
    re.I,
)


# Words every question about the decisions may use, which single none of them out
_GENERIC = frozenset(tokenize("which what opinion opinions draft drafts working group groups wg changed amended "
                              "modified altered edited revised added word words text got get had have were was any all"))


def asks_every_fate(own: str) -> bool:
    """"which opinions were changed in the working groups?", "were any of the drafts amended?", "what did each
    working group decide?"; `own` is the user's own words (`own_words`), not the earlier turn read after them."""
    # what was proposed or asked for is the doers' and the debate's, not the decisions'
    if _PROPOSED.search(own):
        return False
    return bool(_CHANGED.search(own) and _ALL_DRAFTS.search(own)) or _GROUPS_DECIDED.search(own) is not None


def compose_fates(ctx: PlanContext, query: str, groups: tuple[int, ...] = ()) -> Draft | None:
    """Each Opinion's decision, of the Opinions the `groups` handled (all, when none is named)."""
    view = ctx.view
    draft = ctx.draft()
    chosen = []
    for number in sorted(view.opinion_heads):
        found = decisions(ctx, (number,), limit=None)
        if groups:
            found = [u for u in found if view.by_id[u.clause_id].working_group in groups]
        # the group's endorsement states the change, if any, with it; another decision ("agreed to keep
        # Opinions 3 and 4 separate") only when there is none
        endorsed = [u for u in found if re.search(r"\bendorsed\b", u.text, re.I)] or found
        if endorsed:
            chosen.append((number, endorsed[0]))
    if len(chosen) < 2:
        return None
    # "which opinion was amended with the word relevant": the decisions holding the detail asked come first
    detail = set(tokenize(own_words(query))) - _GENERIC
    chosen.sort(key=lambda pair: not detail & set(tokenize(pair[1].text)))
    for number, unit in chosen:
        draft.bullets.append(f"**Opinion {number}**: {clean_sentence(unit.text)} {draft.cite(unit)}")
    turned_down = [
        u for clause in view.clauses if clause.part == "Annex I" and clause.kind == "paragraph"
        and (not groups or clause.working_group in groups)
        for u in view.units(clause)
        if _NOT_ENDORSED.search(u.text) and re.search(r"\bdraft\s+opinion\b", u.text, re.I) and not draft.has(u)
    ]
    # one sentence for it: the group's own "was not endorsed" before the chairman's summing up
    turned_down.sort(key=lambda u: not re.search(r"\bendorsed\b", u.text, re.I))
    for unit in turned_down[:1]:
        draft.bullets.append(f"Not endorsed: {clean_sentence(unit.text)} {draft.cite(unit)}")
    named = " and ".join(f"Working Group {g}" for g in groups)
    draft.lead = f"What {named or 'the Working Groups'} decided about each draft Opinion:"
    draft.anchored = True
    return draft
