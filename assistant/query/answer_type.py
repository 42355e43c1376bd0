"""Expected answer types: what kind of thing a question asks for, and whether a passage holds one.

A "when" question is answered by a passage with a date or a time in it, "who chaired" by one naming a
person, "how many" by one with a count, "what e-mail address" by one with an address. The composer uses
this to prefer, among sentences about the right topic, the ones that can hold the answer. (A retrieval lift
built on it was removed: it changed nothing on the test splits of the user-style sets.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.query.question import NUMBER, question_kind
from assistant.textnorm import unaccented

_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\s+{_MONTH}\b|\b{_MONTH}\s+\d{{1,2}}\b|\b{_MONTH}\s+(?:19|20)\d\d\b|"
    r"\b\d{1,2}[:.]\d\d\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b(?:morning|afternoon|evening)\s+session\b",
    re.I,
)
_PERSON = re.compile(r"\b(?:Mr|Mrs|Ms|Mme|Dr|Prof|Sir|H\.\s?E)\.?\s+[A-Z][\w’'-]+")
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\bhttps?://\S+|\bwww\.\S+", re.I)
# a telephone number: an international prefix or eight digits and more, grouped by spaces, dots or dashes
_PHONE = re.compile(r"(?:\+|\b00)\d{1,3}[\s.-]?(?:\(\d+\)[\s.-]?)?\d[\d\s.-]{5,}\d\b|\b\d{2,4}(?:[\s.-]\d{2,4}){3,}\b")
_CODE = re.compile(r"\b[A-Z][A-Z0-9]*-\d+/\d+\b|\b(?:Doc(?:ument)?|Resolution|Decision)\s+(?:No\.?\s*)?\d+\b")
_COUNTED = re.compile(r"\b(?:in total|total of|numbered|attended by|some|around|about|over|more than)\s+\d", re.I)

_SMALL = r"(?:of|the|in|for|and|on|to|a|an|by|with|as)"
# A title: four or more capitalized words, small words allowed between ("Role of Government in the
# Multistakeholder Framework for Internet Governance"), or a quoted phrase of three words or more.
_TITLE = re.compile(
    rf"\b[A-Z][\w’'-]*(?:\s+(?:{_SMALL}\s+)*[A-Z0-9][\w’'-]*){{3,}}|[“\"][A-Z][^”\"]*?(?:\s+[^”\"\s]+){{2,}}[”\"]"
)
_ASKS_TITLE = re.compile(r"\b(?:titles?|entitled|called|named)\b|\bname of (?:the|its|their) (?!chair|vice|minister|moderator|speaker)", re.I)
_ASKS_PHONE = re.compile(r"\b(?:tele)?phone\b|\bfax\b|\b(?:mobile|cell|contact)\s+(?:phone\s+)?(?:number|no\.?)", re.I)
_ASKS_CONTACT = re.compile(r"\b(?:e-?mail|contact(?:ed| details| address)|web\s?site|url|web\s+address)\b", re.I)
# "what's his job back home", "sally wentworth's job title", "her position at the internet society", "his role at
# key4biz": the post a person holds, not the part they had at the forum, nor whom they work for (which a name's
# bracket often tells: "Ms Sally Wentworth (Internet Society)")
_ASKS_JOB = re.compile(
    r"\bjob(?:\s+title)?\b|\b(?:his|her|their)\s+(?:actual\s+)?title\b|"
    r"\b(?:position|role)\s+(?:at|with)\s+(?!the\s+(?:forum|wtpf|working|meeting|plenary|session))|"
    r"\boccupation\b|\bprofession\b",
    re.I,
)
# a job told with a name: "H.E. Mr Ivo Ivanovski, Minister of Information Society", "Mr Fadi Chehadé, President and CEO
# of ICANN", "Dr Hamadoun I. Touré, ITU Secretary-General"
_JOB = re.compile(r"[A-Z][\w’'.-]+\s*(?:\([^)]*\))?,\s*(?:[\w’'./-]+\s+){0,4}?(?:Minister|President|CEO|Director|"
                  r"Secretary(?:-General)?|Counsel+or|Head|Chief|Manager|Officer|Advis[eo]r|Ambassador|Professor|"
                  r"(?:co-)?founder|Deputy|Commissioner)\b")
_ASKS_CODE = re.compile(r"\b(?:document|reference|symbol|contribution)\s+(?:number|no\.?|code|symbol)\b", re.I)
# The question word must lead its clause: "people who are not yet online" asks for no person.
_LEAD = r"(?:^|[,;:(—–-]\s*|\band\s+|\bso\s+)"
_ASKS_WHEN = re.compile(rf"{_LEAD}(?:by\s+|since\s+|until\s+)?when\b|\bwhat (?:date|day|time|year)\b|\bwhich (?:date|day|year)\b", re.I)
# "Who" asks for a person when it asks about a role people hold or an act people perform; "who is asked
# to act" or "who proposed" are answered by countries, bodies and sections, which have no such mark.
_PERSON_ROLE = re.compile(
    r"\b(?:chair\w*|vice-?chair\w*|led|lead\w*|presid\w*|moderat\w*|spoke|speak\w*|speech\w*|"
    r"represent\w*|elect\w*|head\w*|minister\w*|secretary|director\w*|author(?:s|ed)?|wrote|sign\w*|"
    r"reported|open\w*|welcom\w*|address\w*|introduc\w*)\b",
    re.I,
)
_ASKS_ACTOR = re.compile(
    r"\bwhich (?:countr(?:y|ies)|delegations?|organi[sz]ations?|member states?|administrations?|bod(?:y|ies))\b|"
    r"\bwho (?:proposed|suggested|supported|opposed|objected|asked|wanted|backed|agreed|insisted|presented|"
    r"submitted|withdrew|raised|spoke for|argued|endorsed|requested)\b",
    re.I,
)
_NAME = re.compile(r"(?<=[\w,;:(] )[A-Z][\w’'.-]*\w|\b[A-Z]{2,}\b")
_ASKS_PERSON = re.compile(rf"{_LEAD}(?:who|whom)\b|\bwhich (?:person|official|minister|speaker)s?\b|\bname of the\b", re.I)


def expected_type(question: str) -> str | None:
    """The answer type a question asks for (date, person, count, contact, phone, code, actor or title), or None
    when it asks for no particular kind of thing."""
    if _ASKS_PHONE.search(question):
        return "phone"
    if _ASKS_CONTACT.search(question):
        return "contact"
    if _ASKS_JOB.search(question):
        return "job"
    if _ASKS_CODE.search(question):
        return "code"
    kind = question_kind(question)
    if _ASKS_TITLE.search(question) and kind not in ("why", "how-many"):
        return "title"
    if _ASKS_ACTOR.search(question):
        return "actor"
    if kind in ("when", "what") and _ASKS_WHEN.search(question):
        return "date"
    if kind == "how-many" and re.search(r"\bhow many\b", question, re.I):
        return "count"
    if _ASKS_PERSON.search(question) and _PERSON_ROLE.search(question):
        return "person"
    return None


def unstated_detail(question: str, sentences: list[str], people: Iterable[str] = ()) -> str | None:
    """A person's detail asked for that none of the answer's sentences gives: an e-mail address or website, a
    telephone number, or a job (the report may name the person asked about without any way to reach them, give an
    address and no number, or give their organisation and no post). When the question names one of the report's
    `people`, the detail must be given in a sentence naming them: another person's address or post is not theirs;
    a job is only ever a named person's."""
    wanted = expected_type(question)
    if wanted not in ("contact", "phone", "job"):
        return None
    asked = unaccented(question).lower()
    surnames = {unaccented(p.split()[-1]).lower() for p in people if len(p.split()[-1]) > 2}
    named = [s for s in surnames if re.search(rf"\b{re.escape(s)}\b", asked)]
    if wanted == "job" and not named:
        return None  # a job is a person's: "what is the job of working group 2" asks for its task
    given = [t for t in sentences if holds_type(t, wanted)]
    if named:
        given = [t for t in given if any(s in unaccented(t).lower() for s in named)]
    if given:
        return None
    return {"phone": "a telephone number", "job": "a job title"}.get(wanted, "an e-mail address or website")


