"""The structure the WTPF-13 report really has (issue 2, points 4 and 5), checked on the real file."""

from __future__ import annotations

import re

import pytest

from assistant.records import KINDS

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def by_id(clauses):
    return {c.id: c for c in clauses}


def raw(source, clause):
    return source[clause.start : clause.end]


def children(clauses, parent_id):
    return [c for c in clauses if c.parent == parent_id]


def item_letters(clauses, section_id):
    return [c.id.rsplit("/", 1)[1] for c in children(clauses, section_id) if c.kind in ("clause", "sub-clause")]


# --- lost list numbering ------------------------------------------------------------------------------------


def test_opinion_1_recalling_rebuilds_letters_from_position(clauses, by_id, source):
    assert item_letters(clauses, "opinion-1/recalling") == ["a", "b", "c"]
    assert raw(source, by_id["opinion-1/recalling/a"]).startswith("1. that Paragraph 27")
    assert raw(source, by_id["opinion-1/recalling/b"]).startswith("1. that Paragraph 50")
    assert raw(source, by_id["opinion-1/recalling/c"]).startswith("c)\tResolution 101")
    assert by_id["opinion-1/recalling/b"].label == "Opinion 1 › recalling (b)"


def test_opinion_1_considering_is_a_to_d_and_is_of_the_view_a_to_i(clauses, by_id):
    assert item_letters(clauses, "opinion-1/considering") == list("abcd")
    assert by_id["opinion-1/considering/d"].text.startswith("that IXPs and telecommunication traffic exchange points")
    assert item_letters(clauses, "opinion-1/is-of-the-view") == list("abcdefghi")
    assert by_id["opinion-1/is-of-the-view/i"].text.startswith("that the increased level of interconnection")


def test_item_text_drops_the_printed_marker(by_id):
    assert by_id["opinion-1/recalling/a"].text.startswith("that Paragraph 27, c)i of the Tunis Agenda")
    assert by_id["opinion-1/recalling/c"].text.startswith("Resolution 101 (rev. Guadalajara, 2010) resolves 2)")


def test_explicit_letters_continue_the_sequence(clauses):
    assert item_letters(clauses, "opinion-3/recognizing") == list("abcdefghijkl")  # i) is a letter after h)
    assert item_letters(clauses, "opinion-4/recognizing") == list("abcdefghijk")
    assert item_letters(clauses, "opinion-6/noting") == list("abc")  # a), b), then `1.` is (c)


# --- nested items ---------------------------------------------------------------------------------------------


def test_opinion_2_recognizing_c_has_five_roman_sub_items(clauses, by_id):
    assert item_letters(clauses, "opinion-2/recognizing") == list("abc")
    assert item_letters(clauses, "opinion-2/recognizing/c") == ["i", "ii", "iii", "iv", "v"]
    sub = by_id["opinion-2/recognizing/c/iii"]
    assert sub.kind == "sub-clause" and sub.label == "Opinion 2 › recognizing (c)(iii)"
    assert sub.text.startswith("enable government services that will stimulate demand")
    # Counted by position the fourth sub-item is the universal service programme (see the closing note).
    assert by_id["opinion-2/recognizing/c/iv"].text.startswith("establish a universal service program")
    assert by_id["opinion-2/recognizing/c/iv"].label == "Opinion 2 › recognizing (c)(iv)"
    assert "encouraging all Member States to:" in sub.heading  # the lead-in travels with the sub-item


def test_opinion_3_recognizing_l_has_numbered_sub_items(clauses, by_id):
    assert item_letters(clauses, "opinion-3/recognizing/l") == ["1", "2", "3", "4"]
    assert by_id["opinion-3/recognizing/l/4"].text.startswith("studied IPv6 address allocation")
    assert by_id["opinion-3/recognizing/l/1"].label == "Opinion 3 › recognizing (l)(1)"


def test_opinion_4_considering_a_has_numbered_sub_items_then_b(clauses, by_id):
    assert item_letters(clauses, "opinion-4/considering/a") == ["1", "2", "3", "4"]
    assert item_letters(clauses, "opinion-4/considering") == list("abcdefg")
    assert by_id["opinion-4/considering/b"].text.startswith("Plenipotentiary Resolution 180")


