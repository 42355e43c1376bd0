"""Whether one Opinion mentions something ("does opinion 1 mention ipv6?"): its clauses that use the words asked
about, or that it never uses them, what in it comes closest and where else the report uses them; and whether the
report does ("does the report say anything about spectrum?")."""

from __future__ import annotations

import re

from assistant.answer.context import PlanContext
from assistant.answer.draft import Draft
from assistant.query.conversation import own_words
from assistant.query.question import STOPWORDS, tokenize
from assistant.report.glossary import expand
from assistant.report.sentences import Unit

SHOWN = 3  # clauses of the Opinion quoted that use the words

# "does opinion 1 mention ipv6", "is ipv6 mentioned in op 1", "does op 2 say anything about satellites",
# "does it talk about spam", "anything on capacity building in opinion 4?"
_ASKS_MENTION = re.compile(
    r"\b(?:mention\w*|refer(?:s|red)?\s+to|say(?:s)?\s+(?:anything|something|much)\s+(?:about|on)|"
    r"talk(?:s|ed)?\s+about|(?:anything|something)\s+(?:about|on))\s+|\bmentioned\b",
    re.I,
)
_PLACE = re.compile(r"\b(?:the\s+)?(?:draft\s+)?(?:opinion|op)\s*\d+\b|\bit\b", re.I)
_FRAME = re.compile(
    r"^\W*(?:so\s+|and\s+|but\s+)?(?:(?:does|do|did|is|are|was|were|has|have)\b|(?:which|what)\s+(?:opinions?|ones?)\b)|"
    r"\b(?:mention\w*|refer(?:s|red)?\s+to|say(?:s)?\s+(?:anything|something|much)|talk(?:s|ed)?|anything|something|"
    r"anywhere|at\s+all|in|about|on)\b|\W+$",
    re.I,
)


# "anything about developing countries?", "is there anything on spam in it": whether something is there at all
_ANYTHING = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:is\s+there\s+)?(?:anything|something)\s+(?:about|on)\b", re.I)


def asks_if_anything(question: str) -> bool:
    return _ANYTHING.match(own_words(question)) is not None


def asks_mention(question: str, actors: tuple[str, ...] = ()) -> bool:
    """Whether the question asks if something is mentioned, by no actor named before the asking ("did turkey
    mention opinion 3" asks what Turkey said; "does opinion 6 mention the cstd" whether a body is named)."""
    own = own_words(question)
    asked = _ASKS_MENTION.search(own)
    if asked is None:
        return False
    before = own[: asked.start()].lower()
    return not any(re.search(rf"\b{re.escape(a.lower())}", before) for a in actors)


# "does the report say anything about spectrum": the whole report is the place asked about
_WHOLE = re.compile(r"\b(?:the\s+)?(?:report|forum|wtpf(?:-?13)?|policy\s+forum)\b", re.I)


def mentioned_thing(question: str) -> str:
    """The words the question asks whether the place uses: "ipv6" of "is ipv6 mentioned in opinion 1"."""
    rest = _FRAME.sub(" ", _WHOLE.sub(" ", _PLACE.sub(" ", own_words(question))))
    return " ".join(w for w in rest.split() if w.lower() not in STOPWORDS).strip()


def _uses(text: str, forms: list[set[str]]) -> bool:
    """Every word of one of the forms is in the text, as written or with another ending ("regulation" in
    "regulatory frameworks")."""
    words = set(tokenize(text))
    return any(form and all(w in words or (len(w) >= 5 and any(t[:5] == w[:5] for t in words)) for w in form)
               for form in forms)


def opinions_using(ctx: PlanContext, query: str) -> list[tuple[int, Unit]]:
    """"which opinions mention unesco": each Opinion whose clauses use the words asked about, with its clause
    using them closest to the question, in the report's order."""
    thing, forms = _asked(ctx, query)
    if not forms:
        return []
    out = []
    for number, head in sorted(ctx.view.opinion_heads.items()):
        units = [u for u in _sentences(ctx, head) if _uses(u.text, forms)]
        if units:
            out.append((number, _closest(ctx, query, units)))
    return out


