"""Resolving mentions of report places to clause ids (used by the parser and by query routing)."""

from __future__ import annotations

import pytest

from assistant.report.refs import resolve_references

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text, context, expected",
    [
        ("recognizing (a) was revised", 5, ["opinion-5/recognizing/a"]),
        ("(iv) of sub-section (c) of the recognizing section", 2, ["opinion-2/recognizing/c/iv"]),
        ("the second bullet of the invites section", 1, ["opinion-1/invite/b2"]),
        ("the 3rd bullet of the invite section", 1, ["opinion-1/invite/b3"]),
        ("Draft Opinion 3", None, ["opinion-3"]),
        ("Opinions 3 and 4", None, ["opinion-3", "opinion-4"]),
        ("Opinion 5 and Opinion 6", None, ["opinion-5", "opinion-6"]),
        ("noting a) above", 6, ["opinion-6/noting/a"]),
        ("What does Opinion 4 recognizing (g) say?", None, ["opinion-4", "opinion-4/recognizing/g"]),
        ("Opinion 2 recognizing (c)(iv)", None, ["opinion-2", "opinion-2/recognizing/c/iv"]),
        ("recognizing (l)(2) of Opinion 3", None, ["opinion-3/recognizing/l/2", "opinion-3"]),
        ("the recognizing further section of Opinion 4", None, ["opinion-4/recognizing-further", "opinion-4"]),
        ("paragraph a) under recalling section", 6, ["opinion-6/recalling/a"]),
        ("Working Group 2 report", None, ["annex-1/wg-2"]),
        ("what did WG3 decide?", None, ["annex-1/wg-3"]),
        ("see Annex I and Part II", None, ["annex-1", "part-2"]),
        ("a new paragraph e) under recognizing section", 5, ["opinion-5/recognizing"]),
        ("the invites Member States, Sector Members and all interested stakeholders section", 2,
         ["opinion-2/invites-member-states-sector-members"]),
    ],
)
def test_resolves_mentions(clauses, text, context, expected):
    assert resolve_references(text, clauses, context) == expected


@pytest.mark.parametrize(
    "text, context",
    [
        ("WTPF Opinion 5 (Lisbon, 2009) calling for acceleration", None),  # another forum's opinion
        ("Considering the number and nature of contributions", 3),  # a verb in prose, not a section
        ("paragraph 37 of the Tunis Agenda", 5),
        ("recognizing (a) was revised", None),  # no opinion named and no context: ambiguous
        ("Opinion 9", None),
    ],
)
def test_leaves_non_references_alone(clauses, text, context):
    assert resolve_references(text, clauses, context) == []


def test_empty_inputs(clauses):
    assert resolve_references("", clauses) == []
    assert resolve_references("recognizing (a) of Opinion 4", []) == []


def test_single_mentioned_opinion_gives_context(clauses):
    refs = resolve_references("In Opinion 4, recognizing (g) speaks of dual stack", clauses)
    assert refs == ["opinion-4", "opinion-4/recognizing/g"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Part I ¶11", ["part-1/p11"]),
        ("paragraph 11 of Part I", ["part-1/p11"]),
        ("Annex I › Working Group 2 › ¶4", ["annex-1", "annex-1/wg-2/p4"]),
        ("paragraph 4 of the Working Group 2 report", ["annex-1/wg-2/p4"]),
        ("Part I paragraph 99", ["part-1"]),  # no such paragraph: the part
        ("What does Opinion 6 say in recognizing?", ["opinion-6", "opinion-6/recognizing"]),
        ("How do Opinions 3 and 4 differ in recognizing (g)?",
         ["opinion-3", "opinion-4", "opinion-3/recognizing/g", "opinion-4/recognizing/g"]),
    ],
)
def test_user_style_mentions(clauses, text, expected):
    assert resolve_references(text, clauses) == expected


def test_this_draft_opinion_takes_the_context(clauses):
    assert resolve_references("The Working Group considered this Draft Opinion", clauses, 6) == ["opinion-6"]
    assert resolve_references("The Working Group considered this Draft Opinion", clauses) == []
    assert resolve_references("the new Draft Opinion from Brazil", clauses) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("recognizing g of Opinion 4", ["opinion-4/recognizing/g", "opinion-4"]),
        ("Opinion 4, recognizing paragraph g?", ["opinion-4", "opinion-4/recognizing/g"]),
        ("Opinion 2 › recognizing (c)(iv)", ["opinion-2", "opinion-2/recognizing/c/iv"]),
        ("Opinion 4 recognizing a lot of things", ["opinion-4", "opinion-4/recognizing"]),  # "a" is an article
    ],
)
def test_bare_letters_and_labels(clauses, text, expected):
    assert resolve_references(text, clauses) == expected


def test_ordinal_item_of_a_lettered_section(clauses):
    from assistant.report.refs import resolve_references

    refs = resolve_references("What does the second point of Opinion 1's 'is of the view' section say?", clauses)
    assert "opinion-1/is-of-the-view/b" in refs
    assert "opinion-4/recognizing/c" in resolve_references("the third item of the recognizing section of Opinion 4", clauses)
    # Opinion 2 has two sections led by "invites": "the invites section" is the first of them
    assert "opinion-2/invites-member-states/a" in resolve_references(
        "the first point of the invites section of Opinion 2", clauses)
