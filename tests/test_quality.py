"""Quality on the real report with the real model: the dev question set and the user-style set end to end.

The floors sit a little under what the current pipeline measures (see the issue notes), so a
change that makes retrieval or answers worse fails here; citations must stay 100% verbatim. The user-style
set's test split is only ever read as these aggregate numbers.
"""

import re
from pathlib import Path

import pytest

from assistant.evaluation.evaluate import run_eval
from assistant.evaluation.questions import load_questions
from assistant.answer.verify import quote_is_verbatim

pytestmark = pytest.mark.model

DEV = Path(__file__).resolve().parent.parent / "corpus" / "questions" / "dev.jsonl"
USERS = DEV.parent / "users.jsonl"
USERS2 = DEV.parent / "users2.jsonl"  # written later, from the report alone, before the changes it measured
USERS3 = DEV.parent / "users3.jsonl"  # conversations, written the same way, later still
USERS4 = DEV.parent / "users4.jsonl"  # every shape, written the same way, before the changes it measured
USERS5 = DEV.parent / "users5.jsonl"  # follow-ups, comparisons, overviews and unanswerables, written the same way
USERS6 = DEV.parent / "users6.jsonl"  # conversations 3-4 turns deep and tempting unanswerables, written the same way
USERS7 = DEV.parent / "users7.jsonl"  # every shape, 35 follow-ups, written the same way
USERS8 = DEV.parent / "users8.jsonl"  # every shape, 30 follow-ups, written from the report alone; test never read
USERS9 = DEV.parent / "users9.jsonl"  # the same, written later; test read only in aggregate
USERS10 = DEV.parent / "users10.jsonl"  # the same, written later still; test read only in aggregate
USERS11 = DEV.parent / "users11.jsonl"  # the same, written later still; test read only in aggregate
USERS12 = DEV.parent / "users12.jsonl"  # the same, 16 the report does not answer; test read only in aggregate


@pytest.fixture(scope="module")
def report(real_assistant):
    return run_eval(real_assistant, load_questions(DEV), k=5)


def test_retrieval_finds_the_evidence_in_few_characters(report):
    # the passages answers show, quoted clauses first and at most two the answer did not quote (measured: recall@5
    # 0.943, 1,365 characters; 1,499 while every searched clause was shown)
    shown = report.systems[0]
    assert shown.system == "answer"
    assert shown.recall[5] >= 0.92
    assert shown.context_chars <= 1450
    # plain search (recall@10 0.948; 0.953 while a follow-up's reading repeated the earlier turn's names, which
    # one dev follow-up leaned on and the user-style test splits lost by)
    searched = report.systems[1]
    assert searched.recall[10] >= 0.94


@pytest.mark.parametrize(
    "path, split, facts, recall",
    [
        # measured at c753be9: users tune facts 0.958 / recall@5 0.893, test 0.872 / 0.892; users2 tune 0.944 /
        # 0.901, test 0.829 / 0.835; users3 tune 0.933 / 0.930, test 0.793 / 0.793; users4 tune 0.960 / 0.930, test
        # 0.822 / 0.846; users5 tune 0.917 / 0.890, test 0.890 / 0.901; users6 tune 0.895 / 0.812, test 0.888 / 0.848;
        # users7 tune 0.925 / 0.925, test 0.879 / 0.843; users8 tune 0.944 / 0.971, test 0.746 / 0.738; users9 tune
        # 0.935 / 0.855, test 0.767 / 0.880; users10 tune 0.937 / 0.895, test 0.866 / 0.855; users11 tune 0.895 /
        # 0.882, test 0.966 / 0.973; users12 tune 0.907 / 0.914, test 0.966 / 0.957 (all but users5, users11 and
        # users12 under the 0.85 / 0.90 on test)
        (USERS, "tune", 0.87, 0.85),
        (USERS, "test", 0.80, 0.85),
        (USERS2, "tune", 0.86, 0.83),
        (USERS2, "test", 0.70, 0.75),
        (USERS3, "tune", 0.84, 0.90),
        (USERS3, "test", 0.72, 0.74),
        (USERS4, "tune", 0.87, 0.87),
        (USERS4, "test", 0.75, 0.81),
        (USERS5, "tune", 0.80, 0.78),
        (USERS5, "test", 0.81, 0.81),
        (USERS6, "tune", 0.79, 0.79),
        (USERS6, "test", 0.74, 0.76),
        (USERS7, "tune", 0.81, 0.89),
        (USERS7, "test", 0.82, 0.81),
        (USERS8, "tune", 0.88, 0.93),
        (USERS8, "test", 0.58, 0.62),
        (USERS9, "tune", 0.86, 0.79),
        (USERS9, "test", 0.70, 0.84),
        (USERS10, "tune", 0.86, 0.84),
        (USERS10, "test", 0.78, 0.81),
        (USERS11, "tune", 0.80, 0.81),
        (USERS11, "test", 0.88, 0.90),
        (USERS12, "tune", 0.85, 0.86),
        (USERS12, "test", 0.90, 0.90),
    ],
)
def test_user_style_questions_by_split(real_assistant, path, split, facts, recall):
    from assistant.evaluation.questions import split_of

    questions = [q for q in load_questions(path) if split_of(q.id) == split]
    result = run_eval(real_assistant, questions, k=5)
    assert result.answers.citations_valid == result.answers.citations_total
    assert result.answers.fact_recall >= facts
    assert result.systems[0].recall[5] >= recall
    assert result.answers.abstained_answerable / result.answers.answerable <= 0.05


