import re

import pytest

from assistant.query.question import asks_what_followed
from assistant.query.conversation import (
    anchors,
    clean_history,
    is_follow_up,
    name_opinions,
    own_words,
    rewrite_query,
    spell_out_shorthand,
)

pytestmark = pytest.mark.unit


def test_no_history_leaves_question_alone():
    assert rewrite_query("Who chaired Working Group 2?", []) == "Who chaired Working Group 2?"


def test_standalone_question_is_not_rewritten():
    q = "What did Ghana propose for the broadband opinion?"
    assert rewrite_query(q, ["Who chaired Working Group 2?"]) == q


def test_follow_up_inherits_the_place_it_talks_about():
    rewritten = rewrite_query("And its vice-chair?", ["Who chaired Working Group 2?"])
    assert "Working Group 2" in rewritten and "vice-chair" in rewritten


def test_pronoun_follow_up_inherits_plural_anchor():
    rewritten = rewrite_query("Who proposed merging them?", ["Why did Opinions 3 and 4 stay separate?"])
    assert "Opinions 3 and 4" in rewritten and rewritten.startswith("Who proposed merging them?")


def test_what_about_swaps_the_anchor_of_the_same_kind():
    assert rewrite_query("What about Opinion 4?", ["What does Opinion 3 invite Member States to do?"]) == (
        "What does Opinion 4 invite Member States to do?"
    )
    assert rewrite_query("And India?", ["What did Turkey propose in Working Group 3?"]) == (
        "What did India propose in Working Group 3?"
    )


def test_history_is_resolved_in_order():
    history = ["Who chaired Working Group 2?", "And its vice-chair?"]
    assert "Working Group 2" in rewrite_query("When did it meet?", history)


def test_noisy_or_huge_history_is_bounded():
    history = [None, 42, "", "\u200b\u200b", "x" * 100_000, "Who chaired Working Group 1?"]
    turns = clean_history(history)
    assert turns[-1] == "Who chaired Working Group 1?"
    assert all(len(t) <= 500 for t in turns)
    assert "Working Group 1" in rewrite_query("And its vice-chair?", history)


def test_anchor_kinds():
    found = anchors("Did Turkey want recognizing (c) of Opinion 2 changed in Working Group 1?")
    assert found["opinion"] == ["Opinion 2"]
    assert found["group"] == ["Working Group 1"]
    assert found["name"] == ["Turkey"]
    assert anchors("") == {}


def test_follow_up_detection():
    assert is_follow_up("And its vice-chair?")
    assert is_follow_up("Why?")
    assert not is_follow_up("Who chaired Working Group 2 at the forum?")


TITLES = {
    1: "Promoting Internet Exchange Points (IXPs) as a long term solution to advance connectivity",
    2: "Fostering an enabling environment for the greater growth and development of broadband connectivity",
    3: "Supporting Capacity Building for the deployment of IPv6",
    4: "In support of IPv6 adoption and transition from IPv4",
}


def test_opinion_named_by_subject_gets_its_number():
    from assistant.query.conversation import name_opinions

    assert name_opinions("Was the broadband opinion changed?", TITLES) == "Was the broadband opinion (Opinion 2) changed?"
    assert "(Opinion 3)" in name_opinions("What does the IPv6 capacity-building opinion ask?", TITLES)
    assert "(Opinions 3 and 4)" in name_opinions("Why did the two IPv6 opinions stay apart?", TITLES)


def test_the_word_next_to_opinion_outweighs_a_farther_title_word():
    from assistant.query.conversation import name_opinions

    # "exchange" is in Opinion 1's title, "broadband" in Opinion 2's; the one beside "opinion" names it
    named = name_opinions("What are stakeholders asked to exchange in the broadband opinion?", TITLES)
    assert named.endswith("broadband opinion (Opinion 2)?")
    # a verb before the article is not part of the subject ("adopt" is in Opinion 4's title)
    assert name_opinions("Did the plenary adopt the opinions?", TITLES) == "Did the plenary adopt the opinions?"


def test_an_opinion_someone_put_forward_is_none_of_the_adopted_ones():
    from assistant.query.conversation import name_opinions

    titles = {**TITLES, 5: "Supporting Multi-stakeholderism in Internet Governance"}
    assert "(Opinion 5)" in name_opinions("was the internet governance opinion adopted", titles)
    question = "so was brazil's internet governance opinion adopted or not"
    assert name_opinions(question, titles) == question
    assert "(Opinion 3)" in name_opinions("what did the forum's ipv6 capacity opinion say about training", titles)
    # typed without its apostrophe, a name of the report's is still its owner
    typed = "whats the whole story with brazils draft opinion on internet governance"
    assert name_opinions(typed, titles, owners=frozenset({"brazil", "turkey"})) == typed
    assert "(Opinion 5)" in name_opinions(typed, titles)


def test_one_named_by_a_distinctive_title_word_is_that_opinion():
    from assistant.query.conversation import name_opinions

    titles = {**TITLES, 5: "Supporting Multi-stakeholderism in Internet Governance"}
    assert name_opinions("gist of the internet exchange one?", titles) == "gist of the internet exchange one (Opinion 1)?"
    assert "(Opinion 5)" in name_opinions("tl;dr of the one on multistakeholder internet governance", titles)
    for untouched in ("what did the swiss one say", "the ipv6 one", "which one is from gabon", "no one organization"):
        assert name_opinions(untouched, titles) == untouched


def test_ambiguous_or_numbered_opinions_are_left_alone():
    from assistant.query.conversation import name_opinions

    assert name_opinions("What does the IPv6 opinion say?", TITLES) == "What does the IPv6 opinion say?"
    assert name_opinions("What does Opinion 4 say?", TITLES) == "What does Opinion 4 say?"
    assert name_opinions("Which opinion is about IXPs?", {}) == "Which opinion is about IXPs?"


def test_the_other_opinion_is_the_one_not_asked_about_before():
    from assistant.query.conversation import name_opinions

    asked = "What does Opinion 4 invite Member States to do?"
    assert "(Opinion 3)" in name_opinions("And the other IPv6 opinion?", TITLES, previous=asked)
    assert name_opinions("And the other IPv6 opinion?", TITLES) == "And the other IPv6 opinion?"


def test_pronoun_follow_up_carries_the_earlier_subject():
    rewritten = rewrite_query("Who moderated it?", ["What event was held the day before the forum opened?"])
    assert "day before the forum opened" in rewritten


def test_everyday_verbs_name_the_opinion_section():
    from assistant.query.conversation import name_sections

    assert name_sections("What are governments asked to do in Opinion 3?").endswith("(invites)")
    assert name_sections("What does Opinion 4 acknowledge about IPv4?").endswith("(recognizing)")
    assert name_sections("What is the forum's position in Opinion 5?").endswith("(is of the view)")
    # no opinion named, or the section already named: unchanged
    assert name_sections("Who asked for more time?") == "Who asked for more time?"
    assert name_sections("What does Opinion 4 invite?") == "What does Opinion 4 invite?"


