"""User-input hygiene: terminal control sequences, invisible characters, length checked before cleaning."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.textnorm import RAW_SLACK, check_question, clean_input, strip_control_sequences

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mWho chaired Working Group 2?\x1b[0m", "Who chaired Working Group 2?"),
        ("\x1b[1;38;5;196mbold red\x1b[m text", "bold red text"),
        ("before\x1b]0;window title\x07after", "beforeafter"),
        ("a \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ b", "a link b"),
        ("\x9b31mC1 CSI\x9b0m", "C1 CSI"),
        ("charset\x1b(B switch", "charset switch"),
        ("cursor\x1b[2J\x1b[H home", "cursor home"),
        ("unterminated title\x1b]0;never closed", "unterminated title"),
        ("plain [31m brackets stay", "plain [31m brackets stay"),
    ],
)
def test_control_sequences_are_removed_whole(raw, clean):
    assert clean_input(raw) == clean


def test_text_without_escapes_is_unchanged():
    text = "Opinion 4 › recognizing (g) [1] “quoted” — café"
    assert strip_control_sequences(text) == text


def test_question_far_over_the_limit_is_refused_before_cleaning(monkeypatch):
    from assistant import textnorm

    def unread(text):
        raise AssertionError("a question over the raw limit must not be cleaned")

    monkeypatch.setattr(textnorm, "clean_input", unread)
    with pytest.raises(InputError, match="too long .*5,000,000 characters"):
        check_question("a" * 5_000_000, 2000)


def test_padding_that_cleaning_removes_is_allowed_up_to_the_slack():
    question = "Who chaired Working Group 2?" + " " * (2000 * (RAW_SLACK - 1))
    assert check_question(question, 2000) == "Who chaired Working Group 2?"


@pytest.mark.parametrize("value", [42, None, ["Who?"], {"question": "Who?"}])
def test_a_question_that_is_not_text_is_a_clear_error(value):
    with pytest.raises(InputError, match="must be text"):
        check_question(value, 2000)


def test_a_people_is_found_by_the_name_it_is_called_after():
    from assistant.textnorm import demonym_of

    names = {"brazil", "turkey", "ghana"}
    assert demonym_of("brazilians", names) == "brazil"
    assert demonym_of("ghanaian", names) == "ghana"
    assert demonym_of("turkish", names) == "turkey"  # the stem starts the name
    assert demonym_of("polish", names) is None  # a stem of three letters names nothing
    assert demonym_of("english", names) is None
