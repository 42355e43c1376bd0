"""Comparison answers of two places: each place's title and the sentences closest to the question, clauses
the two share nearly word for word aligned (with the words that differ), and what the debate said of both."""

from __future__ import annotations

import re

from assistant.answer.actor import OFFICE, actor_mentions, as_written, heard_anywhere, told_with_quotes
from assistant.answer.context import PlanContext, Places
from assistant.answer.draft import Draft, clean_sentence, section_phrase
from assistant.answer.decisions import FATE, decisions, group_decisions, in_places
from assistant.answer.listing import section_key, named_sections
from assistant.answer.overview import OPERATIVE
from assistant.query.answer_type import holds_type
from assistant.query.question import question_kind, tokenize
from assistant.records import Clause, Hit
from assistant.search.route import numbered_places
from assistant.report.sentences import Unit

# Words of a comparison question that name no topic ("how do opinions 3 and 4 differ").
_GENERIC = frozenset(tokenize(
    "opinion opinions working group groups wg draft differ difference different compare comparison versus vs "
    "contrast similar same both each other two the between focus main point points report"
))
PER_PLACE = 3
MOST_SIDES = 3  # "wg1, wg2 and wg3": three Working Groups side by side; six Opinions are an overview's, not a comparison's
PER_SECTION = 6  # items of a section the question names, on each side (Opinion 3 invites four, Opinion 4 three)
BEST = 2  # sentences shown for each side
SAME_TEXT = 0.9  # cosine above which two clauses say the same thing (wording aside)
DEBATE = 2  # sentences of the debate that name both places
# Sentences told of each actor compared, the closest to the question. Chosen on the tune splits of 17 user sets
# (facts / evidence recall@5): 4 .9370 / .9105, 6 .9384 / .9105, 8 (all the actor plan finds) .9384 / .9105.
MAX_PER_ACTOR = 6
MAX_ITEMS = 14  # items of a lead-in quoted on a side, as any answer quotes them


def places_compared(ctx: PlanContext, places, hits: list[Hit]) -> list[Clause]:
    view = ctx.view
    if len(places.opinions) >= 2:
        return [view.opinion_heads[n] for n in places.opinions[:MOST_SIDES] if n in view.opinion_heads]
    if len(places.groups) >= 2:
        return [view.group_heads[n] for n in places.groups[:MOST_SIDES] if n in view.group_heads]
    # Two places the question does not name (two actors, two meetings) are compared from the sentences that
    # answer it, by the fact plan: guessing the places from the hits compared the wrong things.
    return []


