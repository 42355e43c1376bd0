"""Actor answers: everything the report records of a named country, body or person — what it proposed or
said, grouped by place in the report's order, each with the outcome stated next to it."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.answer.compose import source_name
from assistant.answer.context import PlanContext
from assistant.answer.decisions import FATE, OUTCOME, in_places
from assistant.answer.draft import Draft
from assistant.answer.shape import actor_at
from assistant.query.conversation import own_words
from assistant.query.question import tokenize
from assistant.records import Hit
from assistant.report.sentences import Unit
from assistant.textnorm import demonym_of, initials, unaccented

MAX_MENTIONS = 8
HEARD_BONUS = 0.2
# A sentence opening on these goes on about the one before it.
ANAPHOR = re.compile(r"^(?:This|These|That|Those|They|Their|It|Its|He|She|His|Her|Such|In (?:this|that) (?:regard|respect))\b")
# "She stressed …", "He noted …": the person just named goes on speaking
PERSON_GOES_ON = re.compile(r"^(?:He|She|His|Her)\b")
MAX_GOING_ON = 3
SPEECH_OPENS = re.compile(
    r"^\W*in\s+(?:his|her|their|its)\s+(?:\w+\s+)?(?:speech|statement|address|remarks|intervention|presentation)\b", re.I
)


# "the new Draft Opinion from Brazil", "Brazil's new draft opinion": a thing the report ties to its owner, which
# later sentences name without the owner ("… the new Draft Opinion was not endorsed")
_THING = r"((?:new\s+|revised\s+|proposed\s+|written\s+)?(?:draft\s+opinion|proposal|contribution|amendments?|paragraph|text))"


_WHAT_BECAME = re.compile(r"\b(?:play(?:ed|s)? out|pan(?:ned|s)? out|turn(?:ed|s)? out|go(?:es)? anywhere|went anywhere|"
                          r"ma(?:k|d)e it|g[eo]t in|happen\w* (?:to|with))\b", re.I)


def owned_outcomes(ctx: PlanContext, actors: tuple[str, ...]) -> list[Unit]:
    """Sentences telling what became of a thing the actors put forward, where they name the thing and not its
    owner ("… the new Draft Opinion was not endorsed by the Working Group"), in the same Working Group report."""
    view = ctx.view
    names = "|".join(re.escape(a) for a in actors)
    owned = re.compile(rf"\b(?:the\s+)?{_THING}\s+(?:from|by|of|submitted\s+by)\s+(?:the\s+)?(?:{names})\b|"
                       rf"\b(?:{names})['’]s\s+{_THING}", re.I)
    things: dict[str, set[int | None]] = {}
    for unit in _mentions(ctx, actors, None):
        for m in owned.finditer(unit.text):
            thing = " ".join((m.group(1) or m.group(2)).lower().split())
            if len(thing.split()) >= 2:  # "the proposal" alone may be anyone's
                things.setdefault(thing, set()).add(view.by_id[unit.clause_id].working_group)
    out: list[Unit] = []
    for clause in view.clauses:
        if clause.kind == "heading":
            continue
        wanted = [t for t, groups in things.items() if clause.working_group in groups]
        if not wanted:
            continue
        for unit in view.units(clause):
            text = " ".join(unit.text.split())
            if OUTCOME.search(text) and any(re.search(rf"\bthe\s+{re.escape(t)}\b", text, re.I) for t in wanted):
                out.append(unit)
    return out


def actor_mentions(ctx: PlanContext, query: str, actors: tuple[str, ...], places) -> list[Unit]:
    """Sentences naming the actors (and the outcome told right after, or later of a thing of theirs), in the
    report's order, at most MAX_MENTIONS of them, the closest to the question kept; what they said outside the
    places asked about fills free slots."""
    mentioned = list(dict.fromkeys(_mentions(ctx, actors, places)))
    favoured = _heard(ctx, actors, mentioned) if asks_voice(query) else set()
    if mentioned and (FATE.search(query) or _WHAT_BECAME.search(query)):
        # "was brazil's draft adopted": what became of it, though those sentences no longer name Brazil, is
        # what is asked, as much as where Brazil is heard
        outcomes = [u for u in owned_outcomes(ctx, actors) if in_places(ctx.view.by_id[u.clause_id], places, ctx.view)]
        mentioned += [u for u in outcomes if u not in mentioned]
        favoured |= set(outcomes)
    found = _with_what_follows_a_colon(ctx, _closest(ctx, query, mentioned, MAX_MENTIONS, favoured, actors), mentioned)
    if places.count and len(found) < MAX_MENTIONS // 2:
        # "what did APNIC say once the IPv6 opinions were approved": the places may only date what was said;
        # what the actor said elsewhere fills the free slots, after what it did in the places asked about
        elsewhere = [u for u in dict.fromkeys(_mentions(ctx, actors, None)) if u not in found]
        found += _with_what_follows_a_colon(ctx, _closest(ctx, query, elsewhere, MAX_MENTIONS // 2 - len(found)), elsewhere)
    return found


def _with_what_follows_a_colon(ctx: PlanContext, kept: list[Unit], mentioned: list[Unit]) -> list[Unit]:
    """In the report's order; "Turkey proposed an addition of the following text:" kept brings the text it
    proposed (the next sentences, up to the quotation's end), so a lead-in never ends a line unfinished."""
    out = sorted(kept, key=lambda u: u.start)
    view = ctx.view
    for unit in list(out):
        if not unit.text.rstrip().endswith(":"):
            continue
        clause = view.by_id[unit.clause_id]
        siblings = view.children.get(clause.parent or "", [clause])
        after = siblings[siblings.index(clause):] if clause in siblings else [clause]
        following = [u for c in after[:4] if c.kind != "heading" for u in view.units(c) if u.start > unit.start][:3]
        for item in following:
            if item not in out:
                out.append(item)
            if "”" in item.text or "\"" in item.text:
                break  # the quotation closes here
    return sorted(out, key=lambda u: u.start)


def _heard(ctx: PlanContext, actors: tuple[str, ...], units: list[Unit]) -> set[Unit]:
    """Of `units`, those where the actors say or do something, or that go on telling a speech of theirs."""
    view = ctx.view
    named = actor_names(ctx, actors)
    out = set()
    for unit in units:
        clause = view.by_id[unit.clause_id]
        first = view.units(clause)[:1]
        if first and SPEECH_OPENS.match(first[0].text) and named.search(first[0].text):
            out.add(unit)  # "In his speech, Dr Touré underlined …" and what the paragraph goes on to tell
            continue
        if any(_acts_at(unit.text, m) for m in named.finditer(unit.text)):
            out.add(unit)
    return out


def _named_mentions(ctx: PlanContext, actors: tuple[str, ...]):
    """Each place a sentence names the actors, by name or by the role a Working Group's report knows them by, as
    (unit, match, whether the unit opens its clause); a country in parentheses after a person's name is not one."""
    view = ctx.view
    named = actor_names(ctx, actors)
    for clause in view.clauses:
        if clause.kind == "heading":
            continue
        pattern = _in_clause(view, actors, clause, named)
        units = view.units(clause)
        for unit in units:
            for m in pattern.finditer(unit.text):
                if not _affiliation(unit.text, m):
                    yield unit, m, unit is units[0]


def heard_anywhere(ctx: PlanContext, actors: tuple[str, ...]) -> bool:
    """Whether the report has the actors say or do something anywhere, by name or by the role a Working Group's
    report knows them by ("the Chairman proposed …"); a name met only in a list of officers or as someone's
    country ("Ms Magdalena Gaj (Poland)") is never heard."""
    # "the turkish delegation" is heard as Turkey
    actors = (*actors, *filter(None, (demonym_of(a, ctx.view.actor_words) for a in actors)))
    for unit, m, opens in _named_mentions(ctx, actors):
        if opens and SPEECH_OPENS.match(unit.text):
            return True  # "In his speech, Dr Touré underlined …"
        # "ICANN was given the floor, during which they highlighted …": a verb later in its sentence
        if _acts_at(unit.text, m) or _LATER_VERB.search(re.split(r"[;:]", unit.text[m.end():])[0]):
            return True
    return False


# "did the ITU Council later adopt it", "what did the CSTD end up recommending": asks what came after the forum
# ("ever" asks whether at all: "did anyone ever mention DNSSEC")
_LATER = re.compile(
    r"\b(?:later|eventually|ultimately|subsequently|afterwards?|end(?:s|ed)?\s+up|since\s+then|"
    r"after\s+the\s+(?:forum|wtpf|meeting|event))\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DONE_TO = re.compile(r"^\s+(?:was|were)\s+[a-z]+")
_NOT_DONE = re.compile(r"\b(?:could|would|should|will|shall|may|might|to\s+report|to\s+be)\b", re.I)


def asks_later(question: str) -> bool:
    return _LATER.search(question) is not None


def acted_in_its_time(ctx: PlanContext, actors: tuple[str, ...], written: int | None) -> bool:
    """Whether the report tells of the actors doing something in its own time: a deed not dated to an earlier
    year ("established by the Council at its 2009 session") and not one still to come ("the Council Working
    Group could consider forwarding …"). Without one, what they did later is beyond it."""
    for unit, m, _ in _named_mentions(ctx, actors):
        text = unit.text
        # a deed dated by a year next to the name is of that year: "by the Council at its 2009 session",
        # "(Council 2011)"; a year elsewhere in the sentence may date only a document it cites
        near = text[max(0, m.start() - 20): m.end() + 25]
        if written is not None and any(int(y) < written for y in _YEAR.findall(near)):
            continue
        if _ACTS_BEFORE.search(text[: m.start()]):
            return True  # "proposed by Turkey"
        # "ICANN was given the floor, during which they highlighted …": done to it, in the forum's time
        verb = _ACTS_AFTER.match(text[m.end():]) or _DONE_TO.match(text[m.end():])
        if verb and not _NOT_DONE.search(text[m.end(): m.end() + verb.end()]):
            return True
    return False


def first_doer(question: str, actors: tuple[str, ...], names=()) -> tuple[str, ...]:
    """The actor a question names first as a doer, not as an owner ("did the Council adopt Brazil's text": the
    Council; "did ECOSOC ever discuss the WTPF opinions": ECOSOC). A people's adjective for one of `names` owns what
    it qualifies: "did the brazilian text end up adopted" names no doer."""
    found = []
    for actor in actors:
        if not actor.lower().endswith("s") and demonym_of(actor, names):
            continue
        m = re.search(rf"\b{re.escape(unaccented(actor))}[\w-]*", unaccented(question), re.I)
        if m and not re.match(r"['’]s\b", question[m.end():]):
            found.append((m.start(), actor))
    return (min(found)[1],) if found else ()


def _closest(ctx: PlanContext, query: str, units: list[Unit], n: int, favoured: set[Unit] = frozenset(),
             actors: tuple[str, ...] = ()) -> list[Unit]:
    if len(units) <= n:
        return units
    # "what did X say": sentences where X is heard come before those that only name X; "was X's draft adopted":
    # what became of it. With nothing asked about but the actor ("what did the itu secretary-general say"),
    # closeness to the question only counts the actor's name, which a speech told on ("In his speech, Dr Touré
    # underlined …", "The WTPF can create …") may not repeat: then all they are heard saying comes first.
    bonus = 1.0 if actors and not _topic(query, actors) else HEARD_BONUS
    scores = [s + (bonus if u in favoured else 0.0) for u, s in zip(units, ctx.relevance(query, units))]
    return [units[i] for i in sorted(sorted(range(len(units)), key=lambda i: -scores[i])[:n])]


def _topic(query: str, actors: tuple[str, ...]) -> set[str]:
    """What the question asks about besides the actor and its speaking: "brazil's view on enhanced cooperation"
    has a topic, "what did the itu secretary-general say" has none (the words naming the actor go with it)."""
    words = re.findall(r"[\w’'-]+", unaccented(own_words(query)).lower())  # not the context a follow-up carries
    named = set()
    for actor in actors:
        parts = unaccented(actor).lower().split()
        for i in range(len(words)):
            if words[i : i + len(parts)] == parts or words[i].startswith(parts[0]) or (
                len(parts) > 1 and words[i] == initials(" ".join(parts))  # "the us" for "united states"
            ):
                named.update(range(max(0, i - 2), i + len(parts)))  # "the itu secretary-general": two words before
    rest = " ".join(w for i, w in enumerate(words) if i not in named)
    # "what did the us say in wg3": where it was said is a place the plan keeps to, not a topic
    return set(tokenize(_PLACES_NAMED.sub(" ", _ASKS_VOICE.sub(" ", rest))))


_PLACES_NAMED = re.compile(r"\b(?:in\s+|on\s+|about\s+|for\s+)?(?:draft\s+)?(?:opinions?|working\s+groups?)\s*\d+"
                           r"(?:\s*(?:,|and|&)\s*\d+)*\b")


def actor_names(ctx: PlanContext, actors: tuple[str, ...], holders: bool = True) -> re.Pattern:
    """The actors as the report may write them: as asked, with two letters swapped ("Kahn", and "Khan" once),
    and, with `holders`, by the name of the one person holding a role asked about."""
    view = ctx.view
    spellings = [a for actor in actors
                 for a in (actor, *view.transposed(actor), *(_holders(ctx.source, actor) if holders else ()))]
    # not inside a hyphened word: "Chair" is not the "Vice-Chairs"
    return re.compile("|".join(rf"(?<![\w-]){re.escape(a)}" for a in spellings), re.I)


def _acts_at(text: str, match: re.Match) -> bool:
    """The actor named at `match` does something there: a verb follows ("Ghana proposed"), or "by" or "the
    delegate of" comes before ("proposed by Turkey")."""
    return bool(_ACTS_AFTER.match(text[match.end():]) or _ACTS_BEFORE.search(text[: match.start()]))


# a purpose or a cause given with an act: "Ghana proposed the addition of …, to reflect the balance …"
_PURPOSE = re.compile(
    r",\s+(?:in order\s+)?to\s+(?!the\b|a\b|an\b|be\b)[a-z]{3,}\b|\b(?:because|since|so that|in order to|so as to|"
    r"with a view to|aim(?:ed|ing)? (?:to|at)|given that|sought to|for the sake of|"
    r"in (?:recognition|view|light|the interests?|the spirit) of)\b",
    re.I,
)


def reasons_given(ctx: PlanContext, actors: tuple[str, ...], places) -> list[Unit]:
    """Sentences where the actors do something and say what for, in the places asked about: the reason a
    "why?" after "what did ghana want in op2" asks for is given with the act itself."""
    named = actor_names(ctx, actors)
    return [u for u in _mentions(ctx, actors, places)
            if _PURPOSE.search(u.text) and any(_acts_at(u.text, m) for m in named.finditer(u.text))]


def _mentions(ctx: PlanContext, actors: tuple[str, ...], places) -> list[Unit]:
    view = ctx.view
    named = actor_names(ctx, actors)
    found: list[Unit] = []
    for clause in view.clauses:
        if clause.kind == "heading":
            continue
        pattern = _in_clause(view, actors, clause, named)
        if places is not None and not in_places(clause, places, view):
            continue
        units = view.units(clause)
        for i, unit in enumerate(units):
            if unit.text.lstrip().startswith(("“", '"')) or _open_quote(ctx.source, clause.start, unit.start):
                continue  # a name inside text someone proposed ("“Requests Secretary-General …”") is not its actor
            if any(not _affiliation(unit.text, m) for m in pattern.finditer(unit.text)):
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
                    j = i + 2
                    while j < len(units) and j <= i + MAX_GOING_ON and PERSON_GOES_ON.match(units[j].text):
                        found.append(units[j])
                        j += 1
                elif i == 0 and SPEECH_OPENS.match(unit.text):
                    # "In his speech, Dr Touré underlined … ITU will continue its bridge-building role …": a
                    # paragraph that opens on a speech goes on telling it
                    found += units[1 : 1 + MAX_GOING_ON]
    return found


@lru_cache(maxsize=256)
def _holders(source: str, role: str) -> tuple[str, ...]:
    """The surname of the one person the report introduces by `role` ("Dr Hamadoun I. Touré, ITU Secretary-General"
    for "secretary-general"), who then speaks under his name ("In his speech, Dr Touré underlined …")."""
    if " " in role.strip() or not re.search(r"[a-z]-[a-z]|general|president|chair", role, re.I):
        return ()
    entries = re.findall(
        rf"\b(?:Mr|Ms|Mrs|Mme|Dr|Prof)\.?\s+((?:[A-Z][\w’'.-]*\s+){{0,3}}[A-Z][\w’'-]+),\s+(?:[A-Z]\w*\s+)?{re.escape(role)}\b",
        source, re.I,
    )
    surnames = {e.split()[-1] for e in entries}
    return tuple(surnames) if len(surnames) == 1 else ()


def _affiliation(text: str, match: re.Match) -> bool:
    """"chaired by Mr Daniel Calvacanti (Brazil)": a country in parentheses after a person's name is where the
    person comes from, not the country acting."""
    person = re.search(r"\b(?:Mr|Ms|Mrs|Mme|Dr|Prof|H\.\s?E)\.?\s+(?:[A-Z][\w’'.-]*\s+){0,4}\($", text[: match.start()])
    return bool(person) and text[match.end(): match.end() + 1] in (")", ",")


def _in_clause(view, actors: tuple[str, ...], clause, named: re.Pattern) -> re.Pattern:
    """How `clause` names the actors: by name, or by the role it knows them by ("the Chairman" of a Working
    Group's report is the one who chairs it: "It was emphasized by the Chairman that we should not shy away")."""
    alias = next((a for a in (view.role_alias(actor, clause) for actor in actors) if a is not None), None)
    return re.compile(f"{named.pattern}|{alias.pattern}", re.I) if alias else named


# What a question asks an actor to have said: "what did X say / argue / propose", "X's view", "X's statement".
_ASKS_VOICE = re.compile(
    r"\b(?:say|said|says|saying|talk\w*|spe(?:ak|aks|aking|oke)|comment\w*|mention\w*|remarks?|argu\w*|propos\w*|"
    r"suggest\w*|want\w*|think|thought|stress\w*|raise\w*|messages?|speech|statement|interventions?|views?|"
    r"position|stance|line|points?|object\w*|oppos\w*|insist\w*|push\w*|request\w*|contribut\w*|submit\w*)\b",
    re.I,
)
_VERB_WORDS = (
    r"said|spoke|made|gave|took|drew|brought|put|led|held|sought|felt|thought|saw|began|wrote|told|sent|"
    r"\w+ed|(?:is|are|was|were)\s+of\s+the\s+view"
)
_LATER_VERB = re.compile(rf"\b(?:{_VERB_WORDS})\b")
# between a name and its verb: a parenthesis, "delegate", an aside between commas, a co-actor
_ACTS_AFTER = re.compile(
    rf"^[\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*(?:\s*\([^)]*\))?(?:\s+(?:delegat\w*|representatives?|delegation))?"
    rf"(?:\s*,[^.;]{{1,120}}?,|(?:\s*,\s*[A-Z][\w’'. -]*?(?:\s*\([^)]*\))?)*,?\s+and\s+(?:the\s+)?[A-Z][\w’'. -]*?(?:\s*\([^)]*\))?)?"
    rf"\s+(?:(?:also|further|then|had|has|have|was|were|would|could|did|not|strongly|again|especially|graciously)\s+)*"
    rf"(?:{_VERB_WORDS})\b"
)
# before a name: "proposed by Turkey", "contributions from the United States (…), Turkey", "the delegate of Ghana"
_ACTS_BEFORE = re.compile(
    r"(?:\b(?:by|from)\s+(?:the\s+)?(?:[A-Z][^,;.:]*?(?:\([^)]*\))?,\s*(?:and\s+)?)*|"
    r"\b(?:delegat\w*|representatives?|delegation|behalf)\s+of\s+(?:the\s+)?|\baccording\s+to\s+(?:the\s+)?)$",
    re.I,
)


# An office ("the chair", "the secretariat"): who holds it depends on where, and the report speaks of it by role
OFFICE = re.compile(r"^(?:vice[\s-]?)?chair(?:man|men|person|s)?$|^secretar(?:iat|y-general)$|^delegates?$", re.I)

# "what did the us say about brazil's draft": the voice asked, then what it was about
_SAID_ABOUT = re.compile(
    r"\b(?:say|said|says|think|thought|comment\w*|react\w*|respond\w*|view|views|position|stance|line|opinion|feel|"
    r"felt)\s+(?:\w+\s+){0,2}?(?:about|on|of|regarding|concerning|towards?|to)\s+", re.I
)


def said_about(question: str, actors: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The actors a question asks to have spoken (named before "say about") and those whose doing it asks about
    (named after it): ("united states",), ("brazil",) of "what did the us say about brazil's draft"."""
    asked = _SAID_ABOUT.search(unaccented(question))
    if asked is None:
        return (), ()
    before, after = [], []
    for actor in actors:
        at = actor_at(question, actor)
        if at is not None:
            (before if at.start() < asked.start() else after if at.start() >= asked.end() else []).append(actor)
    return tuple(before), tuple(after)


def heard_together(ctx: PlanContext, speakers: tuple[str, ...], others: tuple[str, ...]) -> bool:
    """Whether a sentence of the report names both a speaker and one of the others: where what the speakers said
    of the others' doing could be told (a paragraph is too wide: Working Group 3's on Opinion 5 has the United
    States support that Opinion and Russia defer to Brazil's draft)."""
    speaking, spoken_of = actor_names(ctx, speakers, holders=False), actor_names(ctx, others, holders=False)
    return any(speaking.search(u.text) and spoken_of.search(u.text) for c in ctx.view.clauses for u in ctx.view.units(c))


def asks_voice(question: str) -> bool:
    """Whether the question asks what an actor said or put forward, not what part they had."""
    return _ASKS_VOICE.search(question) is not None


def asks_voice_of(question: str, actors: tuple[str, ...]) -> bool:
    """Whether the question asks what the actors said, naming them before the asking word ("what did Ghana
    propose", "Gaj's position"), not of someone who spoke of them ("anyone mention ECOSOC?")."""
    voice = _ASKS_VOICE.search(question)
    return voice is not None and any(
        (m := re.search(rf"\b{re.escape(unaccented(a))}", unaccented(question), re.I)) and m.start() < voice.start()
        for a in actors
    )


def compose_actor(ctx: PlanContext, query: str, hits: list[Hit], actors: tuple[str, ...], places) -> Draft | None:
    found = actor_mentions(ctx, query, actors, places)
    if not found:
        return None
    draft = ctx.draft()
    framed: set[str] = set()
    name = joined_names(query, [_titled(as_written(ctx, a), places) if OFFICE.match(a) else as_written(ctx, a)
                                for a in actors])
    draft.lead = f"What the report records of {name}:"
    draft.bullets += told_with_quotes(ctx, draft, _answer_first(ctx, query, actors, found), framed)
    return draft


# A sentence naming this many actors or more is a roll of names (whose contributions a group considered), which
# tells less of what one of them did than a sentence of its own; three or four named together are often a deed
# ("The United States, RIPE NCC, and ISOC … supported Draft Opinion 6")
ROLL_CALL = 5
# a sentence that goes on from the one before it: "These proposed changes sought …", "It also …"
_GOES_ON = re.compile(r"[“\"]?(?:These|This|Those|That|It|They|He|She|Its|Their|His|Her)\b")


def _answer_first(ctx: PlanContext, query: str, actors: tuple[str, ...], found: list[Unit]) -> list[Unit]:
    """Asked about a topic ("what did australia want to merge"), the mention closest to it comes first, with the
    text it introduces; the rest keep the report's order. Asked about nothing but the actor, the first mention
    that is not a roll of names ("contributions by the United States, Turkey, RIPE NCC, ISOC …") comes first."""
    if len(found) < 2:
        return found
    if _topic(query, actors):
        scores = ctx.relevance(query, found)
        best = max(range(len(found)), key=scores.__getitem__)
    else:
        told = [i for i, u in enumerate(found) if len(ctx.view.actors_in(u.text)) < ROLL_CALL]
        if not told:
            return found
        best = told[0]
    end = best + 1
    while best > 0 and found[best - 1].clause_id == found[best].clause_id and (
        found[best - 1].text.rstrip().endswith(":") or _GOES_ON.match(found[best].text)
    ):
        best -= 1  # a quoted text goes with the sentence that introduces it, "These changes …" with the one before
    if found[end - 1].text.rstrip().endswith(":") or found[best].text.rstrip().endswith(":"):
        while end < len(found) and found[end].clause_id == found[best].clause_id:
            end += 1
    return found[best:end] + found[:best] + found[end:]


def told_with_quotes(ctx: PlanContext, draft: Draft, found: list[Unit], framed: set[str] | None = None) -> list[str]:
    """What an actor is told doing, a line each, the text a lead-in introduces quoted on its line ("… proposed an
    addition of the following text: “Requests …”"), never a quoted sentence on its own. Without `framed`, the
    source goes without saying (a comparison names it in its heading)."""
    lines: list[str] = []
    for unit in found:
        if draft.overlaps(unit):
            continue  # quoted already on the line of the lead-in that introduces it
        seen = framed if framed is not None else {source_name(ctx.view.by_id[unit.clause_id])}
        # a sentence inside a quotation comes with what introduces it, a lead-in with what it introduces
        lines += ctx.lines(draft, unit, seen, nested=False)
    return lines


def joined_names(query: str, names: list[str]) -> str:
    """"Robert Kahn", not "Robert and Kahn": names the question writes side by side are one name."""
    out = names[:1]
    for name in names[1:]:
        if re.search(rf"\b{re.escape(out[-1].split()[-1])}\s+(?:[A-Z]\.\s+)?{re.escape(name)}\b", query, re.I):
            out[-1] = f"{out[-1]} {name}"
        else:
            out.append(name)
    return " and ".join(out)


def _titled(office: str, places) -> str:
    """An office named as a person holds it: "the Chair of Working Group 3", not "Chair"."""
    of = f" of Working Group {places.groups[0]}" if len(places.groups) == 1 and not places.opinions else ""
    return f"the {office}{of}"


def as_written(ctx: PlanContext, actor: str) -> str:
    """The actor's name spelled as the report spells it ("IETF", "Sally Wentworth")."""
    return _spelling(ctx.source, actor)


@lru_cache(maxsize=1024)
def _spelling(source: str, actor: str) -> str:
    # remembered: each call reads the whole report (~2 ms), and a doers answer asks for every name it lists
    spellings: dict[str, int] = {}
    for m in re.finditer(rf"\b{re.escape(actor)}\b", source, re.I):
        if not m.group(0).islower():  # "UK", not the "uk" of an e-mail address
            spellings[m.group(0)] = spellings.get(m.group(0), 0) + 1
    return max(spellings, key=spellings.get) if spellings else actor.title()


def _open_quote(source: str, start: int, at: int) -> bool:
    before = source[start:at]
    return before.count("“") > before.count("”")
