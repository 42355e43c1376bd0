"""Typing slips in a question, mended to the report's own words: "what did austrailia propose" → "australia".

A word is only mended when neither the report nor an English dictionary knows it, so "gist", "wording" or
"nutshell" stay as typed, and it is mended to a word of the report within two edits (one for short words),
the most frequent such word first (pyspellchecker's choice). The English dictionary is read on first need.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

# Shorter words have too many neighbours one edit away to guess from ("grup" could be "group" or "grip").
MIN_LENGTH = 5
# Up to this length a slip is one edit; longer words may hold two ("goverments", "secretery").
ONE_EDIT_UP_TO = 6
# Past this length the two-edit neighbourhood grows too large to search (~1 s for a 19-letter word) and a long
# word the report lacks ("multistakeholderism") is seldom a slip.
TWO_EDITS_UP_TO = 12
_WORD = re.compile(r"(?<![\w'’@./-])[^\W\d_]{%d,}(?![\w'’@/-])" % MIN_LENGTH)
_REPORT_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _english():
    from spellchecker import SpellChecker

    return SpellChecker(language="en")


class Speller:
    def __init__(self, report_text: str):
        from spellchecker import SpellChecker

        self._counts = Counter(w.lower() for w in _REPORT_WORD.findall(report_text))
        self.vocabulary = frozenset(self._counts)
        self._report = SpellChecker(language=None, distance=2)
        self._report.word_frequency.load_json(dict(self._counts))

    def _known(self, word: str) -> bool:
        if word in self.vocabulary:
            return True
        english = _english()
        # "brazils", "whats", "didnt", "summarise": a known word with its ending typed loosely
        variants = (word, word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith("nt") else "",
                    word.replace("is", "iz") if "is" in word else "")
        return any(v and (v in self.vocabulary or v in english) for v in variants)

    def _completed(self, word: str) -> str | None:
        """A word cut short ("contribs", "recommendat"): the report's commonest word it begins, plural if typed so."""
        start = word[:-1] if word.endswith("s") else word
        longer = [w for w in self.vocabulary if w.startswith(start) and len(w) > len(start) + 1]
        if not longer:
            return None
        plural = [w for w in longer if w.endswith("s")] if word.endswith("s") else []
        return max(plural or longer, key=lambda w: (self._counts[w], w))

    def mend(self, word: str) -> str | None:
        """The report's word `word` was meant to be, or None when it stands as typed."""
        lower = word.lower()
        if self._known(lower):
            return None
        fix = self._completed(lower)
        if fix is None:
            found = self._report.known(self._report.edit_distance_1(lower))
            if not found and ONE_EDIT_UP_TO < len(lower) <= TWO_EDITS_UP_TO:
                found = self._report.known(self._report.edit_distance_2(lower))
            fix = max(found, key=lambda w: (self._counts[w], w)) if found else None
        return fix if fix != lower else None

    def correct(self, question: str) -> str:
        """`question` with its slips mended; every other character as typed."""
        return _WORD.sub(lambda m: self.mend(m.group(0)) or m.group(0), question)