def compose_compare(
    ctx: PlanContext, query: str, hits: list[Hit], places, actors: tuple[str, ...] = ()
) -> Draft | None:
    sides = places_compared(ctx, places, hits)
    if len(sides) < 2:
        if len(places.opinions) < 2 and len(places.groups) < 2:
            actors_compared = compose_actors_compared(ctx, query, actors, places)
            if actors_compared is not None:
                return actors_compared
        return None if places.count else compose_numbered(ctx, query)
    view = ctx.view
    draft = ctx.draft()
    names = [_place_name(s) for s in sides]
    titles = [view.first_unit(s) for s in sides]
    compared = f"{', '.join(names[:-1])} and {names[-1]} compared:"
    if all(titles):
        draft.lead = compared
    picked: list[list[Unit]] = []
    topic = _topic(query)
    fate = FATE.search(query) and sides[0].opinion is not None
    sections = named_sections(query) if sides[0].opinion is not None and sides[0].part == "Part II" else set()
    for side, name, title in zip(sides, names, titles):
        body = [c for c in view.descendants(side.id) if c.kind != "heading"]
        asked = [c for c in body if c.section and section_key(c.section) in sections]
        # "India's asks on Opinion 5 versus Opinion 6": what the actor did about each side, and only on that side (what
        # it said elsewhere, which fills an actor's answer, is not this side's); a side where it is not named is told
        # by its own sentences on the topic
        told = [u for u in actor_mentions(ctx, query, actors, _only(side))
                if in_places(view.by_id[u.clause_id], _only(side), view)] if actors else []
        if told:
            units = told
        elif asked:
            # "how do the 'invites' bits differ": the sections named, item by item, on each side
            units = [u for c in asked for u in view.units(c)[:1]][:PER_SECTION]
        elif fate:
            # "changes made to Opinion 5 vs Opinion 6": what the Working Group decided about each
            units = decisions(ctx, (side.opinion,))[:1] + ctx.top_units(topic or query, body, PER_PLACE - 1)
        elif topic:
            # the topic alone, without the places and comparison words, finds each side's sentences on it: in the
            # place, or for a Working Group where the report names it and no other side ("Working Group 3: Chair Mr
            # Petko Kantchev" is in Part I, not in the group's own report); an Opinion is its own text
            elsewhere = _naming_alone(ctx, side, sides, body) if side.opinion is None else []
            units = _typed_first(ctx, query, topic, body + elsewhere)
        elif side.opinion is None:
            # two Working Groups: what each decided about the Opinions it handled
            units = group_decisions(ctx, side)[:PER_PLACE] or ctx.top_units(query, body, PER_PLACE)
        else:
            # "how do they differ?" names no topic: each side's conclusions and calls say what it is for
            shared = {u for pair in _aligned(ctx, sides) for u in pair}
            units = [u for c in body if OPERATIVE.match(c.section or "")
                     for u in view.units(c)[:1] if u not in shared][:PER_PLACE]
        picked.append(units)
        if title is not None:
            # "**Opinion 3**: Supporting Capacity Building …", not "**Opinion 3**: OPINION 3: Supporting …"
            shown = re.sub(rf"^{re.escape(name)}\s*[:.–-]\s*", "", title.text, flags=re.I)
            draft.bullets.append(f"**{name}**: {clean_sentence(shown)} {draft.cite(title)}")
        if told:
            draft.bullets += [f"  - {line}" for line in told_with_quotes(ctx, draft, units)]
            continue
        for unit in units:
            if ctx.openers(unit):
                # a sentence inside a quotation ("Requests the Chair … countries.”" of a UNGA resolution an Opinion
                # notes) is told with what introduces it, as any answer tells it
                draft.bullets += [f"  - {line}" for line in ctx.lines(draft, unit, set(), nested=False)]
                continue
            if draft.has(unit):
                continue  # an item its lead-in, quoted above, brought already
            listed = ctx.introduced(unit)
            if listed is not None:
                # "Working Group 2 met on 15 May from 09:30-10:10 to discuss two draft opinions:" with what it lists
                lead, items = listed
                draft.bullets.append(f"  - {_said(view.by_id[lead.clause_id])}{clean_sentence(lead.text)} {draft.cite(lead)}")
                draft.bullets += [f"    - {clean_sentence(item.text)} {draft.cite(item)}" for item in items[:MAX_ITEMS]]
                continue
            lead = ctx.item_lead_in(unit)
            if lead is not None and not draft.overlaps(lead):
                # "studied IPv6 address allocation …" is item 2 of "that the Directors of the TSB and BDT have,"
                said = ctx.after_lead_in(draft, lead.text, lead, unit)
            else:
                said = f"{clean_sentence(unit.text)} {draft.cite(unit)}"
            draft.bullets.append(f"  - {_said(view.by_id[unit.clause_id])}{said}")
    # two Opinions may share a clause word for word; two Working Group reports tell different debates, whose
    # sentences only share their wording ("Turkey proposed … the following text:")
    for a, b in _aligned(ctx, sides) if len(sides) == 2 and sides[0].opinion is not None else ():
        if draft.has(a) and draft.has(b):
            continue
        extra, missing = _word_diff(a.text, b.text)
        diff = ""
        if extra or missing:
            diff = f" ({names[0]} alone has “{' '.join(extra)}”" if extra else " ("
            diff += (f"; {names[1]} alone has “{' '.join(missing)}”)" if extra else f"{names[1]} alone has “{' '.join(missing)}”)") if missing else ")"
        draft.bullets.append(
            f"Both say nearly the same: {clean_sentence(a.text)} {draft.cite(a)} / {draft.cite(b)}{diff}"
        )
        break
    # the sentences that best answer the question, wherever they are, so the comparison never misses them
    for item in ctx.composer.select(query, hits, BEST)[:BEST]:
        if not draft.overlaps(item.unit):
            # a quoted sentence with what introduces it, a lead-in with its items
            first, *items = ctx.lines(draft, item.unit, set(), nested=True)
            draft.bullets += [f"Closest to the question: {first}", *items]
    debate = _debate(ctx, query, sides)
    for unit in debate:
        if not draft.has(unit):
            draft.bullets.append(f"In the debate: {clean_sentence(unit.text)} {draft.cite(unit)}")
    if not draft.lead:
        draft.lead = compared
    return draft


