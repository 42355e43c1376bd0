"""What came of something the last answer told ("did it get in?", "what was the answer?", "how did the group
respond?"): the report tells a debate in order, so the outcome or the reply is in the sentences that state one
in the paragraphs the last answer quoted, or in the paragraph right after them."""

from __future__ import annotations

import re

from assistant.answer.context import PlanContext, Places
from assistant.answer.decisions import DECISION, OUTCOME
from assistant.report.refs import about_opinions
from assistant.answer.draft import Draft
from assistant.report.sentences import Unit
from assistant.search.route import numbered_places

# A reply is an outcome too: "The Secretariat clarified that a precedent existed …"
_REPLY = re.compile(r"\b(?:clarified|explained|replied|responded|answered|insist\w*|unaltered|unchanged|"
                    r"current form|reflected|compromise|expressed (?:their|its) (?:support|opposition|concern)|"
                    r"objected|opposed)\b|"
                    # what is to come of it: "… could be continued at other forums", "… could consider forwarding the
                    # output …", "… would be included in the text of the Chairman's report"
                    r"\b(?:could|would|will)\s+(?:be\s+)?(?:continu\w*|includ\w*|forward\w*|consider\s+forward\w*)",
                    re.I)
MAX_SEQUEL = 3  # sentences told: the outcome, and at most two more that state one
SEQUEL_SHARE = 0.6  # of the best sentence's closeness to the question a further sentence needs


def compose_sequel(ctx: PlanContext, query: str, cited: tuple[str, ...], settled: list[Unit] = ()) -> Draft | None:
    """What came of what the last answer (citing `cited`) told; `settled` are sentences known to tell what became
    of it, told first."""
    view = ctx.view
    if settled:
        return ctx.tell(sorted(settled, key=lambda u: u.start))
    narrative = [view.by_id[c] for c in cited if c in view.by_id and view.by_id[c].kind == "paragraph"
                 and view.by_id[c].part != "Part II"]
    places = Places.of(query)
    # the last answer may have told what an actor did in several places; the question's own places pick one
    narrative = [c for c in narrative if (not places.groups or c.working_group in places.groups)
                 and (not places.opinions or about_opinions(c, places.opinions, view))] or narrative
    told_before = [u for clause in narrative for u in view.units(clause)]
    if not told_before:
        return None
    # the sentence the last answer was about (it may state the outcome itself), then what the report tells
    # after it in the same section
    closeness = ctx.relevance(query, told_before)
    anchor = told_before[max(range(len(told_before)), key=closeness.__getitem__)]
    home = view.by_id[anchor.clause_id]
    siblings = view.children.get(home.parent or "", [home])
    after = siblings[siblings.index(home):] if home in siblings else [home]
    # past the story's own paragraph, what is told of another Opinion than the one asked about is another story
    after = [c for c in after if c is home or not places.opinions or about_opinions(c, places.opinions, view)
             or not c.refs]
    candidates = [u for clause in after if clause.kind == "paragraph" for u in view.units(clause) if u.start >= anchor.start]
    told = [u for u in candidates if OUTCOME.search(u.text) or _REPLY.search(u.text)]
    if not told:
        return None
    scores = ctx.relevance(query, told)
    best = max(scores)
    ranked = sorted(range(len(told)), key=lambda i: -scores[i])
    # the first outcome told after it is the likeliest answer ("The Secretariat clarified …" right after "The
    # UK sought clarification …"); then those closest to the question
    picked = [told[0]]
    picked += [told[i] for i in ranked[:MAX_SEQUEL] if scores[i] >= best * SEQUEL_SHARE and told[i] not in picked]
    picked = picked[:MAX_SEQUEL]
    # that first outcome usually answers the sentence before it ("… the Chairman proposed that Turkey's
    # contribution would be included in the Chairman's report. In the spirit of compromise, Turkey accepted the
    # proposal."), which comes along when it is part of the story told after the anchor
    units = view.units(view.by_id[told[0].clause_id])
    at = units.index(told[0]) if told[0] in units else 0
    if at > 0 and units[at - 1].start > anchor.start and units[at - 1] not in picked:
        picked.append(units[at - 1])
    # the section's own decision closes the story ("… endorsed Draft Opinion 2 with the addition of …")
    decided = [u for u in told if DECISION.search(u.text)]
    # of the asked Opinion, when the question names one: not "… the discussions were concluded in one Session"
    named = [u for u in decided if numbered_places(u.text)[0] & set(places.opinions)]
    decided = named or decided
    if decided and decided[-1] not in picked:
        picked.append(decided[-1])
    return ctx.tell(sorted(picked, key=lambda u: u.start))
