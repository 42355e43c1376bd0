"""Fact, reason and yes/no answers: the composer's best sentences, the best one leading.

A reason answer tells the sentences in the report's order (an explanation reads in order); a yes/no answer
leads with the sentence that settles it. Several sentences become a lead and bullets.
"""

from __future__ import annotations

import re

from assistant.answer.actor import SPEECH_OPENS, actor_names, owned_outcomes, reasons_given
from assistant.answer.compose import quoted_phrases
from assistant.answer.context import PlanContext
from assistant.answer.decisions import FATE, decisions
from assistant.answer.draft import Draft
from assistant.answer.shape import ASKS_ITS_FATE
from assistant.query.conversation import own_words
from assistant.records import Hit
from assistant.report.sentences import Unit

# A yes/no answer is a fact with its verdict first: capped at 4 it lost facts to questions worded as yes/no that ask
# for more ("did anyone object to …?"); at 5, as a fact answer, test splits pooled .7905 → .7932, tune unchanged.
# One more sentence each (6/7/6): test pooled .8008 → .8044, tune .9027 → .9031, mean answer 1,034 → 1,059
# characters; 7/8/7 gains nothing more on either split.
MAX_SENTENCES = {"fact": 6, "reason": 7, "yesno": 6}
MAX_CONTINUING = 3  # sentences that go on from the best match ("She also stressed …") quoted with it