_PLACE_WORDS = re.compile(r"\b(?:draft\s+)?(?:opinions?|working\s+groups?|wgs?)\s*\d+(?:\s*(?:,|and|&|or|vs\.?|versus)\s*\d+)*|"
                          r"\b(?:op|wg)\s*\d+", re.I)


# the kind of thing a question asks of each side, and the answer type that holds it: "how long did wg2 sit vs wg3"
# asks for times, "who chaired wg1 vs wg2" for people
_KIND_TYPE = {"when": "date", "how-many": "count", "who": "person"}


def _typed_first(ctx: PlanContext, query: str, topic: str, clauses: list[Clause]) -> list[Unit]:
    """A side's PER_PLACE sentences closest to the topic; when the question asks for a time, a number or a person,
    those that state one come first."""
    wanted = _KIND_TYPE.get(question_kind(query))
    typed = (lambda unit: holds_type(unit.text, wanted)) if wanted else None
    return ctx.top_units(topic, clauses, PER_PLACE, first=typed)


def _topic(query: str) -> str:
    """The question's words about its topic, without the places and the comparison: "ipv4 exhaustion status"
    of "ipv4 exhaustion status: does Opinion 3 say the same as Opinion 4?"."""
    rest = _PLACE_WORDS.sub(" ", query)
    words = [w for w in re.findall(r"[\w’'-]+", rest) if not w.isdigit() and not (set(tokenize(w)) <= _GENERIC)]
    return " ".join(words) if any(set(tokenize(w)) - _GENERIC for w in words) else ""


def compose_actors_compared(ctx: PlanContext, query: str, actors: tuple[str, ...], places) -> Draft | None:
    """Two or three actors side by side ("turkey's op6 proposal vs india's", "leuthard's speech vs chehade's"):
    under each, what the report tells them doing closest to the question, in the places asked about."""
    # "the IEG chair vs the WG3 chair": an office, held by someone the question does not name, is not a side;
    # "the two strategic dialogue sessions" are things compared, which no one is heard as
    if not 2 <= len(actors) <= MOST_SIDES or any(OFFICE.match(a) for a in actors) \
            or not all(heard_anywhere(ctx, (a,)) for a in actors):
        return None
    found = [_closest_told(ctx, query, actor_mentions(ctx, query, (actor,), places)) for actor in actors]
    if sum(1 for units in found if units) < 2:
        return None  # one of them is not heard here: the fact plan tells what there is
    draft = ctx.draft()
    names = [as_written(ctx, a) for a in actors]
    draft.lead = f"{', '.join(names[:-1])} and {names[-1]} compared:"
    for name, units in zip(names, found):
        draft.bullets.append(f"**{name}**:" if units else f"**{name}**: the report tells nothing of them here.")
        draft.bullets += [f"  - {line}" for line in told_with_quotes(ctx, draft, units, set())]
    return draft


def _closest_told(ctx: PlanContext, query: str, units: list[Unit]) -> list[Unit]:
    """The MAX_PER_ACTOR sentences closest to the question, in the report's order, a kept lead-in ("… proposed the
    following text:") with the sentences of its clause that it introduces."""
    if len(units) <= MAX_PER_ACTOR:
        return units
    scores = ctx.relevance(query, units)
    kept = set(sorted(range(len(units)), key=lambda i: -scores[i])[:MAX_PER_ACTOR])
    for i in sorted(kept):
        if units[i].text.rstrip().endswith(":"):
            kept |= {j for j in range(i + 1, len(units)) if units[j].clause_id == units[i].clause_id}
    return [units[i] for i in sorted(kept)]


