"""'Save as test case' records: the eval format, checked, appended atomically, loadable by the harness."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

import pytest

from assistant.errors import AssistantError, InputError
from assistant.evaluation.questions import load_questions
from assistant.evaluation.saved_cases import append_case, case_record
from assistant.settings import Settings

pytestmark = pytest.mark.unit

WHEN = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
QUOTE = "It was attended by 900 delegates, representing 126 Member States"


def test_record_has_the_eval_fields_and_verified_evidence(source):
    record = case_record(
        "How many delegates came?", history=["When was WTPF-13?"], evidence=[QUOTE], facts=["900", " "],
        scope="Part I", source=source, now=WHEN,
    )
    assert record["id"].startswith("saved-20240501-120000-")
    assert record["question"] == "How many delegates came?" and record["history"] == ["When was WTPF-13?"]
    assert record["evidence"] == [[QUOTE]] and record["facts"] == [["900"]]
    assert record["answerable"] is True and record["scope"] == "Part I" and "failing" not in record


def test_failing_record_keeps_the_note_and_an_abstention_is_unanswerable(source):
    record = case_record("What is the capital of Australia?", failing=True, note="should say not addressed",
                         source=source, now=WHEN)
    assert record["failing"] is True and record["note"] == "should say not addressed"
    assert record["answerable"] is False and record["evidence"] == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(question="  "), "needs a question"),
        (dict(question="q", evidence=["words that are not in the report at all"]), "not found in the report"),
        (dict(question="q", facts=["x" * 400]), "At most"),
    ],
)
def test_bad_records_are_refused_with_a_message(source, kwargs, message):
    question = kwargs.pop("question")
    with pytest.raises(InputError, match=message):
        case_record(question, source=source, **kwargs)


def test_append_writes_whole_lines_that_load_as_questions(tmp_path, source):
    path = tmp_path / "questions" / "saved.jsonl"
    record = case_record("How many delegates came?", evidence=[QUOTE], facts=["900"], source=source, now=WHEN)
    first = append_case(path, record)
    second = append_case(path, record)  # the same moment twice: the id gets a suffix, not a duplicate
    assert first == record["id"] and second == f"{record['id']}-2"
    questions = load_questions(path)
    assert [q.id for q in questions] == [first, second]
    assert questions[0].evidence == ((QUOTE,),) and questions[0].facts == (("900",),)
    assert [p.name for p in path.parent.iterdir()] == ["saved.jsonl"]  # no temporary file left behind


def test_append_keeps_a_file_without_a_final_newline(tmp_path, source):
    path = tmp_path / "saved.jsonl"
    path.write_text(json.dumps(case_record("Who came?", evidence=[QUOTE], source=source, now=WHEN)), encoding="utf-8")
    append_case(path, case_record("Who else came?", evidence=[QUOTE], source=source, now=WHEN))
    assert len(load_questions(path)) == 2


def test_append_reports_an_unwritable_place(tmp_path, source):
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        path = blocker / "saved.jsonl"  # a file where a folder should be stops even root
    else:
        path = tmp_path / "ro" / "saved.jsonl"
        path.parent.mkdir()
        path.parent.chmod(0o500)
    with pytest.raises(AssistantError, match="saved.jsonl"):
        append_case(path, case_record("Who came?", evidence=[QUOTE], source=source, now=WHEN))


def test_saved_cases_path_is_a_setting_and_never_inside_the_index(tmp_path, monkeypatch):
    assert Settings().saved_cases_path.parts[-3:] == ("corpus", "questions", "saved.jsonl")
    monkeypatch.setenv("ASSISTANT_SAVED_CASES", str(tmp_path / "mine.jsonl"))
    assert Settings.from_env().saved_cases_path == tmp_path / "mine.jsonl"
    with pytest.raises(AssistantError, match="saved_cases_path"):
        Settings(index_dir=tmp_path, saved_cases_path=tmp_path / "saved.jsonl")
