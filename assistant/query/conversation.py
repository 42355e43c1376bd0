"""Follow-up resolution: turn "And its vice-chair?" into a query that stands on its own.

The rewrite is deliberately simple and visible (it is shown to the user): anchors such as
"Opinion 4", "Working Group 2", "recognizing (c)" or a country named in the latest earlier
question that has any are carried into a follow-up that lacks them, and "What about X?"
swaps X in for the anchor of the same kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query.question import STOPWORDS, SUMMARY_WORDS, TAKEN_UP
from assistant.textnorm import clean_input, demonym_of, stem, unaccented

MAX_HISTORY_TURNS = 6
MAX_HISTORY_CHARS = 500

_ANCHOR_PATTERNS = {
    "opinion": re.compile(r"\b(?:draft\s+)?opinions?\s+\d(?:\s*(?:,|and|&)\s*\d)*", re.I),
    "group": re.compile(r"\b(?:working\s+group|wg)\s*\d(?:\s*(?:,|and|&)\s*\d)*", re.I),
    "part": re.compile(r"\b(?:part\s+(?:ii|i)\b|annex\s+i\b)", re.I),
    "section": re.compile(
        r"\b(?:recalling|considering|recognizing(?:\s+further)?|noting|taking into account|"
        r"is of the view|invites?|requests?)\s*\(?[a-z]\)?(?=\W|$)",
        re.I,
    ),
}
# Capitalized words that start questions or are too generic to carry a topic.
_NOT_NAMES = {
    "what", "who", "whom", "whose", "which", "when", "where", "why", "how", "did", "does", "do", "is",
    "are", "was", "were", "and", "but", "the", "a", "an", "in", "on", "of", "for", "to", "its", "it",
    "they", "their", "he", "she", "his", "her", "this", "that", "these", "those", "can", "could",
    "would", "should", "tell", "me", "about", "also", "any", "so", "then", "ok", "okay", "please",
    "opinion", "opinions", "draft", "working", "group", "part", "annex", "wg", "i", "ii", "forum",
}
_DEICTIC = re.compile(
    r"\b(it|its|they|them|their|theirs|he|him|his|she|her|hers|this|that|these|those|there|"
    r"the same|the other|the former|the latter|both|either|neither)\b",
    re.I,
)
_BACK_REFERENCE = re.compile(r"\b(it|its|they|them|their|that|those|this|these|he|him|his|she|her)\b", re.I)
_CONTINUATION = re.compile(r"^(and|what about|how about|and what about|same for)\b", re.I)
# "so …", "but …" continue the conversation only when the rest names nothing of its own
_SOFT_CONTINUATION = re.compile(r"^(?:also|but|so|then|ok(?:ay)?|right)\b[\s,]*(.*)$", re.I)
_WHAT_ABOUT = re.compile(r"^(?:and\s+)?(?:(?:what|how)\s+about\s+|(?=and\s))(?:and\s+)?(.+?)\??$", re.I)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_ASKED_AGAIN = re.compile(r"^(?:and\s+)?(?:what|how)\s+about\b", re.I)


_SHORT_OPINION = re.compile(r"\b(?:op|opin|opn)\.?\s?#?\s?(\d{1,2})\b", re.I)
_SHORT_GROUP = re.compile(r"\bwg\s?#?\s?(\d{1,2})\b", re.I)


_ORDINAL_PART = re.compile(r"\b(?:the\s+)?(first|1st|second|2nd)\s+part\b(?:\s+of\s+the\s+report)?", re.I)


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
             "5th": 5, "sixth": 6, "6th": 6}
# "the 2nd opinion", "the third working group" (not "the other opinion", not "a second opinion on it")
_ORDINAL_PLACE = re.compile(
    r"\bthe\s+(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th)\s+(opinion|working\s+group|wg)\b", re.I
)


# "and the last speaker?", "what was the first item", "what happened to the second one", and at a question's end
# the ordinal alone ("and the third?"): an item of the list an earlier answer gave, by its place in it
_ITEM_BY_PLACE = re.compile(
    rf"\bthe\s+({'|'.join(_ORDINALS)}|last|final)"
    rf"(?:\s+(one|ones|item|point|speaker|person|name|entry|bullet|thing|bit)\b|(?=\s*[?.!]*\s*$))",
    re.I,
)
_LIST_LINE = re.compile(r"^( *)(?:- )?(.*?)\s*(?:\[(\d+)\])?\s*$")
MAX_NAMED_ITEM_WORDS = 6  # "Avanti and GVF", "the Internet Society"; not "initiated a project to assist …"
# "Opinion 4: In Support of IPv6 …" is Opinion 4; "Resolution 139 (Rev. Guadalajara, 2010), Telecommunications …" is
# Resolution 139: a numbered name that opens an item names it
_LABELLED_ITEM = re.compile(
    r"^((?i:(?:Draft\s+)?Opinion\s+\d+|Working\s+Group\s+\d+)):|^([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+\d+(?:/\d+)?)(?=\s*[(,:])"
)


def ordinal_item(question: str) -> re.Match | None:
    """Where the question names an item of an earlier list by its place ("the last speaker")."""
    return _ITEM_BY_PLACE.search(question)


def list_items(answer: str) -> list[str]:
    """The items of the first list an answer gives: the lines one level under its first lead-in (a line ending
    with a colon), up to the next lead-in, a line at the lead-in's level or another source's sentence. A list set
    out within one clause shares the lead-in's citation, so an item citing another clause ends it."""
    lines = [line for line in answer.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        m = _LIST_LINE.match(line)
        level = 0 if not line.lstrip().startswith("- ") else 1 + len(m.group(1)) // 2
        parsed.append((level, m.group(2), m.group(3)))
    for i, (level, text, cited) in enumerate(parsed):
        if not text.endswith(":"):
            continue
        items: list[str] = []
        shared = None  # whether the items share the lead-in's clause
        for item_level, item, item_cited in parsed[i + 1:]:
            if item_level != level + 1 or item.endswith(":") or item.startswith("According to"):
                break
            shared = (item_cited == cited) if shared is None else shared
            if shared and item_cited != cited:
                break
            items.append(item.rstrip(" ."))
        if len(items) >= 2:
            return items
    return []


def lists_what_is_asked(items: list[str], noun: str | None) -> bool:
    """A person asked for by place ("the last speaker") is an item of a list of people."""
    return noun not in ("speaker", "person", "name") or all(_PERSON.match(item) for item in items)


def name_item(question: str, items: list[str]) -> str:
    """The question with the ordinal item it names spelled out ("what did Dr Robert E. Kahn say"): a person by
    their name alone, anything else by the item's words."""
    m = ordinal_item(question)
    if m is None or not items:
        return question
    word = m.group(1).lower()
    index = len(items) - 1 if word in ("last", "final") else _ORDINALS[word] - 1
    if index >= len(items):
        return question
    item = items[index]
    labelled = _LABELLED_ITEM.match(item)
    if _PERSON.match(item):
        item = item.split(",")[0]
    elif labelled:
        item = labelled.group(1) or labelled.group(2)
    elif len(item.split()) > MAX_NAMED_ITEM_WORDS:
        return question  # a task or a point is not a name to ask with; the list it is in answers
    return question[: m.start()] + item + question[m.end():]


# "who argued about it in the working group?" then "what did they want changed?": "they" are those listed
_ASKS_WHO = re.compile(r"^\W*(?:and\s+|so\s+)?(?:who|whom|which\s+(?:countries|delegations|members|bodies|"
                       r"organi[sz]ations|speakers|stakeholders))\b", re.I)
_THEY = re.compile(r"\b(they|them)\b", re.I)
_A_PLACE = re.compile(r"(?:draft\s+)?(?:opinion|working\s+group|part|annex)\b", re.I)  # a place, not a doer
MAX_LISTED_NAME_WORDS = 8  # "United States, RIPE NCC, ISOC and Australia"; not a sentence before a colon


def listed_names(items: list[str]) -> list[str]:
    """Who a list of doers or people names: an item's label before its colon ("Turkey: For the sake of …"), a
    person by their name ("Dr Robert E. Kahn, President, CNRI, …"); none unless every item names someone."""
    names = []
    for item in items:
        label = item.split(":", 1)[0] if ":" in item else None
        if _PERSON.match(item):
            names.append(item.split(",")[0])
        elif label and len(label.split()) <= MAX_LISTED_NAME_WORDS and not _A_PLACE.match(label):
            names.append(label.strip())
        else:
            return []
    return names


def asks_of_them(question: str, previous: str) -> bool:
    """"what did they want changed?" after a question asking who: "they" may be the ones its answer listed."""
    return _THEY.search(question) is not None and _ASKS_WHO.match(previous) is not None


def name_them(question: str, previous: str, names: list[str]) -> str:
    """"what did they want changed?" after a question asking who, with "they" the ones its answer listed."""
    match = _THEY.search(question)
    if match is None or not names or not _ASKS_WHO.match(previous):
        return question
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return question[: match.start()] + joined + question[match.end():]


_BARE_GROUP = re.compile(r"\bwgs?\b(?!\s*-?\s*\d)", re.I)


def spell_out_places(question: str) -> str:
    """Shorthand people type for a place, written out as the report names it: "op 5" → "Opinion 5", "the first
    part of the report" → "Part I"."""
    question = _SHORT_OPINION.sub(lambda m: f"Opinion {m.group(1)}", question)
    question = _SHORT_GROUP.sub(lambda m: f"Working Group {m.group(1)}", question)
    # "which wg handled ipv6": a Working Group of no number, as the report words it
    question = _BARE_GROUP.sub(lambda m: "working group" + ("s" if m.group(0).lower().endswith("s") else ""), question)
    question = _ORDINAL_PLACE.sub(
        lambda m: f"{'Opinion' if m.group(2).lower().startswith('op') else 'Working Group'} {_ORDINALS[m.group(1).lower()]}",
        question,
    )
    return _ORDINAL_PART.sub(lambda m: "Part I" if m.group(1).lower() in ("first", "1st") else "Part II", question)


_NUMBERED_NAME = re.compile(r"(\S+)?\s+([A-Z][a-z]{3,}) (\d{1,2})\b")
_ORDINAL_OF = re.compile(rf"\bthe\s+({'|'.join(_ORDINALS)})\s+([a-z]{{4,}}?)\b", re.I)


def numbered_kinds(text: str) -> dict[str, int]:
    """The things a report numbers from one, by how many it numbers ("Session 1 debated …", "For Session 2, …" →
    {"session": 2}); a number after a name of two words ("Study Group 2", "Draft Opinion 3") is that name's."""
    seen: dict[str, set[int]] = {}
    for m in _NUMBERED_NAME.finditer(text):
        before = m.group(1) or ""
        if before[:1].isupper() and before.lower() not in STOPWORDS:
            continue
        seen.setdefault(m.group(2).lower(), set()).add(int(m.group(3)))
    return {kind: len(numbers) for kind, numbers in seen.items()
            if len(numbers) >= 2 and numbers == set(range(1, len(numbers) + 1))}


def name_numbered(question: str, kinds: dict[str, int]) -> str:
    """"what did the first session conclude" → "what did Session 1 conclude", where the report numbers its sessions:
    the report's label is what retrieval and the plans find."""
    def label(m: re.Match) -> str:
        kind, number = m.group(2).lower(), _ORDINALS[m.group(1).lower()]
        return f"{kind.capitalize()} {number}" if number <= kinds.get(kind, 0) else m.group(0)

    return _ORDINAL_OF.sub(label, question) if kinds else question


# Chat shorthand for words the report spells out. Retrieval, the unknown-word check ("it never mentions ppl")
# and the plans read the spelled-out word; the reading shown to the user is not changed by it.
_SHORTHAND = {
    "ppl": "people", "govt": "government", "govts": "governments", "gov": "government", "govs": "governments",
    "intl": "international", "int'l": "international", "mgmt": "management", "info": "information",
    "thru": "through", "w/": "with", "w/o": "without", "b/c": "because", "abt": "about", "wrt": "with regard to",
    "mtg": "meeting", "mtgs": "meetings", "dept": "department", "org": "organization", "orgs": "organizations",
    "sg": "Secretary-General", "sec-gen": "Secretary-General", "plenipot": "Plenipotentiary",
    "prep": "preparatory", "yr": "year", "yrs": "years", "approx": "approximately", "govt's": "government's",
    "eli5": "explain simply", "tldr": "summary", "tl;dr": "summary", "bc": "because", "rn": "right now",
    "b4": "before", "tho": "though", "ops": "opinions", "ip6": "IPv6", "ip4": "IPv4", "v6": "IPv6", "v4": "IPv4",
    # "what was the 2nd one about": an ordinal in digits reads as the word every reader of ordinals knows
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth", "6th": "sixth",
}
_SHORTHAND_WORD = re.compile(
    r"(?<![\w/'’@.-])(" + "|".join(re.escape(w) for w in sorted(_SHORTHAND, key=len, reverse=True))
    + r")(?![\w/@-]|['’](?!s\b)\w|\.\w)",  # not inside a word, a URL or an e-mail address; "the SG's", "'the SG'"
    re.I,
)


# words joined by hyphens into one compound: "a requests-the-sg bit", "the role-of-govt draft"
_HYPHEN_CHAIN = re.compile(r"(?<![\w/@.-])[A-Za-z]+(?:-[A-Za-z]+){2,}(?![\w/@-])")


def spell_out_shorthand(question: str) -> str:
    """"how many ppl attended", "what did the sg say" → the words the report uses ("people", "Secretary-General");
    inside a compound of three words or more too ("a requests-the-sg bit" → "a requests the Secretary-General bit")."""
    def chain(m: re.Match) -> str:
        parts = m.group(0).split("-")
        spelled = [_SHORTHAND.get(p.lower(), p) for p in parts]
        return " ".join(spelled) if spelled != parts else m.group(0)

    question = _HYPHEN_CHAIN.sub(chain, question)
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(1).lower()], question)