def test_an_item_counted_within_a_section_is_spelled_out_as_a_reference():
    from assistant.query.conversation import name_sections

    assert name_sections("What does Opinion 4's third recognizing clause say?").endswith(
        "(the third point of the recognizing section)")
    assert name_sections("What is the second invitation in Opinion 1?").endswith(
        "(the second point of the invites section)")
    assert name_sections("What is the second invitation?") == "What is the second invitation?"  # no Opinion named
    spelled = "What does the third point of the recognizing section of Opinion 4 say?"
    assert name_sections(spelled) == spelled


def test_a_verb_said_of_another_body_names_no_section():
    from assistant.query.conversation import name_sections

    assert name_sections("What does Opinion 3 ask Member States to do?").endswith("(invites)")
    quoted = "What does the Broadband Commission urge countries to do, according to Opinion 2?"
    assert name_sections(quoted) == quoted


# ---------------------------------------------------------------- reading in context (turns with citations)

from assistant.query.conversation import Turn, flat_reading, parse_history, read_in_context, report_names  # noqa: E402


def _place(clause_id):
    m = re.match(r"opinion-(\d+)", clause_id)
    if m:
        return [f"Opinion {m.group(1)}"]
    m = re.match(r"annex-1/wg-(\d+)", clause_id)
    return [f"Working Group {m.group(1)}"] if m else []


@pytest.mark.parametrize(
    "question",
    [
        "What did Ghana propose for the broadband opinion?",
        "IPv6 legacy addresses?",
        "Who chaired Working Group 2?",
        "how many delegates came and where were they from",
        "what did Ghana propose and was it accepted",
        "why did turkey back off its amendments",
        "dual stack - what is it in the report's terms",
        "is it true that opinion 4 was amended?",
        "how much did it cost to host the forum",
        "what is this forum",
        "Who led the group of experts that prepared the forum?",
        "so were opinions 3 and 4 merged in the end",
        "anything on IDNs in opinion 5?",
    ],
)
def test_a_question_that_names_its_own_subject_stands_alone(question):
    assert not is_follow_up(question)
    turns = [Turn("Who chaired Working Group 2?", ("part-1/working-groups/wg-2",))]
    assert read_in_context(question, turns, _place) == question


@pytest.mark.parametrize(
    "question",
    ["What does it ask the Secretary-General to do?", "Who argued against it?", "and the vice-chair?", "why?",
     "the other one?", "at what price?", "was that wording argued over", "Did that make it into the final text?",
     "anything specifically on developing countries?"],
)
def test_a_question_leaning_on_the_conversation_is_a_follow_up(question):
    assert is_follow_up(question)


def test_it_is_the_place_the_last_answer_was_about():
    turns = [Turn("Which opinion deals with IPv6?", ("opinion-4/invites/a", "opinion-4/recognizing/a", "opinion-3/x"))]
    assert read_in_context("What does it ask the Secretary-General to do?", turns, _place) == (
        "What does Opinion 4 ask the Secretary-General to do?"
    )
    turns = [Turn("What is the main point of Opinion 4?", ("opinion-4/invites/a",))]
    assert read_in_context("Who argued against it?", turns, _place) == "Who argued against Opinion 4?"


def test_the_other_one_is_the_other_of_two():
    turns = [Turn("What does Opinion 4 ask of member states?", ("opinion-4/invites/a", "opinion-3/invites/a"))]
    assert read_in_context("and the other one?", turns, _place) == "What does Opinion 3 ask of member states?"


def test_a_pronoun_for_something_other_than_a_place_keeps_the_earlier_words():
    turns = [Turn("what did the ISOC/OECD/UNESCO study find?", ("opinion-1/considering/a",))]
    read = read_in_context("which opinion cites it", turns, _place)
    assert "Opinion 1" not in read and "study" in read


def test_why_asks_for_the_reason_behind_the_last_answer():
    assert read_in_context("why?", [Turn("Were Opinions 3 and 4 merged?")], _place) == (
        "why? (Were Opinions 3 and 4 merged)"
    )


def test_a_person_pronoun_after_what_someone_said_is_the_one_who_said_it():
    # "them" is the UK, whose question the last turn asked about, not the places it named
    read = read_in_context("what did the secretariat tell them", [Turn("what was the uk's question in wg1 about op2")], _place)
    assert read.startswith("what did the secretariat tell uk?")
    # "it" is still the question itself
    read = read_in_context("how did the secretariat answer it", [Turn("what was the uk's question in wg1")], _place)
    assert read.startswith("how did the secretariat answer the uk's question?")


def test_it_after_what_someone_asked_for_is_what_they_asked_for_not_where():
    read = read_in_context("what happened to it?", [Turn("what was senegal asking for in Working Group 1")], _place)
    assert read.startswith("what happened to senegal’s request?")
    read = read_in_context("did it get in?", [Turn("what did ghana propose in Working Group 1")], _place)
    assert read.startswith("did ghana’s proposal get in?")


def test_history_items_may_carry_cited_clauses_and_plain_strings_still_work():
    turns = parse_history(["Who chaired Working Group 2?", {"question": "and op 4?", "cited": ["opinion-4/x", 3]},
                           {"question": 7}, {"cited": []}])
    assert turns == [Turn("Who chaired Working Group 2?"), Turn("and Opinion 4?", ("opinion-4/x",))]


# A pronoun in a later clause leans on the first clause, not on the conversation.
@pytest.mark.parametrize(
    "question",
    [
        "did brazil's draft get adopted or was it dropped",
        "when the forum opened who welcomed the delegates and what did he say",
        "how did the forum handle ghana's proposal, was it accepted",
        "was the secretary-general's report changed before they adopted it",
        "were the draft opinions changed much once they reached the forum",
        "did the council resolution on wtpf say what it should discuss",
        "was dual stack recommended, and if so where is it mentioned",
        "How much time did the working groups spend on their work?",
        "are opinions 3 and 4 similar",
        "opinion 3 and opinion 4 - similar?",
        "where else could the role-of-governments debate be continued, per wg3",
    ],
)
def test_a_pronoun_answered_inside_the_question_stands_alone(question):
    assert not is_follow_up(question)


# Ellipses and pronouns whose referent is outside the question, including after a name ("what did Brazil say
# about it?") and with no pronoun at all ("did anyone object?", "what were the reasons?").
@pytest.mark.parametrize(
    "question",
    [
        "what did Brazil say about it", "did the US support it", "was India's amendment to it accepted",
        "what was the outcome of his proposal", "what were the results of their study", "does Opinion 3 say the same",
        "is there anything similar in opinion 6", "did anyone object?", "was there any opposition", "who else?",
        "any others", "tell me more", "more detail please", "compare with op 3", "in which working group?",
        "what was the outcome", "which clause says so", "how many were there", "same question for wg2", "explain",
        "who objected?", "what was added?", "what got dropped", "what did they say about the rirs",
        "what did they propose for opinion 2",
    ],
)
def test_an_ellipsis_or_outside_pronoun_is_a_follow_up(question):
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    ["what is an ixp", "who chaired the forum", "list the opinions", "what was adopted", "was there a vote",
     "what is multistakeholderism", "who moderated the strategic dialogue", "any opposition to the opinions",
     "what were the main outcomes", "tell me more about opinion 5"],
)
def test_a_terse_question_with_a_subject_stands_alone(question):
    assert not is_follow_up(question)


