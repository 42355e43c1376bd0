"""Choose the answer plan for a question and build the answer with it.

The question's wording gives its shape (`shape.question_shape`); a structural plan (list, overview,
compare, actor, definition) that finds nothing to stand on in the report gives way to the fact plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answer.actor import (
    OFFICE,
    acted_in_its_time,
    as_written,
    asks_later,
    asks_voice_of,
    compose_actor,
    first_doer,
    heard_anywhere,
    heard_together,
    joined_names,
    owned_outcomes,
    said_about,
)
from assistant.answer.compare import compose_compare
from assistant.answer.context import PlanContext, Places
from assistant.answer.decisions import FATE
from assistant.answer.compose import numbered_labels
from assistant.answer.definition import compose_definition, unexpanded
from assistant.answer.doers import asked_act, compose_doers
from assistant.answer.draft import Draft
from assistant.answer.fact import compose_fact
from assistant.answer.fates import asks_every_fate, compose_fates
from assistant.answer.mention import (
    asks_if_anything,
    asks_mention,
    compose_mention,
    compose_using,
    used_anywhere,
)
from assistant.answer.listing import WHICH_PLACE, asks_addressees, compose_list, compose_places, named_sections
from assistant.answer.sequel import compose_sequel
from assistant.answer.overview import (
    DEBATE_WORDS,
    asks_title,
    compose_debate,
    compose_operative,
    compose_overview,
    compose_titles,
)
from assistant.answer.shape import ASKS_ITS_FATE, actor_subjects, asks_for_section, question_shape
from assistant.query.conversation import own_words
from assistant.query.question import report_year
from assistant.records import Answer, Filters, Hit

# Plans built on the report's structure: when one finds its place, term or actor, the answer stands even
# if no single sentence is close in meaning to a terse question ("gist of opinion 3?").
STRUCTURAL = frozenset({"list", "overview", "compare", "actor", "definition"})


@dataclass(frozen=True)
class Planned:
    plan: str
    draft: Draft | None
    unsaid: str | None = None  # why there is nothing to answer with, when the report says why

    @property
    def structural(self) -> bool:
        return self.plan in STRUCTURAL and self.draft is not None and self.draft.anchored


class Planner:
    def __init__(self, context: PlanContext, k: int, enabled: bool = True, unheard: bool = True,
                 referred: bool = True):
        self.context = context
        self.k = k
        self.enabled = enabled
        self.unheard = unheard  # abstain on what the report never hears an actor say, or do after the forum
        self.referred = referred  # abstain on what a short name stands for where the report only uses the name
        self.written = report_year(context.source)  # the latest year the report dates a day in

    def places(self, query: str, filters: Filters | None) -> Places:
        places = Places.of(query)
        if not places.count and filters is not None:
            if filters.opinion is not None:
                return Places((filters.opinion,), ())
            if filters.working_group is not None:
                return Places((), (filters.working_group,))
        return places

    def plan(self, query: str, hits: list[Hit], filters: Filters | None = None) -> Planned:
        ctx = self.context
        if not self.enabled:
            return Planned("fact", compose_fact(ctx, query, hits, "fact", filters))
        places = self.places(query, filters)
        actors = actor_subjects(query, ctx.view.actors_in(query))
        # the shape is what the user's own words ask; the earlier turn put after them only says what about
        own = own_words(query)
        shape = question_shape(own, actors=actors, places=places.count)
        if shape == "list" and _asks_of_another_text(own) and not _ASKS_LIST.match(own):
            shape = "fact"
        if (self.unheard and actors and shape in ("actor", "fact", "yesno") and asks_voice_of(own, actors)
                and not heard_anywhere(ctx, actors)):
            # "what did sally wentworth say": the report names her only among the officers, and a sentence that
            # merely names her answers nothing she said
            name = joined_names(query, [as_written(ctx, a) for a in actors])
            return Planned("actor", None, f"it names {name} but records nothing said or put forward by them")
        speakers, spoken_of = said_about(own, ctx.view.actors_in(own)) if self.unheard else ((), ())
        if (speakers and spoken_of and shape in ("actor", "fact", "yesno") and not any(OFFICE.match(a) for a in speakers)
                and not set(speakers) & set(spoken_of) and not heard_together(ctx, speakers, spoken_of)):
            # "what did the us say about brazil's draft": no sentence names both, so nothing the US said of it
            who = joined_names(query, [as_written(ctx, a) for a in speakers])
            whom = joined_names(query, [as_written(ctx, a) for a in spoken_of])
            return Planned("actor", None, f"it records nothing {who} said about what {whom} did or put forward")
        if places.opinions and not places.groups and not actors and asks_title(own):
            titles = compose_titles(ctx, places.opinions)  # "what is opinion 3 called"
            if titles is not None:
                titles.anchored = True
                return Planned("fact", titles)
        later_doer = first_doer(own, actors, ctx.view.actor_words) if self.unheard and asks_later(own) else ()
        if later_doer and not acted_in_its_time(ctx, later_doer, self.written):
            name = joined_names(query, [as_written(ctx, a) for a in later_doer])
            return Planned(shape, None, f"it tells nothing {name} did after the forum")
        if asked_act(query) and shape in ("list", "fact", "actor", "yesno"):
            # "which countries proposed amendments?", "who proposed changes to Opinion 1?": the doers, gathered
            # objectors the report tells by no name are told so; where it tells of none, it says it names no one
            doers, unsaid = compose_doers(ctx, query, places, unheard=self.unheard)
            if doers is not None or unsaid:
                return Planned("list" if doers is not None else shape, doers, unsaid)
        if shape in ("list", "fact", "yesno") and not places.opinions and not actors and asks_every_fate(own):
            # "which opinions were amended?", "what did working group 1 decide?": each Opinion's decision, gathered
            # from the Working Group reports (those of the groups named)
            fates = compose_fates(ctx, query, places.groups)
            if fates is not None:
                return Planned("list", fates)
        if (shape == "yesno" or (shape == "fact" and asks_if_anything(query))) and not places.groups \
                and asks_mention(query, actors):
            if len(places.opinions) == 1:
                # "does opinion 1 mention ipv6": the Opinion's clauses that do, or that it never uses the words
                draft = compose_mention(ctx, query, places.opinions[0])
                if draft is not None:
                    return Planned("yesno", draft)
            elif not places.opinions and not actors and (found := used_anywhere(ctx, query)) is not None:
                thing, units = found
                if not units:  # "does the report say anything about spectrum": no sentence of it uses the word
                    return Planned("yesno", None, f"it never uses the words “{thing}”")
                return Planned("yesno", compose_using(ctx, query, units))
        if shape in ("fact", "yesno", "list") and places.opinions and FATE.search(query):
            # "was Opinion 3 changed?", "what was decided on opinion 6": the decisions settle it; "how did Opinion 3
            # end up unchanged" asks a reason as well
            shape = "yesno" if shape == "yesno" or _ASKS_DECISION.search(own) else "reason"
        elif shape in ("fact", "yesno") and len(places.opinions) == 1 and not actors and (
            asks_addressees(own) or (asks_for_section(own) and not _ASKS_WHO.match(own))
        ) and not _asks_of_another_text(own):
            # "who questioned whether it could request …" asks for a speaker; "who does opinion 5 invite" and "who
            # is it addressed to" for those its operative sections address
            shape = "list"  # "what does Opinion 4 ask of Member States": the items of that section
        elif shape == "overview" and len(places.opinions) == 1 and not places.groups and not actors \
                and named_sections(own):
            shape = "list"  # "summarize the recalling section of opinion 5": that section, item by item
        if shape in ("fact", "list") and len(places.opinions) == 1 and not actors:
            draft = compose_operative(ctx, places.opinions[0], own)  # "what does opinion 4 recommend"
            if draft is not None:
                draft.anchored = True
                return Planned("overview", draft)
        draft = None
        which = WHICH_PLACE.search(query)
        if which and shape == "list" and _ON_A_TOPIC.search(own) and not places.count:
            # "which opinions deal with ipv6?": the places the topic is in, not every Opinion there is
            draft = compose_places(ctx, query, hits)
            if draft is not None:
                return Planned("list", draft)
        if shape == "compare":
            draft = compose_compare(ctx, query, hits, places, actors)
        elif shape == "overview":
            draft = compose_overview(ctx, query, hits, places)
        elif shape == "list":
            draft = compose_list(ctx, query, hits, places)
        if draft is None and which and shape in ("list", "fact", "yesno"):
            asks_opinion = which.group(1).lower().startswith("opinion")
            if not (places.opinions if asks_opinion else places.groups):  # "which group handled Opinion 3"
                draft, shape = compose_places(ctx, query, hits), "list"
        elif shape == "actor":
            draft = compose_actor(ctx, query, hits, actors, places)
        elif shape == "definition":
            unsaid = unexpanded(ctx, own) if self.referred else None
            if unsaid:
                return Planned(shape, None, unsaid)  # "what does CNRI stand for", where it is never spelled out
            draft = compose_definition(ctx, query, hits)
        if draft is None and not places.count and shape in ("fact", "reason", "overview") and DEBATE_WORDS.search(query):
            # "explain the disagreement about enhanced cooperation": the debate is in the Working Group report on
            # the Opinion the topic is found in
            opinion = _opinion_of(hits[: self.k])
            if opinion is not None:
                draft = compose_debate(ctx, query, Places((opinion,), ()))
                shape = "overview" if draft is not None else shape
        if draft is not None:
            if shape in ("actor", "definition") or (shape in ("list", "compare") and places.count):
                draft.anchored = True
            return Planned(shape, draft)
        fallback = shape if shape in ("reason", "yesno") else "fact"
        return Planned(fallback, compose_fact(ctx, query, hits, fallback, filters, places, actors))

    def plan_sequel(self, query: str, cited: tuple[str, ...]) -> Planned | None:
        """What came of what the last answer (citing `cited`) told, when the report states it there."""
        if not self.enabled or not cited:
            return None
        # "was it adopted?" after "what did brazil propose": what became of the thing the actor put forward is told
        # where the report settles it, though the last answer quoted only where the actor is named
        actors = self.context.view.actors_in(query) if ASKS_ITS_FATE.search(own_words(query)) else ()
        settled = owned_outcomes(self.context, actors)[-2:] if actors else []
        draft = compose_sequel(self.context, query, cited, settled)
        return Planned("sequel", draft) if draft is not None else None

    def finish(self, planned: Planned, question: str, query: str, hits: list[Hit]) -> Answer:
        answer = planned.draft.finish(question, query, planned.plan, hits, self.k)
        return replace(answer, plan=planned.plan)


_ON_A_TOPIC = re.compile(r"\b(?:deal|deals|dealt|about|cover|covers|covered|concern|concerns|address|addresses|"
                         r"mention|mentions|focus|focuses|relate|relates|talk|talks|touch|touches)\b", re.I)
_DOCUMENT_ASKS = re.compile(
    r"\b(?:what|who|whom)\s+(?:does|did|do)\s+(?:the\s+|that\s+|this\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:resolutions?|res|decisions?|declarations?|agenda|documents?)\b",
    re.I,
)
_ASKS_DECISION = re.compile(r"\b(?:decid\w*|decision\w*|verdict|fate)\b", re.I)
_ASKS_LIST = re.compile(r"^\W*(?:and\s+|so\s+)?(?:list|name|enumerate|itemi[sz]e)\b", re.I)
_ASKS_WHO = re.compile(r"^\W*(?:and\s+|so\s+)?(?:who|whom|which (?:country|countries|delegations?))\b", re.I)


def _asks_of_another_text(question: str) -> bool:
    """What a numbered paragraph or a document quoted asks ("what does para 20 of it ask for", "what does the UN
    resolution it quotes ask the CSTD chair to do"): that text's words, not an Opinion's section."""
    return bool(numbered_labels(question)) or _DOCUMENT_ASKS.search(question) is not None


def _opinion_of(hits: list[Hit]) -> int | None:
    """The Opinion most of the hits are clauses of, when most are."""
    counts: dict[int, int] = {}
    for hit in hits:
        if hit.clause.part == "Part II" and hit.clause.opinion is not None:
            counts[hit.clause.opinion] = counts.get(hit.clause.opinion, 0) + 1
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] * 2 > len(hits) else None
