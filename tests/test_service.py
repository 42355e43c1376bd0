"""The whole pipeline on the real report with the fake embedder: input hygiene, verification, fallbacks."""

import socket

import pytest

from assistant.errors import InputError
from assistant.records import Filters
from assistant.service import Assistant
from assistant.answer.verify import quote_is_verbatim

pytestmark = pytest.mark.unit

QUESTIONS = [
    "Who chaired Working Group 2?",
    "Why did Opinions 3 and 4 stay separate?",
    "What did Ghana propose?",
    "What does Opinion 4 say about legacy addresses?",
    "When was WTPF-13 held?",
]


@pytest.mark.parametrize("bad", ["", "   ", "\u200b\u200d\u2060", "\x00\x01\x02", "?!?"])
def test_unusable_questions_get_a_readable_message(hash_assistant, bad):
    with pytest.raises(InputError) as err:
        hash_assistant.ask(bad)
    assert "question" in str(err.value).lower()


def test_enormous_question_is_refused_with_the_limit(hash_assistant):
    with pytest.raises(InputError, match="too long"):
        hash_assistant.ask("IPv6 " * 20_000)


def test_control_and_invisible_characters_are_stripped(hash_assistant):
    answer = hash_assistant.ask("Who\u200b chaired\x07 Working\u202e Group 2?")
    assert answer.question == "Who chaired Working Group 2?"


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_citation_is_verbatim_and_inside_its_clause(hash_assistant, question):
    answer = hash_assistant.ask(question)
    for citation in answer.citations:
        assert quote_is_verbatim(hash_assistant.source, citation)
        clause = hash_assistant.clause(citation.clause_id)
        assert clause is not None and clause.label == citation.label
        assert clause.start <= citation.start < citation.end <= clause.end
    if not answer.abstained:
        assert answer.citations and all(f"[{c.n}]" in answer.answer for c in answer.citations)


def test_report_has_no_working_group_4(hash_assistant):
    answer = hash_assistant.ask("Who chaired Working Group 4?")
    assert answer.abstained and answer.citations == ()
    assert "it has no Working Group 4" in answer.answer  # says why, not only that it does not
    assert answer.related, "closest clauses are offered instead"
    # it quotes nothing, so as retrieved it shows only the best clauses of the search, as any answer does
    assert 1 <= len(answer.retrieved) <= 2


def test_an_item_named_by_its_place_in_the_last_list_is_asked_about(hash_assistant):
    answer = hash_assistant.ask("what did the second one say", history=["who gave addresses at the opening of the forum"])
    assert answer.read_as == "what did H.E. Mme Doris Leuthard say"
    assert "Leuthard" in answer.answer
    # with no earlier list, the words stay as typed
    assert "Leuthard" not in (hash_assistant.ask("what did the second one say", history=["what is an IXP"]).read_as or "")


def test_a_person_typed_in_lower_case_is_swapped_in_for_the_one_asked_about_before(hash_assistant):
    # "kahn" is the report's "Dr Robert E. Kahn": asked of him what was asked of the ICANN CEO, not of both
    answer = hash_assistant.ask("and kahn?", history=["what was the icann ceo's message"])
    assert answer.read_as == "what was Kahn's message"
    assert "Kahn" in answer.answer


def test_the_next_item_by_its_place_asks_what_the_turn_before_asked_of_its_item(hash_assistant):
    # the earlier "what did the second one say" is read as it was then (Doris Leuthard), so "and the third?" asks
    # the same of the third speaker, not of whatever "the second one" reads as without its list
    opening = ["who gave addresses at the opening of the forum", "what did the second one say"]
    for asked in ("and the third?", "what about the third one?"):
        assert hash_assistant.ask(asked, history=opening).read_as == "what did Mr Fadi Chehadé say", asked
    opinions = ["list the six opinions", "what is the fourth one about"]
    assert hash_assistant.ask("and the fifth one?", history=opinions).read_as == "what is Opinion 5 about"


def test_whether_what_an_actor_put_forward_was_adopted_is_where_the_report_settles_it(hash_assistant):
    answer = hash_assistant.ask("was it adopted?", history=["what did brazil propose"])
    assert answer.plan == "sequel"
    assert "the new Draft Opinion was not adopted" in answer.answer
    assert "Russian Federation presented its contribution" not in answer.answer