def test_opinion_5_recognizing_b_has_roman_sub_items_then_c(clauses, by_id):
    assert item_letters(clauses, "opinion-5/recognizing/b") == ["i", "ii", "iii", "iv", "v"]
    assert item_letters(clauses, "opinion-5/recognizing") == list("abcd")
    assert by_id["opinion-5/recognizing/b/i"].text.startswith("Policy authority for Internet-related")


def test_opinion_6_noting_c_keeps_the_quoted_unga_paragraphs(clauses, by_id, source):
    noting_c = by_id["opinion-6/noting/c"]
    assert raw(source, noting_c).startswith("1. that, the UNGA has passed Resolution")
    assert "“20. Invites the Chair of the Commission" in noting_c.text
    assert "21. Requests the Chair of the Commission" in noting_c.text
    assert not children(clauses, "opinion-6/noting/c")
    assert not any(re.search(r"/(20|21)$", c.id) for c in clauses)


def test_opinion_1_invite_is_a_lead_in_and_three_bullets(clauses, by_id):
    ids = [c.id for c in children(clauses, "opinion-1/invite")]
    assert ids == ["opinion-1/invite/p1", "opinion-1/invite/b1", "opinion-1/invite/b2", "opinion-1/invite/b3"]
    assert by_id["opinion-1/invite/p1"].text.startswith("Member States and Sector Members to work")
    second = by_id["opinion-1/invite/b2"]
    assert second.text.startswith("enable the emergence of Internet Exchange Points")
    assert "Member States and Sector Members to work in a collaborative manner to:" in second.heading


# --- quotations inside Annex I ---------------------------------------------------------------------------


def _containing(clauses, source, snippet):
    pos = source.index(snippet)
    return [c for c in clauses if c.start <= pos < c.end]


@pytest.mark.parametrize(
    "snippet, paragraph_start",
    [
        ("“Requests Secretary-General", "In the discussion to finalize the text of Opinion 3"),
        ("To ensure effective implementation of relevant", "In the discussion to finalize the text of Opinion 3"),
        ("invites Member States and  Sector Members", "Turkey’s contribution proposed the inclusion"),
        ("to promote and encourage international cooperation", "Turkey’s contribution proposed the inclusion"),
        ("a)\tRelevant Paragraphs of the Tunis Agenda including", "India, in its contribution, asked"),
        ("61. We are convinced", "India presented its contribution"),
    ],
)
def test_annex_quotations_belong_to_the_quoting_paragraph(clauses, source, snippet, paragraph_start):
    (owner,) = _containing(clauses, source, snippet)
    assert owner.part == "Annex I" and owner.kind == "paragraph"
    assert owner.text.startswith(paragraph_start)
    assert owner.opinion is None or owner.section and owner.section.startswith(("3.", "2.", "1."))


def test_no_annex_clause_is_an_opinion_clause_or_section(clauses):
    annex = [c for c in clauses if c.part == "Annex I"]
    assert {c.kind for c in annex} <= {"heading", "paragraph", "signature"}
    assert all(c.id.startswith("annex-1") for c in annex)
    headings = [c.text for c in annex if c.kind == "heading"]
    assert not any(h.lower().startswith(("invites", "requests", "a)", "61.")) for h in headings)


# --- headings, titles, signatures -----------------------------------------------------------------------


def test_opinion_titles_that_wrap_over_two_lines(by_id):
    assert by_id["opinion-1"].opinion_title == (
        "Promoting Internet Exchange Points (IXPs) as a long term solution to advance connectivity"
    )
    assert by_id["opinion-6"].opinion_title == "On supporting operationalizing the enhanced cooperation process"
    assert by_id["opinion-4"].opinion_title == "In support of IPv6 adoption and transition from IPv4"


def test_parts_opinions_and_reports_are_headings(by_id):
    for cid, label in [("part-1", "Part I"), ("part-2", "Part II"), ("annex-1", "Annex I"), ("opinion-3", "Opinion 3"),
                       ("annex-1/wg-2", "Annex I › Working Group 2")]:  # fmt: skip
        assert by_id[cid].kind == "heading" and by_id[cid].label == label
    for n in range(1, 7):
        assert by_id[f"opinion-{n}"].part == "Part II" and by_id[f"opinion-{n}"].opinion == n