# A question of a few words with no question word and no verb: "sector members?" after "how many member states
# attended?", "the vice-chair?" after "who chaired wg1?", asks the last question again of what it names
_NOT_A_NOUN = re.compile(
    r"^(?:what|who|whom|whose|which|when|where|why|how|and|so|but|or|also|then|ok|okay|yes|no|yeah|nope|thanks?|"
    r"thank|cheers|hi|hello|hey|please|pls|is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|"
    r"list|name|summari[sz]e|explain|define|describe|compare|show|give|tell|quote|continue|elaborate|more|source|"
    r"sources|really|it|they|he|she|that|this|those|these|any|anything|anyone|else|nothing|none)$",
    re.I,
)


# "same q for op 4", "ditto for wg2", "now wg3?", "for 5 and 6?": the last question asked again of what follows
_ASKED_AGAIN_OF = re.compile(
    r"^\W*(?:and\s+|ok(?:ay)?\s+|so\s+)?(?:(?:the\s+)?same\s+(?:(?:q|qn|qs|question|questions|thing|again)\s+)?"
    r"(?:for|with|about|on|re)|ditto\s+(?:for|with|about|on|re)|now(?:\s+(?:for|with|do))?|for|with)\s+(?P<rest>.+)$",
    re.I,
)


def bare_continuation(question: str) -> str:
    """"sector members?" → "and sector members?": a bare noun phrase after a question continues it; so does
    one after "same question for", "ditto for", "now" or "for" ("same q for op 4" → "and op 4")."""
    again = _ASKED_AGAIN_OF.match(question)
    if again and bare_continuation(again.group("rest")) != again.group("rest"):
        return bare_continuation(again.group("rest"))
    numbered = re.sub(r"\b(?:and|&)\s+(?=\d)", "", question)  # "5 and 6?": the numbers of the places asked before
    words = _WORD.findall(_PLACE.sub("place", numbered)) or re.findall(r"\d+", numbered)[:1]
    if not 1 <= len(words) <= 3 or _NOT_A_NOUN.match(words[0]) or re.search(r"[,;:]|\b\w+(?:ed|ing)\b", _PLACE.sub("", question)):
        return question
    if any(_NOT_A_NOUN.match(w) and w.lower() not in ("it", "this", "that") for w in words[1:]):
        return question
    return f"and {question.strip()}"


_CONTEXT_AFTER = re.compile(r"(?:\s*\((?:[^()]|\([^()]*\))*\))+\s*$")


def own_words(query: str) -> str:
    """A query without the context a reading put after it: "at what price? (Opinion 4; new entrant ISPs)" →
    "at what price?". Who is asked about is in these words; the context only says where to look."""
    return _CONTEXT_AFTER.sub("", query) or query


def clean_history(history) -> list[str]:
    """The questions of the latest few turns, cleaned and bounded (see `parse_history`)."""
    return [turn.question for turn in parse_history(history)]


def anchors(text: str) -> dict[str, list[str]]:
    """Named places and names in a question, by kind."""
    found = {kind: [m.group(0).strip() for m in pat.finditer(text)] for kind, pat in _ANCHOR_PATTERNS.items()}
    covered = " ".join(v for values in found.values() for v in values).lower()
    names = []
    for i, match in enumerate(_WORD.finditer(text)):
        word = match.group(0)
        if word[0].isupper() and word.lower() not in _NOT_NAMES and word.lower() not in covered:
            if i == 0 and word.lower() in _NOT_NAMES:
                continue
            names.append(word)
    found["name"] = names
    return {kind: values for kind, values in found.items() if values}


_THING = (
    r"(?:one|ones|opinions?|groups?|working groups?|drafts?|proposals?|amendments?|texts?|clauses?|contributions?|"
    r"changes?|wording|ideas?|decisions?|points?|issues?|requests?|suggestions?|positions?|paragraphs?|debates?|"
    r"studies|study|sessions?|person|people|countr(?:y|ies)|delegations?|resolutions?|edits?|tweaks?|"
    r"commissions?|committees?|bod(?:y|ies)|organi[sz]ations?|speech(?:es)?|statements?|sections?|documents?|"
    r"dialogues?|panels?|speakers?|chairs?|ministers?)"
)
# "this forum", "this report": the document's own setting, which needs no earlier turn
_CONTEXT = r"(?:forum|report|year|event|conference|meeting|document|policy|wtpf|session|week|time|way|case|the|a|an)"
_PRONOUN = re.compile(
    r"\b(?:(?<!make )(?<!makes )(?<!made )it(?! (?:is |was )?(?:true|possible|likely|fair|correct|right) |"
    r" (?:cost|costs|take|takes|took|comes? to|came to|seems?|matters?|says? that)\b)|its|it's|they|them|their|"
    r"theirs|he|him|his|she|her|hers|the other(?:\s+" + _THING + r")?|the same " + _THING + r"|the former|the latter|"
    r"(?:this|these|those)(?!\s+" + _CONTEXT + r"\b)(?=\s+[a-z]+\b(?!\s*\d)|\s*[?.!]*$)|"
    r"that(?=\s+" + _THING + r"\b(?!\s*\d)|\s*[?.!]*$)|"
    r"(?<=\bof\s)(?:that|this)\b|"  # "did any of that survive?"
    r"(?:did|does|do|is|was|were|are|has|had|will|would|can|could)\s+(?:that|this)(?!\s+" + _CONTEXT + r"\b)"
    r"(?=\s+[a-z]))\b",
    re.I,
)
# "at what price?", "what dates?", "by whom?": a fragment that only makes sense after an answer
_FRAGMENT = re.compile(
    r"^\W*(?:(?:at|in|on|by|for|from|to|with|since|until|of|about|on\s+behalf\s+of|in\s+favou?r\s+of|because\s+of|"
    r"instead\s+of|apart\s+from|according\s+to)\s+(?:what|which|whom|who|when|where|how)(?:\s+[a-z]+){0,2}|"
    r"(?:on|in|for)\s+whose\s+[a-z]+|"  # "on whose behalf?", "in whose name?"
    # "where exactly in the text?": what was just told, placed
    r"(?:what|which|where|when)\s+(?:exactly|precisely)\s+in\s+(?:the|that|this|it|its)(?:\s+[a-z]+)?|"
    r"(?:what|which|whom|when|where|how)(?:\s+[a-z]+)?)\s*\W*$",
    re.I,
)
# "why?", "but why tho", "why exactly?": a question word alone, with the words that only press it
_BARE_WH = re.compile(
    r"^\W*(?:(?:and|but|so|ok(?:ay)?)\s+)?(?:why|how|who|when|where|what|which|how so|how come|really|why not|source)"
    r"(?:\s+(?:tho|though|exactly|precisely|then|again|really))?\W*$",
    re.I,
)
# Words that only make sense against what was just said: "who else?", "tell me more", "which clause says so?",
# "same question for wg2", "compare with op 3", "did turkey propose something too?"
_ELLIPSIS = re.compile(
    r"\b(?:else|instead|as well)\b|\btoo\s*[?.!]*$|\bsame\s+(?:question|thing|for)\b|\bthe same\W*$|\bsimilar\b(?!\s+to)|"
    r"\bmore\b(?=\s*(?:details?|info(?:rmation)?|please|pls|[?.!]|$))|\b(?:says?|said|do|does|did|think)\s+so\b|"
    r"^\W*(?:compare|contrast)\s+(?:it\s+|them\s+)?(?:with|to|against)\b|^\W*(?:vs\.?|versus)\s|"
    r"^\W*(?:explain|elaborate|expand|details?|quote|sources?|go on|continue)(?:\s+(?:please|pls|more|further))?\W*$",
    re.I,
)
# Both sides of a comparison named: "are opinions 3 and 4 similar?", "is the wording the same in both?"
_NAMES_TWO = re.compile(r"\b(?:opinions|working groups|wgs)\s*\d+\s*(?:,|and|&|or|vs\.?)\s*\d|\b(?:both|each|two|all)\b", re.I)
# A question about nobody and nothing in particular: "did anyone object?", "any others?", "how many were there?"
_NAMES_NOTHING = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?(?:(?:did|was|were|has|had|does|is|are)\s+)?(?:anyone|anybody|someone|somebody|"
    r"everyone|nobody|any\s+others?|others?)(?:\s+[a-z]+)?\W*$|^\W*how\s+(?:many|much)\s+(?:were|was|are|is|did)\b"
    r"(?:\s+there)?\W*$",
    re.I,
)
# A topic without a verb, asked of what was just talked about: "anything specifically on developing countries?"
_ANYTHING_ON = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?(?:anything|something|any\s+mention)\s+(?:else\s+|more\s+|specific(?:ally)?\s+)?"
    r"(?:on|about|regarding|re|for)\s+(?:[\w’'-]+\s*){1,4}?(?:\s*in\s+(?:there|it|that|this|them))?\W*$",
    re.I,
)
# A verb whose object was in the answer before: "who objected?", "who proposed?"
_UNFINISHED = re.compile(
    r"^\W*(?:and\s+|so\s+)?who(?:\s+(?:was|were|did|had))?\s+[a-z]+ed(?:\s+(?:back|out|up|against|for))?"
    r"(?:\s+(?:and|&)\s+(?:why|how|when))?\W*$|"  # "who objected?", "who pushed back and why?"
    # "what was added?": an edit to a text the question does not name ("what was adopted?" is the forum's own)
    r"^\W*(?:and\s+|so\s+)?what\s+(?:was|were|got|has\s+been|had\s+been)\s+(?:\w+ly\s+)?"
    r"(?:added|changed|removed|dropped|deleted|replaced|inserted|amended|withdrawn|struck|cut|kept|taken\s+out)\W*$",
    re.I,
)
# A noun that needs a complement the question does not give: "what were the reasons?", "what was the outcome?",
# "give me the full text", "what's the exact wording?"
_RELATIONAL = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?(?:what(?:'s|’s)?|which|who|give\s+me|show\s+me|(?:was|were|is|are)\s+there)"
    r"(?:\s+(?:was|were|is|are|did))?\s+(?:the|any|a|an)\s+(?:(?:exact|full|final|main|original|actual|precise|real)\s+)?"
    r"(?:reasons?|outcome|results?|wording|text|version|details?|objections?|opposition|response|reaction|"
    r"differences?|rationale|decision|arguments?|conclusions?|reply|answer)\W*$",
    re.I,
)
# A question about a "the …" it never identifies: "what was the answer?", "where could the discussion continue
# then?", "who's the contact for that?" (a name or a place in it makes it stand alone: "what is the WTPF?")
_DEFINITE_ONLY = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay)\W+)?(?:what|which|who|where|when|how|why)(?:'s|’s)?\s+"
    r"(?:(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|might)\s+)?(?:the|that)\s+"
    r"(?!(?:main|key|overall|general)\b)"  # "what were the main outcomes" asks about the whole report
    r"(?!(?:forum|report|wtpf\S*|policy forum|event|conference)\b)"  # "when was the forum held": the report's own
    r"(?:[a-z’'-]+\s+){0,2}[a-z’'-]+(?:\s+(?:then|now|next|again|finally))?\W*$",
    re.I,
)
_PLACE = re.compile(r"\b(?:opinions?|working groups?|wgs?)\s*\d|\b(?:part|annex)\s+(?:i|ii|1|2)\b", re.I)
_AUXILIARY_BEFORE = re.compile(r"\b(?:does|did|do|is|was|were|are|has|have|had|can|could|will|would|should)\s*$", re.I)
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w’'-]+|\b[A-Z]{2,}\w*")


