"""Is a question in English? The report and the assistant are English only, so a question in another language
gets a plain "ask in English" instead of a misleading answer from English clauses that share a few words with it.

Detection is py3langid (a naive-Bayes byte n-gram model shipped inside the package, stored as npz, no pickle),
limited to the report's likely readers' languages: left to all 97, short English questions drift to look-alikes
("Why did Opinions 3 and 4 stay separate?" reads as Nigerian Pidgin).
"""

from __future__ import annotations

import threading
from functools import lru_cache

from assistant.records import Answer

NOT_ENGLISH = "The report and the assistant are in English; try asking in English."
# The six UN languages and the other large European ones the forum's delegates wrote in.
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh", "pt", "de", "it", "nl")
# A question counts as foreign only when another language is this likely. Measured: all 497 questions and history
# turns of dev.jsonl (220) and users.jsonl (277) read as English; French, Spanish, German, Russian and Chinese questions score 0.968-1.0,
# while English fragments that do misread ("IPv6?" as Arabic) stay under 0.2 and are let through.
MIN_FOREIGN = 0.9
MIN_LETTERS = 8  # fewer letters than this ("IPv6?", "WSIS") is too little to judge, and usually an acronym

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def load():
    """The identifier, loaded once (~1.4 s); call early to keep that off the first question."""
    with _lock:  # two first questions at once would otherwise both load the model
        return _load()


def detect(text: str) -> tuple[str, float]:
    """(language code, probability) of the text among LANGUAGES."""
    language, probability = load().classify(text)
    return str(language), float(probability)


# English function words: a question in plain ASCII holding one of them is English without asking the model,
# which keeps its ~1.4 s load off a command-line question. Measured: 452 of the 481 questions and history turns
# of dev.jsonl and users.jsonl pass this way; the other 29 are terse ("CDN?", "gist of opinion 1?") and the model
# still reads them as English. None of these words is a common word of the other LANGUAGES.
_ENGLISH_WORDS = frozenset(
    "the of and to with what who which when where why how did does were been they their there this that these those "
    "would should could about".split()
)


def obviously_english(text: str) -> bool:
    words = {w.lower() for w in text.split()}
    return text.isascii() and bool(words & _ENGLISH_WORDS)


def is_english(text: str) -> bool:
    """False only when the text is long enough to judge and confidently in another language."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS or obviously_english(text):
        return True
    language, probability = detect(text)
    return language == "en" or probability < MIN_FOREIGN


def not_english_answer(question: str) -> Answer:
    """The abstention for a question in another language."""
    return Answer(question=question, answer=NOT_ENGLISH, abstained=True, plan="not-english")