def test_answers_are_cited_verbatim_and_carry_the_facts(report):
    answers = report.answers
    assert answers.citations_total > 0 and answers.citations_valid == answers.citations_total
    assert answers.fact_recall >= 0.89  # measured 0.945
    assert answers.evidence_quoted / answers.answerable >= 0.87


def test_abstention_on_the_dev_set(report):
    answers = report.answers
    assert answers.abstained_unanswerable / answers.unanswerable >= 0.8  # measured 11/13
    assert answers.abstained_answerable / answers.answerable <= 0.02


def test_why_opinions_3_and_4_stayed_separate(real_assistant):
    answer = real_assistant.ask("Why did Opinions 3 and 4 stay separate?")
    text = answer.answer.lower()
    assert not answer.abstained
    for piece in ("turkey", "merge", "compromise", "time constraints", "not to insist"):
        assert piece in text, piece
    assert all(quote_is_verbatim(real_assistant.source, c) for c in answer.citations)
    assert {c.clause_id for c in answer.citations} <= {c.id for c in real_assistant.clauses if c.working_group == 2}


def test_a_follow_up_on_bare_question_history_reads_what_the_last_answer_cited(real_assistant):
    # "it" after "which opinion deals with IPv6?" is what that answer named; neither IPv6 Opinion asks anything of
    # the Secretary-General, and that is the answer
    answer = real_assistant.ask("What does it ask the Secretary-General to do?", history=["Which opinion deals with IPv6?"])
    assert answer.read_as and "Opinions 3 and 4" in answer.read_as
    assert answer.answer.startswith("Neither Opinion 3 nor Opinion 4 asks anything of the Secretary-General")
    assert all(quote_is_verbatim(real_assistant.source, c) for c in answer.citations)


def test_a_definition_goes_on_with_the_sentence_that_goes_on_defining(real_assistant):
    # "… (WTPF) was established by the 1994 Kyoto Plenipotentiary Conference … WTPF provides a forum where …" comes
    # before sentences elsewhere that name the WTPF closer to the question's words ("The WTPF can create …")
    answer = real_assistant.ask("what is the wtpf exactly")
    assert answer.plan == "definition"
    assert answer.answer.split("\n")[2].startswith("- WTPF provides a forum where ITU Member States and Sector Members")


def test_follow_up_about_the_vice_chair(real_assistant):
    answer = real_assistant.ask("And its vice-chair?", history=["Who chaired Working Group 2?"])
    assert "Tchonang" in answer.answer


def test_three_opinions_compared_each_show_the_clause_two_of_them_share(real_assistant):
    # Opinions 3 and 4 share "every effort should be made to encourage and facilitate the transition to IPv6"; with
    # a third side there is no "Both say" line, so each side shows it
    answer = real_assistant.ask("how do opinions 3, 4 and 5 differ")
    assert answer.answer.count("encourage and facilitate the transition to IPv6") >= 2


