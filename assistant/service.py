"""The assistant as one object: load the report, search it, answer questions about it.

CLI, UI and evaluation all go through `Assistant`; it owns no logic of its own beyond wiring
the steps together and turning bad input into readable errors.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from assistant.compose import Composer
from assistant.conversation import clean_history, name_opinions, name_sections, rewrite_query
from assistant.embed import make_embedder
from assistant.errors import AssistantError
from assistant.parse import parse_report
from assistant.question import ABSTAIN_FOREIGN, missing_specifics, should_abstain, unknown_specifics
from assistant.read_report import read_report
from assistant.records import Answer, Clause, Filters, Hit
from assistant.retrieve import open_retriever
from assistant.artifacts import stored_parse
from assistant.index_store import unit_texts
from assistant.sentence_index import QueryCachingEmbedder, open_sentence_vectors, sentence_clauses
from assistant.settings import Settings
from assistant.textnorm import check_question

log = logging.getLogger(__name__)

CANDIDATES = 8  # clauses the composer may draw sentences from
NAMED_PLACE = 0.5  # route score of a named section or clause (a whole opinion or part scores less)
RELATED = 3
_NUMBERED_PLACE = re.compile(r"\b(opinions?|working groups?|wg)\s*(\d{1,3})\b", re.I)
ABSTAIN_TEXT = "The report does not address this question. The closest passages are listed below as related."


class Assistant:
    def __init__(self, settings: Settings, source: str, clauses: list[Clause], retriever, generator=None, vectors=None):
        self.settings = settings
        self.source = source
        self.clauses = clauses
        self.retriever = retriever
        self.generator = generator
        self.composer = Composer(source, clauses, vectors)
        self._report_lower = source.lower()
        self._by_id = {c.id: c for c in clauses}
        self._opinions = {c.opinion for c in clauses if c.opinion is not None}
        self._titles = {c.opinion: c.opinion_title for c in clauses if c.opinion is not None and c.opinion_title}
        self._groups = {c.working_group for c in clauses if c.working_group is not None}

    @classmethod
    def load(cls, settings: Settings | None = None, *, progress: bool = False, rebuild: bool = False) -> "Assistant":
        settings = settings or Settings.from_env()
        source = read_report(settings.corpus_path)
        try:
            clauses = stored_parse(settings.index_dir / "parsed", source, parse_report)
        except AssistantError as exc:
            raise type(exc)(f"{settings.corpus_path}: {exc}") from None
        embedder = QueryCachingEmbedder(make_embedder(settings))
        embedder.prepare(rebuild=rebuild)  # the encoder: exported first if the index lacks it (or on rebuild)
        units = sentence_clauses(clauses, source)
        # Whichever index has to be built embeds the passages of both, in one pass and each text once.
        embedder.plan(unit_texts(clauses) + unit_texts(units))
        try:
            retriever = open_retriever(settings, clauses, source, embedder=embedder, progress=progress, rebuild=rebuild)
            vectors = open_sentence_vectors(
                settings, clauses, source, embedder, units=units, progress=progress, rebuild=rebuild
            )
        finally:
            embedder.plan(None)
        _one_thread_per_query()
        return cls(settings, source, clauses, retriever, _make_generator(settings), vectors)

    def clause(self, clause_id: str) -> Clause | None:
        return self._by_id.get(clause_id)

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        cleaned = check_question(query, self.settings.max_query_chars)
        return self.retriever.search(cleaned, k=k or self.settings.k, filters=filters)

    def ask(self, question: str, history=(), filters: Filters | None = None, use_llm: bool | None = None) -> Answer:
        cleaned = check_question(question, self.settings.max_query_chars)
        named: list[str] = []
        for turn in clean_history(history):
            named.append(name_opinions(turn, self._titles, previous=named[-1] if named else ""))
        own = name_opinions(cleaned, self._titles, previous=named[-1] if named else "")
        query = name_sections(rewrite_query(own, named))
        # The composer reads a wider pool than retrieval hands over; what is shown as retrieved is cut as search is.
        hits = self.retriever.search(query, k=max(CANDIDATES, self.settings.k), filters=filters, cut_weak_tail=False)
        unknown = unknown_specifics(query, self._report_lower, self.composer.vocabulary)
        if unknown:
            return self._abstention(cleaned, query, hits, unknown)
        if self.abstains(query, hits):
            return self._abstention(cleaned, query, hits)
        answer = self.composer.compose(cleaned, query, hits, filters=filters)
        missing = missing_specifics(query, [c.quote for c in answer.citations])
        if not answer.citations or missing:
            return self._abstention(cleaned, query, hits, f"nothing in it states {missing}" if missing else None)
        want_llm = self.generator is not None if use_llm is None else use_llm
        if want_llm:
            answer = self._generate(answer, query, hits)
        return replace(answer, retrieved=tuple(self._shown(hits)))

    def _shown(self, hits: list[Hit]) -> list[Hit]:
        """The hits handed over as retrieved: the top k, without a weak tail (as `search` returns them)."""
        top = hits[: self.settings.k]
        return top[: self.retriever.strong_prefix([h.score for h in top])]

    def _abstention(self, question: str, query: str, hits: list[Hit], reason: str | None = None) -> Answer:
        """"The report does not address this", with the closest clauses as related."""
        why = f" ({reason})" if reason else ""
        return Answer(
            question=question,
            answer=ABSTAIN_TEXT.replace("this question.", f"this question{why}.", 1),
            rewritten_query=query,
            abstained=True,
            related=tuple(hits[:RELATED]),
            retrieved=tuple(self._shown(hits)),
        )

    def abstains(self, query: str, hits: list[Hit]) -> bool:
        """The report does not address the query: it names a place the report lacks, or nothing matches."""
        if not hits or self.missing_places(query):
            return True
        content = [h for h in hits if h.clause.kind != "heading"] or hits
        foreign = self.composer.foreign(query)
        # "What does the second point of Opinion 1's 'is of the view' say?" is all structure and little meaning:
        # a named section or clause that exists is answer enough, unless the question is about unknown things.
        if max(h.parts.get("route", 0.0) for h in hits) >= NAMED_PLACE and foreign < ABSTAIN_FOREIGN[-1][0]:
            return False
        return should_abstain(self.composer.meaning(query, content), foreign)

    def missing_places(self, query: str) -> list[str]:
        """Opinions or Working Groups the query names by number that the report does not have."""
        missing = []
        for kind, number in _NUMBERED_PLACE.findall(query):
            known = self._opinions if kind.lower().startswith("opinion") else self._groups
            if int(number) not in known:
                missing.append(f"{kind} {number}")
        return missing

    def _generate(self, extractive: Answer, query: str, hits: list[Hit]) -> Answer:
        from assistant.llm import GeneratorError, fallback_notice

        if self.generator is None:
            return replace(extractive, notice=fallback_notice("no LLM endpoint is configured"))
        try:
            generated = self.generator.generate(query, hits, self.source)
        except GeneratorError as exc:
            log.warning("LLM backend failed: %s", exc)
            return replace(extractive, notice=fallback_notice(str(exc)))
        return replace(generated, question=extractive.question, rewritten_query=query)


def _one_thread_per_query() -> None:
    """Indexes are built; from here on the model only embeds one short query at a time.

    Measured on 2 cores: a query takes ~12 ms on one torch thread, but ~480 ms on two when another
    process (or another request) holds a core, because the second thread spins waiting for it.
    """
    import sys

    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def _make_generator(settings: Settings):
    if not (settings.llm_base_url and settings.llm_model):
        return None
    from assistant.llm import OpenAICompatibleGenerator

    return OpenAICompatibleGenerator.from_settings(settings)