def test_an_owner_typed_in_lower_case_is_known_from_the_report():
    names = report_names("The delegation of Turkey proposed it; the delegation of Brazil agreed with the proposal.")
    assert "turkey" in names and "brazil" in names and "proposal" not in names
    assert not is_follow_up("what happened to turkey's text in its final form", names)
    assert is_follow_up("what happened to turkey's text in its final form")


CHAIRS = "Working Group 3: Chair Mr Petko Kantchev (Bulgaria); Vice-Chair Dr Y.J. Park (SUNY, Republic of Korea)."
PRESENTERS = "Mr Ulf Pehrsson and Ms Kathryn Brown presented the outcomes. For Session 2, Ms Kathryn Brown noted a change."


def test_he_or_she_is_the_person_the_last_answer_named_for_what_was_asked():
    texts = {"wg3": CHAIRS, "p5": PRESENTERS}
    turns = [Turn("who chaired working group 3?", ("wg3",))]
    read = read_in_context("what was his other role?", turns, _place, cited_text=texts.get)
    assert read == "what was Petko Kantchev’s other role?"
    turns = [Turn("who presented the outcomes of the dialogue?", ("p5",))]
    assert read_in_context("what did she say about session 2", turns, _place, cited_text=texts.get) == (
        "what did Kathryn Brown say about session 2"
    )


def test_and_about_a_new_topic_asks_the_last_question_of_it():
    turns = [Turn("what does Opinion 1 say about donor funding?")]
    assert read_in_context("and about regulation?", turns, _place) == "what does Opinion 1 say about regulation?"


def test_after_a_question_about_an_actor_it_is_not_the_place_the_actor_spoke_of():
    turns = [Turn("what did Senegal want in Opinion 2?", ("opinion-2/invites/a",))]
    read = read_in_context("why didn't it make it in", turns, _place)
    assert "Opinion 2 make it" not in read and "Senegal" in read


def test_two_turns_after_a_question_about_an_actor_it_is_still_what_the_actor_put_forward():
    turns = [Turn("what did turkey propose in Working Group 2", ("annex-1/wg-2/p5",)),
             Turn("why was it rejected", ("annex-1/wg-2/p6",))]
    read = read_in_context("what happened to it instead?", turns, _place)
    assert "Working Group 2 instead" not in read and "turkey propose" in read


def test_an_actor_asked_about_with_it_two_turns_on_is_still_the_actor():
    # "did it raise", "did it drop": a country acting, not the Opinion the first turn named
    turns = [Turn("what did india ask for in opinion 5", ("annex-1/wg-3/p12",)),
             Turn("how many points did it raise", ("annex-1/wg-3/p12",))]
    read = read_in_context("which ones did it drop", turns, _place)
    assert "Opinion 5 drop" not in read and "india ask" in read


def test_his_group_is_the_working_group_he_was_asked_about():
    turns = [Turn("who chaired Working Group 2", ("part-1/working-groups/wg-2",))]
    assert read_in_context("what opinions did his group handle", turns, _place) == "what opinions did Working Group 2 handle"


def test_what_an_actor_wanted_is_still_it_after_did_that_get_in():
    turns = [Turn("what did turkey want added to Opinion 3?", ("annex-1/wg-2/p9",)),
             Turn("did that get into the opinion?", ("annex-1/wg-2/p11",))]
    read = read_in_context("so where did it end up?", turns, _place)
    assert "Opinion 3 end up" not in read and "turkey want" in read


def test_a_second_pronoun_left_after_one_is_read_keeps_the_last_turn():
    # "it" is Opinion 4; "them" is what the last turn asked about
    turns = [Turn("what is opinion 4 about", ("opinion-4/is-of-the-view/a",)),
             Turn("does it mention legacy addresses", ("opinion-4/is-of-the-view/e",))]
    read = read_in_context("what does it want done about them", turns, _place)
    assert read.startswith("what does Opinion 4 want done about them") and "legacy addresses" in read


def test_and_someone_else_asks_the_last_question_of_the_new_speaker():
    assert read_in_context("and the internet co-founder?", [Turn("what did the icann guy say")], _place) == (
        "what did the internet co-founder say"
    )
    assert read_in_context("and Ghana?", [Turn("what did Senegal propose for Opinion 2?")], _place) == (
        "what did Ghana propose for Opinion 2?"
    )


def test_it_after_which_thing_is_that_thing():
    turns = [Turn("which unga resolution is that")]
    assert read_in_context("what does para 20 of it ask for", turns, _place) == (
        "what does para 20 of the unga resolution ask for? (which unga resolution is that)"
    )


def test_and_the_vice_chair_then_he_is_the_vice_chair():
    row = "Working Group 2: Chair Mr Musab Abdulla (Bahrain); Vice-Chair Mr Tchonang Linze Michel (CAPDA, Cameroon)"
    turns = [Turn("who chaired working group 2?", ("wg2",))]
    assert read_in_context("and the vice-chair?", turns, _place) == "who was the vice-chair of working group 2?"
    turns.append(Turn("and the vice-chair?", ("wg2",)))
    assert read_in_context("what org is he from?", turns, _place, cited_text={"wg2": row}.get) == (
        "what org is Tchonang Linze Michel from?"
    )


OPENING = (
    "The Policy Forum opened with addresses from: Dr Hamadoun I. Touré, ITU Secretary-General; H.E. Mme Doris "
    "Leuthard, Federal Counsellor, Department of Environment, Transport, Energy and Communications, Switzerland."
)
ELECTED = (
    "Six Vice-Chairs were elected for the Forum: · Ms Magdalena Gaj (Poland); · Mr Rashid Ismailov (Russia). "
    "H.E. Mr Ivo Ivanovski, Minister of Information Society, TFYR Macedonia, was elected Chairman of the Forum."
)


def test_she_is_the_woman_the_answer_named_whatever_her_honorific():
    turns = [Turn("what did the swiss federal counsellor talk about", ("p2",))]
    read = read_in_context("which forum did she say her govt supports?", turns, _place, cited_text={"p2": OPENING}.get)
    assert read.startswith("which forum did Doris Leuthard say")


