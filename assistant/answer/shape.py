"""The shape of a question, read from its wording: which answer plan fits it.

Pure functions over text. The shapes mirror what people ask of a report: a list, an overview of a place,
a comparison of two places, a reason, what an actor proposed, what a term means, a yes/no, or one fact.
"""

from __future__ import annotations

import re

from assistant.query.question import SUMMARY_WORDS, TAKEN_UP
from assistant.textnorm import initials, unaccented

SHAPES = ("compare", "reason", "definition", "overview", "actor", "list", "yesno", "fact")

_COMPARE = re.compile(
    r"\b(?:differ\w*|difference|compar\w*|versus|vs\.?|contrast\w*|distinguish\w*|similar\w*|in common|"
    r"same (?:as|in both|wording)|both|what separates|sets? .{0,30} apart|tell .{0,30} apart)\b",
    re.I,
)
_EACH = re.compile(r"\beach\b", re.I)
_REASON = re.compile(
    # "why …", and after a topic named first: "op1: why do IXPs do better …", "brazil's draft - how come …"
    r"(?:^|[:;,–—]|\s-)\W*(?:and\s+|so\s+|but\s+|ok\s+)?(?:why|how come)\b|"
    r"\breasons?\b|\brationale\b|\bwhat (?:led|caused|made)\b|"
    r"\bhow (?:was|were|did)\b.*\b(?:resolv\w*|settl\w*|handl\w*|decid\w*|end(?:ed)? up|sort\w* out)\b|"
    r"\bjustif\w*|\bmotivat\w*|\bpurpose of\b|\b(?:thinking|logic|idea) behind\b|\bwhat drove\b",
    re.I,
)
_DEFINITION = re.compile(
    r"\bstands? for\b|\bmeaning\b|\bwhat does .+ mean\b|\bmeans?\s*\??$|\bdefin\w*|\bacronym\b|\babbreviation\b|"
    r"\bmeant by\b|"
    r"^\W*[\w-]{2,15}\s*[-–—:,?]+\s*(?:what(?:'s|’s| is| are)|whats)\s+(?:it|they|those|these|that|this)\W*$|"
    r"^\W*(?:what(?:'s|’s| is| are)|whats)\s+(?:an?\s+|the\s+)?(?!(?:two|three|four|five|six|\d+)\b)[\w'’-]+(?:\s+[\w'’-]+)?\s*\??\s*$",
    re.I,
)
# "what's CPE in op3", "what is needs-based allocation in opinion 4": a term, then the place it is used in
_TERM_IN_PLACE = re.compile(
    r"^\W*(?:what(?:'s|’s| is| are)|whats)\s+(?:an?\s+|the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:in|as used in|per|under)\s+"
    r"(?:the\s+)?(?:op(?:inion)?s?|wg|working group|part|annex)\W*\w*\s*\??\s*$",
    re.I,
)
_BARE_ACRONYM = re.compile(r"^\W*[A-Za-z]{2,6}s?\W*(?:=|\?|meaning)?\W*$")
# the whole of something, told in order: "from start to finish", "blow by blow", "step by step"
_START_TO_END = r"from start to finish|start to end|(?:blow|step|play)[\s-]by[\s-](?:blow|step|play)"
OVERVIEW_WORDING = re.compile(
    rf"\b(?:{SUMMARY_WORDS}|rundown|recap|brief(?: me)?|in a nutshell|main points?|key points?|outline|"
    r"(?:main |key )?takeaways?|key findings|(?:main|key) outcomes?|"
    r"highlights?|tl;?dr|(?:what(?:'s|’s| is| was| are| were)|whats)\b.{0,60}\babout|"
    r"tell (?:me|us)(?: (?:a (?:bit|little)|more|something|everything))? about|"
    r"what happened (?:in|at|to|with|during)|what went (?:on|down)|broadly|(?:walk|take|run) (?:me|us) (?:through|thru)|"
    r"(?:what(?:'s|’s| is| was)|whats) in|"
    rf"contents? of|{_START_TO_END}|"
    r"how did (?:the |it |they )?.{0,50}\b(?:go|unfold|play out|turn out|pan out)|"
    r"overall|in general(?: terms)?|big picture|background (?:on|to|of)|(?:the )?story (?:of|behind|with)|"
    r"how did .{0,50}\bwork|basically|essentially|short version|in short|eli5|explain like|break(?:s|ing)? down|"
    r"(?:what(?:'s|’s| is| was)|whats) the (?:deal|story|gist|short of it)|synopsis|in plain (?:english|words|terms)|"
    r"in (?:simple|layman'?s?|lay) terms|(?:explain|describe)\b.{0,40}\b(?:briefly|simply|quickly)|"
    # "what does op4 cover", "what topics does op6 address", "what's covered in op 5", "scope of op 2": what a
    # place is about, asked by what it takes up
    r"what(?:\s+(?:topics?|issues?|subjects?|areas?|themes?|matters?|problems?))?\s+(?:does|did|do)\s+(?:(?!\bto\b)[\w\s'’-]){1,40}?\s+"
    r"(?:cover|deal\s+with|address|tackle|focus\s+on|concern|handle)\s*[?.!]*$|"
    r"(?:what(?:'s|’s| is| was| are| were)|whats)\s+(?:covered|dealt with|addressed)\s+(?:in|by)|"
    r"(?:what(?:'s|’s| is| was)|whats)\s+[\w\s'’-]{1,40}?\s+concerned with|\bscope of)\b",
    re.I,
)
_WHOLE_STORY = re.compile(
    rf"\b(?:{SUMMARY_WORDS}|rundown|recap|{_START_TO_END}|"
    r"how did (?:the |it |they )?.{0,50}"
    r"\b(?:go|unfold|play out|turn out|pan out))\b",
    re.I,
)
_LIST = re.compile(
    r"^\W*(?:list|name|enumerate|itemi[sz]e)\b|\blist (?:of|all|the)\b|\ball (?:the|of the)\b|\beach of\b|"
    r"\bevery\s+(?:country|countries|delegation|opinion|speaker|organi[sz]ation|body|member|one)\b|"
    r"\b(?:list|name|enumerate) (?:them|those|these|em)\b|\b(?:recognitions|invitations|requests|considerations|recitals)\b|"
    r"\b(?:which|what|who) (?:were|are) (?:the|all)\b|\bwhat (?:are|were) the \w+s\b|"
    # "which two opinions", "what other countries"; not "what do opinions 3 and 4 say", which names its places
    r"\b(?:which|what)\s+(?:(?!(?:do|does|did|are|is|were|was|have|has|had)\b)\w+\s+)?(?:countries|opinions|"
    r"resolutions|groups|organi[sz]ations|members|bodies|"
    r"documents|contributions|sessions|speakers|panelists|people|topics|issues|themes|stakeholders|items|things|"
    r"amendments|proposals|changes|edits|points|steps|actions|measures|recommendations)\b(?!\s+\d)|"
    r"\bwho (?:all|else)\b|\bhow many and which\b|"
    r"\bwhat (?:does|did|do|are|is|were|was)\b.{0,60}\b(?:invit|ask|request|call(?:s|ed)? on|urg|recogni[sz]|recall|"
    r"consider|note)\w*\b",
    re.I,
)
_COUNTED = re.compile(r"\bthe\s+(?:two|three|four|five|six|seven|eight|nine|ten|[2-9]|1\d)\s+(?:\w+\s+)?\w+s\b", re.I)
_YESNO = re.compile(
    r"^\W*(?:and\s+|so\s+|but\s+)?(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should|"
    r"isn'?t|wasn'?t|didn'?t|doesn'?t|any)\b",
    re.I,
)
_ACTOR_VERB = re.compile(
    r"\b(?:propos\w*|suggest\w*|say|said|says|saying|want\w*|ask(?:ed|s|ing)?|object\w*|oppos\w*|argu\w*|insist\w*|push\w*|"
    r"contribut\w*|submit\w*|position|stance|views?|amend\w*|request\w*|support\w*|withdr\w*|role|"
    r"involve\w*|raise\w*|offer\w*|stress\w*|point|input|talk\w*|messages?|remarks?|interventions?|line|"
    r"speech|statement|beef|stand|stood|chim\w* in|on about|put\w* forward|(?:bring|brought) to the table|"
    # how the report tells what a delegation said: "highlighted", "emphasized", "noted", "expressed", "presented"
    r"highlight\w*|emphasi[sz]\w*|underlin\w*|express\w*|present(?:s|ed|ing)?|stated|clarif\w*|"
    r"(?<=\s)do(?=\s*(?:$|[?.!]|\s+(?:at|in|during|there|about|on)\b)))\b",  # "what did australia do (in wg3)"
    re.I,
)


