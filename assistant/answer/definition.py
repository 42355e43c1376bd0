"""Definition answers: an acronym's long form where the report defines it, then how the report uses it; for a
term that is no acronym ("dual stack", "enhanced cooperation"), the sentences that say what it is or does."""

from __future__ import annotations

import re

from assistant.answer.context import PlanContext
from assistant.answer.draft import Draft
from assistant.query.question import STOPWORDS
from assistant.records import Hit
from assistant.report.glossary import defining

USES = 2  # sentences using the term, after the defining one

# The term a definition question asks about: "what's meant by enhanced cooperation", "what does needs basis mean
# for ip addresses", "define internet governance", "how is internet governance defined", "dual stack?"
_TERM_ASKED = (
    re.compile(r"\bmean[ts]?\s+by\s+(?P<t>.+)", re.I),  # "what does opinion 4 mean by dual stack"
    re.compile(r"\bwhat\s+(?:does|do)\s+(?P<t>.+?)\s+(?:actually\s+|really\s+)?mean\b", re.I),
    re.compile(r"\b(?:meaning|definition)\s+of\s+(?P<t>.+)", re.I),
    re.compile(r"\bhow\s+(?:is|are)\s+(?P<t>.+?)\s+defined\b", re.I),
    re.compile(r"\bdefine[sd]?\s+(?P<t>.+)", re.I),
    re.compile(r"^\W*explain\s+(?:what\s+|how\s+)?(?P<t>.+?)(?:\s+(?:is|are|does|do|means?|works?))?\W*$", re.I),
    re.compile(r"^\W*(?:what(?:'s|’s|\s+is|\s+are)|whats)\s+(?:exactly\s+|actually\s+|really\s+)?(?P<t>.+)", re.I),
    re.compile(r"^\W*(?P<t>[^?]+?)\s*(?:[-–—:,=]+\s*(?:what|meaning|definition|\?).*|\s+(?:meaning|definition)\W*|\?+)$", re.I),
)
# where the term is used or who uses it, not the term: "… in opinion 5", "… as used in the ipv6 opinions", "… here"
_NOT_THE_TERM = re.compile(
    r"\s+(?:in|as|according|per|for|under|within|about|here|there|exactly|anyway|actually|really|then|now|again|"
    r"mentioned|used|that|which|when|by|supposed|with)\b.*$|\W+$",
    re.I,
)
_PRONOUNS = frozenset("it they them this that these those he she".split())
_ARTICLE = re.compile(r"^(?:the|an?|this|that|these|those)\s+", re.I)
_QUOTED_TERM = re.compile(r"(?:^|(?<=\s))['‘\"“]([^'‘’\"“”]{3,60})['’\"”](?!\w)")


def asked_term(query: str) -> str | None:
    """The words a definition question asks to be defined, if it names them."""
    quoted = _QUOTED_TERM.search(query)
    if quoted:
        return quoted.group(1).strip()
    for pattern in _TERM_ASKED:
        match = pattern.search(query)
        if match:
            term = _ARTICLE.sub("", _NOT_THE_TERM.sub("", match.group("t").strip()))
            if re.search(r"[A-Za-z]{2}", term) and term.lower() not in _PRONOUNS:
                return term
    return None


# After the term, words that go on to say what it is or does: "enhanced cooperation to enable Governments …",
# "IXPs enables a virtuous cycle: as …", "a working definition of Internet Governance as the development …"
_DEFINES_AFTER = re.compile(r"^\)?\s*(?::|to\s+[a-z]+|as\b|is\b|are\b|means\b|refers?\b|,?\s*which\b)", re.I)
_DEFINES_BEFORE = re.compile(r"(?:\bdefinition\s+of|\bdefined\s+as|\()\s*$", re.I)


