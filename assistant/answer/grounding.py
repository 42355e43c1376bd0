"""Does a cited clause say what a generated sentence claims? Pure checks on words, no model.

A sentence of an LLM reply that cites a clause stands only if the clause supports it:
  - the words it states outside quotes are (mostly) the clause's own words (Snowball stems, function words and
    reporting verbs left out); a sentence that quotes the clause verbatim needs fewer of them;
  - it adds no URL, number or name the clause (with its label and heading) lacks;
  - it keeps the clause's polarity: no negation added or dropped against the cited sentence, no "ban" for a
    clause that says "support", no "reject" for "agreed".
`unsupported_reason` returns why a sentence fails, or None. Quotes themselves are verified elsewhere
(`assistant.answer.llm_prompt.find_quote`); here a quote only stands for the words it covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.answer.llm_prompt import MARKER
from assistant.textnorm import fold_ws, stem

# Share of a sentence's content words (outside quotes) that must occur in the cited clauses. On the stub-server
# replies in tests/test_llm.py and tests/test_grounding.py faithful paraphrases cover 0.71 to 1.0 ("More than 180
# experts took part in the work" against "participated in the work": 5 of 7) and the invented sentences 0 to 0.4.
MIN_COVERAGE = 0.6
# A sentence carrying a verified quote is anchored by it; the words around the quote are framing
# ("Ghana proposed adding the phrase … to the recognizing section": 4 of 6 covered).
MIN_COVERAGE_QUOTED = 0.5

_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)?")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
_URL = re.compile(
    r"\bhttps?://[^\s\"”’)\]>]+|\bwww\.[^\s\"”’)\]>]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|int|gov|edu|io|info|biz|co|uk|ch|example)(?:/[^\s\"”’)\]>]*)?",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")

_FUNCTION_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers him his how i if in into is it its itself just may me might more most must my no nor
    not of off on once only or other our out over own per same shall she should so some such than that the their
    them then there these they this those through thus to too under until up upon us very was we were what when
    where which while who whom why will with within would yet you your""".split()
)
# Words that frame a claim rather than make it ("the report states that", "according to clause 2").
_FRAMING = frozenset(
    """according report reports reported states stated state says said say notes noted note mentions mentioned
    mention explains explained indicates indicated describes described clause clauses text document section
    paragraph passage cited cites quote quoted phrase wording words""".split()
)
# Capitalised words that name the document's own structure, not an outside party.
_GENERIC_NAMES = frozenset("opinion opinions report forum annex part clause section paragraph working group".split())
_NEGATORS = frozenset("not no never none nor neither without cannot".split())
_NEGATED_CONTRACTION = re.compile(r"\w+n[’']t\b", re.IGNORECASE)
# Words whose direction a paraphrase must keep. A claim word of either list must occur in the clause; a positive
# word the clause lacks is a flip only when the clause carries a negative one (and the other way round).
_AGAINST = frozenset(
    """ban bans banned banning prohibit prohibits prohibited forbid forbids forbidden reject rejects rejected oppose
    opposes opposed refuse refuses refused discourage discourages discouraged prevent prevents prevented block
    blocks blocked restrict restricts restricted abandon abandons abandoned halt halts halted stop stops stopped
    delay delays delayed oppose opposition against withdraw withdrew withdrawn deny denies denied abolish
    abolishes abolished slow slows slowed""".split()
)
_FOR = frozenset(
    """support supports supported supporting encourage encourages encouraged encouraging promote promotes promoted
    promoting facilitate facilitates facilitated welcome welcomes welcomed endorse endorses endorsed accept
    accepts accepted agree agrees agreed adopt adopts adopted favour favours favoured favor favors favored
    invite invites invited allow allows allowed enable enables enabled foster fosters fostered approve approves
    approved advocate advocates advocated accelerate accelerates accelerated""".split()
)


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _stems(words: Iterable[str]) -> set[str]:
    return {stem(w) for w in words}


def _negated(text: str) -> bool:
    return bool(_NEGATED_CONTRACTION.search(text)) or any(w in _NEGATORS for w in _words(text))


def _negated_stems(text: str) -> set[str]:
    """Stems of the content words a negation governs ("not to reopen the discussions" → reopen)."""
    words = _words(text)
    out = set()
    for i, word in enumerate(words):
        if word in _NEGATORS or word.endswith("n't"):
            following = [w for w in words[i + 1 : i + 5] if w not in _FUNCTION_WORDS]
            if following:
                out.add(stem(following[0]))
    return out


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text.replace("\u00a0", " "))}


def _names(claim: str) -> list[str]:
    """Capitalised words that may name a party, place or body (structure words and function words left out)."""
    names = []
    for word in _WORD.findall(claim):
        lower = word.lower().replace("’", "'")
        if word[0].isupper() and lower not in _FUNCTION_WORDS and lower not in _FRAMING and lower not in _GENERIC_NAMES:
            names.append(word)
    return names


def unsupported_reason(sentence: str, evidence: str, cited_spans: Iterable[str] = (), quoted: bool = False) -> str | None:
    """Why `sentence` is not supported by `evidence` (the cited clauses' label, heading and text), or None.

    `cited_spans` are the clause sentences (or verified quotes) the sentence was attached to; negation is compared
    against them, since a clause often says "not" in one sentence and not in the next. `quoted` marks a sentence
    whose quotes were all found in the cited clauses.
    """
    claim = fold_ws(MARKER.sub(" ", sentence))
    outside = fold_ws(_QUOTED.sub(" ", claim)) if quoted else claim
    evidence_lower = evidence.lower()

    for url in _URL.findall(outside):
        if url.lower().rstrip(".,;:") not in evidence_lower:
            return f"a link the clause does not give ({url.rstrip('.,;:')})"
    missing_numbers = sorted(_numbers(outside) - _numbers(evidence))
    if missing_numbers:
        return f"a number the clause does not give ({', '.join(missing_numbers)})"
    evidence_words = set(_words(evidence))
    evidence_stems = _stems(evidence_words)
    for name in _names(outside):
        lower = name.lower().replace("’", "'")
        if lower not in evidence_words and stem(lower) not in evidence_stems:
            return f"a name the clause does not mention ({name})"

    claim_words = set(_words(outside))
    spans = list(cited_spans) or [evidence]
    if _negated(outside) and not any(_negated(s) for s in spans):
        return "a negation the clause does not make"
    if not _negated(outside):
        dropped = {w for w in claim_words if stem(w) in set().union(*(_negated_stems(s) for s in spans))}
        if dropped:
            return f"drops the clause's negation of '{sorted(dropped)[0]}'"
    against = {w for w in claim_words if w in _AGAINST and stem(w) not in evidence_stems}
    if against:
        return f"says '{sorted(against)[0]}', which the clause does not"
    flipped = {w for w in claim_words if w in _FOR and stem(w) not in evidence_stems}
    if flipped and (any(w in _AGAINST for w in evidence_words) or _negated(evidence)):
        return f"says '{sorted(flipped)[0]}', which the clause does not"

    content = {w for w in claim_words if w not in _FUNCTION_WORDS and w not in _FRAMING and not w.isdigit()}
    if not content:
        return None if quoted else "no claim of its own to check"
    covered = sum(1 for w in content if stem(w) in evidence_stems)
    share = covered / len(content)
    if share < (MIN_COVERAGE_QUOTED if quoted else MIN_COVERAGE):
        return f"only {covered} of its {len(content)} words are in the clause"
    return None