def _names_nothing(text: str) -> bool:
    """A question with no subject of its own: "where exactly?", "what was the answer?", "who objected?"."""
    text = text.strip()
    return bool(
        _FRAGMENT.match(text) or _NAMES_NOTHING.match(text) or _UNFINISHED.match(text) or _RELATIONAL.match(text)
        or (_DEFINITE_ONLY.match(text) and not _PLACE.search(text) and not _NAME.search(text))
    )


# "what did leaders commit to there?": "there" for the place or event just asked about (not "is there", "were there")
_THERE = re.compile(r"(?<!\bis)(?<!\bare)(?<!\bwas)(?<!\bwere)(?<!\bbe)(?<!\bbeen)\s+there\s*[?.!]*$", re.I)


_OPENING_WORD = re.compile(r"^\W*(?:and|so|ok(?:ay)?|also|but|then|right|well)\b[\s,]*", re.I)
# a whole question, not an ellipsis ("what about Opinion 4?"): a question word, a verb, and what it asks about
_FULL_QUESTION = re.compile(
    r"^(?:what|who|which|when|where|why|how|did|does|do|is|are|was|were)\b(?!\s+about\b)\s+\S+\s+\S+", re.I
)


def is_follow_up(question: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether the question leans on the conversation: an ellipsis ("and the vice-chair?", "what about
    Opinion 4?", "why?", "who else?"), or a pronoun with nothing in the question to refer to ("what does it
    ask…", "what did Brazil say about it?", "the other one"). A pronoun refers inside the question when an
    earlier clause names something ("what did Ghana propose and was it accepted?"), when the topic is put
    first ("dual stack - what is it?"), or, for "its", "his", "their", when its owner is named before it.
    `names` are the lower-cased proper names the report uses ("turkey"), so an owner typed in lower case
    counts."""
    text = question.strip()
    rest = _OPENING_WORD.sub("", text)
    if rest != text and _FULL_QUESTION.match(rest) and (_PLACE.search(rest) or _has_name(rest, names)) and not (
        _PRONOUN.search(rest) or _THERE.search(rest) or re.search(r"\b(?:else|too|also|either|instead)\b", rest, re.I)
    ):
        return False  # "so what did ghana propose?", "ok what is an ixp": a whole question naming its own subject
    if _CONTINUATION.search(text) or _BARE_WH.match(text) or _FRAGMENT.match(text):
        return True
    if _THERE.search(text) and re.search(r"\b(?:did|does|do|happen\w*)\b", text, re.I):
        return True  # "what happened there?"; "number of ministers there?" is at the forum
    if _NAMES_NOTHING.match(text) or _UNFINISHED.match(text) or _RELATIONAL.match(text):
        return True
    if _WHAT_NEXT.match(text) or _ANY_THING.match(text):
        return True  # "what happened next?", "any objections?": after what was just told
    if _WHICH_ONE.match(text) and not _PLACE.search(text):
        return True  # "which one got changed?": one of what the last answer named
    if _ORDINAL_ANAPHOR.search(text) and not _PLACE.search(text):
        return True  # "who chaired the first one?": the first of what the last answer named
    unnamed_topic = _ANYTHING_ON.match(text) or _DEFINITE_ONLY.match(text)
    if unnamed_topic and not _PLACE.search(text) and not _has_name(text, names):
        return True
    if _ELLIPSIS.search(text) and len(_content_words(text)) <= 3 and not (
        _NAMES_TWO.search(text) or len(_PLACE.findall(spell_out_places(text))) > 1
    ):
        return True
    soft = _SOFT_CONTINUATION.match(text)
    if soft and not _PLACE.search(text) and len(_WORD.findall(soft.group(1))) <= 4:
        return True
    for match in _PRONOUN.finditer(text):
        word = match.group(0).lower()
        before = text[: match.start()]
        if word.startswith("the other"):
            return True  # "the other one" always points outside the question
        fronted = re.match(r"^\W*([^?]*?\w[^?]*?)\s*(?:[-–—:,]\s*)(?:so\s+)?(?:what|who|which|how|why|when|where)\b", before, re.I)
        if fronted and any(w.lower() not in STOPWORDS for w in _WORD.findall(fronted.group(1))):
            continue  # "dual stack - what is it": the topic is put first
        head = _head_clause(before, text[match.end():])
        if _content_words(head) or _PLACE.search(head):
            continue  # "was brazil's draft adopted or was it dropped": the pronoun's antecedent is in an earlier clause
        if word in _POSSESSIVES and (
            _PLACE.search(before) or _has_name(before, names) or _has_doer(before) or _WHICH_DOER.match(before)
        ):
            # "why did turkey back off its amendments", "how does Opinion 3 define its scope", "which working group
            # changed its opinions"
            continue
        after = text[match.end():]
        if word == "they" and _VERB_NEXT.match(after) and not _THEY_SAID.match(after) and (
            _PLACE.search(text) or _has_name(after, names) or _has_name(before, names)
            or _CONTACT_RELATIVE.search(before)
        ):
            # "why did they keep Opinions 3 and 4 apart": a "they" that acts on a named place is whoever was there;
            # "what does enhanced cooperation mean in the UNGA resolution they quote": whoever wrote what is named
            continue
        return True
    return False


_WHAT_NEXT = re.compile(
    r"^\W*(?:(?:and|so|ok|okay)\W+)?(?:what|which)\s+(?:happened|came|followed|was decided)\s+"
    r"(?:next|then|after(?:wards| that)?|in the end|eventually|ultimately|finally)\W*$",
    re.I,
)
_ANY_THING = re.compile(r"^\W*(?:(?:and|so|but)\W+)?(?:any|no)\s+[a-z-]+(?:\s+[a-z-]+)?\W*$", re.I)
# A choice among things the question does not name: "which one got changed?", "which of them was adopted?"
_WHICH_ONE = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay)\W+)?which\s+(?:one|ones|of\s+(?:them|those|these|the\s+two|both))\b"
    r"(?!\s+of\s+the\b)",
    re.I,
)
# "which working group changed …": the thing asked about does the acting
_WHICH_DOER = re.compile(
    r"^\W*which\s+(?!(?:is|was|are|were|does|did|do|has|had|can|could|will|would)\b)[a-z]+(?:\s+[a-z]+)?\s+"
    r"(?!(?:is|was|are|were|does|did|do|its|their|his|her|it|they|of|in|on|for|to|from|with|about|by|and|or)\b)[a-z]+\b",
    re.I,
)
# "list all the opinions they adopted": "they" in a relative clause on a thing named right before it is whoever did
# what the report tells, not someone from the last turn
_CONTACT_RELATIVE = re.compile(r"\b(?:the|all|every|any)\s+(?:[a-z-]+\s+)?[a-z-]{3,}s\s+$", re.I)
# "what did they say about the RIRs", "what did they propose for opinion 2": "they" who spoke are those the
# conversation was about, whatever the question names after
_THEY_SAID = re.compile(r"\s+(?:say|said|think|thought|propose|proposed|suggest|suggested|want|wanted|argue|argued|"
                        r"mention|mentioned|ask|asked|stress|stressed|highlight|highlighted)\b", re.I)
# "they" as a subject: a word follows that is not another pronoun ("did they keep …", not "… they?")
_VERB_NEXT = re.compile(r"\s+(?!(?:it|its|them|their|this|that|those|these)\b)[a-z]+\b", re.I)


_POSSESSIVES = frozenset(("its", "their", "his", "her", "hers", "theirs"))
_CAPITALIZED = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+\b")
# a web or e-mail address: its words are no words the text says ("…/Pages/speakers.aspx" names no speakers)
ADDRESS = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+|\S+\.(?:int|org|com|net)/\S*")
_ACRONYM = re.compile(r"\b[A-Z]{2,}[a-z]?\b")  # "WTPF", "ICANN", "IXPs"


def report_names(text: str) -> frozenset[str]:
    """Words the report only ever writes capitalized in mid-sentence ("Turkey", "Geneva"), in lower case: the
    names a user may type in lower case. Acronyms count ("WTPF"); addresses do not ("www.itu.int/wtpf")."""
    capitalized = {m.group(0) for m in _CAPITALIZED.finditer(text)} | set(_ACRONYM.findall(text))
    lower = set(re.findall(r"\b[a-z]+\b", ADDRESS.sub(" ", text)))
    # "Sessions" is capitalized by style ("in two Sessions"), not a name: the report writes "session" in lower case
    return frozenset(w.lower() for w in capitalized
                     if w.lower() not in lower and w.lower() not in STOPWORDS
                     and not (w.lower().endswith("s") and w.lower()[:-1] in lower))


def name_forms(people: list[tuple[str, frozenset[str]]], text: str) -> dict[str, str]:
    """The words of the report's people's names ("Kahn", "Touré"), by their lower-case forms with and without
    accents; not one the report also writes in lower case (an ordinary word)."""
    lower = set(re.findall(r"\b[a-z]+\b", text))
    forms: dict[str, str] = {}
    for name, _ in people:
        for word in re.findall(r"[^\W\d_]{3,}", name):
            if word[0].isupper() and word.lower() not in lower and unaccented(word).lower() not in lower:
                for form in (word.lower(), unaccented(word).lower()):
                    if form not in forms or not word.isupper():  # "Kantchev", not its "KANTCHEV" in a signature
                        forms[form] = word
    return forms


def capitalize_names(question: str, forms: dict[str, str]) -> str:
    """"and kahn?" → "and Kahn?": a name typed in lower case written as the report writes it, so that a
    follow-up can tell it for the name it swaps in."""
    return re.sub(r"\b[^\W\d_A-Z][^\W\d_]*", lambda m: forms.get(m.group(0), m.group(0)), question)


def _content_words(text: str) -> list[str]:
    """Words that can name a subject: not question words, auxiliaries or other stopwords."""
    return [w for w in _WORD.findall(text) if w.lower() not in STOPWORDS and w.lower() not in _NOT_NAMES and len(w) > 2]


_DOER = re.compile(r"\b(?:did|does|do|has|have|had|will|would|can|could|should)\s+(.+)$", re.I)


def _has_doer(text: str) -> bool:
    """The subject of an action is named before a possessive, which then is its own: "how long did the working
    groups spend on their work". (After "was"/"is" the noun is what is asked about: "what was the outcome of his
    proposal" leans on the conversation.)"""
    m = _DOER.search(text)
    return m is not None and bool(_content_words(m.group(1)))


def _has_name(text: str, names: frozenset[str]) -> bool:
    """A proper name in `text`: capitalized after the first word, an acronym, or one of the report's names."""
    words = [w.lower().removesuffix("'s").removesuffix("’s") for w in _WORD.findall(text)]
    return any(m.group(0).lower() not in _NOT_NAMES for m in _NAME.finditer(text)) or any(
        w in names or demonym_of(w, names) for w in words  # "the brazilians" name Brazil
    )


# Where a question's second clause starts: "…, was it accepted", "… or was it dropped", "… before they adopted it",
# "… say what it should discuss", "… as it was drafted". A pronoun there can lean on the first clause rather than
# on the conversation.
_CLAUSE_BREAK = re.compile(
    r"[,;]|[?!](?=\s)|\s[-–—]\s|\b(?:and|or|but|before|after|once|when|while|because|so|then|as|if|whether|though|although|"
    r"since|until|unless)\b|"
    r"(?<=\w\s)(?:what|who|whom|which|whether|how|why|where)\b",
    re.I,
)


def _head_clause(before: str, after: str = "") -> str:
    """The question up to the start of the clause holding a pronoun; empty when the pronoun is in the first clause."""
    # "… do after that?": a word taking the question's last word as its object starts no clause ("… before they
    # adopted it" does)
    breaks = [b for b in _CLAUSE_BREAK.finditer(before) if before[b.end():].strip() or re.search(r"\w", after)]
    return before[: breaks[-1].start()] if breaks else ""


def rewrite_query(question: str, history) -> str:
    """A self-contained retrieval query for `question` given earlier user questions."""
    turns = clean_history(history)
    if not turns or not is_follow_up(question):
        return question
    previous = resolve_history(turns)
    previous_anchors = anchors(previous)
    mine = anchors(question)

    what_about = _WHAT_ABOUT.match(question.strip())
    # "and what did they propose" goes on in its own words; "and what about sector members" asks the last question again
    if what_about and (not question.lower().startswith("and ") or len(_WORD.findall(question)) <= 4
                       or _ASKED_AGAIN.match(question.strip())):
        subject = what_about.group(1).strip()
        if _RELATIONAL.match(f"what was {subject}"):
            # "and the reaction?", "and the outcome?": what came of the last question's thing, not a new doer of it
            return f"what was {subject.rstrip(' ?')}? ({previous.rstrip(' ?')})"
        for kind, values in anchors(subject).items():
            if kind in previous_anchors:
                if kind == "name":
                    doers = _DOER_PHRASE.search(previous)
                    if doers and _JOINED.search(doers.group(1)) and previous_anchors[kind][0] in doers.group(1):
                        # "and the RIRs?" after "what did isoc and the US say": all the doers asked of are swapped
                        return _swap_doer(previous, subject)
                    # "Fadi Chehadé’s message" → "Robert E. Kahn’s message": the whole name, not its first word
                    return _replace_name(previous, previous_anchors[kind][0], subject)
                return _replace_first(previous, previous_anchors[kind][0], subject)
        swapped = (_swap_numbered(previous, subject) or _swap_topic(previous, subject) or _swap_counted(previous, subject)
                   or _swap_doer(previous, subject)
                   or _role_of(previous, subject) or _swap_addressee(previous, subject))
        if swapped:
            return swapped
        return f"{previous.rstrip(' ?')} — {subject}?"

    if _ELLIPSIS.search(question) and len(_content_words(question)) <= 3:
        # "does Opinion 4 say the same?" after "what does Opinion 3 say about IPv6 traffic?" asks that of Opinion 4
        for kind, values in mine.items():
            if kind in previous_anchors and previous_anchors[kind][0].lower() != values[0].lower():
                return _replace_first(previous, previous_anchors[kind][0], values[0])

    missing = [
        value
        for kind, values in previous_anchors.items()
        if kind not in mine
        for value in values
        if value.lower() not in question.lower()
    ]
    if _BACK_REFERENCE.search(question) or _ELLIPSIS.search(question) or not (missing or mine) or _names_nothing(question):
        # "Who moderated it?": what "it" is lives in the earlier question's words, not only its names
        missing.append(_subject(previous))
    if not any(missing):
        return question
    kept = _dedupe(m for m in missing if m)
    # "Petko; Kantchev; Petko Kantchev suggest …": a name the earlier question's words carry anyway is not repeated
    kept = [m for m in kept if not any(m is not o and re.search(rf"\b{re.escape(m)}\b", o, re.I) for o in kept)]
    return f"{question.rstrip()} ({'; '.join(kept)})"


_NUMBERED_THING = re.compile(r"^(?:the\s+)?([a-z][\w-]*)\s+(\d{1,3}|[ivx]{1,4})$", re.I)


# "5 and 6", "4": numbers alone, of the numbered thing the last question asked about
_BARE_NUMBERS = re.compile(r"^\d{1,3}(?:\s*(?:,|and|&)\s*\d{1,3})*$", re.I)
_NUMBERS_AFTER = r"\s+\d{1,3}(?:\s*(?:,|and|&)\s*\d{1,3})*\b"


def _swap_numbered(previous: str, subject: str) -> str | None:
    """"and session 2?" after "what was session 1 about?" asks the same of the thing with the other number;
    "and 5 and 6?" after "what did australia do about opinions 3 and 4?" asks it of Opinions 5 and 6."""
    bare = subject.strip(" ?.!")
    if _BARE_NUMBERS.match(bare):
        things = list(re.finditer(rf"\b([a-z][\w-]*?)(s?){_NUMBERS_AFTER}", previous, re.I))
        if not things:
            return None
        thing = things[-1]
        plural = "s" if re.search(r"\d\D+\d", bare) else ""
        return f"{previous[: thing.start()]}{thing.group(1)}{plural} {bare}{previous[thing.end():]}"
    m = _NUMBERED_THING.match(bare)
    if m is None:
        return None
    found = re.search(rf"\b{re.escape(m.group(1))}s?\s+(?:\d{{1,3}}|[ivx]{{1,4}})\b", previous, re.I)
    if found is None:
        return None
    return f"{previous[: found.start()]}{m.group(0)}{previous[found.end():]}"


_TOPIC_PREPOSITION = re.compile(r"^(about|on|regarding|concerning|for|in|from|to|with)\s+\S", re.I)


def _swap_topic(previous: str, subject: str) -> str | None:
    """"and about regulation?" after "what does Opinion 1 say about donor funding?" asks the same of a new topic:
    the words after the same preposition are replaced."""
    prep = _TOPIC_PREPOSITION.match(subject)
    if not prep:
        return None
    found = list(re.finditer(rf"\b{prep.group(1)}\s+[^?;]+", previous, re.I))
    if not found:
        return None
    last = found[-1]
    return f"{previous[: last.start()]}{subject.rstrip(' ?')}?"


_HOW_MANY_OF = re.compile(r"\bhow\s+many\s+((?:[a-z][\w-]*\s+)?[a-z][\w-]*?s)\b", re.I)
# a plural noun alone, maybe with one word before it: "contributions?", "the vice-chairs", "member states?"
_PLURAL_ALONE = re.compile(r"^(?:the\s+)?((?:[a-z][\w-]*\s+)?[a-z][\w-]*[^s\W]s)\W*$", re.I)


def _swap_counted(previous: str, subject: str) -> str | None:
    """"and contributions?" after "how many experts took part in the IEG" counts the new thing where the last
    question counted: "how many contributions took part in the IEG"."""
    counted, alone = _HOW_MANY_OF.search(previous), _PLURAL_ALONE.match(subject.strip())
    if counted is None or alone is None or alone.group(1).lower() in STOPWORDS:
        return None
    return f"{previous[: counted.start(1)]}{alone.group(1)}{previous[counted.end(1):]}"


_JOINED = re.compile(r"\s(?:and|&)\s|,\s", re.I)
_DOER_PHRASE = re.compile(
    r"\b(?:did|does|do|has|have|had|will|would)\s+((?:the\s+)?[\w’'/.-]+(?:\s+[\w’'/.-]+){0,3}?)\s+"
    r"(?:say|said|propose|want|ask|think|suggest|argue|request|submit|oppose|support|mean|talk|stress|present|"
    r"contribute|object|insist|point|raise|note|mention|highlight|emphasi[sz]e|underline|express|clarify|push|do)\b",
    re.I,
)


def _role_of(previous: str, subject: str) -> str | None:
    """"and the vice-chair?" after "who chaired Working Group 2?" asks who holds that role in the same place."""
    places = [m.group(0) for pat in (_ANCHOR_PATTERNS["opinion"], _ANCHOR_PATTERNS["group"]) for m in pat.finditer(previous)]
    acted_on = re.match(r"^\W*who\s+(\w+ed|led|ran|headed)\s+(.+?)[\s?.!]*$", previous, re.I)
    # "who was the chairman of wtpf-13?" then "and the vice-chairs?": the role's place is after its "of"
    holder = re.match(r"^\W*who\s+(?:was|were|is|are)\s+(?:the\s+)?[\w-]+\s+(?:of|for|at)\s+(.+?)[\s?.!]*$",
                      previous, re.I)
    if not places and acted_on:
        places = [acted_on.group(2)]  # "who chaired the three working groups?" then "and the vice chairs?"
    elif not places and holder:
        places = [holder.group(1)]
    if not re.match(r"^\W*who\b", previous, re.I) or not places or not re.match(r"^(?:the|its|a)\s+\S", subject, re.I):
        return None
    subject = subject.rstrip(' ?')
    verb = "were" if re.search(r"(?<![su])s$", subject) else "was"  # "the vice chairs", not "the status"
    return f"who {verb} {subject} of {' and '.join(places)}?"


_ASKED_OF = re.compile(
    r"\b(?:ask|asks|asked|invite|invites|invited|request|requests|requested|urge|urges|call(?:s)? (?:on|upon))\s+"
    r"(?:the\s+)?((?:[\w’'-]+\s+){0,2}?[\w’'-]+)(?=\s+to\b|\s*[?.!]*$)",
    re.I,
)


def _swap_addressee(previous: str, subject: str) -> str | None:
    """"and sector members?" after "what does Opinion 1 ask member states?" asks it of the new addressee."""
    m = _ASKED_OF.search(previous)
    if m is None or _PLACE.search(m.group(1)) or len(_WORD.findall(subject)) > 3:
        return None
    subject = re.sub(r"^(?:the|and)\s+", "", subject.rstrip(" ?"), flags=re.I)
    return f"{previous[: m.start(1)]}{subject}{previous[m.end(1):]}"


def _swap_doer(previous: str, subject: str) -> str | None:
    """"and the internet co-founder?" after "what did the ICANN guy say?" asks it of the new speaker."""
    m = _DOER_PHRASE.search(previous)
    if not m or _PLACE.search(m.group(1)) or m.group(1).lower() in ("it", "they", "he", "she", "you", "we"):
        return None
    return f"{previous[: m.start(1)]}{subject.rstrip(' ?')}{previous[m.end(1):]}"


_QUESTION_OPENER = re.compile(
    r"^(?:and\s+)?(?:who|whom|whose|what|which|when|where|why|how(?:\s+(?:many|much|long|often))?)\b"
    r"(?:\s+(?:is|are|was|were|did|does|do|has|have|had|can|could|would|should|will))?\s*",
    re.I,
)


def _subject(question: str) -> str:
    """An earlier question without its question words: "Who led the expert group?" → "led the expert group"."""
    return _QUESTION_OPENER.sub("", question).rstrip(" ?.!")


def resolve_history(turns: list[str]) -> str:
    """The latest turn, itself resolved against the ones before it."""
    resolved = turns[0]
    for turn in turns[1:]:
        resolved = rewrite_query(turn, [resolved])
    return resolved


def _replace_name(text: str, word: str, new: str) -> str:
    """`text` with the name `word` belongs to ("Fadi Chehadé", with the words around it that are capitalized too)
    replaced by `new`, a possessive kept."""
    # the word may be an initial of one ("H" of "H.E. Mme Doris Leuthard")
    run = re.search(rf"(?:\b[A-Z][\w.-]*\s+)*{re.escape(word)}[\w.-]*(?:\s+[A-Z][\w.-]*)*(['’]s\b)?", text)
    if run is None:
        return _replace_first(text, word, new)
    return text[: run.start()] + new + (run.group(1) or "") + text[run.end() :]


def _replace_first(text: str, old: str, new: str) -> str:
    idx = text.find(old)
    if idx < 0:
        return text
    said = re.match(r"(\w+)\s+", new)
    if said and re.search(rf"\b{re.escape(said.group(1))}\s+$", text[:idx], re.I):
        new = new[said.end():]  # "and in wg3?" after "what did the us say in wg2": one "in"
    return text[:idx] + new + text[idx + len(old) :]


def _dedupe(values: list[str]) -> list[str]:
    seen, out = set(), []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return out


_OPINION_WORD = re.compile(r"\b(?:draft\s+)?(opinions?|resolutions?)\b(?!\s*(?:no\.?\s*)?\d)", re.I)
_NUMBERED = re.compile(r"\b(?:opinions?|resolutions?)\s+(?:no\.?\s*)?\d", re.I)
_NAMED_BY_SUBJECT = re.compile(rf"{_OPINION_WORD.pattern}|\bone\b(?!\s+of\b)", re.I)
_TITLE_WORD = re.compile(r"[a-z0-9]+")
_TITLE_STOP = frozenset(
    "a an and the of on in for to from by with as its their this that these those which what other same "
    "opinion opinions draft resolution resolutions".split()
)


def _title_words(text: str) -> list[str]:
    text = text.lower()
    words = _TITLE_WORD.findall(text) + _TITLE_WORD.findall(text.replace("-", ""))  # "multi-stakeholderism"
    return [stem(w) for w in words if w not in _TITLE_STOP]


_WORDS_OF_NUMBER = frozenset("two three four five six both all".split())


def name_opinions(question: str, titles: dict[int, str], window: int = 5, previous: str = "",
                  owners: frozenset[str] = frozenset()) -> str:
    """Add the number to an opinion named by its subject: "the broadband opinion" → "… (Opinion 2)".

    Words next to "opinion" are matched against the Opinion titles; a word found in few titles counts
    more, so "the IPv6 capacity-building opinion" picks the capacity-building one of the two IPv6 titles.
    """
    if not titles or _NUMBERED.search(question):
        return question
    title_words = {n: set(_title_words(t)) for n, t in titles.items()}
    spread: dict[str, int] = {}
    for words in title_words.values():
        for w in words:
            spread[w] = spread.get(w, 0) + 1
    out, cursor = [], 0
    for match in _NAMED_BY_SUBJECT.finditer(question):
        before = question[: match.start()].split()[-window:]
        after = question[match.end() :].split()[:window] if question[match.end() :].lstrip().lower().startswith(
            ("on ", "about ", "for ", "in support", "supporting", "promoting", "fostering")
        ) else []
        # the nearer a word stands to "opinion", the likelier it names it: "exchange in the broadband opinion"
        near: dict[str, float] = {}
        # a subject stands between the article and the noun ("the broadband opinion"); the words before the
        # article belong to the sentence ("adopt the opinions" names no opinion)
        modifiers: list[str] = []
        for word in reversed(before):
            if re.search(r"[?!.;:)]$", word):
                break  # "was it adopted? (brazil's draft opinion)": the phrase starts after a sentence ends
            bare = word.lower().strip(",;:?!.’'\"(")
            if bare in ("and", "or"):  # "the multistakeholderism and enhanced cooperation opinions"
                continue
            if bare in STOPWORDS or bare in _WORDS_OF_NUMBER:
                break
            modifiers.append(word)
            if word.startswith("("):
                break
        if any(_OWNED.match(word) or _owner_typed_bare(word, owners) for word in modifiers):
            continue  # "brazil's role-of-government opinion" is what Brazil put forward, none of the Opinions
        for distance, word in enumerate([*modifiers, *after], start=1):
            for w in _title_words(word):
                # the stemmer cuts "multistakeholder" and the title's "multi-stakeholderism" differently
                w = next((t for t in spread if t != w and min(len(t), len(w)) >= 6 and (t.startswith(w) or w.startswith(t))), w)
                near[w] = max(near.get(w, 0.0), 1.0 / distance ** 0.5)
        scores = {n: sum(near[w] / spread[w] for w in near.keys() & words) for n, words in title_words.items()}
        best = max(scores.values(), default=0.0)
        one = match.group(1) is None  # "the ixp one", "the one on multistakeholder internet governance"
        if best < (1.0 if one else 0.5):
            continue  # "one" names an Opinion only by a word of its title that few others share
        plural = not one and match.group(1).lower().endswith("s")
        chosen = sorted(n for n, s in scores.items() if s >= (0.5 if plural else best))
        if len(chosen) > 1 and not plural and "other" in (w.lower() for w in before):
            # "the other IPv6 opinion" after a question about Opinion 4 is Opinion 3
            earlier = {int(n) for n in re.findall(r"\bopinions?\s+(\d+)", previous, re.I)}
            chosen = [n for n in chosen if n not in earlier]
        if len(chosen) != 1 and not plural:
            continue  # ambiguous between opinions: leave it to retrieval
        kind = "Opinion" if one else match.group(1).rstrip("sS").capitalize()
        label = f"{kind} {chosen[0]}" if len(chosen) == 1 else f"{kind}s " + " and ".join(map(str, chosen))
        out.append(question[cursor : match.end()] + f" ({label})")
        cursor = match.end()
    return "".join(out) + question[cursor:]


# A possessive before "opinion" names who put it forward, unless it is the forum that adopted the Opinions
_OWNED = re.compile(r"^(?!(?:the\s+)?(?:forum|wtpf(?:-?13)?|itu|report|policy)[’']s\b)[\w-]+[’']s$", re.I)


def _owner_typed_bare(word: str, owners: frozenset[str]) -> bool:
    """"brazils draft opinion": one of the report's names (`owners`) with its possessive typed without the
    apostrophe."""
    bare = word.lower()
    return bare.endswith("s") and bare[:-1] in owners and bare not in owners


# What people say → the operative or preamble phrase an Opinion uses for it.
_SECTION_WORDS = (
    (re.compile(r"\b(?:ask(?:s|ed|ing)?|urg(?:e|es|ed|ing)|call(?:s|ed)? (?:on|upon)|encourag\w*)\b", re.I), "invites"),
    (re.compile(r"\b(?:acknowledg\w*|admit\w*|accept(?:s|ed)? that)\b", re.I), "recognizing"),
    (re.compile(r"\b(?:positions?|stances?|views?|believe\w*|think\w*|conclu\w*)\b", re.I), "is of the view"),
    (re.compile(r"\b(?:recall\w*|refer(?:s|red)? back|remind\w*)\b", re.I), "recalling"),
    # a summary of an Opinion is what it concludes and what it asks for
    (re.compile(rf"\b(?:{SUMMARY_WORDS}|main points?|key points?|in short|in a nutshell)\b", re.I),
     "is of the view; invites"),
)
_SECTION_NAMED = re.compile(
    r"\b(?:recalling|considering|recogni[sz]ing|noting|taking into account|is of the view|invites?|requests?)\b", re.I
)


_ORDINAL_WORDS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
# "the third recognizing clause", "the second invitation": an item counted within a section
_ORDINAL_ITEM = re.compile(
    rf"\b({_ORDINAL_WORDS})\s+(?:(recalling|considering|recogni[sz]ing|noting|invites?)(?:\s+(?:clause|paragraph|point|"
    rf"item|bullet))?|(invitation|consideration|recognition)s?)\b",
    re.I,
)
_SECTION_OF_NOUN = {"invitation": "invites", "consideration": "considering", "recognition": "recognizing", "invite": "invites"}


def name_ordinal_items(question: str) -> str:
    """Spell out an item counted within a section the way references are written: "Opinion 4's third
    recognizing clause" → "… (the third point of the recognizing section)"."""
    if not _NUMBERED.search(question) or re.search(r"\bpoint of the\b", question, re.I):
        return question
    found = []
    for m in _ORDINAL_ITEM.finditer(question):
        section = (m.group(2) or m.group(3)).lower()
        section = _SECTION_OF_NOUN.get(section, section).replace("recognising", "recognizing")
        found.append(f"the {m.group(1).lower()} point of the {section} section")
    return f"{question} ({'; '.join(found)})" if found else question


def name_sections(question: str) -> str:
    """Add the phrase an Opinion uses for what the question asks: "asked to do in Opinion 3" → "(invites)"."""
    question = name_ordinal_items(question)
    if not _NUMBERED.search(question) or _SECTION_NAMED.search(question):
        return question
    asked = own_words(question)  # "what was the answer? (what did the UK ask …)": the context's verbs are not asked
    phrases = [
        phrase
        for pattern, phrase in _SECTION_WORDS
        if any(not _OTHER_SUBJECT.search(asked[: m.start()]) for m in pattern.finditer(asked))
    ]
    return f"{question} ({'; '.join(phrases)})" if phrases else question


# "What does the Broadband Commission urge …", "what did the uk ask about opinion 2": the verb is another body's,
# quoted by the Opinion or said in the debate, not the Opinion's own call; the section it lives in is not the one
# the verb names.
_OTHER_SUBJECT = re.compile(
    r"\b(?:does|do|did)\s+(?:the\s+)?(?!(?:opinions?|forum|wtpf|it|they|this|that)\b)[\w/-]+(?:\s+[\w/-]+){0,2}\s+$",
    re.I,
)


# ---------------------------------------------------------------- reading a question in its conversation


@dataclass(frozen=True)
class Turn:
    """One earlier turn: the question asked and the clauses its answer cited."""

    question: str
    cited: tuple[str, ...] = ()


def parse_history(history) -> list[Turn]:
    """Earlier turns from plain strings or {"question": str, "cited": [clause ids]} objects; the latest few,
    cleaned and bounded, so noise cannot swamp a query."""
    turns = []
    for item in list(history or ())[-MAX_HISTORY_TURNS:]:
        if isinstance(item, dict):
            text, cited = item.get("question"), item.get("cited") or ()
        else:
            text, cited = item, ()
        if not isinstance(text, str):
            continue
        text = spell_out_places(spell_out_shorthand(clean_input(text)[:MAX_HISTORY_CHARS]))
        if any(ch.isalnum() for ch in text):
            ids = tuple(c for c in cited if isinstance(c, str))[:MAX_CITED] if isinstance(cited, (list, tuple)) else ()
            turns.append(Turn(text, ids))
    return turns


MAX_CITED = 40
_SINGULAR = re.compile(r"\b(?:it|its|it's|this|that|he|him|his|she|her|hers)\b", re.I)
_PLURAL_WORDS = ("they", "them", "their", "theirs", "these", "those")
_OTHER = re.compile(r"\bthe other(?:\s+" + _THING + r")?\b", re.I)
# "Working Group 2" before "Opinion 4": a place is read as the kind the report files it under
_PLACE_LABEL = re.compile(r"^(Opinion|Working Group) (\d+)$")
# "which opinion deals with IPv6?": the answer's places are what a following "it" means
# What a place can be referred to by: "it", "they", "that opinion", "the same group" — not "that" alone,
# "those" or "he", which stand for what was said or who said it
_PLACE_PRONOUN = re.compile(
    r"it|its|it's|they|them|their|(?:this|that|these|those|the same)\s+(?:one|opinions?|groups?|working groups?|drafts?)",
    re.I,
)
# "that opinion", "this working group": a pronoun that says which kind of place it stands for
_KIND_POINTED = re.compile(r"\b(?:this|that)\s+(opinion|working\s+group|wg|group)\b", re.I)
# "what was the uk's question?", "what is india's main point": a thing someone said, which a later "it" stands for
_ASKED_WHAT_WAS_SAID = re.compile(
    r"^\W*(?:and\s+|so\s+)?what(?:'s|’s|\s+(?:is|was|were|are))\s+((?:the\s+|an?\s+)?(?:[\w’'-]+\s+){0,2}?"
    r"(?:question|proposal|amendment|request|suggestion|statement|point|contribution|idea|objection|concern|"
    r"change|addition|edit|position|argument|complaint)s?)\b"
    r"(?!\s+of\s+(?:the\s+)?(?:opinions?|draft|working|wgs?|groups?|part|annex)\b)",  # "the main point of Opinion 4" is the place’s
    re.I,
)
# "what did ghana propose", "what was senegal asking for": what an actor put forward, asked of by its verb
_ASKED_WHAT_ONE_WANTED = re.compile(
    r"^\W*(?:and\s+|so\s+)?what\s+(?:did|does|was|were|is|had|has)\s+(?:the\s+)?([\w’'-]+(?:\s+[\w’'-]+)?)\s+"
    r"(propos\w*|suggest\w*|request\w*|ask\w*\s+for|want\w*|push\w*\s+for)\b",
    re.I,
)
_ASKED_WHAT_IS = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:what(?:'s|’s|\s+is|\s+are|\s+was|\s+were)|whats)\s+(?:an?\s+|the\s+)?"
    r"([\w’'/-]+(?:\s+[\w’'/-]+){0,2}?)\s*(?:anyway|exactly)?\s*\??\s*$",
    re.I,
)
_ORDINAL_ONE = re.compile(r"\bthe\s+(first|second|last|former|latter)(?:\s+one)?\b(?!\s+(?:of|part|session|day|time|point))", re.I)
# "the two sessions", "its 3 parts": a set counted out, of which "the first one" is one
_COUNTED_THINGS = re.compile(r"\b(?:two|three|four|five|six|[2-6])\s+([a-z]{3,}?)s\b", re.I)
# "the first one", "the latter": an ordinal that stands for a thing, not one that counts a named one ("the first session")
_ORDINAL_ANAPHOR = re.compile(r"\bthe\s+(?:(?:first|second|third|last)\s+ones?|former|latter)\b", re.I)
_THING_AFTER_OTHER = re.compile(r"\s*(?:[?.!]|$)")
_ASKED_THING = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:which|what)\s+(?!(?:is|was|are|were|does|did|do|has|had|can|could|will|would)\b)"
    r"((?:[\w’'/-]+\s+){0,3}?[\w’'/-]+)\s+(?:is|was|are|were|does|did|do|has|had)\b",
    re.I,
)
# "was it adopted?" asks about the place whatever it was asked about
_FATE_ASKED = re.compile(rf"\b(?:{TAKEN_UP}|chang\w*|amend\w*|pass\w*|reject\w*|merg\w*)\b", re.I)
# "what does Opinion 6 say about a CSTD working group?": the thing a place is asked about
_SAID_ABOUT = re.compile(
    r"\b(?:say|says|said|mention\w*|note\w*|recogni[sz]e\w*|tell|think)\s+(?:\w+\s+)?about\s+(?:an?\s+|the\s+|that\s+)?"
    r"((?:[\w’'/-]+\s+){0,3}?[\w’'/-]+)\s*[?.!]*$",
    re.I,
)
_PLACE_WORD = re.compile(r"\b(?:opinions?|groups?|wgs?|working|parts?|annex|one|ones|thing|things)\b", re.I)
_ASKED_WHO = re.compile(r"^\W*(?:and\s+|so\s+)?(?:who|whom|which\s+(?:countries|country|delegations?|people|speakers?))\b", re.I)
_ACTS_PRONOUN = re.compile(r"^\W*(?:and\s+|so\s+)?\w+\s+(?:did|do|does|had|have|were|are)\s+(?:they|he|she)\b", re.I)
_PEOPLE_PRONOUNS = frozenset(("they", "them", "their", "theirs", "he", "him", "his", "she", "her", "hers"))
_PLACE_QUESTION = re.compile(r"\b(?:which|what)\s+(opinions?|working groups?|wgs?|groups?)\b", re.I)
# A thing a question brings in: "a revised version", "a new opinion on …" (before a preposition or at the end)
_INTRODUCED = re.compile(
    r"\b(?:a|an)\s+((?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)(?=\s*(?:[?.!]|$|\b(?:to|for|in|on|of|from|about|by|with|at)\b))",
    re.I,
)