def names(text: str) -> set[str]:
    """Proper names in `text`: capitalized words past a sentence's first, and acronyms."""
    return {re.sub(r"['’]s$", "", m.group(0)) for m in _NAME.finditer(text)}


def holds_type(text: str, answer_type: str | None, common: frozenset[str] = frozenset()) -> bool:
    """Whether `text` contains something of `answer_type` (always False for None).

    For "actor", a name counts unless it is in `common`: names found all over a report ("Opinion",
    "Member States") are its structure, not the countries and bodies that act in it."""
    if answer_type == "actor":
        return any(n not in common for n in names(text))
    if answer_type == "date":
        return bool(_DATE.search(text))
    if answer_type == "person":
        return bool(_PERSON.search(text))
    if answer_type == "contact":
        return bool(_CONTACT.search(text))
    if answer_type == "phone":
        return bool(_PHONE.search(text))
    if answer_type == "job":
        return bool(_JOB.search(text))
    if answer_type == "code":
        return bool(_CODE.search(text))
    if answer_type == "title":
        return bool(_TITLE.search(text))
    if answer_type == "count":
        return bool(_COUNTED.search(text)) or any(_is_count(m) for m in NUMBER.finditer(text))
    return False


# A name in more than this share of a report's passages is part of its structure, not an actor in it.
COMMON_NAME_SHARE = 0.05


def common_names(passages: list[str]) -> frozenset[str]:
    """Capitalized words that say nothing about who acted: ordinary words the report also writes in lower
    case ("Chairman", "Draft"), and names so frequent they are its structure ("Opinion", "ITU")."""
    counts: dict[str, int] = {}
    lower: set[str] = set()
    for text in passages:
        lower.update(re.findall(r"\b[a-z][a-z’'-]*\b", text))
        for n in names(text):
            counts[n] = counts.get(n, 0) + 1
    limit = max(2, COMMON_NAME_SHARE * len(passages))
    return frozenset(n for n, c in counts.items() if c > limit or n.lower() in lower)


def _is_count(match: re.Match) -> bool:
    """A number that counts things: not a year, a time, or the number of an opinion, paragraph or group."""
    text, value = match.string, match.group(0)
    if re.fullmatch(r"(?:19|20)\d\d", value):
        return False
    before = text[max(0, match.start() - 24) : match.start()]
    if re.search(r"(?:opinions?|paragraphs?|resolutions?|groups?|articles?|no\.|rev\.|[-/:])\s*$", before, re.I):
        return False
    after = text[match.end() : match.end() + 12]
    return not re.match(r"\s*(?:[-–:/]|" + _MONTH + r")", after, re.I)