def test_a_thing_pointed_at_is_looked_for_first_where_the_last_answer_told_it(hash_assistant):
    history = [{"question": "what does the resolution opinion 6 cites ask the cstd chair",
                "cited": ["opinion-6/noting/c", "annex-1/wg-3/p6"]}]
    answer = hash_assistant.ask("who sits on that working group", history=history)
    # the resolution's working group, told where the last answer quoted it, not the forum's Working Groups
    assert [c.clause_id for c in answer.citations] == ["opinion-6/noting/c"]
    assert "balanced representation" in answer.answer


def test_follow_up_is_rewritten_and_shown(hash_assistant):
    answer = hash_assistant.ask("And its vice-chair?", history=["Who chaired Working Group 2?"])
    assert "Working Group 2" in answer.rewritten_query
    assert answer.rewritten_query != answer.question


def test_filters_restrict_citations(hash_assistant):
    answer = hash_assistant.ask("What does the opinion invite Member States to do?", filters=Filters(opinion=3))
    assert all(hash_assistant.clause(c.clause_id).opinion == 3 for c in answer.citations)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dead_llm_endpoint_falls_back_to_the_extractive_answer(hash_assistant):
    from assistant.answer.llm import OpenAICompatibleGenerator

    generator = OpenAICompatibleGenerator(f"http://127.0.0.1:{_closed_port()}/v1", "any-model", timeout=1.0, retries=0)
    a = Assistant(
        hash_assistant.settings, hash_assistant.source, hash_assistant.clauses, hash_assistant.retriever,
        generator, hash_assistant.composer.vectors,
    )
    answer = a.ask("Who chaired Working Group 2?", use_llm=True)
    assert answer.backend == "extractive"
    assert answer.notice and "extractive" in answer.notice
    assert answer.citations


def test_llm_backend_answer_goes_through_the_facade_with_checked_citations(hash_assistant):
    from stub_llm_server import StubLLMServer

    from assistant.answer.llm import OpenAICompatibleGenerator
    from assistant.service import CANDIDATES

    question = "Who chaired Working Group 2?"
    hits = hash_assistant.retriever.search(question, k=CANDIDATES)
    n = next(i for i, h in enumerate(hits, 1) if "Musab Abdulla" in hash_assistant.source[h.clause.start : h.clause.end])
    server = StubLLMServer(reply_text=f'Working Group 2 was chaired by "Mr Musab Abdulla (Bahrain)" [{n}].').start()
    try:
        generator = OpenAICompatibleGenerator(server.base_url, "stub-model", timeout=5.0, retries=0)
        a = Assistant(
            hash_assistant.settings, hash_assistant.source, hash_assistant.clauses, hash_assistant.retriever,
            generator, hash_assistant.composer.vectors,
        )
        answer = a.ask(question)  # a configured endpoint is used by default
    finally:
        server.stop()
    assert answer.backend == "llm" and not answer.abstained
    (citation,) = answer.citations
    assert citation.quote == "Mr Musab Abdulla (Bahrain)"
    assert quote_is_verbatim(hash_assistant.source, citation)
    assert answer.question == question and answer.rewritten_query == question


def test_a_bare_noun_phrase_asks_the_last_question_of_what_it_names(hash_assistant):
    answer = hash_assistant.ask("sector members?", history=["how many member states attended wtpf-13"])
    # counted where the last question counted
    assert answer.read_as is not None and answer.read_as.startswith("how many sector members attended")
    assert "49 Sector Members" in answer.answer
    assert hash_assistant.ask("sector members?").read_as is None  # with no conversation it stands alone


def test_a_follow_up_asking_of_something_the_report_never_mentions_is_unanswered(hash_assistant):
    answer = hash_assistant.ask("how many of them were women", history=["how many delegates came to wtpf-13"])
    assert answer.abstained and "never mentions women" in answer.answer


def test_a_numbered_thing_named_by_its_ordinal_is_no_reading_of_the_conversation(hash_assistant):
    # "the first session" is searched as the report's "Session 1", but nothing of the earlier turn was read into it
    answer = hash_assistant.ask("what did the first session of the strategic dialogue debate", history=["who chaired wg1?"])
    assert answer.read_as is None
    assert answer.rewritten_query.startswith("what did Session 1 of the strategic dialogue debate")
