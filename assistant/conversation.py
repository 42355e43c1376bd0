"""Follow-up resolution: turn "And its vice-chair?" into a query that stands on its own.

The rewrite is deliberately simple and visible (it is shown to the user): anchors such as
"Opinion 4", "Working Group 2", "recognizing (c)" or a country named in the latest earlier
question that has any are carried into a follow-up that lacks them, and "What about X?"
swaps X in for the anchor of the same kind.
"""

from __future__ import annotations

import re

from assistant.question import STOPWORDS
from assistant.textnorm import clean_input, stem

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
_CONTINUATION = re.compile(r"^(and|also|but|so|then|what about|how about|and what about|same for)\b", re.I)
_WHAT_ABOUT = re.compile(r"^(?:and\s+)?(?:(?:what|how)\s+about\s+|(?=and\s))(?:and\s+)?(.+?)\??$", re.I)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")


_SHORT_OPINION = re.compile(r"\b(?:op|opin|opn)\.?\s?#?\s?(\d{1,2})\b", re.I)


def spell_out_places(question: str) -> str:
    """Shorthand people type for an Opinion, written out as the report names it: "op 5" → "Opinion 5"."""
    # "wg2" is left as typed: the report writes "WG2" itself, and routing reads it as Working Group 2
    return _SHORT_OPINION.sub(lambda m: f"Opinion {m.group(1)}", question)


def clean_history(history) -> list[str]:
    """Keep the latest few non-empty turns, cleaned and bounded, so noise cannot swamp a query."""
    turns = []
    for turn in list(history or ())[-MAX_HISTORY_TURNS:]:
        if isinstance(turn, dict):
            turn = turn.get("question")
        if not isinstance(turn, str):
            continue
        text = spell_out_places(clean_input(turn)[:MAX_HISTORY_CHARS])
        if any(ch.isalnum() for ch in text):
            turns.append(text)
    return turns


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


def is_follow_up(question: str) -> bool:
    words = _WORD.findall(question)
    return bool(_CONTINUATION.search(question) or _DEICTIC.search(question) or len(words) <= 3)


def rewrite_query(question: str, history) -> str:
    """A self-contained retrieval query for `question` given earlier user questions."""
    turns = clean_history(history)
    if not turns or not is_follow_up(question):
        return question
    previous = resolve_history(turns)
    previous_anchors = anchors(previous)
    mine = anchors(question)

    what_about = _WHAT_ABOUT.match(question.strip())
    if what_about and (not question.lower().startswith("and ") or len(_WORD.findall(question)) <= 4):
        subject = what_about.group(1).strip()
        for kind, values in anchors(subject).items():
            if kind in previous_anchors:
                return _replace_first(previous, previous_anchors[kind][0], subject)
        return f"{previous.rstrip(' ?')} — {subject}?"

    missing = [
        value
        for kind, values in previous_anchors.items()
        if kind not in mine
        for value in values
        if value.lower() not in question.lower()
    ]
    if _BACK_REFERENCE.search(question) or not (missing or mine):
        # "Who moderated it?": what "it" is lives in the earlier question's words, not only its names
        missing.append(_subject(previous))
    if not any(missing):
        return question
    return f"{question.rstrip()} ({'; '.join(_dedupe(m for m in missing if m))})"


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


def _replace_first(text: str, old: str, new: str) -> str:
    idx = text.find(old)
    return text if idx < 0 else text[:idx] + new + text[idx + len(old) :]


def _dedupe(values: list[str]) -> list[str]:
    seen, out = set(), []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    return out


_OPINION_WORD = re.compile(r"\b(?:draft\s+)?(opinions?|resolutions?)\b(?!\s*(?:no\.?\s*)?\d)", re.I)
_NUMBERED = re.compile(r"\b(?:opinions?|resolutions?)\s+(?:no\.?\s*)?\d", re.I)
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


def name_opinions(question: str, titles: dict[int, str], window: int = 5, previous: str = "") -> str:
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
    for match in _OPINION_WORD.finditer(question):
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
            bare = word.lower().strip(",;:?!.’'\"")
            if bare in ("and", "or"):  # "the multistakeholderism and enhanced cooperation opinions"
                continue
            if bare in STOPWORDS or bare in _WORDS_OF_NUMBER:
                break
            modifiers.append(word)
        for distance, word in enumerate([*modifiers, *after], start=1):
            for w in _title_words(word):
                near[w] = max(near.get(w, 0.0), 1.0 / distance ** 0.5)
        scores = {n: sum(near[w] / spread[w] for w in near.keys() & words) for n, words in title_words.items()}
        best = max(scores.values(), default=0.0)
        if best < 0.5:
            continue
        plural = match.group(1).lower().endswith("s")
        chosen = sorted(n for n, s in scores.items() if s >= (0.5 if plural else best))
        if len(chosen) > 1 and not plural and "other" in (w.lower() for w in before):
            # "the other IPv6 opinion" after a question about Opinion 4 is Opinion 3
            earlier = {int(n) for n in re.findall(r"\bopinions?\s+(\d+)", previous, re.I)}
            chosen = [n for n in chosen if n not in earlier]
        if len(chosen) != 1 and not plural:
            continue  # ambiguous between opinions: leave it to retrieval
        kind = match.group(1).rstrip("sS").capitalize()
        label = f"{kind} {chosen[0]}" if len(chosen) == 1 else f"{kind}s " + " and ".join(map(str, chosen))
        out.append(question[cursor : match.end()] + f" ({label})")
        cursor = match.end()
    return "".join(out) + question[cursor:]


# What people say → the operative or preamble phrase an Opinion uses for it.
_SECTION_WORDS = (
    (re.compile(r"\b(?:ask(?:s|ed|ing)?|urg(?:e|es|ed|ing)|call(?:s|ed)? (?:on|upon)|encourag\w*)\b", re.I), "invites"),
    (re.compile(r"\b(?:acknowledg\w*|admit\w*|accept(?:s|ed)? that)\b", re.I), "recognizing"),
    (re.compile(r"\b(?:position|stance|believe\w*|think\w*|conclu\w*)\b", re.I), "is of the view"),
    (re.compile(r"\b(?:recall\w*|refer(?:s|red)? back|remind\w*)\b", re.I), "recalling"),
    # a summary of an Opinion is what it concludes and what it asks for
    (re.compile(r"\b(?:summar\w*|overview|gist|main points?|key points?|in short|in a nutshell)\b", re.I),
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
    phrases = [
        phrase
        for pattern, phrase in _SECTION_WORDS
        if any(not _OTHER_SUBJECT.search(question[: m.start()]) for m in pattern.finditer(question))
    ]
    return f"{question} ({'; '.join(phrases)})" if phrases else question


# "What does the Broadband Commission urge …": the verb is another body's, quoted by the Opinion, not the
# Opinion's own call; the section it lives in is not the one the verb names.
_OTHER_SUBJECT = re.compile(r"\b(?:does|do|did)\s+(?:the\s+)?(?!opinions?\b|forum\b|wtpf\b|it\b)[A-Z][\w/-]*(?:\s+[A-Z][\w/-]*)*\s+$")