def _naming_alone(ctx: PlanContext, side: Clause, sides: list[Clause], body: list[Clause]) -> list[Clause]:
    """Clauses outside the Working Group `side` that name it and none of the other `sides` ("Working Group 3:
    Chair Mr Petko Kantchev" in Part I), read as the search reads the places a text names."""
    others = {o.working_group for o in sides if o is not side}
    inside = {c.id for c in body}
    out = []
    for clause in ctx.view.clauses:
        if clause.kind == "heading" or clause.id in inside:
            continue
        groups = numbered_places(clause.text)[1]
        if side.working_group in groups and not groups & others:
            out.append(clause)
    return out


def _only(head: Clause) -> Places:
    if head.opinion is not None and head.part == "Part II":
        return Places((head.opinion,), ())
    return Places((), (head.working_group,) if head.working_group is not None else ())


def _place_name(head: Clause) -> str:
    if head.opinion is not None and head.part == "Part II":
        return f"Opinion {head.opinion}"
    if head.working_group is not None:
        return f"Working Group {head.working_group}"
    return head.part


def _said(clause: Clause) -> str:
    if clause.part == "Part II" and clause.section:
        return f"{section_phrase(clause.section)[:1].upper()}{section_phrase(clause.section)[1:]}: "
    return ""


def _aligned(ctx: PlanContext, sides: list[Clause]) -> list[tuple[Unit, Unit]]:
    """Pairs of sentences, one from each side of two, that say nearly the same, closest first. With three
    sides there is no pair to set apart: a "Both say" line is written for two sides only."""
    vectors = ctx.composer.vectors
    if vectors is None or len(sides) != 2:
        return []
    view = ctx.view
    # an Opinion's opening fragment ("The fifth … Policy Forum (Geneva, 2013),") is the same in all six and says nothing
    a_units = [u for c in view.descendants(sides[0].id) if c.kind != "heading" and not view.is_opening(c)
               for u in view.units(c)]
    b_units = [u for c in view.descendants(sides[1].id) if c.kind != "heading" and not view.is_opening(c)
               for u in view.units(c)]
    pairs = []
    b_vectors = [(u, vectors.unit_vector(u), _words(u.text)) for u in b_units]
    for a in a_units:
        va, wa = vectors.unit_vector(a), _words(a.text)
        if va is None:
            continue
        # a sentence's vector carries its place ("Opinion 3 › is of the view"), so the same words in two
        # Opinions measure only ~0.85: shared words count as much
        best = max(
            ((max(float(va @ vb), _overlap(wa, wb)), b) for b, vb, wb in b_vectors if vb is not None),
            default=(0.0, None), key=lambda x: x[0],
        )
        if best[1] is not None and best[0] >= SAME_TEXT:
            pairs.append((best[0], a, best[1]))
    pairs.sort(key=lambda x: -x[0])
    return [(a, b) for _, a, b in pairs]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w’'-]+", text.lower()))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _word_diff(a: str, b: str) -> tuple[list[str], list[str]]:
    wa, wb = re.findall(r"[\w’'-]+", a.lower()), re.findall(r"[\w’'-]+", b.lower())
    sa, sb = set(wa), set(wb)
    return [w for w in dict.fromkeys(wa) if w not in sb][:8], [w for w in dict.fromkeys(wb) if w not in sa][:8]


def _debate(ctx: PlanContext, query: str, sides: list[Clause]) -> list[Unit]:
    """Sentences outside both places that name both of them ("Draft Opinions 3 and 4 …")."""
    if len(sides) != 2:
        return []
    numbers = [s.opinion if s.opinion is not None else s.working_group for s in sides]
    kind = "opinion" if sides[0].opinion is not None else "working group"
    view = ctx.view
    inside = {c.id for s in sides for c in view.descendants(s.id)}
    pattern = re.compile(
        rf"\b{kind}s?\s+{numbers[0]}\b.*\b{numbers[1]}\b|\b{kind}s?\s+{numbers[0]}\s+(?:and|&)\s+{numbers[1]}\b", re.I
    )
    units = [
        u for c in view.clauses if c.id not in inside and c.kind != "heading"
        for u in view.units(c) if pattern.search(u.text)
    ]
    if not units:
        return []
    scores = ctx.relevance(query, units)
    ranked = sorted(zip(scores, range(len(units))), key=lambda x: -x[0])[:DEBATE]
    return [units[i] for _, i in sorted(ranked, key=lambda x: units[x[1]].start)]