def test_he_is_the_person_whose_own_entry_matches_the_question_on_either_side_of_the_name():
    turns = [Turn("who chaired the whole forum", ("p6", "wg1"))]
    texts = {"p6": ELECTED, "wg1": "Working Group 1: Chair Mr Daniel Cavalcanti (Brazil)"}
    assert read_in_context("what country is he from", turns, _place, cited_text=texts.get) == (
        "what country is Ivo Ivanovski from"
    )


def test_they_after_a_who_question_are_the_people_answered_not_the_place():
    turns = [Turn("who argued about Opinion 1 in the working group?", ("annex-1/wg-1/p3",))]
    read = read_in_context("what did they want changed?", turns, _place)
    assert "Opinion 1 want" not in read and "argued about Opinion 1" in read
    turns.append(Turn("what did they want changed?", ("annex-1/wg-1/p4",)))
    assert "did Opinion 1 get" not in read_in_context("did they get it?", turns, _place)


@pytest.mark.parametrize(
    "question",
    ["what was the answer?", "where could the discussion continue then?", "who's the contact for that?",
     "what was the final wording agreed", "where exactly?"],
)
def test_a_question_about_an_unidentified_thing_takes_the_whole_last_question(question):
    turns = [Turn("what did the uk ask about opinion 2")]
    assert "uk ask about opinion 2" in read_in_context(question, turns, _place)


def test_a_thing_asked_about_is_never_an_auxiliary():
    turns = [Turn("what did brazil do after the may 15 afternoon session")]
    assert "the did" not in read_in_context("how much time did delegates get to look at it", turns, _place)


def test_an_opinion_is_named_only_by_the_words_of_its_own_phrase():
    titles = {4: "In Support of IPv6 Adoption and Transition from IPv4"}
    question = "was it adopted? (brazils new draft opinion about)"
    assert name_opinions(question, titles) == question


def test_own_words_leave_out_the_context_a_reading_added():
    assert own_words("at what price? (Opinion 4; new entrant ISPs say)") == "at what price?"
    assert own_words("what did Ghana propose") == "what did Ghana propose"


def test_the_same_asked_of_another_place_is_the_last_question_asked_of_it():
    assert rewrite_query("does Opinion 4 say the same?", ["what does opinion 3 recognize about ipv6 traffic"]) == (
        "what does Opinion 4 recognize about ipv6 traffic"
    )


def test_a_verb_another_speaker_did_names_no_section_of_the_opinion():
    from assistant.query.conversation import name_sections

    assert name_sections("what did the uk ask about Opinion 2") == "what did the uk ask about Opinion 2"
    assert name_sections("what does Opinion 2 ask of Member States") == "what does Opinion 2 ask of Member States (invites)"
    assert "(invites)" not in name_sections("what was the answer? (Opinion 2; the uk ask about Opinion 2)")


@pytest.mark.parametrize(
    "question",
    ["why did they keep Opinions 3 and 4 separate", "which working group made more changes to its opinions, wg1 or wg3?",
     "which opinion defines its scope"],
)
def test_a_pronoun_for_whoever_acted_on_a_named_place_stands_alone(question):
    assert not is_follow_up(question)


@pytest.mark.parametrize("question", ["did they get it?", "what did they want changed?", "which clause of its preamble"])
def test_a_pronoun_with_nothing_named_stays_a_follow_up(question):
    assert is_follow_up(question)


def test_it_after_a_which_question_answered_with_two_places_is_both():
    turns = [Turn("which opinion deals with IPv6?", ("opinion-4/h", "opinion-4/view/a", "opinion-3/h", "opinion-3/view/a"))]
    assert read_in_context("what does it ask the Secretary-General to do?", turns, _place) == (
        "what do Opinions 3 and 4 ask the Secretary-General to do?"
    )
    assert read_in_context("is it about transition?", turns, _place) == "are Opinions 3 and 4 about transition?"
    turns = [Turn("which opinion deals with IPv6?", ("opinion-4/h", "opinion-4/view/a", "opinion-3/view/a"))]
    assert read_in_context("what does it ask?", turns, _place) == "what does Opinion 4 ask?"


def test_chat_shorthand_is_spelled_out_as_whole_words_only():
    assert spell_out_shorthand("how many ppl attended") == "how many people attended"
    assert spell_out_shorthand("what did the SG say abt govts") == "what did the Secretary-General say about governments"
    assert spell_out_shorthand("the prep process w/ the IEG") == "the preparatory process with the IEG"
    assert spell_out_shorthand("eli5 the whole report") == "explain simply the whole report"  # not an identifier
    assert spell_out_shorthand("running v4 and v6 side by side") == "running IPv4 and IPv6 side by side"
    # before a possessive or a closing quote it is still a word of its own
    assert spell_out_shorthand("what was in the sg's report") == "what was in the Secretary-General's report"
    assert spell_out_shorthand("turkey's 'requests the sg' text") == "turkey's 'requests the Secretary-General' text"
    # inside a word, a URL or an e-mail address, it is not shorthand
    for untouched in ("sgt pepper", "the organization", "www.itu.int/org", "info@itu.int", "preparation", "sg'x"):
        assert spell_out_shorthand(untouched) == untouched


@pytest.mark.parametrize(
    "question, asks",
    [
        ("did it get in?", True),
        ("did it make it into the final text?", True),
        ("was that accepted?", True),
        ("what was the answer?", True),
        ("and how did the group respond", True),
        ("so what happened after that", True),
        ("who answered?", True),
        ("and who replied first", True),
        ("how did the secretariat answer it", True),
        ("did anyone reply to that", True),
        ("what does it answer", False),
        ("when was it passed", False),  # a date asked of the last answer's thing
        ("how long did they work", False),
        ("what did they propose?", False),
        ("who answered for the Secretariat at the opening", False),
        ("was Opinion 3 adopted?", False),
        ("did it work?", True),
        ("is that cstd working group meant to report", False),  # a working group, not whether it worked
        ("by when is it supposed to report", False),  # a date, asked with "by"
    ],
)
def test_a_follow_up_about_what_came_of_the_last_answer_is_told_apart(question, asks):
    assert asks_what_followed(question) is asks


def test_a_pronoun_after_an_earlier_sentence_of_the_same_question_refers_to_it():
    assert not is_follow_up("what opinions came out of wtpf 2013? all of them")
    assert not is_follow_up("who chaired wg2? and what did he say")
    assert is_follow_up("what did they say?")


def test_what_happened_with_it_asks_what_came_of_the_last_answer():
    assert asks_what_followed("what happened with that")
    assert not asks_what_followed("what happened with the broadband opinion")


def test_that_before_a_noun_for_a_body_or_a_speech_points_at_the_last_turn():
    assert is_follow_up("who set that commission up?")
    assert is_follow_up("what did the chair say in that speech")
    assert not is_follow_up("who set up the Broadband Commission?")


