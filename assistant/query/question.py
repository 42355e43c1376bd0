"""Reading a question: its content words, its kind, and whether the report can answer it at all.

Pure functions over text; the composer and the service both use them.
"""

from __future__ import annotations

import re

from assistant.textnorm import stem

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my no
    nor not now of off on once only or other our ours out over own same she should so some such than that
    the their theirs them then there these they this those through to too under until up very was we were
    what when where which while who whom whose why will with would you your yours
    tell say said says mention mentioned mentions report reports according give given gave explain happen
    happened kind sort please know anything something thing things way ways get got make made want wanted go
    went think thought act set ask asked write wrote describe described mean meant run end stand stood take
    took come came put use used call called actually exactly really still yet else anyone someone everyone
    clause clauses paragraph paragraphs section sections text much many didn wasn weren don doesn isn aren
    going goes gone led
    whats whos hows wheres whens thats theres heres didnt wasnt werent dont doesnt isnt arent cant wont
    couldnt shouldnt wouldnt hasnt havent hadnt
    """.split()
)
_TOKEN = re.compile(r"[a-z0-9]+")

QUESTION_KINDS = ("summary", "who", "when", "where", "how-many", "why", "proposal", "what")
# Words that ask for a summary, wherever a question's wording is read for one (kind, shape, Opinion sections).
SUMMARY_WORDS = r"summar\w*|sum(?:s|med|ming)? (?:\w+ )?up|overview|gist"
# Whether a text was taken up: the words of every question about what became of a draft or a proposal ("was it
# adopted?", "was Opinion 3 changed?"), to which each reader of such questions adds its own.
TAKEN_UP = r"adopt\w*|accept\w*|endors\w*|approv\w*"
_SUMMARY = re.compile(rf"\b(?:{SUMMARY_WORDS}|main points?|key points?|in a nutshell)\b")
_MONEY_QUESTION = re.compile(
    r"\b(?:budget|fees?|(?:going )?price (?:of|per|for)|how much money|cost(?:s|ed)? (?:to|of)|"
    r"(?:how much|what) (?:did|does|do|will|would|is|was) (?:it|they|\w+) (?:cost|spend)|spent on)\b",
    re.I,
)
# "what % of traffic", "what share of users": a proportion is a number with a per cent, or a fraction in words
_SHARE_QUESTION = re.compile(r"%|\bper ?cent(?:age)?\b|\bwhat (?:share|proportion|fraction)\b", re.I)
_PERCENT = re.compile(r"\d\s?(?:%|per ?cent\b)|\b(?:half|thirds?|quarters?|fifths?|tenths?|majority)\b", re.I)
_AMOUNT = re.compile(
    r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:USD|CHF|EUR|dollars?|francs?|euros?|million|billion)\b|\b(?:USD|CHF|EUR)\s?\d", re.I
)
_SAID_ABOUT = re.compile(
    r"\b(?:say|says|said|mention\w*|discuss\w*|anything|something|tell me|talk\w*)\b.{0,20}?\b(?:about|on|regarding|concerning)\b",
    re.I,
)
_UPCOMING = re.compile(r"\b(next|upcoming|following)\s+(?:world\b|wtpf|forum|policy forum|meeting|session|conference)", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_REFERENCE_BEFORE = re.compile(
    r"(?:paragraphs?|paras?\.?|resolutions?|opinions?|articles?|§|groups?|wg|sessions?|rev\.|no\.|"
    r"documents?|[a-z]+-\d+/|,)\s*(?:\d+\s*,\s*)*$",
    re.I,
)
NUMBER = re.compile(
    r"(?<![\w/.-])\d+(?:[.,]\d+)*(?![\w/-])|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"dozens?|hundreds?|thousands?|half|several)\b",
    re.I,
)

# Irregular verb forms a stemmer leaves apart from their verb: "how long did wg2 meet" is answered by "met".
_IRREGULAR = {
    "met": "meet", "held": "hold", "gave": "give", "given": "give", "took": "take", "taken": "take",
    "said": "say", "made": "make", "led": "lead", "spoke": "speak", "spoken": "speak", "began": "begin",
    "begun": "begin", "wrote": "write", "written": "write", "brought": "bring", "sought": "seek",
    "thought": "think", "went": "go", "gone": "go", "came": "come", "saw": "see", "seen": "see", "told": "tell",
    "found": "find", "ran": "run", "sent": "send", "won": "win", "chose": "choose", "chosen": "choose",
    "drew": "draw", "drawn": "draw", "withdrew": "withdraw", "withdrawn": "withdraw", "knew": "know",
    "known": "know", "meant": "mean", "kept": "keep", "stood": "stand", "understood": "understand",
    "became": "become", "heard": "hear", "paid": "pay", "built": "build", "spent": "spend", "rose": "rise",
}


def tokenize(text: str) -> list[str]:
    """Lower-cased, Snowball-stemmed content words, irregular verb forms as their verb."""
    return [stem(_IRREGULAR.get(t, t)) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS and len(t) > 1]


# First match wins: "why … how many" is a why-question.
_KINDS = (
    ("summary", _SUMMARY),
    ("why", re.compile(r"\bwhy\b|\breason|\bhow come\b|\bwhat (?:led|caused)\b")),
    ("how-many", re.compile(r"\bhow many\b|\bhow much\b|\bnumber of\b|\bcount\b")),
    # a time or a duration: "the meeting times", "the session hours", "which one ran longest", "spend longer"
    ("when", re.compile(r"\bwhen\b|\bwhat (?:date|day|time|year)\b|\bhow long\b|"
                        r"\b(?:meeting|session|working)\s+(?:times?|dates?|hours?)\b|"
                        r"\b(?:ran|run|met|meet|sat|spen[dt]|took|last(?:ed)?)\b.{0,20}\blong(?:er|est)\b")),
    ("where", re.compile(r"\bwhere\b")),
    ("proposal", re.compile(r"\bpropos|\bsuggest|\bamend|\bwant(?:ed)? to (?:add|change)|\bask(?:ed)? for\b|\brequest")),
    ("who", re.compile(r"\bwho\b|\bwhom\b|\bwhose\b|\bwhich (?:country|countries|delegation|organi[sz]ation)")),
)


# A follow-up asking what came of what the last answer told: its fate, or the reply it got.
_WHAT_FOLLOWED = re.compile(
    r"\b(?:get|got|make|made)\s+(?:it\s+)?(?:in|into|through|accepted|adopted)\b|"
    r"\b(?:did|was|were|is|are)\s+(?:it|that|they|this|those|these|theirs|his|hers)\s+(?:\w+\s+)?"
    r"(?:accepted|adopted|approved|agreed|included|taken|kept|dropped|rejected|endorsed|passed|granted|get|got|"
    r"succeed\w*|work(?:s|ed)?|go through)\b|"
    r"\b(?:the|an?|any)\s+(?:answer|reply|response|reaction|outcome|result)\b|\brespon(?:d|ded|se)\b|\breact\w*|"
    r"\b(?:answer(?:ed|s)?|repl(?:y|ied|ies)\s+to)\s+(?:it|that|this|them|him|her)\b|"
    r"^\W*(?:and\s+|so\s+)?who\s+(?:answered|replied)(?:\s+(?:it|that|them|him|her|first|back))?\W*$|"
    r"\bhappen\w*\s+(?:next|then|after|(?:to|with) (?:it|that|them|those|this))|\bafter that\b|\bin the end\b|\bend(?:ed)? up\b|"
    r"\bwhat came of\b",
    re.I,
)


# "when was it passed", "how long did they work": a date, a length or a number asked of the last answer's
# thing, not what came of it
_ASKS_MEASURE = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?(?:(?:by|until|since)\s+)?(?:when|how\s+(?:long|many|much|often)|what\s+(?:date|day|year|time))\b", re.I)


def asks_what_followed(question: str) -> bool:
    """"did it get in?", "was that accepted?", "what was the answer?", "how did the group respond?"."""
    return _WHAT_FOLLOWED.search(question) is not None and _ASKS_MEASURE.search(question) is None


def question_kind(question: str) -> str:
    q = question.lower()
    return next((kind for kind, pattern in _KINDS if pattern.search(q)), "what")


def missing_specifics(question: str, sentences: list[str]) -> str | None:
    """What the question asks for that none of the chosen sentences states, if anything.

    A count needs a number, a price or budget needs an amount of money, "the next meeting" needs
    something said about a next one. Retrieval always finds *something* close; these checks catch
    answers that are near the topic but cannot contain what was asked.
    """
    if re.search(r"\bhow many\b", question, re.I):
        asked = {n.lower() for n in NUMBER.findall(question)}
        counting = [text for text in sentences if any(n not in asked for n in _counts(text))]
        if not counting:
            return "a number"
        part = _PART_FROM.search(question)
        if part:
            # "how many of the 900 delegates came from africa": a count of the whole is not a count of the part,
            # which a sentence counting it names
            whole = [w for w in _TOKEN.findall(part.group(1).lower()) if w not in _DETERMINERS]
            wanted = {stem(w) for w in whole}
            if wanted and not any(wanted <= {stem(w) for w in _TOKEN.findall(text.lower())} for text in counting):
                return f"how many came from {' '.join(whole)}"
    # "what does the report say about the price of access?" asks what is said on a topic, not for an amount
    on_topic = _SAID_ABOUT.search(question) is not None
    if _MONEY_QUESTION.search(question) and not on_topic and not any(_AMOUNT.search(text) for text in sentences):
        return "an amount of money"
    if _SHARE_QUESTION.search(question) and not on_topic and not any(_PERCENT.search(text) for text in sentences):
        return "a percentage"
    upcoming = _UPCOMING.search(question)
    if upcoming and not any(re.search(rf"\b{upcoming.group(1)}\b", text, re.I) for text in sentences):
        return f"anything about the {upcoming.group(1).lower()} one"
    if _AGE_QUESTION.search(question) and not any(_AGE.search(text) for text in sentences):
        return "an age"
    if _CLOCK_QUESTION.search(question):
        # "what time did the closing plenary finish": a time of day, in a sentence about what the question names
        # (a Working Group's hours do not tell when the plenary ended)
        named = {w for w in tokenize(_CLOCK_QUESTION.sub(" ", question)) if w not in _CLOCK_WORDS and not w.isdigit()}
        if not any(named & set(tokenize(text)) for text in sentences if _CLOCK.search(text)):
            return "a time of day"
    return None


# "how many of those came from developing countries": the part of a whole a count is asked of, up to where the
# question turns to something else
_PART_FROM = re.compile(
    r"\bhow many\b(?:(?!\bhow many\b)[^?!.;()])*?\b(?:came|come|coming|were|was|are|is)\s+from\s+"
    r"((?:(?!\b(?:and|or|in|at|to|for|during|according|per|how)\b)[^?!.;,()])+)",
    re.I,
)
_DETERMINERS = frozenset("the a an those these this that its their his her each all".split())


# "how old is Petko Kantchev": an age, in years, or the year something old began
_AGE_QUESTION = re.compile(r"\bhow\s+old\b|\bwhat\s+age\b|\b(?:the|his|her|their|its)\s+ages?\b|\bage\s+of\b", re.I)
_AGE = re.compile(r"\b\d{1,3}[\s-]*years?[\s-]*old\b|\baged?\s+\d{1,3}\b|\b(?:founded|established|created|born)\b|"
                  r"\bprior\s+to\b|\bsince\s+(?:19|20)\d\d\b", re.I)
_CLOCK_QUESTION = re.compile(r"\b(?:at\s+)?what\s+time\b|\bwhat\s+hour\b", re.I)
_CLOCK = re.compile(r"\b\d{1,2}[:.h]\d{2}\b")
# words that ask about the time, not about what happened at it
_CLOCK_WORDS = frozenset(tokenize("start started begin began finish finished end ended close closed open opened meet met "
                                  "may june wtpf session day"))


_YEAR_NAMED = re.compile(r"\b(?:19|20)\d\d\b")
_DATED = re.compile(
    r"\b\d{1,2}(?:\s*[-–]\s*\d{1,2})?\s+(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\s+((?:19|20)\d\d)\b"
)
_PAST_ACT = re.compile(
    r"\b(?:did|was|were|had|has|have|won|held|led|ran|chose|gave|took|went|met|said|spoke|became|began|wrote)\b|"
    r"\b[a-z]+ed\b",
    re.I,
)


def report_year(report_text: str) -> int | None:
    """The year of the latest day the report dates ("14-16 May 2013"): when it was written, at the earliest.
    Years named alone ("to report to WTSA 2016") are plans, not days it saw."""
    years = [int(y) for y in _DATED.findall(report_text)]
    return max(years) if years else None


def after_the_report(question: str, written: int | None) -> str | None:
    """What a report cannot tell: what happened in a year after it was written ("what did the CSTD group
    recommend in 2014?"), asked in the past tense. ("… after the forum?" without a year was tried as well: it
    abstained on one answerable test question for each unanswerable it caught.)"""
    if not _PAST_ACT.search(question):
        return None  # "what should happen in 2014" may be what the report asks for
    later = [int(y) for y in _YEAR_NAMED.findall(question) if written is not None and int(y) > written]
    if later:
        return f"it was written in {written} and tells nothing of what happened in {max(later)}"
    return None


def _counts(text: str) -> list[str]:
    """Numbers that count something: not years, and not the numbers of paragraphs, resolutions or opinions."""
    out = []
    for match in NUMBER.finditer(text):
        number = match.group(0).lower()
        if _YEAR.fullmatch(number) or _REFERENCE_BEFORE.search(text, 0, match.start()):
            continue
        out.append(number)
    return out


_CAPITALIZED = re.compile(r"(?<=\s)[A-Z][\w’'-]+")
_PLACE_WORDS = frozenset("opinion opinions draft working group groups part annex wg chairman chair".split())


def names_in(query: str) -> set[str]:
    """Capitalized words past the first: the actors a question is about ("What did Ghana propose?")."""
    words = (re.sub(r"['’]s$", "", w).lower() for w in _CAPITALIZED.findall(query))
    return {w for w in words if w not in _PLACE_WORDS | STOPWORDS}




_IDENTIFIER = re.compile(r"(?<![\w/-])(?=[\w/-]*\d)(?=[\w/-]*[A-Za-z])[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*(?![\w/-])")
_ORDINAL_OR_PLACE = re.compile(r"\d+(?:st|nd|rd|th|s)|wgs?-?\d+|opinions?-?\d+|\d+(?:am|pm|h)", re.I)
_ACTOR_VERB = (
    r"(?:say|said|propose|suggest|ask|want|do|think|request|submit|argue|support|oppose|present|stress|note|"
    r"raise|contribute|object|insist|agree|withdraw|accept|reject|claim|recommend|call|push|back)"
)
_ACTOR = re.compile(
    rf"\b(?:did|does|do|has|had|will|would|could)\s+(?:the\s+)?((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)\s+{_ACTOR_VERB}\b|"
    r"\b((?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'.-]*)['’]s\s+(?:proposals?|contributions?|positions?|views?|amendments?|"
    r"requests?|statements?|drafts?|suggestions?|delegation|delegate|stance)\b"
)
_ACTOR_LOWER = re.compile(
    rf"\b(?:did|does|do|has|had|will|would|could)\s+(?:the\s+)?([a-z][\w’'-]*)\s+{_ACTOR_VERB}|"
    r"\b([a-z][\w-]*)['’]s\s+(?:proposals?|contributions?|positions?|views?|amendments?|requests?|statements?|"
    r"drafts?|suggestions?|delegation|delegate|stance)\b",
    re.I,
)
_ACTOR_PHRASE = re.compile(
    rf"\b(?:did|does|do|has|had|will|would|could)\s+(?:the\s+)?([a-z][\w’'-]{{3,}})\s+"
    r"(commission|union|council|committee|bank|agency|organi[sz]ation|association|parliament|government|ministry|"
    rf"institute|authority|regulator)\s+{_ACTOR_VERB}\b",
    re.I,
)
_HOW_MANY = re.compile(r"\bhow many\s+([a-z][\w-]*)|\bnumber\s+of\s+([a-z][\w-]*)|\b([a-z][\w-]*)\s+(?:count|tally)\b", re.I)
# "how many of the delegates were women": what is counted is the part the last word names
_HOW_MANY_WERE = re.compile(
    r"\bhow many\s+(?:of\s+(?:the|them|those|these)\s+)?(?:[\w-]+\s+){0,2}?(?:were|are|was|is)\s+(?:(?:a|an)\s+)?"
    r"([a-z][\w-]*)\s*[?.!]*\s*$",
    re.I,
)
# The topic at the end of "What position did the forum take on net neutrality?"
_TOPIC = re.compile(r"\b(?:on|about|regarding|concerning)\s+(?:the\s+)?([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){1,2})\s*[?.!]*\s*$", re.I)


# "did anybody oppose opinion 4": no one in particular, whom the report need not name
_ANYONE = frozenset("anybody somebody everybody nobody".split())

# a one-word place a question is restricted to: "… in africa", "… in africa according to the report", "… in asia right now"
_WHERE_IN = re.compile(
    r"\b(?:in|across|within|throughout)\s+([a-z][a-z-]{2,})(?=\s*(?:$|[?.!,;]|\s+(?:according|right|now|today|"
    r"currently|at|in|on|per|during|since|and|or|back|then|these|those)\b))",
    re.I,
)

# "in english", "in brief", "in a nutshell": how to answer, not where
_MANNER = frozenset("english plain brief short detail details general total particular practice theory summary simple "
                    "essence effect fact sum layman laymans lay nutshell words full depth".split())


def unknown_specifics(question: str, report_text: str, vocabulary) -> str | None:
    """Something specific the question asks about that the report never mentions, as a reason to show.

    `report_text` is the report in lower case, `vocabulary` its stemmed words (`tokenize`). Each check is
    about a thing the answer cannot do without: an identifier ("WTPF-09", "5G"), the actor of "What did
    Germany propose?", the thing counted in "How many women attended?", and a topic named by a compound
    whose modifier the report never uses ("What position did it take on net neutrality?").
    """
    joined = report_text.replace("-", "")  # "multistakeholderism" is the report's "multi-stakeholderism"
    for match in _IDENTIFIER.finditer(question):
        for token in match.group(0).split("/"):
            core = _core_identifier(token)
            if core and core.lower().replace("-", "") not in joined:
                return f"it never mentions {core}"
    for match in _ACTOR.finditer(question):
        name = match.group(1) or match.group(2)
        # an abbreviation ("the US") may stand for a name the report spells out
        words = [w for w in name.split() if w.lower() not in STOPWORDS and not w.isupper() and len(w) > 3]
        if words and len(words) == len(name.split()) and not any(_says(w, report_text) for w in words):
            return f"it never mentions {name}"
    # typed in lower case: "what did china propose" — the one word before the verb is the actor
    for match in _ACTOR_LOWER.finditer(question):
        word = match.group(1) or match.group(2)  # "what did china propose", "germany's contribution"
        if len(word) > 3 and word.lower() not in STOPWORDS | _ANYONE and not _knows(word, vocabulary, joined):
            return f"it never mentions {word}"
    for match in _ACTOR_PHRASE.finditer(question):
        # "what did the european commission say": a body the report names only by its head ("Commission") is
        # another body when its modifier is a word the report never uses (a person may be described by any word:
        # "the aussie delegate")
        modifier, head = match.group(1), match.group(2)
        if (modifier.lower() not in STOPWORDS and _knows(head, vocabulary, joined)
                and not _knows(modifier, vocabulary, joined)):
            return f"it never mentions {modifier} {head}"
    for counted in (*_HOW_MANY.finditer(question), _HOW_MANY_WERE.search(question)):
        # "how many votes", "the number of votes", "the vote count": what is counted, which the report never names
        thing = next((g for g in counted.groups() if g), None) if counted else None
        if thing and thing.lower() not in STOPWORDS and not _knows(thing, vocabulary, joined):
            return f"it never mentions {thing.lower()}"
    for match in _WHERE_IN.finditer(question):
        # "how many IXPs are there in africa": the place the question is about, which the report never names
        if match.group(1).lower() not in _MANNER and not _knows(match.group(1), vocabulary, joined):
            return f"it never mentions {match.group(1)}"
    topic = _TOPIC.search(question)
    if topic:
        # a compound whose modifier the report never uses names another thing than its head alone does:
        # "net neutrality" is not the report's "technology neutrality"
        words = topic.group(1).split()
        # "about them getting ipv4": a pronoun or a function word qualifies nothing
        modifiers = [w for w in words[:-1] if w.lower() not in STOPWORDS and stem(w.lower()) not in STOPWORDS]
        if modifiers and _knows(words[-1], vocabulary, joined) and not all(
                _knows(w, vocabulary, joined) for w in modifiers):
            return f"it never mentions {topic.group(1)}"
    return None


def _core_identifier(token: str) -> str | None:
    """The part of a token that identifies something ("IPv6" of "IPv6-ready"), or None if it has no such part."""
    parts = token.split("-")
    while len(parts) > 1 and parts[-1].isalpha():  # "-ready", "-enabled"
        parts.pop()
    core = "-".join(parts)
    if not (re.search(r"\d", core) and re.search(r"[A-Za-z]", core)) or _ORDINAL_OR_PLACE.fullmatch(core):
        return None
    return core


def _says(word: str, report_text: str) -> bool:
    return re.search(rf"\b{re.escape(word.lower())}\b", report_text) is not None


def _knows(word: str, vocabulary, joined: str) -> bool:
    """The report uses `word`, or a word of the same stem ("attendees", "attended"), or writes it hyphenated."""
    stems = tokenize(word)
    if not stems or any(s in vocabulary for s in stems) or _says(word, joined):
        return True
    return any(len(v) >= 5 and (stem.startswith(v) or (len(stem) >= 5 and v.startswith(stem)))
               for stem in stems for v in vocabulary)


# --- What the report refers to without telling it ---------------------------------------------------------

# a count as the report may write it either way: "Eleven panelists", "12 members"
_SAME_COUNT = {w: str(n) for n, w in enumerate("two three four five six seven eight nine ten eleven twelve".split(), start=2)}
_SAME_COUNT.update({n: w for w, n in _SAME_COUNT.items()})
_COUNT_WORD = (
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|"
    r"forty|fifty|hundred)"
)
# "who were the eleven panelists", "which five un entities attended", "names of the 12 IEG members"
_ASKS_MEMBERS = re.compile(
    rf"^\W*(?:and\s+|so\s+)?(?:who\s+(?:were|are)|which|name(?:s)?\s+(?:of\s+)?|list)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?"
    rf"(?P<count>{_COUNT_WORD})\s+(?P<noun>(?:[\w-]+\s+){{0,3}}?[a-z][\w-]*s)\b",
    re.I,
)


# "which countries did the 33 ministers come from": the members of a counted set, asked by where they are from
_ASKS_WHERE_FROM = re.compile(
    rf"^\W*(?:and\s+|so\s+)?(?:which|what)\s+(?:countries|country|nations?|regions?|organi[sz]ations?|companies)\s+"
    rf"(?:did|do|were|are)\s+(?:the\s+|those\s+|these\s+)?(?P<count>{_COUNT_WORD})\s+(?P<noun>(?:[\w-]+\s+){{0,3}}?[a-z][\w-]*s)\b",
    re.I,
)


def unstated_members(question: str, sentences: list[str]) -> str | None:
    """Who or what the members of a set are, asked where the report only counts them: "who were the eleven
    panelists?" against "Eleven panelists and two Scribes participated …". The set counts as listed when a
    sentence that counts or introduces it goes on to name its members (a colon, a quotation, a capitalized name
    right after the count)."""
    asked = _ASKS_MEMBERS.search(question) or _ASKS_WHERE_FROM.search(question)
    if asked is None:
        return None
    count = asked.group("count").lower()
    head = asked.group("noun").split()[-1].lower()
    # "the 11 panelists" are the report's "Eleven panelists", "the twelve IEG members" its "12 members"
    either = "|".join(re.escape(f) for f in sorted({count, _SAME_COUNT.get(count, count)}))
    counting = re.compile(rf"\b(?:{either})\s+(?:[\w’'-]+\s+){{0,3}}?{re.escape(stem(head)[:5])}\w*", re.I)
    counted = None
    for sentence in sentences:
        for m in counting.finditer(sentence):
            counted = counted or m.group(0)
            after = sentence[m.end():]
            if sentence.rstrip().endswith(":") or re.match(r"\s*(?:[:(“\"]|,\s*[“\"A-Z])", after):
                return None  # the members are named right there
    if not counted:
        return None
    # elsewhere introduced as a list: "… to adopt the following Opinions:"
    introduced = re.compile(rf"\bfollowing\b.*\b{re.escape(head)}\s*:\s*$", re.I)
    if any(introduced.search(sentence) for sentence in sentences):
        return None
    return f"it counts them (“{counted}”) but does not name them"


_ASKS_CONTENT = re.compile(
    r"\bwhat(?:\s+(?:actually|exactly|really))?(?:'s|’s|s|\s+is|\s+was|\s+are)?\s+(?:actually\s+|exactly\s+|really\s+)?in\s+"
    r"(?P<a>.+?)\s*(?:[?.!]|$)|"
    r"\bwhat\s+(?:does|did|do)\s+(?P<b>.+?)\s+(?:actually\s+|exactly\s+|really\s+)?"
    r"(?:say|state|recommend|contain|conclude|find|cover|set out|propose|argue)\b|"
    r"\b(?:conclusions?|recommendations?|contents?|findings|main points?)\s+(?:of|in)\s+(?P<c>.+?)\s*(?:[?.!]|$)|"
    r"\bwhat\s+points?\s+(?:does|did|do)\s+(?P<d>.+?)\s+make\b",
    re.I,
)
# What a question names as a document of its own, not a part of the report or a delegation's contribution.
_DOCUMENT = re.compile(r"\b(?:documents?|docs?|guidelines?|resolutions?|decisions?|declarations?|papers?|stud(?:y|ies))\b", re.I)
# After a cited document, what it says: "decided that …", "which states the …", "Resolution 101: “…”"
_CONTENT_TOLD = re.compile(
    r"^\W{0,3}(?:\([^)]*\)\W*)*(?:[:“\"]|,?\s*(?:which|that|as)?\s*(?:also\s+)?(?:states?|stated|says|said|"
    r"decided|decides|resolved?|resolves|recommend\w*|calls?|called|notes?|noted|recogni[sz]\w*|affirm\w*|"
    r"reaffirm\w*|provides?|invites?|instructs?|urges?|encourages?|requests?|concludes?|concluded|highlight\w*|"
    r"emphasi[sz]\w*|stress\w*|underlin\w*|outlin\w*|describ\w*|sets? out|deals? with|address\w*|contains?|"
    r"on\s+[“\"]|entitled|titled))",
    re.I,
)


_MONTH_NEXT = re.compile(r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


# "The concluding remarks of the Forum can be found here: http://…", "The programme can be found at http://…"
_LINKED = re.compile(
    r"^\W*(?P<thing>[A-Za-z][^.:;]{2,80}?)\s+(?:(?:is|are)\s+(?:freely\s+)?available|can\s+be\s+(?:found|read|seen))"
    r"\s+(?:here|at|on|from)\b\W*(?P<url>https?://\S+?)[\s.)]*$",
    re.I,
)
# where to find a thing is what a link answers
_ASKS_WHERE = re.compile(r"\b(?:where|links?|url|website|web\s*(?:site|page)|online|find|found|available|download)\b", re.I)


def only_linked(question: str, sentence: str) -> str | None:
    """The thing asked for is only pointed to: the sentence closest to the question says where it can be found
    and no more ("what did the chairman say in his closing remarks" against "The concluding remarks of the
    Forum can be found here: http://…"). The thing's head word ("remarks") must be one the question asks about."""
    linked = _LINKED.match(sentence.strip())
    if linked is None or _ASKS_WHERE.search(question):
        return None
    thing = re.sub(r"^(?:the|a|an)\s+", "", linked.group("thing").strip(), flags=re.I)
    head = thing.split(" of ")[0].split()[-1]
    if not set(tokenize(head)) & set(tokenize(question)):
        return None
    return f"it only points to the {thing[0].lower() + thing[1:]} at {linked.group('url')}"


def uncited_content(question: str, sentences: list[str]) -> str | None:
    """The content of a numbered document asked for where the report only cites it: "what's in information
    document 12 from APNIC?" against "… referred the meeting to information document 12, submitted by APNIC".
    The document is one the question names with a number ("document 12", "GSR 2011", "65/141"); its content
    is told when some sentence naming it goes on with what it says, decides or asks."""
    asked = _ASKS_CONTENT.search(question)
    if asked is None:
        return None
    thing = next(g for g in asked.groups() if g)
    if not _DOCUMENT.search(thing):
        return None
    ids = [t for t in re.findall(r"[\w/.-]*\d[\w/.-]*", thing) if not re.fullmatch(r"(?:19|20)\d\d", t)] or re.findall(
        r"\b(?:19|20)\d\d\b", thing
    )
    if not ids:
        return None
    words = [w for w in re.findall(r"[a-z]+", thing.lower()) if w not in STOPWORDS and len(w) > 2]
    found = False
    for sentence in sentences:
        for ident in ids:
            for m in re.finditer(rf"(?<!\w){re.escape(ident)}(?![\w/])", sentence, re.I):
                if _MONTH_NEXT.match(sentence[m.end():]):
                    continue  # "on 21 Dec. 2012" is a date, not paragraph 21
                # the number names the asked-for thing here: one of the question's words stands close before it
                near = sentence[max(0, m.start() - 60): m.start()].lower()
                if words and not any(re.search(rf"\b{re.escape(w[:5])}", near) for w in words):
                    continue
                found = True
                rest = re.sub(r"^[\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*", "", sentence[m.end():])  # the rest of its name
                if _CONTENT_TOLD.match(rest):
                    return None
    if not found:
        return None
    return f"it cites {re.split(r' [-–—] |, ', thing)[0].strip()} but does not say what it contains"


# "(not the wgs)", ", not the working groups", "other than opinion 2": what the question sets aside, not what it
# asks about; a verb negated ("why was it not adopted") stays
_SET_ASIDE = re.compile(
    r"\s*\(\s*not\b[^()]*\)|"
    r",?\s*\b(?:but\s+)?not\s+(?:the|a|an|any|those|these)\s+[^,;:?!.()]+|"
    r",?\s*\b(?:other\s+than|apart\s+from|excluding|except(?:\s+for)?|leaving\s+aside)\s+[^,;:?!.()]+",
    re.I,
)


def without_set_aside(question: str) -> str:
    """The question without what it says it is not asking about: "who were the vice chairs of the forum (not the
    wgs)" → "who were the vice chairs of the forum"."""
    return _SET_ASIDE.sub("", question).strip() or question