# Nouns whose numbers name the report's own places or its paragraphs, compared by the plan above or not at all
_NOT_NUMBERED_THINGS = frozenset(
    "opinion opinions group groups wg wgs op part parts annex para paras paragraph paragraphs page pages the".split()
)
_NUMBERED = re.compile(r"\b([A-Za-z]{3,})\s+(\d{1,3})((?:\s*(?:,|and|&|or|vs\.?|versus|to)\s*\d{1,3}\b)*)", re.I)
_SET_OF = re.compile(r"\b(?:two|three|four|both|each|all|2|3|4)\s+(?:(?:of\s+)?the\s+)?(?:[\w-]+\s+){0,3}?([a-z]{3,}?)s\b", re.I)


def numbered_things(ctx: PlanContext, query: str) -> list[str]:
    """Things of one kind the report tells apart by number, as the question asks for them: "session 1 vs
    session 2", or "the two sessions" where the report has a Session 1 and a Session 2."""
    source = ctx.source
    labels: list[str] = []
    for m in _NUMBERED.finditer(query):
        noun = m.group(1)
        if noun.lower() in _NOT_NUMBERED_THINGS:
            continue
        for n in [m.group(2), *re.findall(r"\d+", m.group(3))]:
            found = re.search(rf"\b{re.escape(noun)}\s+{n}\b(?![.,]?\d)", source, re.I)
            if found and found.group(0) not in labels:
                labels.append(found.group(0))
    if len(labels) >= 2:
        return labels
    asked = _SET_OF.search(query)
    if asked is None or asked.group(1).lower() in _NOT_NUMBERED_THINGS:
        return []
    numbered = [m.group(0) for m in re.finditer(rf"\b{re.escape(asked.group(1))}\s+\d{{1,3}}\b(?![.,]?\d)", source, re.I)]
    labels = list(dict.fromkeys(" ".join(w.capitalize() if w.isalpha() else w for w in x.split()) for x in numbered))
    return labels if 2 <= len(labels) <= 4 else []


def compose_numbered(ctx: PlanContext, query: str) -> Draft | None:
    """"How did session 1 and session 2 differ?": the sentences that tell of each, side by side."""
    labels = numbered_things(ctx, query)
    if len(labels) < 2:
        return None
    view = ctx.view
    draft = ctx.draft()
    sides: list[list[Unit]] = []
    for label in labels:
        pattern = re.compile(rf"\b{re.escape(label)}\b(?![.,]?\d)", re.I)
        units = [u for c in view.clauses if c.kind != "heading" for u in view.units(c) if pattern.search(u.text)]
        sides.append(units)
    if sum(1 for units in sides if units) < 2:
        return None
    draft.lead = f"{' and '.join(labels)} compared:"
    # the sentence that introduces them together ("… in two Sessions, “Building out Broadband” and …") first
    noun = labels[0].split()[0]
    together = re.compile(rf"\b(?:two|three|four|both|\d)\s+{re.escape(noun)}s\b", re.I)
    intro = next((u for c in view.clauses if c.kind != "heading" for u in view.units(c) if together.search(u.text)), None)
    if intro is not None:
        draft.bullets.append(ctx.line(draft, intro, set()))
    for label, units in zip(labels, sides):
        if not units:
            continue
        draft.bullets.append(f"**{label}**")
        for unit in ctx.top_units(_topic(query) or query, units, PER_PLACE) if len(units) > PER_PLACE else units:
            draft.bullets.append(f"  - {ctx.line(draft, unit, set())}")
    return draft