def test_it_after_a_preposition_is_the_thing_the_place_was_asked_about():
    from assistant.query.conversation import Turn, read_in_context

    turns = [Turn("what does Opinion 6 say about a CSTD working group?", ())]
    read = read_in_context("who has to be represented on it?", turns, lambda _id: [])
    assert read.startswith("who has to be represented on the CSTD working group?")
    # the place acting, or its fate, is still the place
    assert read_in_context("what does it invite?", turns, lambda _id: []).startswith("what does Opinion 6 invite")
    assert "Opinion 6" in read_in_context("was it adopted?", turns, lambda _id: []).split("(")[0]


def test_an_ordinal_in_digits_reads_as_its_word():
    from assistant.query.conversation import spell_out_shorthand

    assert spell_out_shorthand("what was the 2nd one about") == "what was the second one about"
    assert spell_out_shorthand("who was the 3rd speaker") == "who was the third speaker"
    assert spell_out_shorthand("WTPF-13 on 2nd-level domains") == "WTPF-13 on 2nd-level domains"  # inside a word


def test_wg_shorthand_is_spelled_out_like_op():
    from assistant.query.conversation import spell_out_places

    assert spell_out_places("who chaired wg2?") == "who chaired Working Group 2?"
    assert spell_out_places("WG 3 vs op 5") == "Working Group 3 vs Opinion 5"
    assert spell_out_places("the wgs met") == "the working groups met"  # no number: the words, not a place
    assert spell_out_places("which wg handled ipv6") == "which working group handled ipv6"


def test_he_is_the_person_the_last_question_named_before_anyone_the_answer_names_beside():
    openers = "Dr Hamadoun I. Touré opened the Forum. Mr Fadi Chehadé, President and CEO of ICANN, spoke next."
    turns = [Turn("tell me about fadi chehade", ("p1",))]
    assert read_in_context("what was his message?", turns, _place, cited_text={"p1": openers}.get) == (
        "what was Fadi Chehadé’s message?"
    )


def test_he_is_the_one_whose_entry_names_the_body_the_last_question_asked_about():
    openers = ("The Policy Forum opened with addresses from: Dr Hamadoun I. Touré, ITU Secretary-General; "
               "Mr Fadi Chehadé, President and CEO of ICANN; and Dr Robert E. Kahn, President, CNRI.")
    turns = [Turn("who spoke for icann at the opening?", ("p1",))]
    assert read_in_context("what was his main message?", turns, _place, cited_text={"p1": openers}.get) == (
        "what was Fadi Chehadé’s main message?"
    )
    turns = [Turn("who represented cnri at the opening", ("p1",))]
    assert read_in_context("what did he say", turns, _place, cited_text={"p1": openers}.get) == (
        "what did Robert E. Kahn say"
    )


def test_it_is_the_thing_the_last_question_brought_in_unless_a_place_acts_or_its_fate_is_asked():
    turns = [Turn("when did they bring back a revised version?", ("annex-1/wg-3/p20",))]
    assert read_in_context("what was it numbered?", turns, _place).startswith("what was the revised version numbered?")
    turns = [Turn("did Working Group 1 make a change to the text", ("annex-1/wg-1/p5",))]
    assert read_in_context("what was it", turns, _place).startswith("what was the change?")
    turns = [Turn("what does Opinion 6 say about a CSTD working group?", ())]
    assert "CSTD" not in read_in_context("what does it invite?", turns, _place).split("(")[0]


def test_and_another_person_replaces_the_whole_name_not_its_first_word():
    turns = [Turn("what was Fadi Chehadé’s main message?", ())]
    assert read_in_context("and Robert Kahn?", turns, _place) == "what was Robert Kahn’s main message?"


def test_there_at_the_end_of_a_question_about_what_happened_leans_on_the_last_turn():
    assert is_follow_up("so what was decided there")
    assert is_follow_up("what happened there?")
    assert not is_follow_up("how many ministers were there?")  # at the forum: stands alone
    assert not is_follow_up("number of delegates there?")


def test_it_after_a_question_about_something_said_is_what_was_said():
    turns = [Turn("what was india's amendment in working group 3?", ("wg3",))]
    read = read_in_context("was it accepted?", turns, _place)
    assert read.startswith("was india's amendment accepted?")
    # the point of a place is the place's: "it" stays the Opinion
    turns = [Turn("what is the main point of Opinion 2?", ("opinion-2/invites/a",))]
    assert read_in_context("who objected to it?", turns, _place) == "who objected to Opinion 2?"


def test_who_else_carries_the_whole_last_question():
    read = rewrite_query("who else did the same?", ["what did Avanti propose in Working Group 1"])
    assert "Avanti" in read and "Working Group 1" in read


def test_and_another_role_asks_it_of_whatever_the_last_who_question_acted_on():
    assert read_in_context("and the vice-chair?", [Turn("who chaired the policy forum?")], _place) == (
        "who was the vice-chair of the policy forum?"
    )
    assert read_in_context("and the vice chairs?", [Turn("who chaired the three working groups?")], _place) == (
        "who were the vice chairs of the three working groups?"
    )
    # the role asked as a noun: its place is what follows "of"
    assert read_in_context("and the vice-chairs?", [Turn("who was the chairman of wtpf-13")], _place) == (
        "who were the vice-chairs of wtpf-13?"
    )


def test_a_name_the_earlier_words_carry_is_not_appended_twice():
    read = rewrite_query("who could people contact about it", ["where did Petko Kantchev suggest brazil take it"])
    assert read.count("Kantchev") == 1 and "brazil" in read


def test_a_person_described_by_words_of_their_own_entry_is_named():
    from assistant.query.conversation import report_people, spell_out_people

    report = (
        "The Policy Forum opened with addresses from: · Dr Hamadoun I. Touré, ITU Secretary-General; "
        "· H.E. Mme Doris Leuthard, Federal Counsellor, Department of Environment, Switzerland; "
        "· Mr Fadi Chehadé, President and CEO of ICANN; · Dr Robert E. Kahn, President, CNRI, and the co-founder "
        "of the Internet.\nH.E. Mr Ivo Ivanovski, Minister of Information Society, TFYR Macedonia, was elected."
    )
    people = report_people(report)
    assert spell_out_people("what did the icann ceo say", people) == "what did Fadi Chehadé say"
    assert spell_out_people("what did the swiss minister stress", people) == "what did Doris Leuthard stress"
    assert spell_out_people("and the internet co-founder?", people) == "and Robert E. Kahn?"
    assert spell_out_people("what did the president say", people) == "what did the president say"  # two of them
    # asks who it is: the words kept, the name beside them for the search
    assert spell_out_people("who was the swiss speaker", people) == "who was the swiss speaker (Doris Leuthard)"
    assert spell_out_people("who was the ceo of icann", people) == "who was the ceo of icann (Fadi Chehadé)"
    assert spell_out_people("who was the secretary-general of itu", people).endswith("(Hamadoun I. Touré)")
    # an office asked to act is the office, whoever holds it
    assert spell_out_people("what does it ask the ITU Secretary-General to do", people).endswith("Secretary-General to do")
    assert spell_out_people("what does it ask the ITU Secretary-General to do", people).endswith("Secretary-General to do")
    # an item of an earlier list by its place, which the conversation spells out from that list
    assert spell_out_people("what did the second speaker talk about", people) == "what did the second speaker talk about"