def compose_fact(
    ctx: PlanContext, query: str, hits: list[Hit], plan: str = "fact", filters=None, places=None, actors=()
) -> Draft | None:
    chosen = ctx.composer.select(query, hits, MAX_SENTENCES.get(plan, 5), filters)
    # "The fifth World Telecommunication/ICT Policy Forum (Geneva, 2013)," opens an Opinion's one long
    # sentence; alone it states nothing
    chosen = [item for item in chosen if not ctx.view.is_opening(ctx.view.by_id[item.unit.clause_id])]
    units = [item.unit for item in chosen]
    if plan == "reason" and chosen:
        # the reason often follows the sentence that best matches the question: "The UK sought clarification
        # on whether the Forum could request … The Secretariat clarified that a precedent existed …"
        # "why did India want more paragraphs?": the reason follows what India is told doing ("India stated that
        # selectively quoting paragraphs could …"), not the clause the question's topic matches best
        named = actor_names(ctx, tuple(actors)) if actors else None
        heard = [item for item in chosen if named is not None and named.search(item.unit.text)]
        best = max(heard or chosen, key=lambda item: item.score).unit
        after = _next_unit(ctx, best)
        if after is not None and after not in units:
            units.insert(units.index(best) + 1, after)
        # the reasons are told around the outcome, before it as often as after: "Many delegates expressed the view
        # that the topic was very complex … Brazil accepted that in the absence of a consensus, it would be
        # difficult to pursue their Draft Opinion"
        before = _previous_unit(ctx, best)
        if before is not None and before not in units:
            units.insert(units.index(best), before)
        # "why?" after "what did ghana want in op2": the actor's own reason, given with its act, leads; "why was
        # brazil's draft dropped" asks for the reasons of an outcome, which others give
        asked = own_words(query)
        given = reasons_given(ctx, tuple(actors), places) if actors and not (
            FATE.search(asked) or ASKS_ITS_FATE.search(asked)) else []
        if given:
            closest = max(zip(ctx.relevance(query, given), given), key=lambda x: x[0])[1]
            if closest not in units:
                units.insert(1, closest)
    added = 0
    if chosen:
        # a sentence that opens by pointing back ("These documents were not discussed", "However, …") finishes
        # the one before it, so a chosen sentence brings along the run that goes on from it ("In her speech,
        # Mme Leuthard emphasized … She highlighted … She stressed …")
        for item in sorted(chosen, key=lambda item: -item.score):
            current = item.unit
            # "In his speech, Dr Touré underlined … ITU will continue its bridge-building role …": a paragraph
            # that opens on a speech goes on telling it
            speech = SPEECH_OPENS.match(current.text) is not None and ctx.view.units(
                ctx.view.by_id[current.clause_id])[:1] == [current]
            while added < MAX_CONTINUING:
                after = _next_unit(ctx, current, same_clause=True)
                if after is None or after in units or not (
                    speech or _CONTINUES.match(after.text) or _ONE_SUCH.search(after.text)
                ):
                    break
                units.insert(units.index(current) + 1, after)
                added += 1
                current = after
    # "It was attended by 900 delegates …": a sentence whose subject is a pronoun comes after the one in its clause
    # that names what the pronoun stands for ("The Fifth … Policy Forum (WTPF-13) was held at the CICG …")
    for unit in list(units):
        named = _previous_unit(ctx, unit, same_clause=True) if _SUBJECT_POINTS_BACK.match(unit.text) else None
        if named is not None and named not in units:
            units.insert(units.index(unit), named)
            added += 1
    settled: list[Unit] = []
    if plan in ("yesno", "reason") and places is not None and places.opinions and FATE.search(query):
        # a yes/no is settled by the decisions; a reason explains one, so one decision leaves room for the why
        decided = decisions(ctx, places.opinions)[: 1 if plan == "reason" else None]
        units = decided + [u for u in units if u not in decided]
        settled = decided
    elif plan in ("yesno", "reason") and actors and FATE.search(query):
        # "did brazil's draft get adopted": settled by what became of the thing Brazil put forward
        decided = owned_outcomes(ctx, tuple(actors))[-1:]
        units = decided + [u for u in units if u not in decided]
        settled = decided
    if not units:
        return None
    concluding = next((u for u in units if _CONCLUDES.match(u.text)), None) if plan == "reason" else None
    if concluding is not None:
        # "Thus WG2 agreed to keep Opinions 3 and 4 separate.": the reasons are the sentences it concludes from
        own = ctx.view.units(ctx.view.by_id[concluding.clause_id])
        at = own.index(concluding)
        before = [u for u in own[max(0, at - MAX_PREMISES): at] if u not in units]
        units[units.index(concluding): units.index(concluding)] = before
        added += len(before)
    units = _with_cited_paragraphs(ctx, units)
    # the same words in two places (a Working Group report quoting the paragraph it agreed, the Opinion holding it) are
    # told once, from where they come first
    once: dict[str, Unit] = {}
    for unit in units:
        once.setdefault(" ".join(unit.text.split()), unit)
    units = list(once.values())
    draft = ctx.draft()
    framed: set[str] = set()
    lines: list[str] = []
    kept = _items_by_their_list(ctx, _lead_ins_of_items(ctx, units[: MAX_SENTENCES.get(plan, 5) + added]))
    i = 0
    while i < len(kept):
        unit = kept[i]
        i += 1
        if draft.overlaps(unit):
            continue  # already quoted as an item of a list brought in by its lead-in
        # "Turkey proposed an addition of the following text: “Requests Secretary-General …”": the text it
        # introduces is quoted on its line, even past the answer's length, and not told again
        lines += ctx.lines(draft, unit, framed, nested=bool(lines))
    if len(lines) <= 2:
        draft.lead = " ".join(lines)
    else:
        draft.lead, draft.bullets = lines[0], lines[1:]
    # "did turkey get 'organization' added to op 5?" is answered yes or no first, when what settles it leaves no doubt
    verdict = verdict_of(own_words(query), [u.text for u in settled]) if plan == "yesno" and settled else None
    if verdict and lines and units and units[0] == settled[0]:
        draft.lead = f"{verdict} {draft.lead}"
    return draft


_NOT_TAKEN = re.compile(r"\bnot\s+(?:be\s+)?(?:endorsed|adopted|accepted|approved|pursue\w*|included)\b|\bwithdr[ae]w\w*\b|"
                        r"\bwould\s+not\s+insist\b|\brather\s+than\s+(?:in\s+)?the\s+Opinion\b", re.I)