def used_anywhere(ctx: PlanContext, query: str) -> tuple[str, list[Unit]] | None:
    """"does the report say anything about spectrum": the words asked about and the report's sentences that use
    them or write out an acronym among them ("IDNs" as "Internationalized (multilingual) domain names"); None
    when nothing is asked about."""
    thing, forms = _asked(ctx, query)
    if not forms:
        return None
    spelled = [m.group(0) for w in thing.split() if _ACRONYM.fullmatch(w) and (m := _spelled_out(w, ctx.view.source))]
    units = [u for c in ctx.view.clauses if c.kind != "heading" and not ctx.view.is_opening(c)
             for u in ctx.view.units(c) if _uses(u.text, forms) or any(s in u.text for s in spelled)]
    return thing, units


def compose_using(ctx: PlanContext, query: str, units: list[Unit]) -> Draft:
    """The sentences that use what is asked about, closest to the question first."""
    scores = ctx.relevance(query, units)
    order = sorted(range(len(units)), key=lambda i: -scores[i])[:SHOWN]
    draft = ctx.draft()
    framed: set[str] = set()
    draft.lead = ctx.line(draft, units[order[0]], framed)
    draft.bullets += [ctx.line(draft, units[i], framed) for i in order[1:]]
    return draft


_ACRONYM = re.compile(r"[A-Z]{2,6}s?")


def _spelled_out(acronym: str, source: str) -> re.Match | None:
    """Where the report writes out words whose initials spell the acronym, a bracketed aside allowed between
    them, the first capitalized as a name's is ("Internationalized (multilingual) domain names", not "including
    domain names")."""
    letters = acronym.rstrip("s") if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    aside = r"(?:\([^)]{0,40}\)\s+)?"
    initials = [letters[0].upper()] + [f"[{c.upper()}{c.lower()}]" for c in letters[1:]]
    pattern = r"\b" + (r"[\w-]*\s+" + aside).join(initials) + r"\w*"
    return re.search(pattern, source)


def _closest(ctx: PlanContext, query: str, units: list[Unit]) -> Unit:
    scores = ctx.relevance(query, units)
    return units[max(range(len(units)), key=scores.__getitem__)]


def _sentences(ctx: PlanContext, head) -> list[Unit]:
    """An Opinion's sentences, without its titles and the opening that every Opinion shares."""
    return [u for c in ctx.view.descendants(head.id) if c.kind != "heading" and not ctx.view.is_opening(c)
            for u in ctx.view.units(c)]


def _asked(ctx: PlanContext, query: str) -> tuple[str, list[set[str]]]:
    """The words asked about as typed, and their forms: their own words and those of an acronym's other form
    ("CDNs", "Content Distribution Networks"); no forms when nothing is asked about."""
    thing = mentioned_thing(query)
    words = set(tokenize(thing))
    if not words:
        return thing, []
    expanded = expand(thing, ctx.glossary)
    others = expanded[len(thing):].strip(" ()").split("; ") if expanded != thing else []
    return thing, [words] + [set(tokenize(f)) for f in others]


def compose_mention(ctx: PlanContext, query: str, opinion: int) -> Draft | None:
    """The Opinion's clauses that use every word asked about (or an acronym's long form for it), closest to the
    question first; if none does, that it never uses them, and its clause closest to the question."""
    head = ctx.view.opinion_heads.get(opinion)
    thing, forms = _asked(ctx, query)
    if head is None or not forms:
        return None
    units = _sentences(ctx, head)
    if not units:
        return None
    using = [u for u in units if _uses(u.text, forms)]
    if using:
        return compose_using(ctx, query, using)
    draft = ctx.draft()
    framed: set[str] = set()
    draft.lead = f"Opinion {opinion} never uses the words “{thing}”. Closest to them in it:"
    draft.bullets.append(ctx.line(draft, _closest(ctx, query, units), framed))
    # "does opinion 2 say anything about satellites": the debate on it may, which the user will want to know
    inside = {c.id for c in ctx.view.descendants(head.id)}
    elsewhere = [u for c in ctx.view.clauses if c.id not in inside and c.kind != "heading"
                 for u in ctx.view.units(c) if _uses(u.text, forms)]
    if elsewhere:
        draft.bullets.append(f"Elsewhere the report does: {ctx.line(draft, _closest(ctx, query, elsewhere), framed)}")
    return draft