def test_near_identical_clauses_are_told_apart_by_opinion(real_assistant):
    for opinion in (3, 4):
        answer = real_assistant.ask(f"What does Opinion {opinion} recognize about the last IPv4 blocks?")
        cited = [real_assistant.clause(c.clause_id) for c in answer.citations]
        assert cited and cited[0].opinion == opinion


@pytest.mark.parametrize(
    "question",
    ["What is the capital of Australia?", "what is the capital of australia", "How should regulators design 5G spectrum auctions?"],
)
def test_off_topic_questions_abstain_with_related_clauses(real_assistant, question):
    answer = real_assistant.ask(question)
    assert answer.abstained and "does not address" in answer.answer
    assert answer.citations == () and answer.related


def test_it_after_which_opinion_with_a_body_typed_in_lower_case(real_assistant):
    first = real_assistant.ask("which opinion deals with ipv6?")
    history = [{"question": "which opinion deals with ipv6?", "cited": [c.clause_id for c in first.citations]}]
    answer = real_assistant.ask("what does it ask the secretary-general to do?", history=history)
    assert answer.answer.startswith("Neither Opinion 3 nor Opinion 4 asks anything of the Secretary-General")


def test_an_overview_of_a_topic_told_before_the_forum_is_that_topic_not_the_whole_report(real_assistant):
    answer = real_assistant.ask("summarise the broadband strategic dialogue that happened before the forum")
    text = answer.answer
    assert answer.plan == "overview" and not text.startswith("The report, part by part")
    for piece in ("Session 1", "Session 2", "basic human need", "Millennium Development Goals"):
        assert piece in text, piece
    assert "(Geneva, 2013) [" not in text  # an Opinion's opening words say nothing alone
    assert real_assistant.ask("summarize the forum").answer.startswith("The report, part by part")


def test_a_working_group_overview_tells_what_a_decision_settled(real_assistant):
    text = real_assistant.ask("recap of the wg2 report").answer
    assert "proposal to merge draft Opinions 3 & 4" in text and "keep Opinions 3 and 4 separate" in text
    assert text.index("proposal to merge") < text.index("keep Opinions 3 and 4 separate")


def test_she_after_the_swiss_minister_was_named_is_that_minister(real_assistant):
    history = ["what did the secretary-general say at the opening?", "and the swiss minister?"]
    answer = real_assistant.ask("what did she say about the wsis forum?", history=history)
    assert "Leuthard" in (answer.read_as or "") and "Touré" not in (answer.read_as or "")


def test_a_three_turn_chain_on_bare_questions_reads_each_turn_as_it_was_read(real_assistant):
    # "the first one" is the first Working Group the count answered with, and "it" two turns later is still that group
    history = ["how many working groups were there at wtpf 13", "who chaired the first one"]
    answer = real_assistant.ask("how long did it meet", history=history)
    assert answer.read_as and "Working Group 1" in answer.read_as
    assert "16:15 - 17:40" in answer.answer


def test_a_count_asked_for_is_found_wherever_the_report_counts_it(real_assistant):
    answer = real_assistant.ask("how many working groups were set up at the forum")
    assert "three Working Groups" in answer.answer or "Three Working Groups" in answer.answer


def test_a_typing_slip_is_read_as_the_reports_word_without_being_shown_as_a_rewrite(real_assistant):
    answer = real_assistant.ask("what did austrailia propose")
    assert not answer.abstained and "Australia" in answer.answer
    assert answer.read_as is None


def test_an_overview_of_the_narrative_part_says_when_and_where_the_forum_was_held(real_assistant):
    text = real_assistant.ask("give me the gist of part I").answer
    assert "held at the CICG in Geneva, Switzerland, from 14-16 May 2013" in text


def test_what_the_report_only_links_to_is_not_told_as_if_it_said_it(real_assistant):
    # the answer led with "The concluding remarks of the Forum can be found here: http://…" as if that told them
    answer = real_assistant.ask("what did the chairman say in his concluding remarks at the closing?")
    assert answer.abstained and "only points to the concluding remarks" in answer.answer



def test_a_follow_ups_own_words_outweigh_the_earlier_turn_it_is_read_with(real_assistant):
    # "minimized" is what is asked; the IPv4 transfers of the earlier turn only say where
    history = ["what does op 4 say about ipv4 transfers that don't go through the rirs?"]
    answer = real_assistant.ask("how can that be minimized", history=history)
    assert "minimized by accelerating the transition to IPv6" in answer.answer