def read_in_context(
    question: str, turns: list[Turn], place_label, names: frozenset[str] = frozenset(), cited_text=lambda _id: ""
) -> str:
    """The question as it stands on its own, given the earlier turns; the question itself when it does not
    lean on them. `place_label(clause_id)` names the place a cited clause is in ("Opinion 4") or None;
    `names` are the report's proper names in lower case (see `is_follow_up`); `cited_text(clause_id)` is a cited
    clause's text, where "he" or "her" finds the person the last answer named."""
    if not turns or not is_follow_up(question, names):
        return question
    previous = turns[0].question
    place = _last_place(previous)
    defined = turns[0].question if _ASKED_WHAT_IS.match(turns[0].question) else None
    for earlier, turn in zip(turns, turns[1:]):
        if is_follow_up(turn.question, names):
            previous = _resolve(turn.question, previous, earlier.cited, place_label, cited_text)
        else:
            previous = turn.question
            defined = turn.question if _ASKED_WHAT_IS.match(turn.question) else None
        place = _last_place(previous) or place
    thing = _ASKED_WHAT_IS.match(defined) if defined else None
    asked_place = _PLACE_QUESTION.search(own_words(turns[-1].question))
    still = thing and re.search(rf"\b{re.escape(thing.group(1))}\b", previous, re.I)
    if still and previous != defined and not asked_place:
        # "what is the IEG?", "who chaired it?", then "how many times did it meet?": still the IEG; but after
        # "which opinion covers them?", "it" is the Opinion the answer named
        previous = defined
    cited = turns[-1].cited
    if _OTHER.search(question) and len(turns) >= 2 and is_follow_up(turns[-1].question, names):
        # "which opinions deal with IPv6?", "what does the first one invite?", "and the other one?": the other of
        # the places two turns back, which the last answer, on the first alone, no longer cites
        cited = tuple(dict.fromkeys(turns[-2].cited + turns[-1].cited))
    read = _resolve(question, previous, cited, place_label, cited_text)
    if place and len(turns) > 1 and not _PLACE.search(spell_out_places(read)) and not _AWAY.search(question):
        # three turns on, "where did the chair say they should keep talking about it" is still in the Working
        # Group the conversation began with, though the turn before named it no more
        read = f"{read.rstrip()} ({place})"
    return flat_reading(read)


