"""Who did something, gathered across the report: "which countries proposed amendments?", "who supported Opinion
5?". The report tells it one sentence at a time ("Turkey's contribution proposed …", "Ghana proposed …"), so the
doers are collected from every sentence where a name the report uses stands before the verb asked about, and
grouped by the place they sit in (each Working Group's report)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.answer.actor import as_written
from assistant.answer.decisions import in_places
from assistant.answer.context import PlanContext
from assistant.answer.draft import Draft, clean_sentence
from assistant.query.conversation import own_words
from assistant.query.question import STOPWORDS
from assistant.records import Clause
from assistant.search.route import numbered_places
from assistant.report.sentences import Unit

# "which countries / delegations / who … proposed / supported / objected …": the doers asked for, and the act
_WHO = re.compile(
    r"\b(?:which|what|every|list(?:\s+all)?(?:\s+the)?|name(?:\s+all)?(?:\s+the)?|all(?:\s+the)?)\s+"
    r"(?:countries|delegations|delegates|members|member states|organi[sz]ations|stakeholders|participants|bodies|"
    r"companies|entities|ones)\b|\bwho\b|\bwhose\s+(?:idea|proposal|suggestion|amendment|initiative|text|wording)\b|\b(?:which|what|any|every|anyone|anybody)\s+(?:country|countries|delegations?|organi[sz]ations?|member states?|bod(?:y|ies))\b|"
    r"\b(?:did|was|were)\s+(?:anyone|anybody)\b",
    re.I,
)
_ACTS = {
    # "who argued about it", "who took part in the debate": whoever proposed, backed, objected or spoke
    "debate": r"propos\w*|suggest\w*|amend\w*|submit\w*|support\w*|backed|endors\w*|object\w*|oppos\w*|"
              r"argu\w*|insist\w*|request\w*|ask\w*|present\w*|express\w*|highlight\w*|stress\w*|not\w*|"
              r"clarif\w*|withdr\w*|accept\w*",
    "propos": r"propos\w*|suggest\w*|amend\w*|submit\w*|request\w*",
    "support": r"support\w*|backed|endors\w*",
    "object": r"object\w*|oppos\w*|disagree\w*|argu\w*|reserv\w*",
    "withdr": r"withdr\w*|not (?:to )?(?:insist|pursue)\w*|accept\w* (?:that|to not|not)",
    "request": r"request\w*|ask\w*|call\w*",
}
_ASKED_ACT = re.compile(
    r"\b(?:(argu\w*\s+(?:about|over|on)|debat\w*|discuss\w*|weigh\w*\s+in|took part|take part)|(propos\w*|suggest\w*|amend\w*|submit\w*|contribut\w*|want\w*(?!\s+to\s+know)|idea|initiative|sen[dt]\s+(?:\w+\s+)?in)|(support\w*|back(?:ed|ing|s)|endors\w*)|"
    r"(object\w*|oppos\w*|disagree\w*|against|push\w* back)|(withdr\w*|back\w* (?:off|down)|gave up|dropp\w*)|"
    r"(request\w*|ask\w* for|wanted\s+to\s+know))\b",
    re.I,
)
_ELSE = re.compile(r"\b(?:else|other(?:s| ones?| countries| delegations)?)\b", re.I)
_SPOKE = re.compile(r"\b(?:spoke|speak\w*|interven\w*|took the floor|participat\w*|had a say)\b", re.I)
_ACT_PHRASE = {
    "debate": "took part in the debate",
    "propos": "proposed or contributed text",
    "support": "gave support",
    "object": "objected or argued",
    "withdr": "withdrew or gave way",
    "request": "made requests",
}
MAX_DOERS = 12
MAX_UNNAMED = 3  # sentences telling of objectors by no name ("other delegates argued …")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|(?<!\w)'[^']*'(?!\w)")


def asked_act(query: str) -> str | None:
    """The act whose doers the question asks for, by its `_ACTS` key; None if it asks for no doers."""
    query = own_words(query)  # "who's the contact for that? (the chairman suggest …)": the context's verb is not asked
    if not _WHO.search(query):
        return None
    # "who questioned whether the forum could 'request' the secretary general": a word quoted is not the act
    m = _ASKED_ACT.search(_QUOTED.sub(" ", query))
    if m is None:
        # "which countries spoke in wg3": speaking in a Working Group is taking part in its debate (at the opening
        # it is an address, which Part I lists)
        return "debate" if _SPOKE.search(query) and numbered_places(query)[1] else None
    return list(_ACTS)[next(i for i, g in enumerate(m.groups()) if g)]


def _owners(view, query: str) -> list[str]:
    """Whose thing the act was done to: "turkey" of "which countries supported turkey's amendment"; and, for a
    follow-up ("who supported it? (what happened to brazil's draft opinion)"), the one the earlier turn was about."""
    own = own_words(query)
    earlier = [a for a in view.actors_in(query) if a not in view.actors_in(own)]
    act = _ASKED_ACT.search(_QUOTED.sub(" ", own))
    after = list(view.actors_in(own[act.end():])) if act else []
    return list(dict.fromkeys(earlier + after))


def compose_doers(ctx: PlanContext, query: str, places, unheard: bool = True) -> tuple[Draft | None, str | None]:
    """Every name that did the act asked about, grouped by place; names told in one sentence share it. With
    `unheard`, objectors asked for where the report names none are told as unnamed, or the reason it cannot tell
    them is returned instead of a draft. (None, None) when the question asks for no doers or names one."""
    act = asked_act(query)
    if act is None:
        return None, None
    view = ctx.view
    told = _told(ctx, query, places, act)
    if not told and act == "object" and unheard:
        return _unnamed_objectors(ctx, query, places)
    if len(told) < 2:
        return None, None  # one name is a fact, not a list: the fact plan quotes it
    chosen: dict[Unit, list[str]] = {}
    for actor, units in told.items():
        best_kind = min(kind for kind, _ in units)
        candidates = [u for kind, u in units if kind == best_kind]
        scores = ctx.relevance(query, candidates)
        unit = candidates[max(range(len(candidates)), key=lambda i: scores[i])]
        chosen.setdefault(unit, []).append(as_written(ctx, actor))
    order = sorted(chosen, key=lambda u: u.start)
    if _asks_about_something(own_words(query), view):
        # "who wanted to merge the two ipv6 opinions": the doer of that comes first, the other proposers after
        scores = dict(zip(order, ctx.relevance(query, order)))
        order.sort(key=lambda u: -scores[u])
    by_place: dict[str, list[tuple[Unit, list[str]]]] = {}
    for unit in order:
        by_place.setdefault(_place_name(view.by_id[unit.clause_id]), []).append((unit, chosen[unit]))
    draft = ctx.draft()
    draft.lead = f"The report names {len(told)} that {_ACT_PHRASE[act]}{', by place' if len(by_place) > 1 else ''}:"
    shown = 0
    for place, lines in by_place.items():
        if len(by_place) > 1:
            draft.bullets.append(f"**{place}**")
        for unit, names in lines:
            if shown >= MAX_DOERS:
                break
            nest = "  - " if len(by_place) > 1 else ""
            line = f"{_joined(names)}: {clean_sentence(unit.text)} {draft.cite(unit)}"
            draft.bullets.append(f"{nest}{ctx.with_what_it_quotes(draft, unit, line)}")
            shown += 1
    if len(chosen) > shown:
        draft.bullets.append(f"… and {len(chosen) - shown} more sentences.")
    draft.anchored = True
    return draft, None


def _told(ctx: PlanContext, query: str, places, act: str) -> dict[str, list[tuple[int, Unit]]]:
    """Per name, the sentences that tell it did the act: said of it directly ("Ghana proposed …", kind 0) before
    listed as the source of a contribution (kind 1)."""
    view = ctx.view
    verbs = _ACTS[act]
    told: dict[str, list[tuple[int, Unit]]] = {}
    about = _owners(view, query) if not places.count else []
    own = own_words(query)
    # "who else sent stuff in on that one? (what did turkey want changed in op 1)": not Turkey
    others = [a for a in view.actors_in(query) if a not in view.actors_in(own)] if _ELSE.search(own) else []
    for clause in _in_scope(ctx, places, about):
        for unit in view.units(clause):
            if places.opinions and _names_other_opinion(unit.text, places.opinions):
                continue
            for actor in _names(view, unit.text):
                if actor in about or actor in others:
                    continue  # "who supported turkey's amendment": not Turkey
                if re.search(rf"\b{re.escape(actor)}-\d", unit.text, re.I):
                    continue  # "WTPF-13/6" is a document number, not a doer
                if _did(actor, verbs, unit.text, sources=False):
                    told.setdefault(actor, []).append((0, unit))
                elif _did(actor, verbs, unit.text, sources=act == "propos"):
                    told.setdefault(actor, []).append((1, unit))
    return told


def _in_scope(ctx: PlanContext, places, about: list[str]) -> list[Clause]:
    """The clauses where the act asked about is looked for: in the places asked, and, for an act on someone's
    thing (`about` names them), those telling of that someone (the doers are told of beside them)."""
    view = ctx.view
    about_pattern = re.compile("|".join(rf"\b{re.escape(a)}" for a in about), re.I) if about else None
    return [c for c in view.clauses if c.kind != "heading" and in_places(c, places, view)
            and (about_pattern is None or about_pattern.search(c.text))]


def _unnamed_objectors(ctx: PlanContext, query: str, places) -> tuple[Draft | None, str | None]:
    """Who objected, asked where the report names no one objecting. Where it tells of objectors by no name
    ("other delegates argued that the current text is an output of consensus"), those sentences, said to name no
    one; where it tells of no objection at all ("which countries opposed brazil's draft"), the reason to abstain."""
    verbs = re.compile(rf"\b(?:{_ACTS['object']})", re.I)
    # beside the one whose thing was objected to, wherever the question looks: "which countries were against it?
    # (what did brazil propose in wg3)" is not answered by objections to Turkey's text in the same group
    owners = _owners(ctx.view, query)
    units = [u for clause in _in_scope(ctx, places, owners) for u in ctx.view.units(clause) if verbs.search(u.text)]
    if not units:
        return None, f"it names no one who {_ACT_PHRASE['object']}"
    scores = ctx.relevance(query, units)
    best = sorted(sorted(range(len(units)), key=lambda i: -scores[i])[:MAX_UNNAMED], key=lambda i: units[i].start)
    draft = ctx.draft()
    framed: set[str] = set()
    lines = [line for i in best for line in ctx.lines(draft, units[i], framed, nested=False)]
    draft.lead = f"The report names no one who {_ACT_PHRASE['object']}; it tells:"
    draft.bullets = lines
    return draft, None


# Words that ask who did something, or where, not what: "which countries proposed amendments to Opinion 2"
_NOT_ASKED_ABOUT = re.compile(
    r"\b(?:who|whom|which|what|countr(?:y|ies)|delegations?|delegates?|bod(?:y|ies)|organi[sz]ations?|members?|"
    r"people|anyone|any|all|else|opinions?|draft|working|groups?|wgs?|part|annex|forum|wtpf|report|texts?|changes?|"
    r"amendments?|edits?|contributions?|proposals?|\d+)\b",
    re.I,
)


def _asks_about_something(question: str, view) -> bool:
    """The question names what was done ("who wanted to merge the two ipv6 opinions"), not only the act and
    where ("who proposed amendments to Opinion 2")."""
    rest = _ASKED_ACT.sub(" ", _NOT_ASKED_ABOUT.sub(" ", question))
    for actor in view.actors_in(rest):
        rest = re.sub(rf"\b{re.escape(actor)}\b", " ", rest, flags=re.I)
    return any(w.lower() not in STOPWORDS for w in re.findall(r"[A-Za-z][\w’'-]+", rest))


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _names_other_opinion(text: str, opinions) -> bool:
    """A sentence about another Opinion than those asked about ("… supported Draft Opinion 6" for Opinion 5)."""
    named = {int(n) for n in re.findall(r"\bopinions?\s+(\d+)", text, re.I)}
    return bool(named) and not named & set(opinions)


def _names(view, text: str) -> list[str]:
    """The report's names in `text`, a name written in several words ("RIPE NCC", "United States") as one."""
    found = view.actors_in(text)
    out: list[str] = []
    for name in found:
        if out and re.search(rf"\b{re.escape(out[-1])}\s+{re.escape(name)}\b", text, re.I):
            out[-1] = f"{out[-1]} {name}"
        else:
            out.append(name)
    return out