def test_a_people_named_after_a_country_names_it():
    from assistant.query.conversation import is_follow_up
    from assistant.textnorm import demonym_of

    names = frozenset({"brazil", "ghana", "unga", "turkey"})
    assert demonym_of("brazilians", names) == "brazil" and demonym_of("ghanaian", names) == "ghana"
    assert demonym_of("turkeys", names) is None and demonym_of("bran", names) is None
    assert not is_follow_up("what did the brazilians want", names)
    assert is_follow_up("what did the delegates want", names)
    # a "they" after a named thing is whoever wrote it, not someone from the last turn
    assert not is_follow_up("what does enhanced cooperation mean according to the unga res they quote", names)
    assert is_follow_up("what did they quote", names)


def test_which_one_chooses_among_the_opinions_the_last_answer_cited():
    turns = [Turn("what two opinions did working group 1 handle", ("annex-1/wg-1/p1", "opinion-1/x", "opinion-2/y"))]
    assert is_follow_up("which one got changed")
    assert read_in_context("which one got changed", turns, _place) == "which of Opinions 1 and 2 got changed"


def test_a_deep_follow_up_stays_in_the_place_the_conversation_began_in():
    turns = [Turn("what was working group 3 doing", ()), Turn("who brought the extra draft", ()),
             Turn("how did that end", ())]
    read = read_in_context("where did the chair say they should keep talking about it", turns, _place)
    assert read.endswith("; Working Group 3)") or read.endswith("(Working Group 3)")
    # a person's other roles, or "the other one", lie elsewhere
    assert "Working Group 3" not in read_in_context("what was his other role?", turns, _place)


def test_who_did_something_to_nothing_named_leans_on_the_last_turn():
    assert is_follow_up("who objected?") and is_follow_up("who pushed back and why?")
    assert not is_follow_up("who pushed back on opinion 5 and why?")


def test_they_in_a_relative_clause_on_a_named_thing_is_whoever_did_it():
    assert not is_follow_up("list all the opinions they adopted")
    assert is_follow_up("what did they adopt")


def test_what_happened_next_and_bare_any_lean_on_the_last_turn_but_the_forum_itself_does_not():
    assert is_follow_up("what happened next?") and is_follow_up("any objections?")
    assert is_follow_up("what happened in the end?")
    assert not is_follow_up("when was the forum held")  # the report's own setting needs no earlier turn
    assert not is_follow_up("what happened next in the IGF after WTPF-13")


def test_it_after_a_question_read_as_of_two_opinions_stays_with_both():
    turns = [Turn("what do Opinions 3 and 4 ask the secretary-general to do?", ("opinion-3/invites/a", "opinion-4/invites/a"))]
    assert read_in_context("who argued against it?", turns, _place) == "who argued against Opinions 3 and 4?"


def test_which_one_after_many_opinions_asks_which_opinion():
    turns = [Turn("list the opinions", tuple(f"opinion-{n}/x" for n in range(1, 7)))]
    assert read_in_context("which one is about broadband?", turns, _place) == "which opinion is about broadband?"


def test_it_after_what_is_x_is_x():
    turns = [Turn("what is the ieg?", ("part-1/p4",))]
    assert read_in_context("who chaired it?", turns, _place) == "who chaired the ieg?"


def test_and_another_addressee_asks_the_same_of_it():
    from assistant.query.conversation import rewrite_query

    assert rewrite_query("and sector members?", ["what does Opinion 1 ask member states?"]) == (
        "what does Opinion 1 ask sector members?"
    )


def test_and_what_about_another_addressee_asks_the_same_of_it():
    from assistant.query.conversation import rewrite_query

    # five words with "and" before them, yet "what about" says the last question is asked again
    assert rewrite_query("and what about sector members", ["what does Opinion 3 invite member states to do?"]) == (
        "what does Opinion 3 invite sector members to do?"
    )


def test_it_stays_the_thing_defined_while_the_conversation_is_about_it():
    turns = [Turn("what is the ieg?", ("part-1/p4",)), Turn("who chaired it?", ("part-1/p4",))]
    assert read_in_context("how many times did it meet?", turns, _place) == "how many times did the ieg meet?"


def test_it_after_asking_which_place_covers_the_thing_defined_is_that_place():
    turns = [Turn("what's an ixp?", ("opinion-1/p1",)), Turn("which opinion covers them?", ("opinion-1/invite/p1",))]
    assert read_in_context("what does it ask governments to do?", turns, _place) == "what does Opinion 1 ask governments to do?"


def test_the_second_one_after_asking_how_many_groups_is_the_second_group():
    turns = [Turn("how many working groups were there", ("part-1/p16",))]
    assert read_in_context("who chaired the second one", turns, _place) == "who chaired Working Group 2"


def test_a_prepositional_fragment_leans_on_the_last_turn():
    turns = [Turn("what did apnic say", ("annex-1/wg-2/p12",))]
    assert "apnic" in read_in_context("on behalf of whom?", turns, _place)
    assert "apnic" in read_in_context("on whose behalf", turns, _place)


def test_a_word_capitalized_by_style_is_not_a_name():
    names = report_names("They met in two Sessions and then Ghana spoke. The working session ended.")
    assert "ghana" in names and "sessions" not in names


def test_and_another_speaker_after_a_person_with_an_initial():
    from assistant.query.conversation import rewrite_query

    assert rewrite_query("and chehade?", ["what did Robert E. Kahn talk about?"]) == "what did chehade talk about?"


def test_and_another_after_two_doers_asks_it_of_the_new_one_alone():
    from assistant.query.conversation import rewrite_query

    assert rewrite_query("and the RIRs?", ["what did isoc and the US say about Opinion 4"]) == (
        "what did the RIRs say about Opinion 4"
    )


def test_an_ordinal_place_is_spelled_out():
    from assistant.query.conversation import spell_out_places

    assert spell_out_places("whats the 2nd opinion about") == "whats Opinion 2 about"
    assert spell_out_places("who chaired the third working group") == "who chaired Working Group 3"
    assert spell_out_places("a second opinion on it") == "a second opinion on it"


def test_the_first_one_and_then_the_other_one_walk_the_places_an_answer_listed():
    turns = [Turn("which opinions deal with ipv6?", ("opinion-4/x", "opinion-3/y"))]
    assert read_in_context("what does the first one invite?", turns, _place) == "what does Opinion 4 invite?"
    turns.append(Turn("what does the first one invite?", ("opinion-4/invites/a",)))
    assert read_in_context("and the other one?", turns, _place) == "what does Opinion 3 invite?"