# "was it adopted?", "did it get through?": whether the thing was taken up, not what came out of its debate
ASKS_ITS_FATE = re.compile(rf"\b(?:{TAKEN_UP}|pass(?:ed)?|reject\w*|dropped|survive\w*|"
                           r"happen\w*|end(?:ed)?\s+up|in\s+the\s+end|came\s+of|become\s+of|"
                           r"(?:get|got|make|made)\s+(?:it\s+)?(?:in|through|it))\b", re.I)
# "so brazil's draft got rejected?": a statement put as a question
_STATEMENT_ASKED = re.compile(r"^(?!.*\b(?:what|who|whom|whose|which|when|where|why|how)\b).*\?\s*$", re.I | re.S)


def _asks_if_taken_up(question: str) -> bool:
    """"was india's proposal accepted?", "so brazil's draft basically got rejected?": yes or no, on a fate."""
    return bool((_YESNO.search(question) or _STATEMENT_ASKED.match(question)) and ASKS_ITS_FATE.search(question))


# "how many contributions did the IEG receive", "when did Brazil submit it": one fact, whoever it is about
_ASKS_SPECIFIC = re.compile(r"^\W*(?:(?:and|so|ok|okay|but)\W+)?(?:how (?:many|much|long|big|large)|when|where|"
                            r"what (?:date|day|time|year))\b", re.I)