def test_an_off_topic_question_asked_in_a_conversation_is_still_off_topic(real_assistant):
    # in the chat every question after the first has a history
    answer = real_assistant.ask("what is the capital of australia", history=["list the six opinions"])
    assert answer.abstained and "never mentions" in answer.answer


def test_a_comparison_asking_when_gives_each_side_its_times(real_assistant):
    # the real model ranks "India stated that …" closest to "how long … sit" in the Working Group 3 report
    answer = real_assistant.ask("how long did wg2 sit vs wg3")
    assert answer.plan == "compare"
    sides = re.split(r"\n- \*\*", answer.answer)
    under = {side.split("**")[0]: side.split("\n- ")[0] for side in sides[1:]}
    assert "09:30-10:10" in under["Working Group 2"] and "10:40 - 17:40" in under["Working Group 3"]


def test_an_overview_of_the_narrative_part_tells_who_came_and_who_chaired(real_assistant):
    answer = real_assistant.ask("quick summary of part 1 of the report")
    assert "attended by 900 delegates" in answer.answer and "elected Chairman of the Forum" in answer.answer


def test_two_working_group_reports_are_not_said_to_say_the_same(real_assistant):
    # "In the discussion to finalize the text of Opinion 3, Turkey proposed an addition of the following text:" and
    # "Turkey's contribution proposed the inclusion of the following paragraph …" share wording, not a statement
    assert "Both say nearly the same" not in real_assistant.ask("how long did wg2 sit vs wg3").answer
    assert "Both say nearly the same" in real_assistant.ask("op3 vs op4 whats the difference").answer


def test_how_a_working_group_debated_opinions_ends_with_what_it_decided_on_each(real_assistant):
    answer = real_assistant.ask("gist of the wg2 meeting on the ipv6 opinions?")
    assert answer.plan == "overview"
    assert "Thus WG2 agreed to keep Opinions 3 and 4 separate." in answer.answer
    assert "merge draft Opinions 3 & 4" in answer.answer  # what that decision settles comes before it
    assert "WG2 endorsed Opinion 3 in its unaltered form" in answer.answer
    assert "Working Group 2 endorsed Draft Opinion 4 in its unaltered form" in answer.answer


@pytest.mark.parametrize("question", ["who chaired the forum?", "who was the chairman of wtpf-13"])
def test_who_held_a_role_leads_with_its_holder_not_its_deputies(real_assistant, question):
    # "Six Vice-Chairs were elected for the Forum:" and the venue sentence are closer in words; the answer is the
    # sentence naming the Chairman with his name
    answer = real_assistant.ask(question)
    assert answer.answer.split("\n")[0].startswith("According to Part I of the report, H.E. Mr Ivo Ivanovski")


def test_who_the_deputies_were_still_leads_with_them(real_assistant):
    answer = real_assistant.ask("who were the vice-chairs of the forum")
    assert "six Vice-Chairs were elected for the Forum" in answer.answer.split("\n")[0]


def test_the_final_plenary_is_told_on_to_the_adoption(real_assistant):
    # the paragraph closest to the question is where the groups report back; what went on at that last plenary is
    # what the report tells after it
    answer = real_assistant.ask("what went on at the final plenary when the wgs reported back")
    assert "The Policy Forum adopted the Opinions as presented in Part II of this Report." in answer.answer


def test_the_same_words_in_two_places_are_told_once(real_assistant):
    # Working Group 3's report quotes the recalling paragraph it agreed, which Opinion 6 holds word for word
    answer = real_assistant.ask("why did developing countries want tunis para 65 in there")
    assert answer.answer.count("related to enhanced cooperation and the roles of all relevant stakeholders") == 1


def test_a_reports_sign_off_does_not_lead_an_answer_that_asks_no_who(real_assistant):
    # "Mr D. CAVALCANTI Chairman of Working Group 1." names him and says nothing asked
    answer = real_assistant.ask("is there a contact for cavalcanti on the role of governments thing?")
    assert "could be contacted at daniel.cavalcanti@anatel.gov.br" in answer.answer.split("\n")[0]