def flat_reading(read: str) -> str:
    """A reading whose context nests earlier readings, said once and flat: "did they get it? (they want changed?
    (argued about Opinion 1))" → "did they get it? (they want changed; argued about Opinion 1)"."""
    own = own_words(read)
    if own == read:
        return read
    pieces: list[str] = []
    for piece in re.split(r"[()]", read[len(own):]):
        piece = piece.strip(" ;,?.!")
        if piece and piece.lower() not in own.lower() and piece.lower() not in (p.lower() for p in pieces):
            pieces.append(piece)
    return f"{own.rstrip()} ({'; '.join(pieces)})" if pieces else own


# "his other role", "the other ipv6 one": a person, whose roles span places, or something away from the last place
_AWAY = re.compile(r"\b(?:he|him|his|she|her|hers|other|else)\b", re.I)


def _last_place(text: str) -> str | None:
    """The last Opinion or Working Group `text` names, spelled out ("Working Group 3")."""
    found = list(_PLACE.finditer(spell_out_places(text)))
    if not found:
        return None
    m = re.match(r"(opinions?|working\s+groups?|wgs?)\s*(\d+)", found[-1].group(0), re.I)
    if m is None:
        return None
    kind = "Opinion" if m.group(1).lower().startswith("opinion") else "Working Group"
    return f"{kind} {m.group(2)}"


