"""Checks on the development question set: format, and that every quoted string really is in the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "corpus" / "questions" / "dev.jsonl"
REPORT = ROOT / "corpus" / "wtpf-13-report.txt"
KEYS = {"id", "question", "history", "evidence", "facts", "answerable"}
MIN_QUESTIONS = 60
MIN_UNANSWERABLE = 8


def _fold(text: str) -> str:
    # The evaluation matches case- and whitespace-insensitively, so the check does the same.
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    rows = []
    for number, line in enumerate(QUESTIONS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            pytest.fail(f"line {number} is not valid JSON: {exc}")
    return rows


@pytest.fixture(scope="module")
def report() -> str:
    return _fold(REPORT.read_text(encoding="utf-8"))


def _string_groups(value) -> bool:
    return isinstance(value, list) and all(
        isinstance(group, list) and group and all(isinstance(alt, str) and alt.strip() for alt in group)
        for group in value
    )


def test_every_line_has_the_expected_fields(questions):
    for row in questions:
        assert isinstance(row, dict) and set(row) == KEYS, row
        assert isinstance(row["id"], str) and row["id"].strip(), row
        assert isinstance(row["question"], str) and row["question"].strip(), row["id"]
        assert isinstance(row["answerable"], bool), row["id"]
        assert _string_groups(row["evidence"]), row["id"]
        assert _string_groups(row["facts"]), row["id"]


def test_history_entries_are_strings(questions):
    for row in questions:
        assert isinstance(row["history"], list), row["id"]
        assert all(isinstance(turn, str) and turn.strip() for turn in row["history"]), row["id"]


def test_ids_are_unique(questions):
    ids = [row["id"] for row in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates


def test_set_is_large_enough(questions):
    assert len(questions) >= MIN_QUESTIONS
    assert sum(not row["answerable"] for row in questions) >= MIN_UNANSWERABLE
    assert any(row["history"] for row in questions), "no follow-up questions"


def test_answerable_questions_have_evidence_and_unanswerable_none(questions):
    for row in questions:
        if row["answerable"]:
            assert row["evidence"], row["id"]
        else:
            assert row["evidence"] == [] and row["facts"] == [], row["id"]


def test_every_evidence_alternative_is_in_the_report(questions, report):
    missing = [
        (row["id"], alt)
        for row in questions
        for group in row["evidence"]
        for alt in group
        if _fold(alt) not in report
    ]
    assert not missing


def test_every_fact_alternative_is_in_the_report(questions, report):
    missing = [
        (row["id"], alt)
        for row in questions
        for group in row["facts"]
        for alt in group
        if _fold(alt) not in report
    ]
    assert not missing


def test_the_fold_helper_ignores_case_and_whitespace_only():
    assert _fold("  Working\n Group\t2 ") == "working group 2"
    assert _fold("") == ""
    assert _fold("Group 2") != _fold("Group 3")
