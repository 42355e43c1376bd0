"""Question sets for evaluation: one JSON object per line, checked field by field.

`{"id": str, "question": str, "history": [str, …] (optional), "evidence": [[alternative, …], …],
  "facts": [[alternative, …], …], "answerable": bool, "type": str (optional: list, overview, compare, …)}`
Blank lines are allowed; every other problem raises QuestionFileError naming the file and line.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.errors import QuestionFileError

Groups = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    evidence: Groups
    facts: Groups
    answerable: bool
    history: tuple[str, ...] = ()
    type: str = ""  # the question's shape, for breaking metrics down
    line: int = 0  # where it was read, for messages


SPLITS = ("tune", "test")
TUNE_SHARE = 60  # percent of questions, by a hash of their id, that changes may be developed against


def split_of(question_id: str) -> str:
    """"tune" or "test", fixed by the id alone so a question never moves between splits."""
    bucket = int(hashlib.sha256(question_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "tune" if bucket < TUNE_SHARE else "test"


def _groups(value: Any, field: str, fail) -> Groups:
    if not isinstance(value, list):
        fail(f'"{field}" must be a list of lists of strings, got {type(value).__name__}')
    groups = []
    for i, group in enumerate(value):
        if not isinstance(group, list) or not group:
            fail(f'"{field}"[{i}] must be a non-empty list of alternative strings')
        for alt in group:
            # An empty alternative would be "contained" in every passage and make the piece trivially found.
            if not isinstance(alt, str) or not alt.strip():
                fail(f'"{field}"[{i}] must hold only non-empty strings, got {alt!r}')
        groups.append(tuple(group))
    return tuple(groups)


def parse_question(data: Any, fail) -> Question:
    """Check one decoded line; `fail(message)` raises with the file and line attached."""
    if not isinstance(data, dict):
        fail(f"expected a JSON object, got {type(data).__name__}")
    for key in ("id", "question", "evidence", "facts", "answerable"):
        if key not in data:
            fail(f'missing field "{key}"')
    for key in ("id", "question"):
        if not isinstance(data[key], str) or not data[key].strip():
            fail(f'"{key}" must be a non-empty string')
    if not isinstance(data["answerable"], bool):
        fail(f'"answerable" must be true or false, got {data["answerable"]!r}')
    history = data.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        fail('"history" must be a list of strings')
    kind = data.get("type", "")
    if not isinstance(kind, str):
        fail('"type" must be a string')
    evidence = _groups(data["evidence"], "evidence", fail)
    facts = _groups(data["facts"], "facts", fail)
    if data["answerable"] and not evidence:
        # Without evidence an answerable question cannot be scored for retrieval.
        fail('an answerable question needs at least one "evidence" piece')
    return Question(
        id=data["id"].strip(),
        question=data["question"],
        evidence=evidence,
        facts=facts,
        answerable=data["answerable"],
        history=tuple(history),
        type=kind.strip().lower(),
    )


def load_questions(path: str | Path) -> list[Question]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise QuestionFileError(f"{path}: question file not found") from None
    except OSError as exc:
        raise QuestionFileError(f"{path}: cannot read question file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise QuestionFileError(f"{path}:{line}: not UTF-8 text") from None

    questions: list[Question] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue

        def fail(message: str, number: int = number):
            raise QuestionFileError(f"{path}:{number}: {message}")

        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"invalid JSON ({exc.msg} at column {exc.colno})")
        question = parse_question(data, fail)
        if question.id in seen:
            fail(f'duplicate id "{question.id}" (first on line {seen[question.id]})')
        seen[question.id] = number
        questions.append(replace(question, line=number))
    if not questions:
        raise QuestionFileError(f"{path}: no questions (the file is empty)")
    return questions