def _places_of(previous: str, cited: tuple[str, ...], place_label) -> tuple[list[str], list[str], dict[str, int]]:
    """The places the last turn was about: those its question named, and those its answer cited (most cited
    first, with how many citations each has)."""
    named = [f"Opinion {n}" for n in _numbers_after(r"opinions?", previous)]
    named += [f"Working Group {n}" for n in _numbers_after(r"(?:working\s+groups?|wgs?)", previous)]
    counts: dict[str, int] = {}
    for clause_id in cited:
        for label in place_label(clause_id):
            counts[label] = counts.get(label, 0) + 1
    ranked = sorted(counts, key=lambda label: -counts[label])
    return named, ranked, counts


def _numbers_after(noun: str, text: str) -> list[int]:
    out: list[int] = []
    for m in re.finditer(rf"\b{noun}\s*((?:\d+\s*(?:,|and|&)?\s*)+)", text, re.I):
        out += [int(n) for n in re.findall(r"\d+", m.group(1)) if int(n) not in out]
    return out


def _join(labels: list[str]) -> str:
    kind = _PLACE_LABEL.match(labels[0])
    if len(labels) == 1 or kind is None or any(_PLACE_LABEL.match(x) is None or
                                               _PLACE_LABEL.match(x).group(1) != kind.group(1) for x in labels):
        return " and ".join(labels)
    numbers = sorted(int(_PLACE_LABEL.match(x).group(2)) for x in labels)
    return f"{kind.group(1)}s " + " and ".join(map(str, numbers))


# "his group", "their working group": the group someone was asked about as its officer
_THEIR_GROUP = re.compile(r"\b(?:his|her|their|its)\s+(?:working\s+)?group\b", re.I)


