"""Question files: valid sets load; every malformed line is reported with the file and its line number."""

from __future__ import annotations

import json

import pytest

from assistant.errors import QuestionFileError
from assistant.evaluation.questions import Question, load_questions

pytestmark = pytest.mark.unit


def _line(**overrides) -> str:
    data = {
        "id": "q1",
        "question": "Who chaired the expert group?",
        "evidence": [["Mr Petko Kantchev"]],
        "facts": [["Kantchev"], ["Bulgaria"]],
        "answerable": True,
    }
    data.update(overrides)
    return json.dumps({k: v for k, v in data.items() if v is not ...})


def _write(tmp_path, *lines: str):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_questions_skipping_blank_lines(tmp_path):
    path = _write(
        tmp_path,
        _line(),
        "",
        "   ",
        _line(id="q2", question="And its vice-chair?", history=["Who chaired the expert group?"]),
        _line(id="u1", question="What is the capital of Australia?", evidence=[], facts=[], answerable=False),
    )
    questions = load_questions(path)
    assert [q.id for q in questions] == ["q1", "q2", "u1"]
    first = questions[0]
    assert first == Question(
        id="q1",
        question="Who chaired the expert group?",
        evidence=(("Mr Petko Kantchev",),),
        facts=(("Kantchev",), ("Bulgaria",)),
        answerable=True,
        history=(),
        line=1,
    )
    assert questions[1].history == ("Who chaired the expert group?",)
    assert questions[1].line == 4
    assert not questions[2].answerable


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ('{"id": "q2", "question": ', "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (_line(id="q2", facts=...), 'missing field "facts"'),
        (_line(id="q2", answerable="yes"), '"answerable" must be true or false'),
        (_line(id="q2", question=""), '"question" must be a non-empty string'),
        (_line(id=7), '"id" must be a non-empty string'),
        (_line(id="q2", history="earlier question"), '"history" must be a list of strings'),
        (_line(id="q2", evidence=["Kantchev"]), '"evidence"[0] must be a non-empty list'),
        (_line(id="q2", evidence=[[]]), '"evidence"[0] must be a non-empty list'),
        (_line(id="q2", evidence=[["ok", " "]]), "non-empty strings"),
        (_line(id="q2", facts={"a": 1}), '"facts" must be a list of lists'),
        (_line(id="q2", evidence=[]), "needs at least one"),
        (_line(id="q1"), 'duplicate id "q1" (first on line 1)'),
    ],
)
def test_errors_name_file_and_line(tmp_path, bad_line, expected):
    path = _write(tmp_path, _line(), "", bad_line, _line(id="q9"))
    with pytest.raises(QuestionFileError) as info:
        load_questions(path)
    message = str(info.value)
    assert message.startswith(f"{path}:3: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_file_is_an_error(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(QuestionFileError, match="not found"):
        load_questions(tmp_path / "nope.jsonl")


def test_non_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(_line().encode() + b"\n" + "{\"id\": \"caf\xe9\"}".encode("latin-1") + b"\n")
    with pytest.raises(QuestionFileError, match=r":2: not UTF-8"):
        load_questions(path)


def test_unanswerable_question_may_have_no_evidence(tmp_path):
    path = _write(tmp_path, _line(evidence=[], facts=[], answerable=False))
    (question,) = load_questions(path)
    assert question.evidence == () and question.facts == ()


def test_type_field_is_read_and_checked(tmp_path):
    from assistant.evaluation.questions import load_questions

    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": "a", "type": "List", "question": "q?", "evidence": [["x"]], "facts": [], "answerable": true}\n'
        '{"id": "b", "type": 3, "question": "q?", "evidence": [["x"]], "facts": [], "answerable": true}\n'
    )
    with pytest.raises(QuestionFileError, match=r":2: \"type\" must be a string"):
        load_questions(path)
    path.write_text(path.read_text().splitlines()[0] + "\n")
    assert load_questions(path)[0].type == "list"


def test_split_is_fixed_by_the_id_and_near_sixty_forty():
    from assistant.evaluation.questions import split_of

    ids = [f"q{i}" for i in range(2000)]
    assert [split_of(i) for i in ids] == [split_of(i) for i in ids]
    share = sum(split_of(i) == "tune" for i in ids) / len(ids)
    assert 0.55 < share < 0.65