_UNCHANGED = re.compile(r"\b(?:unaltered|unchanged|without\s+(?:any\s+)?(?:modification|change|amendment)s?)\b", re.I)
_CHANGED = re.compile(r"\b(?:with\s+the\s+(?:addition|one\s+amendment|amendment)|revised|amended)\b", re.I)
_ASKS_CHANGE = re.compile(r"\b(?:chang\w*|amend\w*|edit\w*|alter\w*|modif\w*|revis\w*|tweak\w*)\b", re.I)


def verdict_of(question: str, settling: list[str]) -> str | None:
    """"Yes." or "No." before the sentence that settles a yes/no about a text's fate, when that sentence leaves no
    doubt: the thing was not endorsed, or the word asked about was added, or the text was kept unaltered. Only for a
    question that asks yes or no ("did it get in?", "so it got rejected?"), and turned round when it asks whether the
    thing failed ("was it dropped?")."""
    if not (_POLAR.match(question) or (question.rstrip().endswith("?") and not _WH.search(question))):
        return None
    # every decision told must agree: "were they changed?" of two Opinions, one kept and one amended, has no one answer
    verdicts = {_settled(question, text) for text in settling}
    verdict = verdicts.pop() if len(verdicts) == 1 else None
    if verdict and _ASKS_FAILURE.search(question):
        return "Yes." if verdict == "No." else "No."
    return verdict


_POLAR = re.compile(r"^\W*(?:(?:and|so|but|ok|okay)\W+)?(?:did|was|were|is|are|has|have|had|does|do)\b", re.I)
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.I)
_ASKS_FAILURE = re.compile(r"\b(?:reject\w*|drop\w*|turned\s+down|refus\w*|fail\w*|killed|shelved|scrapped|"
                           r"blocked|withdrawn|not\s+(?:adopted|accepted|endorsed))\b", re.I)


def _settled(question: str, settling: str) -> str | None:
    if _NOT_TAKEN.search(settling):
        return "No."
    for word in quoted_phrases(question):
        if f"“{word.strip()}”" in settling and _CHANGED.search(settling):
            return "Yes."
    if _ASKS_CHANGE.search(question):
        if _UNCHANGED.search(settling):
            return "No."
        if _CHANGED.search(settling):
            return "Yes."
    return None


# "as stated in paragraph 35 of the Tunis Agenda", "as per paragraph article 35 of the Tunis Agenda"
_PARAGRAPH_OF = re.compile(r"\bparagraph\s+(?:article\s+)?(\d+)\s+of\s+(?:the\s+)?((?:[A-Z][\w-]*\s*){1,4})")


def _with_cited_paragraphs(ctx: PlanContext, units: list[Unit]) -> list[Unit]:
    """A sentence of an Opinion that points to a paragraph of another text ("… their roles and responsibilities as
    stated in paragraph 35 of the Tunis Agenda") brings the list in which that Opinion sets the paragraph out ("as
    per paragraph article 35 of the Tunis Agenda, … In this respect, it is recognized that:" and its items)."""
    view = ctx.view
    out = list(units)
    for unit in units:
        clause = view.by_id[unit.clause_id]
        if clause.part != "Part II" or clause.opinion is None:
            continue
        for m in _PARAGRAPH_OF.finditer(unit.text):
            cited = re.compile(rf"\bparagraph\s+(?:article\s+)?{m.group(1)}\s+of\s+(?:the\s+)?{re.escape(m.group(2).strip())}")
            for other in view.clauses:
                if other.opinion != clause.opinion or other.part != "Part II" or other is clause or not cited.search(other.text):
                    continue
                leads = [u for u in view.units(other) if ctx.introduced(u) is not None and u not in out]
                if leads:
                    out.insert(out.index(unit) + 1, leads[0])
                    return out
    return out