_POSSESSIVE_ACTOR = re.compile(r"\b[A-Za-z][\w-]*['’]s\s+(?:\w+\s+)?(?:points?|proposals?|amendments?|asks?|requests?|"
                               r"contributions?|positions?|views?|edits?|suggestions?|text|draft|take|beef|stance|"
                               r"questions?|concerns?|comments?|objections?|arguments?|ideas?|messages?)\b", re.I)


# "what was brazil's draft called": the name of the thing an actor put forward, not all the actor did
_ASKS_NAME_OF = re.compile(r"\b(?:called|titled|entitled|title|name of)\b", re.I)


_DOCUMENT_NEXT = re.compile(r"\s+(?:resolutions?|res|decisions?|declarations?|documents?|agenda|reports?)\b", re.I)


def actor_at(question: str, actor: str) -> re.Match | None:
    """Where the question names the actor: as the report spells it, unaccented ("toure" for "Touré"), or by its
    initials ("the US" for the "United States")."""
    question = unaccented(question)
    at = re.search(rf"\b{re.escape(unaccented(actor))}", question, re.I)
    if at is None and " " in actor:
        at = re.search(rf"\b{initials(actor)}\b", question, re.I)
    return at


# the question has turned to a clause that tells when: "… after brazil's text died", "… once the US had spoken"
_WHEN_CLAUSE = re.compile(r"\b(?:after|before|once|until|following)\s+(?:the\s+)?[\w’'-]*\s*$", re.I)


def actor_subjects(question: str, actors: tuple[str, ...]) -> tuple[str, ...]:
    """The actors a question asks about as the doer: named before its verb ("what did Ghana propose") or
    as an owner ("India's points") — not the one a verb is done to ("ask the Secretary-General")."""
    question = unaccented(question)  # "toure" asks about the report's "Touré"
    verb = _ACTOR_VERB.search(question)
    out = []
    for actor in actors:
        at = actor_at(question, actor)
        if at is None:
            continue
        rest = question[at.end() + len(re.match(r"[\w-]*", question[at.end():]).group(0)):]
        owner = re.match(r"['’]s\b", rest)
        if _DOCUMENT_NEXT.match(rest):
            continue  # "what does para 21 of the UNGA resolution say": the resolution speaks, not the UN General Assembly
        if _WHEN_CLAUSE.search(question[: at.start()]):
            continue  # "what venues were floated after brazil's text died": Brazil only dates what is asked
        if owner or verb is None or at.start() < verb.start():
            out.append(actor)
    return tuple(out)


def question_shape(question: str, *, actors: tuple[str, ...] = (), places: int = 0) -> str:
    """The plan a question asks for. `actors` are the report's proper names the question uses (a country,
    a body, a person); `places` how many Opinions or Working Groups it names."""
    q = question.strip()
    if _COMPARE.search(q) or (places >= 2 and _EACH.search(q)):
        return "compare"
    if _REASON.search(q):
        return "reason"
    if _BARE_ACRONYM.match(q) or _DEFINITION.search(q):
        return "definition"
    if _asks_if_taken_up(q) and not _WHOLE_STORY.search(q):
        return "yesno"  # "was india's proposal accepted?": its fate, though "proposal" is what actors do
    if actors and _ACTOR_VERB.search(q) and not _ASKS_SPECIFIC.search(q):
        return "actor"
    if actors and _POSSESSIVE_ACTOR.search(q) and not _WHOLE_STORY.search(q) and not _YESNO.search(q) \
            and not _ASKS_NAME_OF.search(q):
        return "actor"  # "what happened to India's points": each of India's points; but "a rundown of Brazil's
        # draft from start to finish" is the story of the draft, and "was Brazil's draft adopted?" its fate
    if _COUNTED.search(q) and not places and not _WHOLE_STORY.search(q):
        return "list"  # "what are the six opinions about?": a set counted out is listed, each with its subject
    if OVERVIEW_WORDING.search(q):
        return "overview"
    if _LIST.search(q):
        return "list"
    if _YESNO.search(q):
        return "yesno"
    if _TERM_IN_PLACE.search(q):
        return "definition"
    return "fact"


# What an Opinion does in its sections, as people ask it ("what does it ask", "its position").
_SECTION_ASKED = re.compile(
    r"\b(?:invit\w*|request\w*|is of the view|recogni[sz]\w*|consider\w*|noting|notes|recall\w*|positions?|views?|"
    r"stance|conclu\w*|asks?|asked|urg\w*|call(?:s|ed)? (?:on|for|upon)|encourag\w*)\b",
    re.I,
)


def asks_for_section(question: str) -> bool:
    return _SECTION_ASKED.search(question) is not None
