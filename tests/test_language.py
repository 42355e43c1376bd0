"""English-only questions: other languages get a plain "ask in English", English never does."""

from __future__ import annotations

import json

import pytest

from assistant.query.language import NOT_ENGLISH, is_english, not_english_answer

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question",
    [
        "Qui a présidé le Groupe de travail 2 ?",
        "Quelle opinion traite de l'IPv6 ?",
        "¿Quién presidió el Grupo de Trabajo 2?",
        "Wer leitete die Arbeitsgruppe 2?",
        "Кто председательствовал в рабочей группе 2?",
        "谁主持了第二工作组？",
    ],
)
def test_questions_in_other_languages_are_not_english(question):
    assert not is_english(question)


def test_every_question_and_history_turn_of_the_question_sets_reads_as_english(report_path):
    files = [p for p in sorted((report_path.parent / "questions").glob("*.jsonl")) if p.name != "saved.jsonl"]
    lines = [line for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    records = [json.loads(line) for line in lines if line.strip()]
    texts = [r["question"] for r in records] + [h for r in records for h in r.get("history", [])]
    assert len(texts) > 200
    assert [t for t in texts if not is_english(t)] == []


@pytest.mark.parametrize("fragment", ["IPv6?", "WSIS", "and member states?", "And its vice-chair?", "CCBI?"])
def test_short_english_fragments_and_acronyms_pass(fragment):
    assert is_english(fragment)


def test_the_answer_abstains_with_the_message():
    answer = not_english_answer("Qui a présidé ?")
    assert answer.abstained and answer.answer == NOT_ENGLISH and not answer.citations
    assert answer.to_dict()["plan"] == "not-english" and answer.to_dict()["read_as"] is None


def test_the_assistant_abstains_on_a_french_question(hash_assistant):
    answer = hash_assistant.ask("Qui a présidé le Groupe de travail 2 ?")
    assert answer.abstained and answer.answer == NOT_ENGLISH and answer.related == ()
    assert not hash_assistant.ask("Who chaired Working Group 2?").abstained


def test_plain_english_questions_skip_the_model_and_other_languages_do_not():
    from assistant.query.language import obviously_english

    assert obviously_english("Who chaired Working Group 2?")
    assert obviously_english("what did the US say about IPv6")
    for foreign in ("Qui a preside le groupe de travail 2 ?", "Was ist die Meinung 4?", "Quién presidió el grupo?"):
        assert not obviously_english(foreign)