def _resolve(question: str, previous: str, cited: tuple[str, ...], place_label, cited_text=lambda _id: "") -> str:
    text = question.strip()
    if _BARE_WH.match(text):
        # "why?" asks for the reason behind what was just answered
        return f"{text.rstrip(' ?')}? ({previous.rstrip(' ?')})"
    if _CONTINUATION.search(text) and not _PRONOUN.search(text):
        return rewrite_query(text, [previous])
    if _CONTINUATION.search(text):
        # "and its vice-chair?": the pronoun resolved, the earlier question kept beside it
        rest = _CONTINUATION.sub("", text, count=1).strip()
        substituted = _substitute_person(rest, previous, cited, cited_text) or _substitute(rest, previous, cited, place_label)
        if substituted is None:
            return rewrite_query(text, [previous])
        if substituted == rest:
            return text  # "and the other IPv6 opinion …": reading the question names it
        if _OTHER.search(text):
            return rewrite_query(f"and {substituted}", [previous])
        return f"{substituted.rstrip(' ?')} ({previous.rstrip(' ?')})"
    group = _THEIR_GROUP.search(text)
    place = _last_place(previous) if group else None
    if group and place and place.startswith("Working Group"):
        # "what opinions did his group handle" after "who chaired wg2": the group he chaired, not a group of his
        return _sub(text, group, place)
    which = _WHICH_ONE.match(text)
    if which and re.search(r"\bones?$", which.group(0), re.I):
        # "which one got changed?" after an answer citing Opinions 1 and 2: which of those
        named, cited_places, _ = _places_of(previous, cited, place_label)
        opinions = list(dict.fromkeys(p for p in named + cited_places if p.startswith("Opinion")))
        if len(opinions) == 2:
            chosen = _join(sorted(opinions, key=lambda p: int(p.split()[-1])))
            return f"{text[: which.start()]}which of {chosen}{text[which.end():]}"
        if len(opinions) > 2:
            # "which one is about broadband?" after the six: which Opinion, found by what it is about ("which ones":
            # which Opinions)
            kind = "opinions" if re.search(r"\bones$", which.group(0), re.I) else "opinion"
            return f"{text[: which.start()]}which {kind}{text[which.end():]}"
    substituted = _substitute_person(text, previous, cited, cited_text) or _substitute(text, previous, cited, place_label)
    if substituted is None:
        return rewrite_query(text, [previous])
    if substituted != text and _first_unresolved(substituted) is not None and own_words(substituted) == substituted:
        # "what does it want done about them" after "does it mention legacy addresses": "it" is Opinion 4, and
        # "them" still stands for what the last turn asked about, which its words carry
        return f"{substituted.rstrip(' ?')}? ({previous.rstrip(' ?')})"
    return substituted


def _substitute(text: str, previous: str, cited: tuple[str, ...], place_label) -> str | None:
    """The question with its pronoun replaced by the place the last turn was about, or None when the
    pronoun stands for something else (a proposal, a study, a person)."""
    named, cited_places, counts = _places_of(previous, cited, place_label)
    asked_place = _PLACE_QUESTION.search(previous)
    thing = _ASKED_THING.match(previous)
    if thing and not asked_place and not _PLACE_WORD.search(thing.group(1)):
        # "which UNGA resolution is that?" then "what does para 20 of it ask for?": "it" is the thing asked about
        match = _first_unresolved(text)
        if match is not None and match.group(0).lower() in ("it", "its", "that", "this", "they", "them", "their"):
            owner = "’s" if match.group(0).lower() in ("its", "their") else ""
            return f"{_sub(text, match, f'the {thing.group(1)}{owner}').rstrip(' ?')}? ({previous.rstrip(' ?')})"
    introduced = _INTRODUCED.search(own_words(previous))
    if introduced and not asked_place and not _PLACE.search(introduced.group(0)):
        # "when did they bring back a revised version?" then "what was it numbered?": "it" is the thing the last
        # question brought in, not the place it happened in
        match = _first_unresolved(text)
        # "what does it invite?" has the place acting, whatever the last question was about
        acting = re.search(r"\b(?:does|did|do|will|would|can|could|should)\s+it\b", text, re.I)
        if match is not None and match.group(0).lower() in ("it", "its") and not acting and not _FATE_ASKED.search(text):
            thing = f"the {introduced.group(1)}{'’s' if match.group(0).lower() == 'its' else ''}"
            return f"{_sub(text, match, thing).rstrip(' ?')}? ({previous.rstrip(' ?')})"
    defined = _ASKED_WHAT_IS.match(previous)
    if defined and not asked_place and not _PLACE.search(defined.group(1)):
        # "what is the IEG?" then "who chaired it?": "it" is the thing just defined
        match = _first_unresolved(text)
        if match is not None and match.group(0).lower() in ("it", "its", "they", "them", "their"):
            owner = "’s" if match.group(0).lower() in ("its", "their") else ""
            return _sub(text, match, f"the {defined.group(1)}{owner}")
    said = _ASKED_WHAT_WAS_SAID.match(previous)
    if said and not asked_place:
        # "what was the uk's question there?" then "how did the secretariat answer it?": "it" is what was said
        match = _first_unresolved(text)
        if match is not None and match.group(0).lower() in ("it", "its", "that", "this"):
            owner = "’s" if match.group(0).lower() == "its" else ""
            return f"{_sub(text, match, f'{said.group(1)}{owner}').rstrip(' ?')}? ({previous.rstrip(' ?')})"
        whose = re.match(r"(?:the\s+)?(.+?)['’]s\s", said.group(1))
        if match is not None and whose and match.group(0).lower() in ("they", "them", "their", "he", "him", "his",
                                                                       "she", "her"):
            # "what did the secretariat tell them" after "what was the uk's question": the one who asked it
            owner = "’s" if match.group(0).lower() in ("their", "his") else ""
            return f"{_sub(text, match, f'{whose.group(1)}{owner}').rstrip(' ?')}? ({previous.rstrip(' ?')})"
    wanted = _ASKED_WHAT_ONE_WANTED.match(previous)
    if wanted and not asked_place and not _PLACE.search(wanted.group(1)):
        # "what was senegal asking for in wg1?" then "what happened to it?": "it" is what Senegal asked for, not
        # the Working Group it asked in
        match = _first_unresolved(text)
        if match is not None and match.group(0).lower() == "it":
            verb = wanted.group(2).lower()
            kind = ("request" if verb.startswith(("requ", "ask"))
                    else "suggestion" if verb.startswith("sugg") else "proposal")
            asked = f"{wanted.group(1)}’s {kind}"
            return f"{_sub(text, match, asked).rstrip(' ?')}? ({previous.rstrip(' ?')})"
    topic = _SAID_ABOUT.search(previous)
    if topic and not _PLACE.search(topic.group(1)) and not _FATE_ASKED.search(text) and not re.match(
        r"(?:opinions?|working\s+groups?|wgs?|it|them|this|that|these|those)\b", topic.group(1), re.I
    ):
        # "what does op6 say about a CSTD working group?" then "who has to be represented on it?": "it" is the
        # thing the place was asked about, not the place
        match = _first_unresolved(text)
        # "represented on it", "what is in it": after a preposition; "what does it invite" is the place acting
        if match is not None and match.group(0).lower() == "it" and re.search(
            r"\b(?:on|in|of|about|to|for|with|from|into|at|by|under|within)\s+$", text[: match.start()], re.I
        ):
            return f"{_sub(text, match, f'the {topic.group(1)}').rstrip(' ?')}? ({previous.rstrip(' ?')})"
    ordinal = _ORDINAL_ONE.search(text)
    kind_asked = re.search(r"\b(opinion|working group)s\b", own_words(previous), re.I)
    counted = re.search(r"\bhow\s+many\b", own_words(previous), re.I)
    if (ordinal and (len(counts) < 2 or counted) and not named and kind_asked
            and ordinal.group(1).lower() in ("first", "second")):
        # "how many working groups were there?": the places are numbered, so "the second one" is Working Group 2,
        # whichever the answer happened to cite first
        number = 1 if ordinal.group(1).lower() == "first" else 2
        kind = "Opinion" if kind_asked.group(1).lower() == "opinion" else "Working Group"
        return _sub(text, ordinal, f"{kind} {number}")
    counted_things = _COUNTED_THINGS.search(own_words(previous))
    if ordinal and not kind_asked and counted_things and ordinal.group(1).lower() in ("first", "second"):
        # "what were the two sessions?" then "what did the first one conclude": the first session
        one = _sub(text, ordinal, f"the {ordinal.group(1).lower()} {counted_things.group(1)}")
        return f"{one.rstrip(' ?')}? ({previous.rstrip(' ?')})"
    if ordinal and len(counts) >= 2 and not named:
        # "which opinions deal with IPv6?" answered "Opinion 4 and Opinion 3": "the first one" is Opinion 4; after
        # "how many working groups were there?", the first Working Group the answer cites
        asked_kind = re.findall(r"\b(opinion|working group)s\b", previous, re.I)
        shown = [p for p in counts if not asked_kind or p.lower().startswith(asked_kind[0].lower())] or list(counts)
        index = {"first": 0, "former": 0, "second": 1, "latter": -1, "last": -1}[ordinal.group(1).lower()]
        if len(shown) > (index if index >= 0 else 0):
            return _sub(text, ordinal, shown[index])
    pointed = _first_unresolved(text)
    kind = _KIND_POINTED.search(text, pointed.start()) if pointed is not None and not named else None
    if kind and kind.start() < pointed.end():
        # "what else does that opinion consider?" after an answer quoting Opinion 1: the place of the kind named
        # that the last answer cited most, though the last question named none
        wanted = "Opinion" if kind.group(1).lower().startswith("opinion") else "Working Group"
        same = [p for p in cited_places if p.startswith(wanted)]
        if same:
            return f"{text[: kind.start()]}{same[0]}{text[kind.end():]}"
    if not named and not asked_place:
        return None  # the last turn was about something else ("the study"): its words carry over instead
    if not asked_place and _actor_of(previous) and not _OTHER.search(text):
        return None  # after "what did Senegal want in Opinion 2?", "it" is what Senegal wanted, "they" Senegal
    first = _first_unresolved(text)
    if first is not None and first.group(0).lower() in _PEOPLE_PRONOUNS and (
        _ASKED_WHO.match(previous) or _ACTS_PRONOUN.search(previous)
    ):
        # after "who argued about Opinion 1?", "they" are whoever the answer named, not the Opinion; after "what
        # did they want changed?", the same people still
        return None
    if asked_place:
        kind = "Opinion" if asked_place.group(1).lower().startswith("opinion") else "Working Group"
        named = [p for p in named if p.startswith(kind)]
        cited_places = [p for p in cited_places if p.startswith(kind)]
    ordinal = _ORDINAL_ONE.search(text)
    if ordinal and len(counts) >= 2:
        # "which opinions deal with IPv6?" answered "Opinion 4 and Opinion 3": "the first one" is Opinion 4
        shown = list(counts)  # in the order the answer cites them
        index = {"first": 0, "former": 0, "second": 1, "latter": -1, "last": -1}[ordinal.group(1).lower()]
        return _sub(text, ordinal, shown[index])
    other = _OTHER.search(text)
    if other:
        pool = named + [p for p in cited_places if p not in named]
        focus = named[:1] or cited_places[:1]
        rest = [p for p in pool if p not in focus and _same_kind(p, focus)]
        if rest:
            return _sub(text, other, rest[0])
        if not _THING_AFTER_OTHER.match(text[other.end():]):
            return text  # "the other IPv6 opinion": named by its subject, which reading the question resolves
    match = _first_unresolved(text)
    if match is not None and (named or cited_places) and _PLACE_PRONOUN.fullmatch(match.group(0)):
        word = match.group(0).lower()
        if word in _PLURAL_WORDS and len(named) == 1:
            # "opinion 4 talks about transfers outside the RIRs" then "what's the risk with them": a plural
            # stands for plural things the last turn spoke of, not the one place it named
            return None
        if word in _PLURAL_WORDS:
            places = named if len(named) > 1 else (named or cited_places[:2])
        elif asked_place and not named:
            # "which opinion deals with IPv6?" answered with two: "it" is whichever the user takes, so both
            places = [p for p in cited_places if counts[p] == counts[cited_places[0]]][:2]
        else:
            # "what do Opinions 3 and 4 ask …?" then "who argued against it?": both, not the first named
            places = named[:2] if len(named) == 2 else (named or cited_places)[:1]
        label = _join(places)
        if word in ("its", "their", "his", "her", "theirs", "hers"):
            label += "’s"
        read = _sub(text, match, label)
        if len(places) > 1 and not label.endswith("’s"):
            # "what does it ask …" read as of two Opinions: "what do Opinions 3 and 4 ask …"
            before = _SINGULAR_VERB.search(read[: match.start()])
            if before is not None:
                read = read[: before.start(1)] + _PLURAL_VERB[before.group(1).lower()] + read[before.end(1):]
        return read
    return None