def test_a_whole_question_after_so_or_ok_that_names_its_subject_stands_alone():
    names = frozenset({"ghana", "ixp", "ieg"})
    assert not is_follow_up("so what did ghana propose", names)
    assert not is_follow_up("ok what is an ixp", names)
    assert is_follow_up("and opinion 4?", names) and is_follow_up("and who chaired it?", names)
    assert is_follow_up("so what did ghana propose there?", names)


def test_the_first_one_is_the_first_place_of_the_kind_the_last_question_counted():
    # the answer to "how many working groups …" cited a Part I paragraph, then Working Groups 1 and 3
    turns = [Turn("how many working groups were there?", ("part-1/p3", "annex-1/wg-1/p1", "annex-1/wg-3/p4"))]
    assert is_follow_up("who chaired the first one")
    assert read_in_context("who chaired the first one", turns, _place) == "who chaired Working Group 1"
    assert not is_follow_up("what happened in the first session")
    # counted places are numbered whichever the answer cited first
    turns = [Turn("how many working groups were there?", ("annex-1/wg-3/p4", "part-1/p16", "annex-1/wg-1/p1"))]
    assert read_in_context("who chaired the first one", turns, _place) == "who chaired Working Group 1"


def test_the_first_one_of_a_counted_set_is_the_first_of_those_things():
    turns = [Turn("what did the strategic dialogue cover", ("part-1/p4",)), Turn("what were the two sessions?", ("part-1/p4",))]
    read = read_in_context("what did the first one conclude", turns, _place)
    assert read.startswith("what did the first session conclude?")


def test_an_ordinal_thing_the_report_numbers_is_named_by_its_number(source):
    from assistant.query.conversation import name_numbered, numbered_kinds

    kinds = numbered_kinds(source)
    # "Session 1 debated …", "For Session 2, …"; not "Study Group 2" or "Draft Opinion 3", named by two words
    assert kinds["session"] == 2 and "group" not in kinds
    assert name_numbered("what did the first session conclude", kinds) == "what did Session 1 conclude"
    assert name_numbered("what about the third session", kinds) == "what about the third session"  # it has two
    assert name_numbered("the first speaker", kinds) == "the first speaker"


def test_and_a_thing_with_another_number_swaps_the_number():
    assert rewrite_query("and session 2?", ["what was session 1 about"]) == "what was session 2 about"
    assert rewrite_query("and session 2?", ["who chaired Working Group 1?"]) != "who chaired session 2?"


def test_a_reading_built_on_readings_is_said_flat():
    assert flat_reading("did they get it? (they want changed? (argued about Opinion 1 in the working group))") == (
        "did they get it? (they want changed; argued about Opinion 1 in the working group)"
    )
    assert flat_reading("who chaired it? (Working Group 2)") == "who chaired it? (Working Group 2)"
    assert flat_reading("who chaired Working Group 2") == "who chaired Working Group 2"


_SPEAKERS = """According to Part I of the report, the Policy Forum opened with addresses from: [1]

- Dr Hamadoun I. Touré, ITU Secretary-General. [1]
- H.E. Mme Doris Leuthard, Federal Counsellor, Switzerland. [1]
- Dr Robert E. Kahn, President, CNRI, and the co-founder of the Internet. [1]
- He invited the Forum to adopt the following Opinions: [2]
  - Opinion 1: Promoting Internet Exchange Points (IXPs). [2]
  - Opinion 4: In Support of IPv6 Adoption and Transition from IPv4. [2]"""


def test_an_item_asked_for_by_its_place_in_an_earlier_list_is_named():
    from assistant.query.conversation import list_items, lists_what_is_asked, name_item

    items = list_items(_SPEAKERS)  # the first list, up to the next lead-in
    assert items == ["Dr Hamadoun I. Touré, ITU Secretary-General", "H.E. Mme Doris Leuthard, Federal Counsellor, Switzerland",
                     "Dr Robert E. Kahn, President, CNRI, and the co-founder of the Internet"]
    assert name_item("what did the last speaker say", items) == "what did Dr Robert E. Kahn say"
    assert name_item("and the second one?", items) == "and H.E. Mme Doris Leuthard?"
    assert name_item("what did the fifth one say", items) == "what did the fifth one say"  # no such item
    assert name_item("and the third?", items) == "and Dr Robert E. Kahn?"  # the ordinal alone ends the question
    assert name_item("the third World Telecommunication Policy Forum", items).startswith("the third World")
    # a name spelled with initials is swapped whole: not "Mr Fadi Chehadé.E. Mme Doris Leuthard"
    assert rewrite_query("and Mr Fadi Chehadé?", ["what did H.E. Mme Doris Leuthard say"]) == "what did Mr Fadi Chehadé say"
    assert lists_what_is_asked(items, "speaker")
    opinions = list_items(_SPEAKERS.split("- He invited ")[1].replace("  - ", "- "))
    assert name_item("what is the second one about", opinions) == "what is Opinion 4 about"
    assert not lists_what_is_asked(opinions, "speaker")
    # a numbered name opening a long item names it: "Resolution 139 (Rev. Guadalajara, 2010), Telecommunications …"
    recalled = ["Resolution 71 (Rev. Guadalajara, 2010), The Strategic Plan for the Union",
                "Resolution 139 (Rev. Guadalajara, 2010), Telecommunications/information and communication technologies "
                "to bridge the digital divide and build an inclusive information society"]
    assert name_item("the second one's about what?", recalled) == "Resolution 139's about what?"
    # items of separate clauses, under a lead-in of their own; a long one is not a name to ask with
    tasks = "Opinion 3 recognizes that the Directors have: [1]\n\n- initiated a project to assist developing countries [2]\n- established a website [3]"
    assert list_items(tasks) == ["initiated a project to assist developing countries", "established a website"]
    assert name_item("and the first one?", list_items(tasks)) == "and the first one?"
    assert name_item("and the last one?", list_items(tasks)) == "and established a website?"
    assert list_items("Opinion 3 is of the view that every effort should be made. [1]") == []


def test_they_after_a_question_asking_who_are_the_ones_its_answer_listed():
    from assistant.query.conversation import list_items, listed_names, name_them

    doers = """The report names 5 that took part in the debate:

- United States, RIPE NCC, ISOC and Australia: The United States, RIPE NCC, ISOC and Australia presented their contributions orally. [1]
- Turkey: For the sake of compromise, Turkey generously accepted that it would not insist on its amendments. [2]"""
    names = listed_names(list_items(doers))
    assert names == ["United States, RIPE NCC, ISOC and Australia", "Turkey"]
    assert (name_them("what did they want changed?", "who argued about it in the working group", names)
            == "what did United States, RIPE NCC, ISOC and Australia and Turkey want changed?")
    assert name_them("what did they want changed?", "what is an IXP", names) == "what did they want changed?"
    assert listed_names(list_items(_SPEAKERS))[-1] == "Dr Robert E. Kahn"
    # places are not doers: "what did they do" after "who chaired the working groups" keeps its words
    assert listed_names(["Draft Opinion 1: Promoting IXPs", "Draft Opinion 2: Fostering broadband"]) == []


