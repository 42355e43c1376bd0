"""Quality on the real report with the real model: the dev question set end to end.

The floors sit a little under what the current pipeline measures (see the issue notes), so a
change that makes retrieval or answers worse fails here; citations must stay 100% verbatim.
"""

from pathlib import Path

import pytest

from assistant.evaluate import run_eval
from assistant.questions import load_questions
from assistant.verify import quote_is_verbatim

pytestmark = pytest.mark.model

DEV = Path(__file__).resolve().parent.parent / "corpus" / "questions" / "dev.jsonl"


@pytest.fixture(scope="module")
def report(real_assistant):
    return run_eval(real_assistant, load_questions(DEV), k=5)


def test_retrieval_finds_the_evidence_in_few_characters(report):
    clauses = report.systems[0]
    assert clauses.recall[5] >= 0.90
    assert clauses.recall[10] >= 0.94
    assert clauses.context_chars <= 1500


def test_answers_are_cited_verbatim_and_carry_the_facts(report):
    answers = report.answers
    assert answers.citations_total > 0 and answers.citations_valid == answers.citations_total
    assert answers.fact_recall >= 0.88
    assert answers.evidence_quoted / answers.answerable >= 0.87


def test_abstention_on_the_dev_set(report):
    answers = report.answers
    assert answers.abstained_unanswerable / answers.unanswerable >= 0.92
    assert answers.abstained_answerable / answers.answerable <= 0.05


def test_why_opinions_3_and_4_stayed_separate(real_assistant):
    answer = real_assistant.ask("Why did Opinions 3 and 4 stay separate?")
    text = answer.answer.lower()
    assert not answer.abstained
    for piece in ("turkey", "merge", "compromise", "time constraints", "not to insist"):
        assert piece in text, piece
    assert all(quote_is_verbatim(real_assistant.source, c) for c in answer.citations)
    assert {c.clause_id for c in answer.citations} <= {c.id for c in real_assistant.clauses if c.working_group == 2}


def test_follow_up_about_the_vice_chair(real_assistant):
    answer = real_assistant.ask("And its vice-chair?", history=["Who chaired Working Group 2?"])
    assert "Tchonang" in answer.answer


def test_near_identical_clauses_are_told_apart_by_opinion(real_assistant):
    for opinion in (3, 4):
        answer = real_assistant.ask(f"What does Opinion {opinion} recognize about the last IPv4 blocks?")
        cited = [real_assistant.clause(c.clause_id) for c in answer.citations]
        assert cited and cited[0].opinion == opinion


@pytest.mark.parametrize("question", ["What is the capital of Australia?", "How should regulators design 5G spectrum auctions?"])
def test_off_topic_questions_abstain_with_related_clauses(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.abstained and "does not address" in answer.answer
    assert answer.citations == () and answer.related