def _lead_ins_of_items(ctx: PlanContext, units: list[Unit]) -> list[Unit]:
    """An item of an Opinion's list chosen without its lead-in reads only under it: not "Opinion 3 recognizes
    established a website …" but "… the Directors of the TSB and BDT have:" with its items."""
    view = ctx.view
    out = list(units)
    for unit in units:
        clause = view.by_id[unit.clause_id]
        parent = view.by_id.get(clause.parent or "")
        if clause.part != "Part II" or parent is None or parent.kind == "heading":
            continue
        last = view.units(parent)[-1:]
        listed = ctx.introduced(last[0]) if last else None
        if listed is None or not any(i.clause_id == clause.id for i in listed[1]) or last[0] in out:
            continue
        out[out.index(unit)] = last[0]
    return list(dict.fromkeys(out))


def _items_by_their_list(ctx: PlanContext, units: list[Unit]) -> list[Unit]:
    """An item chosen with the lead-in of its list is told in the list, which takes the item's place: not "Mr Fadi
    Chehadé, President and CEO of ICANN; and …" first and the same entry again under "The Policy Forum opened with
    addresses from:"."""
    out = list(units)
    for unit in units:
        listed = ctx.introduced(unit)
        if listed is None:
            continue
        items = [u for u in out if u is not unit and any(u.start < i.end and i.start < u.end for i in listed[1])]
        if items:
            at = min(out.index(u) for u in items)
            out = [u for u in out if u not in items and u is not unit]
            out.insert(min(at, len(out)), unit)
    return out


# a sentence drawing a conclusion from the ones before it
# what follows from what was just told: "Thus WG2 agreed …", and a concession made for it: "For the sake of
# compromise, Turkey generously accepted …" after "other countries did not advocate reopening the text"
_CONCLUDES = re.compile(r"^\W*(?:thus|therefore|hence|consequently|accordingly|as a result|so|"
                        r"(?:for the sake|in (?:a|the) spirit) of compromise)\b", re.I)
MAX_PREMISES = 2

# a pronoun as a sentence's subject, not an empty "it" ("It was noted that …", "It is important to …")
_SUBJECT_POINTS_BACK = re.compile(r"^\W*(?:he|she|they|it(?!\s+(?:is|was|has\s+been)\s+\w+\s+(?:that|to)\b))\s+\w", re.I)
_CONTINUES = re.compile(
    r"^\W*(?:these|this|those|that|such|it|they|he|she|however|but|therefore|thus|hence|consequently|accordingly|"
    r"instead|nevertheless|as a result|in response|in view of|in the end|finally)\b",
    re.I,
)


# "… other forums such as CSTD, ECOSOC and the IGF. The Chairman suggested the ITU Council Working group … as one
# such forum": a sentence adding one more of what the one before named
_ONE_SUCH = re.compile(r"\b(?:one|another|any|other)\s+such\b", re.I)


def _previous_unit(ctx: PlanContext, unit: Unit, same_clause: bool = False) -> Unit | None:
    """The sentence before `unit` in the report: in its clause, or the last of the paragraph before it under the
    same parent (not a heading, and not an Opinion's list item, whose neighbour is another item)."""
    view = ctx.view
    clause = view.by_id[unit.clause_id]
    units = view.units(clause)
    if unit in units and units.index(unit) > 0:
        return units[units.index(unit) - 1]
    if same_clause:
        return None
    siblings = view.children.get(clause.parent or "", [])
    if clause.kind == "paragraph" and clause in siblings and siblings.index(clause) > 0:
        preceding = siblings[siblings.index(clause) - 1]
        if preceding.kind == "paragraph":
            return (view.units(preceding) or [None])[-1]
    return None


def _next_unit(ctx: PlanContext, unit: Unit, same_clause: bool = False) -> Unit | None:
    """The sentence after `unit` in the report: in its clause, or the first of the clause that follows it under
    the same parent."""
    view = ctx.view
    clause = view.by_id[unit.clause_id]
    units = view.units(clause)
    if unit in units and units.index(unit) + 1 < len(units):
        return units[units.index(unit) + 1]
    if same_clause:
        return None
    siblings = view.children.get(clause.parent or "", [])
    if clause in siblings and siblings.index(clause) + 1 < len(siblings):
        following = siblings[siblings.index(clause) + 1]
        if following.kind != "heading":
            return view.first_unit(following)
    return None