def test_what_a_question_points_at_is_the_noun_after_that_or_those():
    from assistant.query.conversation import demonstrated

    assert demonstrated("who sits on that working group?") == ["working group"]
    assert demonstrated("what did those documents say") == ["documents"]
    assert demonstrated("did they say that the text was fine") == []  # "that" joining a clause points at nothing
    assert demonstrated("and that one?") == []


def test_a_plural_pronoun_after_one_place_stands_for_the_things_spoken_of():
    turns = [Turn("opinion 4 talks about ipv4 transfers outside the rirs", ("opinion-4/recognizing/a",))]
    read = read_in_context("what's the risk with them", turns, _place)
    assert read != "what's the risk with Opinion 4"
    assert "transfers" in read
    turns = [Turn("Which opinions deal with IPv6?", ("opinion-4/invites/a", "opinion-3/invites/a"))]
    assert "Opinion" in read_in_context("what do they ask member states to do", turns, _place)


def test_it_after_what_an_actor_was_told_to_want_is_what_they_wanted():
    turns = [Turn("turkey wanted to add something to Opinion 6 right?", ("opinion-6/invites",))]
    read = read_in_context("who pushed back on it?", turns, _place)
    assert read != "who pushed back on Opinion 6?"
    assert "turkey" in read.lower()


def test_that_opinion_is_the_opinion_the_last_answer_quoted():
    turns = [Turn("what's said about content distribution networks", ("opinion-1/considering/c",))]
    assert read_in_context("what does that opinion invite", turns, _place) == "what does Opinion 1 invite"
    turns = [Turn("what did the uk ask about the secretary-general", ("annex-1/wg-1/p10",))]
    assert read_in_context("who chaired that working group", turns, _place) == "who chaired Working Group 1"


def test_which_ones_after_the_opinions_asks_which_opinions():
    turns = [Turn("list the opinions", ("opinion-1", "opinion-2", "opinion-3", "opinion-4"))]
    assert read_in_context("which ones are about ipv6", turns, _place) == "which opinions are about ipv6"


def test_and_in_another_group_keeps_one_preposition():
    assert rewrite_query("and in wg3?", ["what did turkey say in wg2"]) == "what did turkey say in wg3"


def test_a_role_after_a_name_is_not_part_of_it():
    from assistant.query.conversation import report_people

    people = dict(report_people("Mr Petko KANTCHEV Chairman of Working Group 3\\nMs Sally Wentworth (ISOC) spoke."))
    assert "Petko KANTCHEV" in people and "Petko KANTCHEV Chairman" not in people


def test_a_bare_noun_phrase_continues_the_last_question():
    from assistant.query.conversation import bare_continuation

    assert bare_continuation("sector members?") == "and sector members?"
    assert bare_continuation("the vice-chair?") == "and the vice-chair?"
    # a question word, a verb, an instruction or a courtesy is a question of its own
    for own in ("why?", "who proposed it?", "list them", "thanks", "explain", "what about wg2", "proposed?"):
        assert bare_continuation(own) == own


def test_the_same_question_asked_again_of_another_place():
    from assistant.query.conversation import bare_continuation

    for asked in ("same q for Opinion 4", "ditto for Working Group 2", "now Working Group 2", "for Working Group 3?",
                  "same question with Opinion 4"):
        assert bare_continuation(asked).startswith("and ") and asked.split()[-1].rstrip("?") in bare_continuation(asked)
    assert bare_continuation("Working Group 2?") == "and Working Group 2?"
    # a question of its own after "for" or "now" stays as it is
    for own in ("for what reason was it dropped", "now what did it say about Opinion 6", "for how long?"):
        assert bare_continuation(own) == own


def test_a_question_word_pressed_with_tho_or_exactly_asks_about_the_last_answer():
    from assistant.query.conversation import is_follow_up

    for pressed in ("why tho", "but why", "why exactly?", "how come tho", "why not tho"):
        assert is_follow_up(pressed), pressed
    assert not is_follow_up("why did ghana want that though")


def test_fragments_that_lean_on_the_last_answer_are_follow_ups():
    from assistant.query.conversation import is_follow_up

    for leaning in ("did any of that survive", "about what though", "where exactly in the text",
                    "anything for the private sector in there?"):
        assert is_follow_up(leaning), leaning
    for own in ("what did ghana propose", "where exactly did working group 2 meet"):
        assert not is_follow_up(own), own


def test_and_the_outcome_asks_what_came_of_the_last_question_not_who_else_did_it():
    from assistant.query.conversation import rewrite_query

    assert rewrite_query("and the reaction?", ["what did brazil propose"]) == "what was the reaction? (what did brazil propose)"
    assert rewrite_query("and the outcome?", ["what did india propose for Opinion 5"]).startswith("what was the outcome?")
    assert rewrite_query("and ghana?", ["what did brazil propose"]) == "what did ghana propose"


def test_numbers_alone_ask_the_same_of_the_places_so_numbered():
    from assistant.query.conversation import rewrite_query

    assert rewrite_query("and 5 and 6?", ["what did australia do about opinions 3 and 4?"]) == (
        "what did australia do about opinions 5 and 6?"
    )
    assert rewrite_query("and 3?", ["who chaired Working Group 1"]) == "who chaired Working Group 3"
    assert rewrite_query("and 2?", ["what was session 1 about?"]) == "what was session 2 about?"


def test_and_another_actor_swaps_the_doers_of_what_they_pointed_out():
    from assistant.query.conversation import rewrite_query

    # two doers joined by "and" are one subject, and "point out" is one of the ways the report tells what they said
    assert rewrite_query("and ripe ncc?", ["what did the us and isoc point out about Opinion 4"]) == (
        "what did ripe ncc point out about Opinion 4"
    )


def test_and_another_thing_counts_it_where_the_last_question_counted():
    read = rewrite_query("and contributions?", ["who chaired the IEG?", "how many experts took part in the IEG"])
    assert read.startswith("how many contributions took part in the IEG")
    assert rewrite_query("and ministers?", ["how many delegates attended"]) == "how many ministers attended"
    # a topic, not a thing to count: what was counted stays
    assert rewrite_query("and about regulation?", ["how many contributions mention broadband?"]).startswith(
        "how many contributions"
    )


def test_chat_shorthand_inside_a_hyphened_compound_is_spelled_out_with_the_compound_opened():
    assert spell_out_shorthand("a requests-the-sg bit") == "a requests the Secretary-General bit"
    assert spell_out_shorthand("the govts-in-multistakeholder question") == "the governments in multistakeholder question"
    for untouched in ("state-of-the-art", "e-mail", "wtpf-13-related", "multi-stakeholder"):
        assert spell_out_shorthand(untouched) == untouched