_PLURAL_VERB = {"does": "do", "is": "are", "was": "were", "has": "have"}
_SINGULAR_VERB = re.compile(r"\b(does|is|was|has)\s+$", re.I)


_PERSONAL = frozenset(("he", "him", "his", "she", "her", "hers"))
# "Mr Petko Kantchev", "Dr Y.J. Park", "H.E. Mme Doris Leuthard", "H.E Blaise Louembé": how the report introduces a
# person; the honorific tells "he" from "she" where it can
_PERSON = re.compile(
    r"\b(?:H\.\s?E\.?\s+)?(Mr|Ms|Mrs|Mme|Miss|Dr|Prof|Sir|(?<=H\.E\. )|(?<=H\.E ))\.?\s*"
    # a role after the name is not part of it: "Mr Petko KANTCHEV Chairman of Working Group 3"
    r"([A-Z][\w’'.-]*(?:\s+(?!(?:Chairman|Chairwoman|Chair|Vice-Chair\w*|President|Minister|Director|Secretary)\b)"
    r"[A-Z][\w’'.-]*){0,3})"
)
_TITLES_OF = {"he": ("Mr", "Dr", "Prof", "Sir", ""), "she": ("Ms", "Mrs", "Mme", "Miss", "Dr", "Prof", "")}
# How far around a name its own words reach: the person's entry in a list ("· Mr Rashid Ismailov (Russia);") or
# sentence, at most this many characters either side
_PERSON_CONTEXT = 160
# An acronym the last question shares with a person's entry ("ICANN") outweighs up to nine of its other words the
# entry shares (one point each): the entries under one lead-in all share the lead-in's words
_NAMED_WEIGHT = 10
_ENTRY_END = re.compile(r"[;·•\n]|[.!?]\s")


def _words_around(body: str, start: int, end: int) -> tuple[set[str], set[str]]:
    """The stems of the words in a person's own entry or sentence ("Chairman of the Forum" for Ivo Ivanovski), and
    the acronyms among them ("ICANN" for Fadi Chehadé)."""
    left = body[max(0, start - _PERSON_CONTEXT) : start]
    breaks = list(_ENTRY_END.finditer(left))
    left = left[breaks[-1].end() :] if breaks else left
    right = body[end : end + _PERSON_CONTEXT]
    stop = _ENTRY_END.search(right)
    right = right[: stop.start()] if stop else right
    words = _WORD.findall(f"{left} {right}")
    return {stem(w.lower()) for w in words}, {w.lower() for w in words if len(w) > 1 and w.isupper()}


def _substitute_person(text: str, previous: str, cited: tuple[str, ...], cited_text) -> str | None:
    """"What was his other role?" after "Who chaired it?": "his" is the person the last answer cited whose own
    entry or sentence shares most words with the last question ("Chair Mr Petko Kantchev" for "chaired")."""
    match = _first_unresolved(text)
    if match is None or match.group(0).lower() not in _PERSONAL:
        return None
    wanted = {stem(w.lower()) for w in _content_words(previous)}
    asked = {w.lower() for w in _WORD.findall(previous)}
    titles = _TITLES_OF["he" if match.group(0).lower() in ("he", "him", "his") else "she"]
    best, best_score = None, -1
    for clause_id in cited:
        body = cited_text(clause_id)
        for person in _PERSON.finditer(body):
            if person.group(1) not in titles:
                continue
            around, named = _words_around(body, person.start(), person.end())
            # "chaired" asks for the "Chairman of the Forum" as much as for a "Chair"
            score = sum(any(a.startswith(w) or w.startswith(a) for a in around if min(len(a), len(w)) >= 4) for w in wanted)
            # "who spoke for icann at the opening?": the body an entry names tells more than the words all the
            # entries under "The Policy Forum opened with addresses from:" share
            score += _NAMED_WEIGHT * len(asked & named)
            # "who's robert kahn?" then "what did he talk about?": the person the last question named comes first
            score += 100 * sum(w.lower() in asked for w in re.findall(r"[A-Za-z’'-]{3,}", person.group(2)))
            if score > best_score:
                best, best_score = person.group(2).strip(), score
    if best is None:
        return None
    word = match.group(0).lower()
    after = text[match.end():]
    owner = word in ("his", "hers") or (word == "her" and re.match(r"\s+[a-z]", after) and not re.match(
        r"\s+(?:about|on|in|at|to|for|from|with|say|said|do|did|propose|proposed)\b", after, re.I))
    return _sub(text, match, f"{best}’s" if owner else best)


_ACTOR = re.compile(r"\b(?:did|does|do|has|have|had)\s+(?:the\s+)?([\w'’/-]+)", re.I)
_PLACE_WORDS = frozenset("opinion opinions draft working group groups wg wgs part annex it they report forum".split())


# the context a reading carries names who acted when it began: "why was it rejected (turkey propose in Working
# Group 2)" is still about what Turkey proposed
_ACTOR_IN_CONTEXT = re.compile(
    r"[(;]\s*(?:the\s+)?((?:[\w'’/-]+\s+){0,2}?[\w'’/-]+)\s+(?:propos\w*|want\w*|ask\w*|suggest\w*|request\w*|"
    r"submit\w*|say|said|argu\w*|insist\w*|object\w*|oppos\w*|contribut\w*)\b",
    re.I,
)


# told, not asked: "turkey wanted to add something to op 6, right?"
_ACTOR_TOLD = re.compile(
    r"^\W*(?:(?:so|and|ok|okay)\W+)?(?:the\s+)?(?!(?:who|what|which|whose|when|where|why|how)\b)"
    r"((?:[\w'’/-]+\s+){0,2}?[\w'’/-]+)\s+(?:propos|want|ask|suggest|request|submit|argu|insist|object|oppos|"
    r"contribut)\w*\b",
    re.I,
)


def _actor_of(question: str) -> str | None:
    """Who acts in a question ("what did Senegal want …" → "Senegal") or in what the user told ("Senegal
    wanted …"), or in the context its reading carries, unless it is a place or the report."""
    own = own_words(question)
    for m in (_ACTOR.search(own) or _ACTOR_TOLD.search(own), _ACTOR_IN_CONTEXT.search(question[len(own):])):
        word = m.group(1) if m else ""
        if word and not (word.lower() in _PLACE_WORDS or word.lower() in STOPWORDS or _PLACE.match(word)):
            return word
        if word and word.lower() not in ("it", "they", "that", "this", "these", "those"):
            return None  # "what did Opinion 4 say": the place acts
    return None


def _same_kind(place: str, others: list[str]) -> bool:
    a = _PLACE_LABEL.match(place)
    return all(a is not None and (b := _PLACE_LABEL.match(o)) is not None and a.group(1) == b.group(1) for o in others)


def _first_unresolved(text: str):
    for match in _PRONOUN.finditer(text):
        if not is_follow_up(text[: match.end()]):
            continue
        return match
    return None


def _sub(text: str, match, label: str) -> str:
    return text[: match.start()] + label + text[match.end():]


# "the icann ceo", "the swiss minister's speech", "the internet co-founder": a person described by role and by
# words of the report's own entry for them ("Mr Fadi Chehadé, President and CEO of ICANN")
_ROLES = (r"ceo|president|counsell?or|co-?founder|founder|minister|secretary-general|boss|chief|head|guy|man|woman|"
          r"lady|official|rep|representative|speaker")
_DESCRIBED = re.compile(
    r"(?:\bthe\s+|^\W*(?!(?:and|so|but|what|who|how|did|does|is|was)\b))(?P<modifiers>(?:[\w-]+\s+){1,3}?)"
    rf"(?P<role>{_ROLES})\b",
    re.I,
)
_ADDRESSED = re.compile(r"\b(?:asks?|asked|invites?|invited|requests?|requested|instructs?|instructed|urges?|urged|"
                        r"calls?\s+(?:on|upon))\s+$", re.I)
# "the ceo of icann", "the secretary-general of the itu"
_DESCRIBED_OF = re.compile(rf"\bthe\s+(?P<role>{_ROLES})\s+of\s+(?:the\s+)?(?P<modifiers>[\w-]+(?:\s+[\w-]+)?)", re.I)
_ASKS_WHO_IT_IS = re.compile(r"^\W*(?:and\s+|so\s+)?(?:who|whom|whose|name|what(?:'s|’s| is| was) the name)\b", re.I)
# Roles that must be in the person's entry; the others ("boss", "guy", "minister") only point at someone
_ENTRY_ROLES = frozenset({"ceo", "president", "counsellor", "counselor", "cofounder", "co-founder", "founder",
                          "secretary-general"})


def report_people(text: str) -> list[tuple[str, frozenset[str]]]:
    """The people the report introduces ("Mr Fadi Chehadé"), each once, with the stems of their own entry."""
    people: dict[str, set[str]] = {}
    for person in _PERSON.finditer(text):
        name = person.group(2).strip()
        if len(name.split()) < 2 or name.isupper():
            continue
        people.setdefault(name, set()).update(_words_around(text, person.start(), person.end())[0])
    return [(name, frozenset(words)) for name, words in people.items()]


def spell_out_people(question: str, people: list[tuple[str, frozenset[str]]]) -> str:
    """"what did the icann ceo say" → "what did Fadi Chehadé say": a person described by words that the entry of
    one person of the report, and only one, holds. A question asking who that is keeps its words, with the
    name beside them for the search ("who was the swiss speaker (Doris Leuthard)")."""
    asks_who = _ASKS_WHO_IT_IS.match(question) is not None
    for m, name in _described(question, people):
        if asks_who:
            return f"{question.rstrip(' ?')} ({name})"
        return question[: m.start()] + name + question[m.end():]
    return question


def _described(question: str, people: list[tuple[str, frozenset[str]]]):
    """Each description in the question ("the icann ceo", "the ceo of icann") that fits one person of the report,
    with that person's name."""
    for m in [*_DESCRIBED.finditer(question), *_DESCRIBED_OF.finditer(question)]:
        if _ITEM_BY_PLACE.search(m.group(0)):
            continue  # "the second speaker" is an item of an earlier list, by its place in it
        if _ADDRESSED.search(question[: m.start()]):
            continue  # "what does it ask the ITU Secretary-General to do": the office, whoever holds it
        modifiers = [w.lower() for w in m.group("modifiers").split() if w.lower() not in STOPWORDS]
        if not modifiers:
            continue
        role = m.group("role").lower()
        wanted = [stem(w) for w in modifiers] + ([stem(role.replace("-", ""))] if role in _ENTRY_ROLES else [])
        matched = [name for name, words in people if all(any(_same_word(w, e) for e in words) for w in wanted)]
        if len(matched) == 1:
            yield m, matched[0]


def _same_word(asked: str, entry: str) -> bool:
    """"swiss" of "Switzerland", "cofound" of "co-found": a shared start, or one word inside the other."""
    entry = entry.replace("-", "")
    if len(asked) < 4 or len(entry) < 4:
        return asked == entry
    return asked[:3] == entry[:3] or asked in entry or entry in asked


# "who sits on that working group", "what did those documents say": a thing the last answer told, pointed at
_DEMONSTRATIVE = re.compile(
    r"\b(?:that|this|those|these)\s+(?!(?:the|a|an|it|is|was|are|were|they|he|she|we|you|i|one|ones|time|way|"
    r"much|many|far|said|says)\b)([a-z][a-z’'-]+(?:\s+(?!(?:do|does|did|is|was|are|were|say|said|get|got|mean|"
    r"have|has|had|ask|asks|asked|for|of|to|in|on|about|at|with|by)\b)[a-z][a-z’'-]+)?)",
    re.I,
)


def demonstrated(question: str) -> list[str]:
    """The things a question points at with "that", "this", "those", "these" ("working group" of "who sits on
    that working group?"), which the last answer told."""
    return [m.group(1).lower() for m in _DEMONSTRATIVE.finditer(own_words(question))]