def test_section_phrases_are_heading_clauses(clauses, by_id):
    sections = {c.section for c in clauses if c.kind == "heading" and c.opinion and c.part == "Part II" and c.section}
    assert {"recalling", "considering", "taking into account", "recognizing", "recognizing further", "noting",
            "is of the view", "invite", "invites", "invites Member States", "requests the Secretary-General",
            "invites Member States, Sector Members and all interested stakeholders",
            "invites Member States and other stakeholders"} == sections  # fmt: skip
    assert by_id["opinion-4/recognizing/g"].heading == (
        "Opinion 4: In support of IPv6 adoption and transition from IPv4 › recognizing"
    )


def test_annex_subsections_carry_section_and_opinion(clauses, by_id):
    sub = by_id["annex-1/wg-1/s1.2"]
    assert sub.kind == "heading" and sub.section == "1.2 Opinion 2" and sub.opinion == 2
    para = next(c for c in clauses if c.text.startswith("Avanti and GVF proposed"))
    assert para.section == "1.2 Opinion 2" and para.opinion == 2 and para.working_group == 1
    assert para.heading == "Annex I › Report of the Chairman of Working Group 1 › 1.2 Opinion 2"
    assert para.parent == "annex-1/wg-1/s1.2"
    new = by_id["annex-1/wg-3/s3.3"]
    assert new.section == "3.3 New Draft Opinion (contribution from Brazil)" and new.opinion is None
    assert [c.id for c in clauses if c.kind == "heading" and "/s" in c.id] == [
        "annex-1/wg-1/s1.1", "annex-1/wg-1/s1.2", "annex-1/wg-3/s3.1", "annex-1/wg-3/s3.2", "annex-1/wg-3/s3.3",
    ]  # fmt: skip


def test_working_group_paragraphs_are_numbered_continuously(clauses, by_id):
    for wg in (1, 2, 3):
        paras = [c for c in clauses if c.id.startswith(f"annex-1/wg-{wg}/p")]
        assert [c.id for c in paras] == [f"annex-1/wg-{wg}/p{n}" for n in range(1, len(paras) + 1)]
        assert all(c.working_group == wg for c in paras)
    assert by_id["annex-1/wg-2/p4"].label == "Annex I › Working Group 2 › ¶4"


@pytest.mark.parametrize(
    "wg, text",
    [
        (1, "Mr D. CAVALCANTI Chairman of Working Group 1"),
        (2, "Mr Musab Abdulla (Bahrain) Chairman of Working Group 2"),
        (3, "Mr Petko KANTCHEV Chairman of Working Group 3"),
    ],
)
def test_signatures_belong_to_their_report(by_id, wg, text):
    sig = by_id[f"annex-1/wg-{wg}/signature"]
    assert sig.kind == "signature" and sig.text == text
    assert sig.parent == f"annex-1/wg-{wg}" and sig.working_group == wg


# --- footnotes ------------------------------------------------------------------------------------------


def test_footnote_bodies_become_metadata_of_the_referencing_clause(clauses, by_id, source):
    assert [f.number for c in clauses for f in c.footnotes] == list(range(1, 9))
    p3 = by_id["part-1/p3"]
    (note,) = p3.footnotes
    assert note.text == "List of members of the IEG is available at: http://www.itu.int/md/S13-WTPF13IEG3-ADM-0002/en"
    assert "footnoteRef" not in p3.text and "[1:" not in p3.text and "List of members" not in p3.text
    assert raw(source, p3).endswith("]")  # the body (spanning two lines) sits inside the clause's span
    assert by_id["opinion-2/recognizing/b"].footnotes[0].text.startswith("“Broadband: A Platform for Progress”")
    assert not any("List of members of the IEG" in c.text for c in clauses)


# --- the Working Group table -------------------------------------------------------------------------------