def compose_term(ctx: PlanContext, query: str, term: str) -> Draft | None:
    """The sentences that use `term`, those that go on to say what it is first, then by closeness to the
    question; None when no sentence says what it is."""
    words = term.split()
    pattern = re.compile(r"\b" + r"[\s-]+".join(re.escape(w) for w in words) + r"(?:s|es)?\b", re.I)
    view = ctx.view
    using, defines = [], []
    for clause in view.clauses:
        if clause.kind == "heading":
            continue
        for unit in view.units(clause):
            found = list(pattern.finditer(unit.text))
            if not found:
                continue
            using.append(unit)
            defines.append(any(_DEFINES_AFTER.match(unit.text[m.end():]) or _DEFINES_BEFORE.search(unit.text[:m.start()])
                               for m in found))
    if not any(defines):
        return None  # the report only uses the term: the sentences closest to the question say more of it
    scores = ctx.relevance(query, using)
    order = sorted(range(len(using)), key=lambda i: (not defines[i], -scores[i]))
    draft = ctx.draft()
    framed: set[str] = set()
    draft.lead = ctx.line(draft, using[order[0]], framed)
    for i in order[1: 1 + USES]:
        draft.bullets.append(ctx.line(draft, using[i], framed))
    return draft


def asked_acronym(query: str, glossary: dict[str, str], term: str | None = None) -> str | None:
    """The acronym the question asks about; with `term` (the words it asks to be defined), only one inside it."""
    for word in re.findall(r"[A-Za-z]{2,8}", query):
        if term is not None and not re.search(rf"\b{re.escape(word)}\b", term):
            continue  # "what does needs basis mean for ip addresses" asks of "needs basis", not of "IP"
        bare = word[:-1] if word.endswith("s") and word[:-1].upper() in glossary else word
        if bare.upper() in glossary and (bare.isupper() or len(bare) <= 5):
            return bare.upper()
    return None


# "what does CNRI stand for", "cnri is short for what", "the acronym CAPDA": the long form of a short name is asked
_EXPANSION_ASKED = re.compile(
    r"\b([A-Za-z][A-Za-z0-9]{1,7})\s+(?:stands?|stood)\s+for\b|\b([A-Za-z][A-Za-z0-9]{1,7})\s+(?:is\s+)?short\s+for\b|"
    r"\b(?:acronym|abbreviation)\s+([A-Za-z][A-Za-z0-9]{1,7})\b|\b([A-Za-z][A-Za-z0-9]{1,7})\s+(?:acronym|abbreviation)\b",
    re.I,
)
_SMALL_WORDS = frozenset("of and for the on in to".split())


def unexpanded(ctx: PlanContext, question: str) -> str | None:
    """Why the report cannot say what a short name stands for: it uses the name and never spells it out (no
    "Long Form (LF)" and no run of capitalized words with those initials). None when it does, or is not asked."""
    match = _EXPANSION_ASKED.search(question)
    if match is None:
        return None
    name = next(g for g in match.groups() if g)
    # "what does that stand for?": a pronoun points to a name the conversation holds, and is none itself
    if (name.lower() in _SMALL_WORDS | STOPWORDS or name.upper() in ctx.glossary
            or name.rstrip("sS").upper() in ctx.glossary):
        return None
    uses = re.search(rf"\b{re.escape(name)}s?\b", ctx.source, re.I)
    if uses is None:
        return None  # a name it never uses is for the checks on what the report mentions
    words = re.findall(r"[A-Za-z][\w’'-]*", ctx.source)
    initials = name.upper()
    for start, word in enumerate(words):
        if not word[:1].isupper() or word[0] != initials[0]:
            continue
        spelled, at = "", start
        while at < len(words) and len(spelled) < len(initials):
            if words[at].lower() in _SMALL_WORDS and spelled:
                at += 1
                continue
            if not words[at][:1].isupper():
                break
            spelled += words[at][0].upper()
            at += 1
        if spelled == initials:
            return None
    return f"it uses the name {uses.group(0)} but never spells it out"


def compose_definition(ctx: PlanContext, query: str, hits: list[Hit]) -> Draft | None:
    term = asked_term(query)
    acronym = asked_acronym(query, ctx.glossary, term)
    if acronym is None:
        return compose_term(ctx, query, term) if term else None
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
