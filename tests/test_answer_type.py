"""Expected answer types: what a question asks for, and which sentences can answer in kind."""

from __future__ import annotations

import pytest

from assistant.query.answer_type import common_names, expected_type, holds_type

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question, wanted",
    [
        ("When did Working Group 1 meet?", "date"),
        ("Which conference created the Forum, and when?", "date"),
        ("By when was that group meant to report?", "date"),
        ("What should stakeholders focus on when it comes to developing countries?", None),
        ("Who chaired Working Group 2?", "person"),
        ("Who moderated it?", "person"),
        ("What did the ITU head say about people who are not yet online?", None),
        ("Who holds authority over Internet-related public policy?", None),
        ("How many ministers attended?", "count"),
        ("What e-mail address is given for the chairman?", "contact"),
        ("Did the working group reach consensus?", None),
        ("What was the title of Brazil's draft opinion?", "title"),
        ("What was the Strategic Dialogue called?", "title"),
        ("What was the name of the chair of Working Group 2?", "person"),
        ("What was the document number of Brazil's contribution?", "code"),
        ("What does Opinion 4 say about IPv6?", None),
        ("Which country backed Brazil's draft?", "actor"),
        ("Who proposed merging them?", "actor"),
        ("Which organisation spoke for the registries?", "actor"),
        ("", None),
    ],
)
def test_expected_type(question, wanted):
    assert expected_type(question) == wanted


@pytest.mark.parametrize(
    "text, answer_type, holds",
    [
        ("Working Group 1 met on 14 May 2013, from 16:15 - 17:40.", "date", True),
        ("The session of May 15 went on late.", "date", True),
        ("The group endorsed Draft Opinion 2.", "date", False),
        ("The meeting was chaired by Mr Musab Abdulla (Bahrain).", "person", True),
        ("The Chairman thanked the Secretariat.", "person", False),
        ("It was attended by 900 delegates.", "count", True),
        ("Working Group 3 endorsed Draft Opinion 6.", "count", False),
        ("In accordance with Resolution 2 (Rev. Guadalajara, 2010).", "count", False),
        ("He could be contacted at someone@example.org.", "contact", True),
        ("The new Draft Opinion from Brazil (WTPF-13/5) was discussed.", "code", True),
        ("the Draft Opinion on the Role of Government in the Multistakeholder Framework", "title", True),
        ("in two Sessions, “Building out Broadband” and “Broadband Driving Development”", "title", True),
        ("Member States, Sector Members and other stakeholders", "title", False),
        ("Anything at all.", None, False),
        ("", "date", False),
    ],
)
def test_holds_type(text, answer_type, holds):
    assert holds_type(text, answer_type) is holds


def test_actor_is_a_name_the_report_does_not_use_everywhere():
    passages = [f"Then Working Group {n} considered Opinion {n}." for n in range(1, 8)] + [
        "The draft was submitted by Brazil, with support from Russia.",
        "The Working Group endorsed the Opinion.",
    ]
    common = common_names(passages)
    assert {"Working", "Group", "Opinion"} <= common and "Brazil" not in common
    assert holds_type("The draft was submitted by Brazil, with support from Russia.", "actor", common)
    assert not holds_type("The Working Group endorsed the Opinion.", "actor", common)
    assert common_names([]) == frozenset()
    # an ordinary word capitalized is no actor, however rare: the report also writes it in lower case
    assert "Delegates" in common_names(["Then Delegates spoke.", "The delegates agreed with Ghana."])


def test_an_address_asked_for_and_given_by_no_sentence_is_said_to_be_missing():
    from assistant.query.answer_type import unstated_detail

    named_only = ["Working Group 3: Chair Mr Petko Kantchev (Bulgaria)"]
    assert unstated_detail("what's petko kantchev's email address?", named_only) == "an e-mail address or website"
    given = ["Mr Cavalcanti can be contacted at daniel.cavalcanti@anatel.gov.br"]
    assert unstated_detail("what's the contact email for the role of governments follow-up?", given) is None
    assert unstated_detail("who chaired working group 3?", named_only) is None
    # another person's address is not the one asked for
    people = ["Petko Kantchev", "Daniel Cavalcanti"]
    assert unstated_detail("whats petko kantchev's email", given, people) == "an e-mail address or website"
    assert unstated_detail("how do i reach mr cavalcanti by email", given, people) is None
    # an e-mail address is not a telephone number
    assert unstated_detail("what's daniel cavalcanti's phone number", given, people) == "a telephone number"
    assert unstated_detail("fax no. for the wg1 chair?", given) == "a telephone number"
    assert unstated_detail("cavalcanti's phone?", ["Call Mr Cavalcanti on +41 22 730 5111."], people) is None


def test_a_job_asked_for_and_told_with_no_name_is_said_to_be_missing():
    from assistant.query.answer_type import unstated_detail

    people = ["Sally Wentworth", "Ivo Ivanovski"]
    listed = ["Working Group 1: Chair Mr Daniel Cavalcanti (Brazil); Vice-Chair Ms Sally Wentworth (Internet Society)"]
    assert unstated_detail("sally wentworth's job title at ISOC?", listed, people) == "a job title"
    assert unstated_detail("what's her position at the internet society (sally wentworth)", listed, people) == "a job title"
    told = ["H.E. Mr Ivo Ivanovski, Minister of Information Society, TFYR Macedonia, was elected Chairman of the Forum."]
    assert unstated_detail("whats Ivo Ivanovski's job", told, people) is None
    # whom she works for, and the part she had at the forum, the bracket and the table tell
    assert unstated_detail("who does sally wentworth work for", listed, people) is None
    assert unstated_detail("what was wentworth's role in the forum", listed, people) is None
    assert unstated_detail("what's the job of working group 1", listed, people) is None  # no person's