def test_working_group_table_rows_read_as_sentences(by_id, source):
    row = by_id["part-1/working-groups/wg-2"]
    assert row.kind == "table-row" and row.working_group == 2
    assert row.text == (
        "Working Group 2: Chair Mr Musab Abdulla (Bahrain); Vice-Chair Mr Tchonang Linze Michel (CAPDA, Cameroon)"
    )
    assert by_id["part-1/working-groups/wg-3"].text == (
        "Working Group 3: Chair Mr Petko Kantchev (Bulgaria); Vice-Chair Dr Y.J. Park (SUNY, Republic of Korea)"
    )
    assert "Mr Musab Abdulla (Bahrain)" in raw(source, row)


# --- non-content and Part I numbering ------------------------------------------------------------------------


def test_page_headers_rules_images_and_bookmarks_are_not_content(clauses):
    for c in clauses:
        assert "Geneva, 14-16 May 2013" not in c.text
        assert "____" not in c.text and "[image:" not in c.text and "[bookmark:" not in c.text


def test_part_1_paragraphs_are_numbered_in_order(clauses, by_id):
    paras = [c for c in clauses if c.part == "Part I" and c.kind == "paragraph"]
    assert [c.id for c in paras] == [f"part-1/p{n}" for n in range(1, len(paras) + 1)]
    assert len(paras) == 22
    assert by_id["part-1/p1"].text.startswith("The ITU World Telecommunication/ICT Policy Forum (WTPF) was established")
    assert by_id["part-1/p11"].label == "Part I › ¶11" and by_id["part-1/p11"].text.startswith("Dr Robert E. Khan")
    vice = by_id["part-1/p12"]  # the lead-in and its six names are one paragraph
    assert vice.text.startswith("Six Vice-Chairs were elected for the Forum: Ms Magdalena Gaj (Poland);")
    assert vice.text.endswith("Mr Rabindra N. Jha (India).") and "·" not in vice.text


# --- cross-references ----------------------------------------------------------------------------------------


def _para(clauses, start):
    return next(c for c in clauses if c.text.startswith(start))


def test_refs_recognizing_a_was_revised(clauses):
    assert "opinion-5/recognizing/a" in _para(clauses, "During the discussion that followed, recognizing (a)").refs


def test_refs_nested_sub_section_of_the_recognizing_section(clauses):
    refs = _para(clauses, "During the discussion that followed, a number of countries").refs
    assert "opinion-2/recognizing/c/iv" in refs and "opinion-2/noting" in refs


def test_refs_bullets_of_the_invites_section(clauses):
    refs = _para(clauses, "Turkey’s contribution proposed the addition of the phrase").refs
    assert refs == ("opinion-1/invite/b2", "opinion-1/invite/b3")


def test_refs_draft_opinion_numbers(clauses, by_id):
    assert _para(clauses, "The Working Group considered draft Opinions 3 and 4").refs == ("opinion-3", "opinion-4")
    assert "opinion-3" in _para(clauses, "In the discussion to finalize the text of Opinion 3").refs
    assert by_id["opinion-3/considering/d"].refs == ()  # "WTPF Opinion 5 (Lisbon, 2009)" is another forum's


def test_refs_noting_a_above_uses_the_clause_opinion(by_id):
    assert by_id["opinion-6/noting/b"].refs == ("opinion-6/noting/a",)


def test_refs_use_the_subsection_opinion_as_context(clauses):
    assert _para(clauses, "India, in its contribution, asked").refs[0] == "opinion-6/recalling/a"
    endorsed = _para(clauses, "In view of these discussions, Working Group 3 endorsed Draft Opinion 6")
    assert "opinion-6/recalling/a" in endorsed.refs
    refs = _para(clauses, "India presented its contribution").refs
    assert refs[:2] == ("opinion-5/recognizing/a", "opinion-5/recognizing")  # new paragraph e) → the section
    assert _para(clauses, "Avanti and GVF proposed").refs == ("opinion-2/recognizing/c",)
    assert _para(clauses, "Turkey’s contribution proposed the addition of the word “relevant”").refs == (
        "opinion-2/invites-member-states-sector-members",
    )
    assert _para(clauses, "Turkey’s contribution proposed the addition of the word “organization”").refs == (
        "opinion-5/invites-member-states-and-other-stakeholders/c",
    )


def test_kinds_are_from_the_contract(clauses):
    assert {c.kind for c in clauses} <= set(KINDS)