def _did(actor: str, verbs: str, text: str, sources: bool) -> bool:
    """`actor` does the act in `text`: named before the verb in the same clause of the sentence ("Turkey's
    contribution proposed", "Avanti and GVF proposed"), or, for proposals (`sources`), as the source of a
    contribution ("contributions by the United States (WTPF-13/6), Turkey …")."""
    named_at, source = _actor_patterns(actor)
    then_act = _act_pattern(verbs)
    # the name's every occurrence (a lookahead, so overlapping ones too) followed by the act: one pattern per
    # name and one per act instead of one per pair, which compiled ~670 patterns over 400 user questions
    # (1.1 s of 14 s answering them, profiled)
    if any(then_act.match(text, m.start() + len(actor)) for m in named_at.finditer(text)):
        return True
    return sources and source.search(text) is not None


@lru_cache(maxsize=4096)
def _actor_patterns(actor: str) -> tuple[re.Pattern, re.Pattern]:
    """Where `actor` is named (a word start, any case), and `actor` as the source of a contribution."""
    a = re.escape(actor)
    named_at = re.compile(rf"(?=(?i:\b{a}))")
    source = re.compile(rf"\b(?:contributions?|proposals?|amendments?)\s+(?:from|of|by)\s+[^.;:]*?\b{a}\b", re.I)
    return named_at, source


@lru_cache(maxsize=64)
def _act_pattern(verbs: str) -> re.Pattern:
    """What follows a doer's name up to the verb of the act."""
    # co-subjects may follow ("The United States, RIPE NCC, and ISOC … expressed"), but no other subject may stand
    # between the name and the verb ("… from Brazil (WTPF-13/5), the Chairman proposed" is the Chairman's act)
    co_subjects = r"(?:\s*(?:,|and|&)\s*(?:and\s+)?(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)*"
    # a phrase set off by commas may name others ("RIPE-NCC, on behalf of all RIRs, clarified")
    gap = r"(?:[^.;:A-Z]{0,50}?|,[^.;:,]{1,60},)"
    return re.compile(rf"(?i:\w*(?:['’]s)?){co_subjects}{gap}\s(?i:{verbs})\b")


def _place_name(clause: Clause) -> str:
    if clause.part == "Annex I" and clause.working_group is not None:
        return f"Working Group {clause.working_group}"
    if clause.part == "Part II" and clause.opinion is not None:
        return f"Opinion {clause.opinion}"
    return clause.part or "The report"
