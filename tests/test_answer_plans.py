"""Answer plans on the real report (no embedder: the composer scores by shared words and rank)."""

import re

import pytest

from assistant.answer.actor import first_doer, told_with_quotes
from assistant.answer.fact import verdict_of
from assistant.answer.context import PlanContext, Places
from assistant.answer.definition import asked_term
from assistant.answer.draft import Draft
from assistant.answer.mention import asks_mention
from assistant.answer.planner import Planner
from assistant.answer.shape import actor_subjects, question_shape
from assistant.answer.compose import Composer
from assistant.report.glossary import acronyms
from assistant.records import Hit
from assistant.answer.verify import quote_is_verbatim

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def planner(source, clauses):
    return Planner(PlanContext(source, clauses, Composer(source, clauses), acronyms(source)), k=5)


def hits_for(clauses, *ids):
    by_id = {c.id: c for c in clauses}
    return [Hit(by_id[i], 1.0 - n / 10) for n, i in enumerate(ids)]


def answer(planner, clauses, query, *ids):
    planned = planner.plan(query, hits_for(clauses, *ids))
    return planner.finish(planned, query, query, hits_for(clauses, *ids))


@pytest.mark.parametrize(
    "question, shape",
    [
        ("how do opinions 3 and 4 differ", "compare"),
        ("op 5 vs op 6?", "compare"),
        ("why did opinions 3 and 4 stay separate?", "reason"),
        ("op1: why do IXPs do better in some countries than others", "reason"),  # the topic named first
        ("brazil's draft - how come it was dropped", "reason"),
        ("whats an IXP", "definition"),
        ("what's CPE in op3", "definition"),  # a term, then where it is used
        ("what is needs-based allocation in opinion 4", "definition"),
        ("what's the story in wg3", "overview"),
        ("tell us about opinion 1", "overview"),
        ("what do opinions 3 and 4 say about ipv4 transfers", "fact"),  # names its places: no list of opinions
        ("which two opinions deal with ipv6", "list"),
        ("can you tell me a bit about working group 2", "overview"),  # a request, not a yes/no
        ("how did the Opinion 6 debate go in wg3", "overview"),
        ("opinion 6 in wg3, blow by blow", "overview"),  # the whole story, told in order
        ("walk me thru what wg2 did", "overview"),
        ("rundown of what happened to brazil's draft opinion from start to finish", "overview"),
        ("CDN?", "definition"),
        ("gist of opinion 1?", "overview"),
        ("what happened in working group 3", "overview"),
        ("broadly what went down in wg3", "overview"),
        ("what went down at the forum", "overview"),
        ("how did the consultation before the forum work", "overview"),
        ("working group 1 outcome overall?", "overview"),
        ("the big picture on enhanced cooperation", "overview"),
        ("whats opinion 3 basically saying", "overview"),
        ("give me the short version of what wg3 got done", "overview"),
        ("eli5 opinion 2", "overview"),
        ("break down opinion 6 for me", "overview"),
        ("what's the deal with opinion 5", "overview"),
        ("opinion 2 in plain english", "overview"),
        ("what separates opinions 5 and 6", "compare"),
        ("what's the thinking behind the ixp opinion", "reason"),
        ("what are the three resolutions", "list"),  # counted out, not a term to define
        ("what is meant by multistakeholderism", "definition"),
        ("list every opinion", "list"),
        ("list the six opinions", "list"),
        ("what are the six opinions about?", "list"),
        ("what were the three working groups about", "list"),
        ("who were the vice-chairs", "list"),
        ("did the forum adopt opinion 6", "yesno"),
        ("who chaired working group 2?", "fact"),
        ("rirs - what are they", "definition"),  # the term, then the question
        ("ieg, what is that", "definition"),
        ("what does op4 cover", "overview"),  # what a place takes up is what it is about
        ("what topics does opinion 6 address", "overview"),
        ("what's covered in opinion 5", "overview"),
        ("what does opinion 1 ask member states to address", "list"),  # what it asks others to take up
    ],
)
def test_the_wording_gives_the_shape(question, shape):
    assert question_shape(question, places=len(re.findall(r"\d", question))) == shape


def test_an_actor_is_the_doer_not_the_one_acted_on():
    assert question_shape("what did ghana propose", actors=("ghana",)) == "actor"
    assert question_shape("what was the uk's question in wg1", actors=("uk",)) == "actor"  # what the UK said
    # a size asked of an actor is one fact, though "contributions" is also what actors do
    assert question_shape("ok how big was the IEG - experts, contributions?", actors=("IEG",)) == "fact"
    assert actor_subjects("what did ghana propose", ("ghana",)) == ("ghana",)
    assert actor_subjects("What does the opinion ask the Secretary-General to do?", ("secretary-general",)) == ()
    assert actor_subjects("India's points on Opinion 5?", ("india",)) == ("india",)
    # an actor in a clause that only tells when is not what the question asks about
    assert actor_subjects("what venues were floated after brazil's text died", ("brazil",)) == ()


def test_the_name_of_what_an_actor_put_forward_is_one_fact_not_all_it_did():
    assert question_shape("what was the title of brazil's draft", actors=("brazil",)) == "fact"
    assert question_shape("what was brazil's new draft opinion called", actors=("brazil",)) == "fact"
    assert question_shape("what happened to brazil's draft", actors=("brazil",)) == "actor"


def test_whether_an_actors_proposal_was_taken_up_is_a_yes_or_no():
    # the fate of the thing asked about, not all the actor did, though "proposal" and "role" are what actors do
    for question in ("was india's proposal for opinion 6 accepted",
                     "so was brazil's role-of-government opinion adopted or not",
                     "so brazil's role of governments draft basically got rejected?"):
        assert question_shape(question, actors=(question.split("'")[0].split()[-1],)) == "yesno", question
    assert question_shape("what was brazil's role in wg3", actors=("brazil",)) == "actor"
    assert question_shape("what did india propose for opinion 6", actors=("india",)) == "actor"


def test_a_peoples_adjective_owns_what_it_qualifies_and_does_nothing_itself():
    names = {"brazil": 3, "brazilian": 1, "council": 2}
    assert first_doer("did the brazilian text end up adopted", ("brazilian",), names) == ()
    assert first_doer("did the council later adopt the brazilian text", ("council", "brazilian"), names) == ("council",)
    assert first_doer("what did brazil end up doing", ("brazil",), names) == ("brazil",)


def test_what_an_actor_highlighted_or_emphasized_is_what_it_said():
    # the report's own verbs for what a delegation said ("the US and ISOC highlighted the texts …")
    assert question_shape("what did the us and isoc highlight in draft opinion 4", actors=("united states", "isoc")) == "actor"
    assert question_shape("what did india emphasise in wg3", actors=("india",)) == "actor"
    assert question_shape("what did brazil present in wg3", actors=("brazil",)) == "actor"
    # an Opinion that mentions or notes something is no actor speaking
    assert question_shape("does opinion 2 mention the broadband commission", actors=("broadband commission",)) != "actor"


def test_every_plan_cites_only_verbatim_quotes(planner, clauses, source):
    cases = [
        ("list the six opinions", "part-1/p19", "part-1/p12"),
        ("summarize opinion 5", "opinion-5/is-of-the-view/p1"),
        ("how do opinions 3 and 4 differ", "annex-1/wg-2/p5"),
        ("what did ghana propose", "annex-1/wg-1/p9"),
        ("whats an IXP", "opinion-1/is-of-the-view/a"),
        ("what happened in working group 3", "annex-1/wg-3/p1"),
    ]
    for query, *ids in cases:
        result = answer(planner, clauses, query, *ids)
        assert result.citations, query
        assert all(quote_is_verbatim(source, c) for c in result.citations), query
        # every marker in the text points at a citation, and labels stay out of the sentences
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", result.answer)}
        assert markers == {c.n for c in result.citations}, query
        assert "›" not in result.answer, query


def test_a_lead_in_brings_all_of_its_inline_items(planner, clauses):
    result = answer(planner, clauses, "who were the vice-chairs elected for the forum", "part-1/p12")
    assert result.plan == "list"
    assert result.answer.startswith("According to Part I of the report, six Vice-Chairs were elected for the Forum:")
    for name in ("Magdalena Gaj (Poland)", "Rashid Ismailov (Russia)", "Rabindra N. Jha (India)"):
        assert name in result.answer


def test_an_unnumbered_new_draft_listed_after_numbered_ones_is_an_item_of_its_own(planner, clauses):
    result = answer(planner, clauses, "list the opinions wg3 handled", "annex-1/wg-3/p1")
    assert "- Draft Opinion 6: On supporting operationalizing the Enhanced Cooperation Process. [1]" in result.answer
    assert "- New Draft Opinion: On The Role of Government" in result.answer


def test_a_part_named_by_what_it_holds_lists_them_as_the_report_tells_them(planner, clauses):
    # Part I lists the six with what happened to them; that list, and who "he" is, beat Part II's headings
    result = answer(planner, clauses, "list the six opinions", "part-1/p13")
    assert result.answer.startswith("According to Part I of the report, the Chairman of the Forum presented the Draft "
                                    "Opinions, which had been revised and endorsed by the Working Groups. He invited")
    for n in range(1, 7):
        assert f"\n- Opinion {n}:" in result.answer
    assert len(result.citations) == 1


def test_an_opinion_overview_has_its_title_and_every_call(planner, clauses):
    result = answer(planner, clauses, "summarize opinion 5", "opinion-5/is-of-the-view/p1")
    assert result.plan == "overview"
    assert result.answer.startswith("OPINION 5: Supporting multi-stakeholderism")
    assert result.answer.count("It invites Member States and other stakeholders") == 3
    assert "It is of the view that" in result.answer


def test_an_opinion_summarized_on_a_topic_tells_its_clauses_on_that_topic_under_its_title(planner, clauses):
    result = answer(planner, clauses, "sum up what opinion 4 says about legacy space and the transfer market",
                    "opinion-4/is-of-the-view/a")
    assert result.plan == "overview"
    assert result.answer.startswith("OPINION 4: In support of IPv6 adoption")
    assert "status of some legacy address space is unclear" in result.answer
    assert "growing market has developed in the transfer of IPv4 addresses" in result.answer
    assert "fastest possible adoption and migration to IPv6" not in result.answer  # nor its other calls
    # asking what it asks countries to do is asking for all of it, not about countries
    whole = answer(planner, clauses, "whats opinion 2 basically asking countries to do", "opinion-2/invites-member-states/a")
    assert whole.answer.count("It invites") >= 2


def test_what_happened_after_an_event_reads_on_in_the_narrative(planner, clauses):
    result = answer(planner, clauses, "what happened in plenary once the working groups reported back",
                    "part-1/p17", "annex-1/wg-2/p8", "annex-1/wg-1/p11")
    assert result.plan == "overview"
    cited = [c.clause_id for c in result.citations]
    # the paragraphs told after the working groups reported, not the groups' own reports of what they sent on
    assert cited[:5] == ["part-1/p17", "part-1/p18", "part-1/p19", "part-1/p20", "part-1/p21"]
    assert "adopted the Opinions as presented in Part II" in result.answer


def test_a_compared_item_of_a_list_is_told_with_the_words_it_continues(planner, clauses):
    result = answer(planner, clauses, "ipv6 address allocation studies: opinion 3 vs opinion 4",
                    "opinion-3/recognizing/l/4", "opinion-4/considering/c")
    assert result.plan == "compare"
    # "studied IPv6 address allocation …" is item 4 of "that the Directors of the TSB and BDT have,"
    assert "  - Recognizes: that the Directors of the TSB and BDT have … studied IPv6 address allocation" in result.answer
    assert "Recognizes: studied" not in result.answer


def test_opinions_named_together_are_each_told_in_brief(planner, clauses):
    result = answer(planner, clauses, "what are opinions 5 and 6 about", "annex-1/wg-3/p2")
    assert result.plan == "overview"
    assert result.answer.startswith("Opinions 5 and 6, each in brief:")
    lines = result.answer.splitlines()
    titles = [i for i, line in enumerate(lines) if line.startswith("- OPINION")]
    assert [lines[i][:11] for i in titles] == ["- OPINION 5", "- OPINION 6"]
    assert lines[titles[0] + 1].startswith("  - It is of the view")  # what each concludes, under its title


def test_a_working_group_overview_gives_each_opinion_its_outcome(planner, clauses):
    result = answer(planner, clauses, "what happened in working group 3", "annex-1/wg-3/p1")
    assert "3.1 Opinion 6: In view of these discussions, Working Group 3 endorsed Draft Opinion 6" in result.answer
    assert "was not endorsed by the Working Group" in result.answer


def test_a_working_group_overview_ends_with_what_its_report_drew_from_its_last_event(planner, clauses):
    result = answer(planner, clauses, "quick rundown of wg1", "annex-1/wg-1/p1")
    then = next(line for line in result.answer.splitlines() if line.startswith("- Then:"))
    # "… concluded in one Session …" and the sentence drawing its consequence, under one citation
    assert "concluded in one Session" in then and "therefore allocated its second scheduled working session" in then
    assert re.fullmatch(r".*\.\s\[\d+\]", then)


def test_a_working_group_overview_tells_who_proposed_the_change_a_decision_adopts(planner, clauses):
    result = answer(planner, clauses, "how did wg1 go overall", "annex-1/wg-1/p1")
    line = next(line for line in result.answer.splitlines() if line.startswith("- 1.2 Opinion 2:"))
    assert line.startswith("- 1.2 Opinion 2: Turkey’s contribution proposed the addition of the word “relevant”")
    assert "endorsed Draft Opinion 2 with the addition of the word “relevant”" in line


def test_a_short_name_placing_what_is_asked_is_not_what_the_overview_is_about(planner, clauses):
    result = answer(planner, clauses, "what was the strategic dialogue before wtpf13 about", "part-1/p4", "part-1/p6")
    assert result.answer.startswith("According to Part I of the report, the Policy Forum was preceded by a Strategic Dialogue")
    assert "Session 1 debated whether access to broadband is a human need or a right" in result.answer


def test_a_yes_or_no_about_a_texts_fate_says_which_when_the_decision_leaves_no_doubt():
    added = "Working Group 3 endorsed Draft Opinion 5 with the addition of the word “organization” and …"
    kept = "Working Group 1 endorsed Draft Opinion 1 in its unaltered form and submitted it …"
    dropped = "the Chairman of Working Group 3 reported that the new Draft Opinion was not endorsed by the Working Group"
    assert verdict_of("did turkey get 'organization' added to op 5", [added]) == "Yes."
    assert verdict_of("was op 1 changed at all in wg1?", [kept]) == "No."
    assert verdict_of("was brazil's draft opinion adopted in the end?", [dropped]) == "No."
    assert verdict_of("so brazil's draft basically got rejected?", [dropped]) == "Yes."  # asked whether it failed
    assert verdict_of("were they changed", [kept, added]) is None  # one kept, one amended: no single answer
    assert verdict_of("what did wg3 decide on opinion 5", [added]) is None  # not a yes/no question


def test_a_fate_yes_or_no_leads_with_the_verdict(planner, clauses):
    result = answer(planner, clauses, "was opinion 1 changed at all in the working group?", "annex-1/wg-1/p5")
    assert result.plan == "yesno"
    assert result.answer.startswith("No. According to the Working Group 1 report, in view of these discussions, "
                                    "Working Group 1 endorsed Draft Opinion 1 in its unaltered form")


def test_a_comparison_sets_the_two_opinions_side_by_side(planner, clauses):
    result = answer(planner, clauses, "how do opinions 3 and 4 differ", "annex-1/wg-2/p5")
    assert result.plan == "compare"
    assert "**Opinion 3**" in result.answer and "**Opinion 4**" in result.answer
    assert "**Opinion 3**: Supporting Capacity Building" in result.answer  # the title, its label not repeated
    assert "Both say nearly the same" not in result.answer or " / " in result.answer
    assert "In the debate:" in result.answer and "Opinions 3 and 4" in result.answer  # the debate names both


def test_three_working_groups_compared_are_all_set_side_by_side(planner, clauses):
    result = answer(planner, clauses, "compare the meeting times of wg1, wg2 and wg3", "annex-1/wg-3/p1")
    assert result.answer.startswith("Working Group 1, Working Group 2 and Working Group 3 compared:")
    assert all(f"**Working Group {n}**" in result.answer for n in (1, 2, 3))


def test_a_working_group_compared_brings_what_the_report_says_of_it_outside_its_own_report(planner, clauses):
    result = answer(planner, clauses, "who chaired wg1 vs wg3", "annex-1/wg-3/p1")
    lines = result.answer.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("- **Working Group 3**"))
    side = []
    for line in lines[at + 1:]:
        if not line.startswith("  - "):
            break
        side.append(line)
    # its chair is named in Part I's list of officers, not in the group's own report
    assert any("Chair Mr Petko Kantchev" in line for line in side)


def test_two_actors_compared_are_set_side_by_side_each_with_what_it_did(planner, clauses):
    result = answer(planner, clauses, "ghana and senegal's amendments compared", "annex-1/wg-1/p9")
    assert result.plan == "compare"
    assert result.answer.startswith("Ghana and Senegal compared:")
    ghana, senegal = result.answer.index("**Ghana**"), result.answer.index("**Senegal**")
    assert "Ghana proposed the addition of the phrase" in result.answer[ghana:senegal]
    assert "Senegal requested" in result.answer[senegal:]
    # an office is not a side: "the chair" is whoever holds it
    assert answer(planner, clauses, "the IEG chair and the WG3 chair, same person?", "annex-1/wg-3/p1").plan != "compare"


def test_whether_a_word_got_into_an_opinion_is_settled_by_the_working_groups_decision(planner, clauses):
    result = answer(planner, clauses, 'did turkey get "organization" added to Opinion 5', "annex-1/wg-3/p13")
    assert result.plan == "yesno"
    assert result.answer.split("[1]")[0].endswith("endorsed Draft Opinion 5 with the addition of the word “organization” "
                                                   "and the revised recognizing (a) made by consensus, and submitted it "
                                                   "to the consideration of the Plenary. ")
    from assistant.answer.decisions import FATE

    assert FATE.search("did avanti's edits make it into op 2") and FATE.search("did it go in?")
    assert not FATE.search("which recommendations get listed in opinion 2")
    assert not FATE.search("should regulation get in the way of peering")


def test_what_one_actor_said_about_anothers_doing_needs_a_sentence_naming_both(planner, clauses):
    hits = hits_for(clauses, "annex-1/wg-3/p13")
    # no sentence names the United States and Brazil together
    planned = planner.plan("what did the us delegation say about brazil's draft", hits)
    assert planned.draft is None and "records nothing United States said about what Brazil did" in planned.unsaid
    # "… submitted by Brazil, with support from Russia": Russia is heard on it
    assert planner.plan("what did russia say about brazil's draft", hits).draft is not None
    # an office is known by its role where it acts ("the Chairman concluded …"), not by a name next to Brazil's
    assert planner.plan("what did the wg3 chair say about brazil's draft", hits).draft is not None


def test_the_doers_of_an_act_on_someones_thing_are_told_beside_them_and_are_not_them(planner, clauses):
    hits = hits_for(clauses, "annex-1/wg-3/p13")
    result = planner.finish(planner.plan("which delegations backed brazil's draft", hits), "q", "q", hits)
    lines = [line for line in result.answer.splitlines() if line.startswith(("- ", "  - "))]
    assert lines and not any(line.lstrip(" -").startswith("Brazil:") for line in lines)
    # Australia backed Opinions 3 and 4, in a paragraph that never names Brazil
    assert "Australia" not in result.answer


def test_a_comparison_of_a_named_section_sets_its_items_side_by_side(planner, clauses):
    result = answer(planner, clauses, "what do opinions 5 and 6 each invite, compared", "opinion-5/invites-member-states-and-other-stakeholders")
    assert result.plan == "compare"
    view = planner.context.view
    cited = [view.by_id[c.clause_id] for c in result.citations]
    for opinion in (5, 6):
        invited = [c for c in cited if c.opinion == opinion and c.part == "Part II" and c.section]
        assert invited and all(c.section.lower().startswith("invit") for c in invited)


def test_an_actor_answer_gathers_what_the_actor_did_with_its_outcome(planner, clauses):
    result = answer(planner, clauses, "what did ghana propose", "annex-1/wg-1/p9")
    assert result.plan == "actor"
    assert "Ghana proposed the addition of the phrase “to spur up demand for”" in result.answer
    assert "Chairman’s Report" in result.answer  # where the amendment ended up


def test_an_actor_asked_about_a_topic_has_what_it_did_on_that_topic_first(planner, clauses):
    result = answer(planner, clauses, "what did australia want to merge", "annex-1/wg-3/p7")
    first = result.answer.split("\n- ")[1]
    assert "merg" in first and "Australia" in first
    changes = answer(planner, clauses, "what did avanti want changed about technology", "annex-1/wg-1/p8")
    lines = changes.answer.split("\n- ")
    assert "Avanti and GVF proposed" in lines[1] and lines[2].startswith("These proposed changes")  # with what it refers to


def test_a_role_asked_about_is_not_found_inside_a_hyphened_role(planner, clauses):
    result = answer(planner, clauses, "what did the chair say at the end", "annex-1/wg-1/p13")
    assert "Vice-Chairs were elected" not in result.answer  # "Chair" is not the "Vice-Chairs"


def test_a_working_group_chair_is_traced_as_the_chairman_of_that_groups_report(planner, clauses):
    view = planner.context.view
    assert ("Musab Abdulla", 2, "Chair") in view.group_roles  # signed "Mr Musab Abdulla (Bahrain) Chairman of …"
    assert ("Sally Wentworth", 1, "Vice-Chair") in view.group_roles
    result = answer(planner, clauses, "what did kantchev say about the role of governments", "annex-1/wg-3/p1")
    assert result.plan == "actor"
    assert "the Chairman" in result.answer  # "It was emphasized by the Chairman that we should not shy away …"


def test_what_someone_said_is_unsaid_when_the_report_only_names_them(planner, clauses):
    # Sally Wentworth is met only as Working Group 1's Vice-Chair, in lists of officers
    planned = planner.plan("what did sally wentworth say", hits_for(clauses, "annex-1/wg-1/p9"))
    assert planned.draft is None and "Sally Wentworth" in planned.unsaid
    ablated = Planner(planner.context, k=5, unheard=False)  # the mechanism switched off, as the ablation does
    assert ablated.plan("what did sally wentworth say", hits_for(clauses, "annex-1/wg-1/p9")).draft is not None
    for heard in ("what did ghana propose", "what did icann say",  # "ICANN was given the floor, during which they …"
                  "what did the turkish delegation propose",  # heard as Turkey
                  "anyone mention ecosoc?"):  # asked of whoever named it, not of ECOSOC
        assert planner.plan(heard, hits_for(clauses, "annex-1/wg-1/p9")).draft is not None, heard


def test_what_a_body_did_after_the_forum_is_unsaid_when_the_report_only_dates_its_deeds_before(planner, clauses):
    # the Council is met approving (2012), establishing a group (2009), and as where output could be forwarded
    hits = hits_for(clauses, "annex-1/wg-3/p25")
    planned = planner.plan("did the itu council later adopt brazil's text", hits)
    assert planned.draft is None and "Council" in planned.unsaid
    for answered in ("did turkey later withdraw its amendment",  # Turkey acts at the forum
                     "what did icann eventually say",  # "ICANN was given the floor, during which they …"
                     "did the itu council ever discuss ipv6"):  # "ever" asks whether at all, not what came after
        assert planner.plan(answered, hits).draft is not None, answered


def test_what_an_actor_said_with_no_topic_asked_is_what_they_are_heard_saying(planner, clauses):
    # the speech never repeats "Secretary-General"; sentences that do only name the office
    result = answer(planner, clauses, "what did the itu secretary-general say", "part-1/p3")
    assert result.plan == "actor"
    assert "In his speech, Dr Touré underlined the need to work together" in result.answer
    assert "two-thirds of the world's people who are still offline" in result.answer


def test_why_a_quoted_text_was_treated_so_is_told_by_what_follows_where_it_was_proposed(planner, clauses):
    query = "why did delegates push back on turkey's 'requests the Secretary-General' text for opinion 3"
    result = answer(planner, clauses, query, "annex-1/wg-2/p5", "annex-1/wg-2/p6")
    assert result.plan == "reason"
    # the paragraph after the one quoting Turkey's text says why it was not taken up
    assert "Some delegates noted that the proposed additional text is already contained" in result.answer
    # a phrase an Opinion quotes from another document is not the proposal: the debate quotes it
    result = answer(planner, clauses, "why didn't turkey's \"especially in developing countries\" get in",
                    "opinion-2/considering/b", "annex-1/wg-1/p4")
    assert "other countries did not advocate reopening the text" in result.answer


def test_a_paragraph_an_opinion_points_to_brings_the_list_where_the_opinion_sets_it_out(planner, clauses):
    query = "what roles does opinion 5 give the different stakeholders"
    result = answer(planner, clauses, query, "opinion-5/invites-member-states-and-other-stakeholders/b")
    # "… as stated in paragraph 35 of the Tunis Agenda" → recognizing (b), "as per paragraph article 35 …"
    assert "as stated in paragraph 35 of the Tunis Agenda" in result.answer
    assert "Civil Society has also played an important role on Internet matters" in result.answer


def test_a_reason_told_by_a_conclusion_brings_the_sentences_it_concludes_from(planner, clauses):
    query = "why not? (was opinion 4 changed in Working Group 2)"
    result = answer(planner, clauses, query, "annex-1/wg-2/p11")
    assert "Thus WG2 agreed to keep Opinions 3 and 4 separate" in result.answer
    assert "due to time constraints it was recommended not to reopen the discussions" in result.answer.lower()


def test_a_reason_told_before_the_outcome_comes_with_it(planner, clauses):
    # "Many delegates expressed the view that the topic was very complex …" is the paragraph before "Brazil
    # accepted that in the absence of a consensus, it would be difficult to pursue their Draft Opinion"
    result = answer(planner, clauses, "why did brazil give up on their draft", "annex-1/wg-3/p24")
    assert "Brazil accepted that in the absence of a consensus" in result.answer
    assert "the topic was very complex that there was insufficient time" in result.answer


def test_a_concession_made_for_compromise_brings_what_it_gave_way_to(planner, clauses):
    result = answer(planner, clauses, "why did turkey back off its amendments", "annex-1/wg-1/p4")
    assert "For the sake of compromise, Turkey generously accepted" in result.answer
    assert "other countries did not advocate reopening the text" in result.answer


def test_an_item_of_an_opinions_list_is_told_under_its_lead_in(planner, clauses):
    # "l) that the Directors of the TSB and BDT have, 1) initiated … 2) established a website …": a comma runs on
    result = answer(planner, clauses, "what have the tsb and bdt directors done on ipv6", "opinion-3/recognizing/l/2")
    assert "Opinion 3 recognizes that the Directors of the TSB and BDT have: [" in result.answer
    assert "recognizes established" not in result.answer
    assert "- established a website that provides information about global activities related to IPv6" in result.answer


def test_what_came_of_an_amendment_closes_on_the_decision_about_the_opinion_asked(planner, clauses):
    cited = ("annex-1/wg-1/p6", "annex-1/wg-1/p7", "annex-1/wg-1/p9", "annex-1/wg-2/p6")
    planned = planner.plan_sequel("was that accepted? (turkey want changed in Opinion 2)", cited)
    result = planner.finish(planned, "was that accepted?", "was that accepted?", [])
    assert "Working Group 1 endorsed Draft Opinion 2 with the addition of the word “relevant”" in result.answer
    assert "concluded in one Session" not in result.answer  # a decision, but not about Opinion 2


@pytest.mark.parametrize(
    "clause_id, opening, told",
    [
        # "↵61. We are convinced …" is paragraph 61 of the Tunis Agenda, which India wanted reflected
        ("annex-1/wg-3/p15", "We are convinced",
         ("India presented its contribution", "only in the Chairman’s Report. 61. We are convinced that there is a need to initiate")),
        # a sentence inside the quoted proposal "“Requests Secretary-General ↵To ensure …”"
        ("annex-1/wg-2/p6", "To ensure effective implementation",
         ("Turkey proposed an addition of the following text: “Requests Secretary-General To ensure",)),
    ],
)
def test_text_set_out_or_quoted_in_a_debate_comes_with_what_introduces_it(planner, clause_id, opening, told):
    ctx = planner.context
    unit = next(u for u in ctx.view.units(ctx.view.by_id[clause_id]) if u.text.startswith(opening))
    (line,) = ctx.lines(ctx.draft(), unit, set(), nested=False)
    for words in told:
        assert words in line


def test_an_actor_compared_across_places_has_its_proposed_text_quoted_on_the_line_that_introduces_it(planner, clauses):
    result = answer(planner, clauses, "how did turkey do in wg1 vs wg2", "annex-1/wg-2/p6", "annex-1/wg-1/p9")
    assert result.plan == "compare"
    assert "Turkey proposed an addition of the following text: “Requests Secretary-General To ensure" in result.answer
    assert not any(line.lstrip(" -").startswith(("“Requests", "To ensure")) for line in result.answer.splitlines())


def test_a_topics_rarest_word_is_the_first_asked_of_words_equally_rare(planner):
    from assistant.answer.overview import _rarest_shared

    ctx = planner.context
    clause = ctx.view.by_id["part-1/p4"]  # "… a Strategic Dialogue, Building our Broadband Future, held on 13 May …"
    assert ctx.composer.idf("dialogu") == ctx.composer.idf("hold")  # the tie a set's order used to break
    assert _rarest_shared(ctx, "the strategic dialogue held before the forum", clause) == "dialogu"
    assert _rarest_shared(ctx, "what was held before the forum: the strategic dialogue", clause) == "hold"


def test_a_definition_gives_the_long_form(planner, clauses):
    result = answer(planner, clauses, "whats an IXP", "opinion-1/is-of-the-view/a")
    assert result.answer.startswith("IXP stands for Internet Exchange Points.")


@pytest.mark.parametrize(
    "question, term",
    [
        ("what's meant by enhanced cooperation", "enhanced cooperation"),
        ("enhanced cooperation - what does it mean?", "enhanced cooperation"),
        ("what does needs basis mean for ip addresses", "needs basis"),
        ("how does op5 define internet governance", "internet governance"),
        ("what is dual stack in the ipv6 opinions", "dual stack"),
        ("what's the 'virtuous cycle' thing in op 1", "virtuous cycle"),
        ("explain what an RIR does", "RIR"),
        ("what does Opinion 4 mean by dual stack", "dual stack"),
    ],
)
def test_a_definition_question_names_the_term_it_asks_about(question, term):
    assert asked_term(question) == term


def test_a_term_that_is_no_acronym_is_defined_by_the_sentence_that_says_what_it_is(planner, clauses):
    result = answer(planner, clauses, "what's meant by enhanced cooperation", "opinion-6/recalling/a")
    assert "enhanced cooperation to enable Governments" in result.citations[0].quote
    result = answer(planner, clauses, "define internet governance", "annex-1/wg-3/p21")
    assert "working definition of Internet Governance as" in result.citations[0].quote


def test_an_acronym_that_only_qualifies_the_term_asked_is_not_what_is_defined(planner, clauses):
    result = answer(planner, clauses, "what does needs basis mean for ip addresses", "opinion-4/recognizing/d")
    assert result.plan != "definition" or not result.answer.startswith("IP stands for")


def test_one_citation_per_clause_however_many_sentences(planner, clauses):
    result = answer(planner, clauses, "why did opinions 3 and 4 stay separate?", "annex-1/wg-2/p5")
    assert result.plan == "reason"
    assert len({c.clause_id for c in result.citations}) == len(result.citations)


def test_a_named_section_is_listed_even_with_one_item(planner, clauses):
    result = answer(planner, clauses, "What does Opinion 6 ask for? (invites)", "opinion-6/is-of-the-view/p1")
    assert result.plan == "list"
    assert "all stakeholders to work on these issues" in result.answer


def test_a_summary_of_a_named_section_lists_that_section(planner, clauses):
    result = answer(planner, clauses, "summarize the recalling section of opinion 5", "opinion-5/is-of-the-view/p1")
    assert result.plan == "list"
    assert result.answer.startswith("Opinion 5 recalls")


def test_an_actor_asked_about_alone_is_first_told_doing_something_not_in_a_roll_of_names(planner, clauses):
    result = answer(planner, clauses, "what did avanti and gvf want", "annex-1/wg-1/p6", "annex-1/wg-1/p8")
    first = result.answer.split("\n")[2] if result.answer.startswith("What the report records") else result.answer
    assert "Avanti and GVF proposed" in first


def test_what_an_actor_did_asks_for_the_actor():
    assert question_shape("what did australia do", actors=("australia",)) == "actor"
    assert question_shape("what did russia do at the forum", actors=("russia",)) == "actor"
    assert question_shape("how do ixps cut costs in ghana", actors=("ghana",)) != "actor"  # "do" as a helper verb


def test_what_an_opinion_is_called_is_its_title(planner, clauses):
    result = answer(planner, clauses, "what is opinion 3 called", "annex-1/wg-3/p26")
    assert result.answer.startswith("OPINION 3: Supporting Capacity Building for the deployment of IPv6")
    both = answer(planner, clauses, "what are opinions 3 and 4 called", "annex-1/wg-2/p4")
    assert "In support of IPv6 adoption and transition from IPv4" in both.answer
    # the title of a text an Opinion notes is that text's
    other = answer(planner, clauses, "whats the title of the report that opinion 2 takes note of", "opinion-2/noting/a")
    assert not other.answer.startswith("OPINION 2")


def test_where_an_actor_spoke_is_no_topic_of_what_it_said():
    from assistant.answer.actor import _topic

    assert _topic("what did the us say in Working Group 3", ("united states",)) == set()
    assert _topic("what did turkey propose on Opinion 5", ("turkey",)) == set()
    assert _topic("what did turkey propose on ipv6", ("turkey",)) == {"ipv6"}


def test_the_decision_holding_the_detail_asked_comes_first(planner, clauses):
    result = answer(planner, clauses, "which opinion got the word organization added", "opinion-6/noting/a")
    first = [line for line in result.answer.splitlines() if line.startswith("- ")][0]
    assert first.startswith("- **Opinion 5**") and "organization" in first


def test_places_come_from_the_scope_when_the_question_names_none(planner):
    from assistant.records import Filters

    assert planner.places("What does it invite?", Filters(opinion=3)) == Places((3,), ())
    assert planner.places("What does Opinion 4 invite?", Filters(opinion=3)) == Places((4,), ())


def test_a_draft_merges_sentences_of_one_clause_into_one_citation(source, clauses):
    composer = Composer(source, clauses)
    clause = next(c for c in clauses if c.id == "annex-1/wg-2/p5")
    units = composer.units(clause)
    draft = Draft(source, {c.id: c for c in clauses})
    assert draft.cite(units[0]) == draft.cite(units[2]) == "[1]"
    draft.lead = "x"
    result = draft.finish("q", "q", "fact", [], 5)
    (citation,) = result.citations
    assert (citation.start, citation.end) == (units[0].start, units[2].end)
    assert quote_is_verbatim(source, citation)


def test_an_answer_shows_the_clauses_it_quotes_then_only_the_best_of_the_rest(source, clauses):
    composer = Composer(source, clauses)
    by_id = {c.id: c for c in clauses}
    searched = ["part-1/p3", "part-1/p4", "annex-1/wg-2/p5", "part-1/p5", "part-1/p6", "part-1/p7"]
    draft = Draft(source, by_id)
    draft.lead = draft.quote(composer.units(by_id["annex-1/wg-2/p5"])[0])
    shown = draft.finish("q", "q", "fact", hits_for(clauses, *searched), 5).retrieved
    assert [h.clause.id for h in shown] == ["annex-1/wg-2/p5", "part-1/p3", "part-1/p4"]


def test_a_section_addressed_to_the_body_asked_about_answers_and_its_absence_is_said(planner, clauses):
    asked = answer(planner, clauses, "What does Opinion 2 ask the Secretary-General to do? (invites)",
                   "opinion-2/invites-member-states/a")
    assert asked.answer.startswith("Opinion 2 requests the Secretary-General:")
    absent = answer(planner, clauses, "What does Opinion 4 ask the Secretary-General to do? (invites)",
                    "opinion-4/invites/a")
    assert absent.answer.startswith("Opinion 4 asks nothing of the Secretary-General; what it invites:")


def test_whether_an_opinion_mentions_something_is_its_clauses_that_do_or_that_it_never_uses_the_words(planner, clauses):
    used = answer(planner, clauses, "does opinion 4 mention legacy addresses", "annex-1/wg-2/p9")
    assert used.plan == "yesno" and "legacy address" in used.citations[0].quote
    assert all(c.clause_id.startswith("opinion-4/") for c in used.citations)
    unused = answer(planner, clauses, "is ipv6 mentioned in opinion 1", "opinion-4/recognizing/a")
    assert unused.answer.startswith("Opinion 1 never uses the words “ipv6”.")
    assert unused.citations[0].clause_id.startswith("opinion-1/")  # its closest clause, then where else the words are


def test_anything_about_something_in_an_opinion_is_its_clauses_or_where_else_the_report_has_it(planner, clauses):
    other_ending = answer(planner, clauses, "anything about regulation in opinion 2?", "opinion-2/invites-member-states/a")
    assert other_ending.plan == "yesno" and "regulatory" in other_ending.citations[0].quote
    elsewhere = answer(planner, clauses, "anything about satellites? (opinion 2)", "annex-1/wg-1/p8")
    assert elsewhere.answer.startswith("Opinion 2 never uses the words “satellites”.")
    assert "Elsewhere the report does:" in elsewhere.answer and "satellite" in elsewhere.citations[-1].quote


def test_which_opinions_mention_something_is_every_opinion_using_the_words(planner, clauses):
    result = answer(planner, clauses, "which opinions mention unesco", "opinion-2/noting/a")
    assert result.answer.startswith("Opinion 1 and Opinion 2:")  # the search reached only Opinion 2
    assert "UNESCO" in result.citations[1].quote


def test_whether_the_report_mentions_words_it_never_uses_is_that_it_never_uses_them(planner, clauses):
    hits = hits_for(clauses, "part-1/p1")
    planned = planner.plan("does the report say anything about spectrum", hits)
    assert planned.draft is None and "never uses the words “spectrum”" in planned.unsaid
    assert planner.plan("does the forum mention DNSSEC", hits).draft is None
    # words it uses, and an acronym it spells out without defining ("Internationalized (multilingual) domain names")
    assert planner.plan("does the report say anything about satellites", hits).draft is not None
    idns = answer(planner, clauses, "is there anything on IDNs in the report", "part-1/p1")
    assert "Internationalized (multilingual) domain names" in idns.answer


def test_a_mention_asked_of_an_actor_is_what_the_actor_said():
    assert asks_mention("does opinion 6 mention the cstd", ("CSTD",))
    assert not asks_mention("did turkey mention opinion 3", ("Turkey",))


def test_what_was_decided_on_an_opinion_is_led_by_the_decision(planner, clauses):
    result = answer(planner, clauses, "what was decided on opinion 6", "annex-1/wg-3/p3", "annex-1/wg-3/p11")
    assert "endorsed Draft Opinion 6" in result.citations[0].quote


def test_what_happened_in_the_end_to_an_actors_proposal_is_what_became_of_it(planner, clauses):
    first = answer(planner, clauses, "what did brazil propose", "annex-1/wg-3/p17", "annex-1/wg-3/p3")
    cited = tuple(c.clause_id for c in first.citations)
    planned = planner.plan_sequel("what happened in the end (brazil propose)", cited)
    told = planner.finish(planned, "what happened in the end", "what happened in the end (brazil propose)", [])
    assert "not adopted" in told.citations[0].quote or "not endorsed" in told.citations[0].quote


def test_a_quoted_lead_in_brings_its_items_in_a_fact_answer_too(planner, clauses):
    result = answer(planner, clauses, "who gave addresses when the policy forum opened", "part-1/p7")
    assert "the Policy Forum opened with addresses from: [1]" in result.answer
    for name in ("Hamadoun I. Touré", "Doris Leuthard", "Fadi Chehadé", "Robert E. Kahn"):
        assert name in result.answer
    assert "- and Dr Robert" not in result.answer and " and Dr Robert E. Kahn" not in result.answer
    for citation in result.citations:
        assert quote_is_verbatim(planner.context.source, citation)


def test_an_entry_chosen_with_its_lead_in_is_told_once_in_the_list(planner, clauses):
    result = answer(planner, clauses, "who spoke for icann at the opening?", "part-1/p7", "part-1/p10")
    assert result.answer.count("Mr Fadi Chehadé, President and CEO of ICANN.") == 1
    assert result.answer.startswith("According to Part I of the report, the Policy Forum opened with addresses from:")


def test_which_group_handled_a_named_opinion_is_the_group_whose_report_decided_it(planner, clauses):
    result = answer(planner, clauses, "which working group handled Opinion 5", "opinion-5/recognizing/a", "opinion-5/preamble")
    assert result.answer.startswith("**Working Group 3**: ")
    assert "Working Group 3 endorsed Draft Opinion 5" in result.answer
    assert "The fifth World Telecommunication/ICT Policy Forum" not in result.answer


def test_doers_are_gathered_across_the_report_and_grouped_by_place(planner, clauses):
    result = answer(planner, clauses, "list all countries that proposed amendments", "annex-1/wg-1/p1")
    assert result.plan == "list"
    assert "**Working Group 1**" in result.answer and "**Working Group 2**" in result.answer
    for name in ("Turkey", "Ghana", "Avanti"):
        assert f"{name}" in result.answer
    assert "- WTPF" not in result.answer and ", WTPF" not in result.answer  # a document number names nobody
    for citation in result.citations:
        assert quote_is_verbatim(planner.context.source, citation)


def test_no_doers_are_gathered_for_a_question_that_asks_for_none(planner, clauses):
    from assistant.answer.doers import asked_act

    assert asked_act("who reported back on the strategic dialogue") is None
    assert asked_act("what did ghana propose") is None
    assert asked_act("which countries backed opinion 5") == "support"
    # speaking in a Working Group is its debate; at the opening it is an address, which Part I lists
    assert asked_act("which countries spoke in wg3") == "debate"
    assert asked_act("who spoke at the opening") is None
    result = answer(planner, clauses, "who intervened in wg2", "annex-1/wg-2/p5")
    assert result.plan == "list" and "ICANN" in result.answer and "Working Group 2: Chair" not in result.answer


def test_who_wanted_a_change_names_its_proposer_first(planner, clauses):
    from assistant.answer.doers import asked_act

    assert asked_act("who wanted to merge the two ipv6 opinions") == "propos"
    assert asked_act("who wanted to know if the forum could request the secretary-general") == "request"
    result = answer(planner, clauses, "who wanted to merge the two ipv6 opinions (Opinions 3 and 4)", "annex-1/wg-2/p1")
    assert result.plan == "list"
    first = next(line for line in result.answer.splitlines() if line.startswith("- "))
    assert first.startswith("- Turkey:") and "merge" in first
    # only the act and the place asked: the report's order
    result = answer(planner, clauses, "who proposed amendments to opinion 2", "annex-1/wg-1/p6")
    lines = [line for line in result.answer.splitlines() if line.startswith("- ")]
    starts = [planner.context.view.by_id[c.clause_id].start for c in result.citations]
    assert len(lines) > 1 and starts == sorted(starts)


def test_an_overview_of_the_whole_report_goes_part_by_part(planner, clauses):
    result = answer(planner, clauses, "what are the main takeaways of the whole report", "part-1/p13")
    assert result.plan == "overview"
    assert result.answer.startswith("The report, part by part:")
    assert "**Part II**: the 6 Opinions adopted" in result.answer
    assert "Working Group 3 endorsed Draft Opinion 5" in result.answer and "was not adopted" in result.answer


def test_an_actor_is_named_as_the_report_spells_it_not_as_typed():
    from assistant.answer.actor import as_written

    class _Ctx:
        source = "Contact: someone@example.co.uk. The UK sought clarification. The UK agreed."

    assert as_written(_Ctx(), "uk") == "UK"
    assert as_written(_Ctx(), "ghana") == "Ghana"


def test_a_debate_asked_about_a_topic_is_the_working_group_record_of_the_opinion_it_is_in(planner, clauses):
    ids = [c.id for c in clauses if c.part == "Part II" and c.opinion == 6 and c.kind != "heading"][:5]
    planned = planner.plan("explain the disagreement about enhanced cooperation", hits_for(clauses, *ids))
    assert planned.plan == "overview"
    quoted = [planner.context.view.by_id[u.clause_id] for u in planned.draft.used]
    assert quoted and all(c.part == "Annex I" and c.working_group == 3 for c in quoted)


def test_text_a_sentence_continues_is_quoted_with_the_sentence_that_introduces_it(planner, clauses):
    ctx = planner.context
    clause = next(c for c in clauses if "proposed the inclusion of the following paragraph" in c.text)
    proposed = next(u for u in ctx.view.units(clause) if u.text.lower().startswith("to promote"))
    draft = ctx.draft()
    (line,) = ctx.lines(draft, proposed, set(), nested=False)
    assert "proposed the inclusion of the following paragraph under the invite section" in line
    assert "clarity: invites Member States" in line and line.endswith("[1]")
    draft.lead = line
    result = draft.finish("q", "q", "fact", [], 5)
    assert len(result.citations) == 1 and quote_is_verbatim(ctx.source, result.citations[0])


def test_a_section_asked_of_two_opinions_lists_each(planner, clauses):
    result = answer(planner, clauses, "What do Opinions 3 and 4 invite?", "opinion-3/invites/a")
    assert result.answer.startswith("What each invites:")
    assert "**Opinion 3** invites:" in result.answer and "**Opinion 4** invites:" in result.answer


def test_an_opinion_overview_tells_what_it_concludes_and_asks_before_its_preamble(planner, clauses):
    result = answer(planner, clauses, "gist of opinion 1?", "opinion-1/is-of-the-view/a")
    text = result.answer
    # every operative section gets room, however long the one before it is
    assert text.index("It is of the view that establishment") < text.index("It invites Member States and Sector Members")
    assert text.index("It invites") < text.index("It recalls") < text.index("It considers")
    # the items of the invitation's lead-in are its sub-bullets
    assert "to work in a collaborative manner to: [" in text
    assert "\n  - promote the further development" in text


def test_a_list_of_numbered_labels_runs_to_its_sentence_end_past_abbreviations(planner, clauses):
    result = answer(planner, clauses, "which resolutions was wtpf-13 to discuss", "part-1/p2")
    for title in ("Resolution 101: “Internet Protocol", "Resolution 102: “ITU’s role", "Resolution 133: “Roles of"):
        assert title in result.answer
    assert "domain names” (Rev. Guadalajara, 2010)" in result.answer


def test_a_count_asked_of_an_actor_is_a_fact_not_what_the_actor_did():
    assert question_shape("how many contributions did the IEG receive", actors=("ieg",)) == "fact"
    assert question_shape("what contributions did the IEG make", actors=("ieg",)) == "actor"


def test_sentences_that_go_on_from_a_chosen_one_come_with_it(planner, clauses):
    result = answer(planner, clauses, "what did Leuthard say in her speech", "part-1/p9")
    assert "She highlighted how the Internet" in result.answer
    assert "She stressed the importance of the responsibility of governments" in result.answer


def test_what_came_of_a_proposal_is_told_from_the_sentences_after_it(planner, clauses):
    # the last answer quoted Turkey's proposal on Opinion 1 (and what Turkey did elsewhere)
    cited = ("annex-1/wg-1/p4", "annex-1/wg-2/p7")
    planned = planner.plan_sequel("did it get in? (Opinion 1; Working Group 1; what did Turkey propose)", cited)
    result = planner.finish(planned, "did it get in?", "did it get in?", [])
    assert result.plan == "sequel"
    assert "Turkey generously accepted that it would not insist on its amendments" in result.answer
    assert "Working Group 1 endorsed Draft Opinion 1 in its unaltered form" in result.answer
    assert "Working Group 2" not in result.answer  # the question's own place picks the story
    # a reply follows the question it answers
    planned = planner.plan_sequel("what was the answer? (Opinion 2; what did the UK ask)", ("annex-1/wg-1/p9",))
    result = planner.finish(planned, "what was the answer?", "what was the answer?", [])
    assert result.answer.startswith("According to the Working Group 1 report, the Secretariat clarified that a precedent")
    # the outcome comes with the sentence it answers, and another Opinion's story is left out
    planned = planner.plan_sequel("did that get into the opinion? (Opinion 3; what did turkey want added to Opinion 3)",
                                  ("annex-1/wg-2/p6", "annex-1/wg-2/p7"))
    result = planner.finish(planned, "did that get in?", "did that get in?", [])
    assert "the Chairman proposed that Turkey’s contribution would be included in the text of the Chairman’s report" in result.answer
    assert "WG2 endorsed Opinion 3 in its unaltered form" in result.answer
    assert "Opinion 4" not in result.answer
    # nothing narrative was cited: nothing to tell on from
    assert planner.plan_sequel("was it adopted?", ("opinion-1/is-of-the-view/a",)) is None


def test_a_subsection_named_inside_a_named_group_is_told_to_its_decision(planner, clauses):
    result = answer(planner, clauses, "rundown of the brazilian draft opinion in wg3 start to finish", "annex-1/wg-3/p1")
    assert result.plan == "overview"
    assert "Working Group 3 considered the new Draft Opinion on the Role of Government" in result.answer
    assert "3.1 Opinion 6" not in result.answer  # the group's other business is not the story asked for
    assert "the new Draft Opinion was not endorsed by the Working Group" in result.answer


def test_whether_two_opinions_were_merged_is_settled_by_the_groups_decision(planner, clauses):
    result = answer(planner, clauses, "were opinions 3 and 4 merged into one?", "annex-1/wg-2/p1", "opinion-4/is-of-the-view/a")
    assert result.answer.startswith("According to the Working Group 2 report, thus WG2 agreed to keep Opinions 3 and 4 separate.")


def test_a_section_is_chosen_by_the_users_words_not_by_the_earlier_turn_put_after_them(planner, clauses):
    query = "Opinion 3’s view on transfers between rirs (what does Opinion 3 recognize about the ipv4 transfer market) (is of the view)"
    result = answer(planner, clauses, query, "opinion-3/recognizing-further/a")
    assert result.answer.startswith("Opinion 3 is of the view:")


def test_the_working_groups_in_general_do_not_name_working_group_1(planner, clauses):
    result = answer(planner, clauses, "what happened in plenary once the working groups reported back", "part-1/p17")
    assert not result.answer.startswith("According to the Working Group 1 report, Working Group 1 met")


def test_the_shape_is_what_the_users_own_words_ask_not_the_earlier_turn_put_after_them():
    from assistant.answer.doers import asked_act

    assert asked_act("who's the contact for that? (the chairman suggest brazil do next)") is None
    assert asked_act("Which country backed it? (Brazil's draft opinion)") == "support"


def test_sum_up_asks_for_an_overview_and_a_groups_overview_gives_each_opinions_decision(planner, clauses):
    assert question_shape("sum up the wg1 chair's report", places=1) == "overview"
    result = answer(planner, clauses, "sum up the wg1 chair's report", "annex-1/wg-1/p1")
    line = next(line for line in result.answer.splitlines() if line.startswith("- 1.2 Opinion 2:"))
    assert "In view of these discussions, Working Group 1 endorsed Draft Opinion 2" in line


def test_a_who_question_naming_a_section_verb_asks_for_a_speaker_not_the_section(planner, clauses):
    query = "who questioned whether the forum could 'request' the Secretary-General in Opinion 2 instead of inviting?"
    result = answer(planner, clauses, query, "annex-1/wg-1/p9", "opinion-2/is-of-the-view")
    assert result.plan != "list"
    assert "The UK sought clarification" in result.answer or "the UK sought clarification" in result.answer


def test_what_an_actor_did_in_the_place_asked_about_comes_before_what_fills_the_rest(planner, clauses):
    result = answer(planner, clauses, "how did australia contribute in wg3", "annex-1/wg-3/p1")
    first = result.answer.split("\n- ")[1]
    assert first.startswith("According to the Working Group 3 report")


def test_did_any_delegation_do_it_is_answered_with_those_that_did(planner, clauses):
    result = answer(planner, clauses, "did any delegation support opinions 3 and 4 as they were?", "annex-1/wg-2/p4")
    assert result.plan == "list"
    assert "The United States, RIPE NCC and ISOC supported these two opinions in their current form" in result.answer


def test_who_argued_about_an_opinion_names_everyone_who_took_part_in_its_debate(planner, clauses):
    result = answer(planner, clauses, "who argued about Opinion 1 in the working group", "annex-1/wg-1/p3")
    assert result.answer.startswith("The report names 5 that took part in the debate")
    assert "Turkey" in result.answer and "Australia" in result.answer


def test_a_request_for_text_is_among_what_was_proposed(planner, clauses):
    result = answer(planner, clauses, "which country wanted the work of the BDT credited in Opinion 2", "annex-1/wg-1/p9")
    assert result.plan == "list"
    assert "- Senegal: In addition, Senegal requested that the valuable work" in result.answer


def test_a_doer_is_seen_past_a_phrase_set_off_by_commas(planner, clauses):
    result = answer(planner, clauses, "who spoke for the RIRs when clarifying Opinion 4 in Working Group 2",
                    "annex-1/wg-2/p10")
    assert result.plan == "list"
    assert "RIPE-NCC: While expressing their content" in result.answer


def test_an_actor_s_reason_may_open_its_sentence_as_what_it_recognised(planner, clauses):
    from assistant.answer.actor import reasons_given
    from assistant.answer.context import Places

    given = reasons_given(planner.context, ("australia",), Places((3, 4), ()))
    assert [u.text[:47] for u in given] == ["In recognition of the consensus achieved by the"]


def test_a_paragraph_that_opens_on_a_speech_goes_on_telling_it(planner, clauses):
    result = answer(planner, clauses, "what did toure say in his speech", "part-1/p8")
    assert "ITU will continue its bridge-building role" in result.answer


def test_a_topic_told_over_two_paragraphs_is_read_in_both(planner, clauses):
    result = answer(planner, clauses, "what was the strategic dialogue about", "part-1/p5", "part-1/p4")
    assert "Session 2 debated the vital applications of broadband" in result.answer
    assert "For Session 1, participants generally agreed" in result.answer


def test_text_an_actor_proposed_is_quoted_on_the_line_that_introduces_it(planner, clauses):
    result = answer(planner, clauses, "what did turkey propose for opinion 3?", "annex-1/wg-2/p6")
    assert "Turkey proposed an addition of the following text: “Requests Secretary-General To ensure" in result.answer


def test_a_body_typed_in_lower_case_is_the_one_asked_of(planner, clauses, source):
    from assistant.answer.listing import addressee

    assert addressee(source, "what does it ask the secretary-general to do?") == "Secretary-General"
    assert addressee(source, "what r member states invited to do") is None  # "to do" names no body


def test_proposed_text_is_never_quoted_without_the_sentence_that_introduces_it(planner, clauses):
    result = answer(planner, clauses, "what does it ask the secretary-general to do?", "annex-1/wg-2/p6")
    assert "“Requests Secretary-General" in result.answer
    line = next(l for l in result.answer.splitlines() if "“Requests Secretary-General" in l)
    assert "Turkey proposed an addition of the following text: “Requests Secretary-General To ensure" in line


def test_what_became_of_every_draft_is_each_opinions_decision_in_order(planner, clauses):
    result = answer(planner, clauses, "were any of the draft opinions modified in the working groups?", "part-1/p17")
    assert result.plan == "list"
    positions = [result.answer.find(f"**Opinion {n}**") for n in range(1, 7)]
    assert -1 not in positions and positions == sorted(positions)
    assert "“relevant”" in result.answer and "“organization”" in result.answer
    assert result.answer.count("Not endorsed") == 1  # the new draft a group turned down, told once
    cited = {planner.context.view.by_id[c.clause_id].part for c in result.citations}
    assert cited == {"Annex I"}
    for citation in result.citations:
        assert quote_is_verbatim(planner.context.source, citation)


def test_whom_an_opinion_addresses_is_its_invites_and_requests(planner, clauses):
    for asked in ("who does opinion 5 invite", "who is opinion 5 addressed to"):
        result = answer(planner, clauses, asked, "annex-1/wg-3/p2")
        assert result.plan == "list" and result.answer.startswith("Opinion 5 invites Member States and other stakeholders")
    assert answer(planner, clauses, "who is opinion 2 aimed at", "annex-1/wg-1/p9").answer.startswith("Opinion 2 ")


def test_a_count_is_of_the_thing_asked_not_of_another_word_of_the_question(planner, clauses):
    # "(five in total)" counts drafts of the SG's report; "in total" is not what is counted
    result = answer(planner, clauses, "how many opinions were adopted in total", "part-1/p16", "part-1/p3", "part-1/p21")
    assert "five in total" not in result.answer.splitlines()[0]
    assert "six draft Opinions" in result.answer


def test_an_item_of_a_clause_is_told_with_the_words_it_continues(planner, clauses):
    # "2) established a website …" continues "that the Directors of the TSB and BDT have,"
    result = answer(planner, clauses, "what's the BDT", "opinion-3/recognizing/l/1")
    assert "recognizes that the Directors of the TSB and BDT have … initiated a project" in result.answer
    assert "recognizes initiated" not in result.answer
    cited = [c.clause_id for c in result.citations]
    assert cited.index("opinion-3/recognizing/l") == cited.index("opinion-3/recognizing/l/1") - 1
    for citation in result.citations:
        assert quote_is_verbatim(planner.context.source, citation)


def test_what_an_opinion_recommends_is_its_operative_sections(planner, clauses):
    # the Opinions never say "recommend"; the Working Group 2 report's "it was recommended not to reopen" is no answer
    result = answer(planner, clauses, "what does opinion 4 recommend", "annex-1/wg-2/p4")
    assert result.plan == "overview" and result.answer.startswith("OPINION 4: In support of IPv6 adoption")
    assert "It is of the view that every effort should be made" in result.answer
    assert "It invites Member States" in result.answer and "recommended" not in result.answer
    # about a topic of it, the clause on that topic answers
    assert answer(planner, clauses, "what does opinion 4 want done about legacy addresses", "opinion-4/is-of-the-view/b").plan != "overview"
    assert answer(planner, clauses, "what does opinion 4 want done about them", "opinion-4/is-of-the-view/b").plan != "overview"


def test_a_section_an_opinion_does_not_have_is_said_not_to_be_there(planner, clauses):
    # Opinion 1 recalls, considers, is of the view and invites; it recognizes nothing
    result = answer(planner, clauses, "what does opinion 1 recognize", "opinion-1/recalling/a")
    assert result.answer.startswith("Opinion 1 has no “recognizing” section")
    assert "It recalls that Paragraph 27" in result.answer and "It invites" in result.answer
    assert "Opinion 6 recognizes" not in result.answer
    # a section it has is listed; a topic asked of a missing section is looked for where it is
    assert answer(planner, clauses, "what does opinion 1 recall", "opinion-1/recalling/a").answer.startswith("Opinion 1 recalls")
    topic = answer(planner, clauses, "what does opinion 3 recall about ipv6", "opinion-3/considering/a")
    assert "has no" not in topic.answer


def test_what_a_working_group_decided_is_each_of_its_opinions_decision(planner, clauses):
    result = answer(planner, clauses, "what was the outcome of Working Group 2", "annex-1/wg-2/signature")
    assert result.plan == "list" and result.answer.startswith("What Working Group 2 decided")
    assert "**Opinion 3**" in result.answer and "**Opinion 4**" in result.answer and "**Opinion 1**" not in result.answer
    every = answer(planner, clauses, "what did each working group decide", "part-1/p17")
    assert all(f"**Opinion {n}**" in every.answer for n in range(1, 7))


def test_a_list_of_the_opinions_or_of_what_was_proposed_is_not_their_fates():
    from assistant.answer.fates import asks_every_fate

    assert asks_every_fate("which opinions got changed?")
    assert asks_every_fate("list every amendment that got accepted") and asks_every_fate("results of the working groups?")
    assert not asks_every_fate("list the six opinions adopted")  # the titles, not the decisions
    assert not asks_every_fate("which changes to the drafts did delegations propose?")


def test_names_typed_without_accents_or_misspelt_in_the_report_find_the_person():
    from assistant.answer.report_view import ReportView
    from assistant.records import Clause

    text = (
        "The Forum opened with addresses from Dr Hamadoun I. Touré and Dr Robert E. Kahn, co-founder of the "
        "Internet. In his speech, Dr Robert E. Khan took stock of where we are today."
    )
    clause = Clause(id="p1", label="¶1", text=text, start=0, end=len(text), kind="paragraph", part="Part I")
    view = ReportView(text, [clause], lambda c: [])
    assert view.actors_in("what did toure say") == ("touré",)  # the report's spelling, accent and all
    assert view.actors_in("what did kahn say") == ("kahn",)  # a capital after an initial's full stop is a name
    assert view.transposed("kahn") == ["khan"]  # the same name, two letters swapped, in the speech
    assert view.transposed("touré") == []


def test_a_name_typed_by_its_initials_is_the_name_the_report_writes_out():
    from assistant.answer.report_view import ReportView
    from assistant.records import Clause

    text = "Delegates heard the United States support the opinion. Let us note that the Opening Plenary met first."
    clause = Clause(id="p1", label="¶1", text=text, start=0, end=len(text), kind="paragraph", part="Part I")
    view = ReportView(text, [clause], lambda c: [])
    assert view.actors_in("what did the US say") == ("united states",)
    assert view.actors_in("what did the us say") == ("united states",)  # "us" never follows "the"
    assert view.actors_in("tell us about it") == ()
    assert view.actors_in("what does the op say") == ()  # chat shorthand for an Opinion, not the Opening Plenary
    assert actor_subjects("what did the us say", ("united states",)) == ("united states",)


def test_a_word_the_report_writes_only_as_part_of_a_longer_name_is_no_actor_before_a_noun_of_the_users():
    from assistant.answer.report_view import ReportView
    from assistant.records import Clause

    text = "Delegates met at the Opening Plenary, where Ghana spoke and Mr Daniel Calvacanti (Brazil) presided."
    clause = Clause(id="p1", label="¶1", text=text, start=0, end=len(text), kind="paragraph", part="Part I")
    view = ReportView(text, [clause], lambda c: [])
    assert view.actors_in("what did the opening speakers talk about") == ()  # not the "Opening" of "Opening Plenary"
    assert view.actors_in("what did ghana say") == ("ghana",)
    assert "daniel" in " ".join(view.actors_in("what did daniel say"))  # a name before what its bearer did stays


def test_things_the_report_tells_apart_by_number_are_compared_side_by_side():
    from types import SimpleNamespace

    from assistant.answer.compare import numbered_things

    report = SimpleNamespace(source=(
        "Debates ran in two Sessions. Session 1 debated whether access is a right. Session 2 debated applications. "
        "Opinion 3 and Opinion 4 concern IPv6. Working Group 1 met once."
    ))
    assert numbered_things(report, "session 1 vs session 2, what did each debate") == ["Session 1", "Session 2"]
    assert numbered_things(report, "difference between the two sessions?") == ["Session 1", "Session 2"]
    assert numbered_things(report, "how did session 1 and 2 differ") == ["Session 1", "Session 2"]
    assert numbered_things(report, "how do the two opinions differ") == []  # places: the place comparison's job
    assert numbered_things(report, "session 1 vs session 7") == []  # no Session 7 to compare
    assert numbered_things(report, "how do the two debates differ") == []  # never told apart by number


def test_an_actor_asking_or_saying_in_any_verb_form_asks_what_the_actor_did():
    from assistant.answer.shape import question_shape

    assert question_shape("what was the uk asking about in wg1", actors=("uk",), places=1) == "actor"
    assert question_shape("what was ghana saying on opinion 2", actors=("ghana",), places=1) == "actor"
    assert question_shape("what was the uk asking about in wg1", places=1) == "overview"  # no actor: the place


def test_what_an_actor_talked_about_or_its_message_asks_for_the_actor():
    from assistant.answer.shape import question_shape

    assert question_shape("what was turkey's beef with opinion 3", actors=("turkey",), places=1) == "actor"
    assert question_shape("india's take on opinion 6?", actors=("india",), places=1) == "actor"
    assert question_shape("what did senegal put forward", actors=("senegal",)) == "actor"
    assert question_shape("what was the uk on about in wg1", actors=("uk",)) == "actor"

    assert question_shape("what did robert kahn talk about", actors=("robert", "kahn")) == "actor"
    assert question_shape("what was fadi chehade's message", actors=("fadi", "chehadé")) == "actor"
    assert question_shape("icann remarks in wg2", actors=("icann",), places=1) == "actor"
    assert question_shape("what did the forum talk about", actors=()) != "actor"


def test_a_role_many_people_hold_is_not_an_actor_to_trace():
    from assistant.answer.report_view import ReportView
    from assistant.records import Clause

    text = "A record 33 Ministers attended. H.E. Mr Ivo Ivanovski, Minister of Information Society, chaired it."
    clause = Clause(id="p1", label="¶1", text=text, start=0, end=len(text), kind="paragraph", part="Part I")
    view = ReportView(text, [clause], lambda c: [])
    assert view.actors_in("what did the swiss minister say") == ()
    assert "ivanovski" in view.actors_in("what did ivanovski say")


def test_names_written_side_by_side_are_one_name_in_the_lead():
    from assistant.answer.actor import joined_names

    assert joined_names("what did Robert E. Kahn say", ["Robert", "Kahn"]) == "Robert Kahn"
    assert joined_names("what did ghana and senegal propose", ["Ghana", "Senegal"]) == "Ghana and Senegal"


def test_support_or_opposition_expressed_is_what_came_of_a_proposal():
    from assistant.answer.sequel import _REPLY

    assert _REPLY.search("a number of countries expressed their support for the amendment proposed by Turkey")
    assert _REPLY.search("Several delegations objected to the new text")
    assert not _REPLY.search("Turkey's contribution proposed the addition of the word relevant")


def test_what_is_still_to_come_of_a_draft_is_what_came_of_it(planner):
    # the last answer told what became of Brazil's draft opinion; what may come of it next is told after that
    question = "and what could that council group do with the outcome?"
    planned = planner.plan_sequel(f"{question} (did it pass; brazil submit in Working Group 3)",
                                  ("annex-1/wg-3/p26", "annex-1/wg-3/p18", "annex-1/wg-3/p24"))
    result = planner.finish(planned, question, question, [])
    assert "the Council Working Group could consider forwarding the output of its deliberations" in result.answer
    assert "was not endorsed by the Working Group" in result.answer


def test_the_opinions_a_named_working_group_handled_are_its_own_list(planner, clauses):
    result = answer(planner, clauses, "what two opinions did working group 1 handle", "annex-1/wg-1/p2")
    assert result.plan == "list"
    assert "- Draft Opinion 1: Promoting IXPs" in result.answer and "- Draft Opinion 2: Fostering" in result.answer
    assert "Opinion 5" not in result.answer  # not the six the Forum adopted


def test_a_sentence_adding_one_such_thing_goes_on_from_the_one_before():
    from assistant.answer.fact import _ONE_SUCH

    assert _ONE_SUCH.search("The Chairman suggested the ITU Council Working group … as one such forum")
    assert not _ONE_SUCH.search("Some delegates suggested other forums such as CSTD, ECOSOC and the IGF.")


def test_a_sentence_of_its_own_in_an_opinion_is_not_glued_to_the_section_verb(planner):
    ctx = planner.context
    view = ctx.view
    noting = view.by_id["opinion-6/noting/c"]
    quoted = next(u for u in view.units(noting) if u.text.startswith("Requests the Chair"))
    assert ctx.frame(quoted, set()).startswith("Opinion 6, noting: Requests the Chair")  # not "notes Requests"
    recognizing = view.units(view.by_id["opinion-6/recognizing/p1"])[0]
    assert ctx.frame(recognizing, set()).startswith("Opinion 6 recognizes UNGA Resolution")  # a name opens it
    considering = next(c for c in view.clauses if c.opinion == 5 and c.text.startswith("Resolution 101"))
    assert ctx.frame(view.units(considering)[0], set()).startswith("Opinion 5 considers Resolution 101")


def test_a_country_in_parentheses_after_a_person_is_where_they_come_from_not_the_country_acting():
    import re as _re

    from assistant.answer.actor import _affiliation

    text = "chaired by Mr Daniel Calvacanti (Brazil) with Vice-Chair Ms Sally Wentworth (ISOC)"
    assert _affiliation(text, _re.search("Brazil", text))
    text = "the ITU Telecommunication Development Bureau (BDT) be acknowledged"
    assert not _affiliation(text, _re.search("BDT", text))  # an acronym spelled out, the body itself


def test_who_supported_it_after_an_actors_draft_names_those_told_beside_that_actor(planner, clauses):
    query = "who supported it? (happened to brazil's draft opinion)"
    result = answer(planner, clauses, query, "annex-1/wg-3/p17")
    assert result.plan == "list" and "Russia" in result.answer
    assert "Australia" not in result.answer  # support for Opinions 3 and 4 in Working Group 2 is another matter


def test_a_name_inside_proposed_text_is_not_the_actor(planner):
    from assistant.answer.actor import _mentions

    texts = [u.text for u in _mentions(planner.context, ("secretary-general",), None)]
    assert not any(t.lstrip().startswith("“Requests Secretary-General") for t in texts)  # Turkey's proposed text
    assert any("Secretary-General convened an Informal Experts Group" in t for t in texts)


def test_what_an_actor_said_puts_where_it_is_heard_before_where_it_is_named(planner):
    from assistant.answer.actor import _heard, _holders, _mentions

    ctx = planner.context
    assert _holders(ctx.source, "secretary-general") == ("Touré",)  # "Dr Hamadoun I. Touré, ITU Secretary-General"
    mentioned = _mentions(ctx, ("secretary-general",), None)
    heard = _heard(ctx, ("secretary-general",), mentioned)
    assert any(u.text.startswith("In his speech, Dr Touré underlined") for u in heard)
    assert not any("Three Working Groups were established" in u.text for u in heard)  # only named there


def test_which_opinions_deal_with_a_topic_are_the_places_it_is_in(planner, clauses):
    result = answer(planner, clauses, "which opinions deal with ipv6?", "opinion-4/is-of-the-view/a",
                    "opinion-3/is-of-the-view/a", "opinion-3/is-of-the-view/b", "opinion-4/is-of-the-view/b")
    assert result.plan == "list" and "**Opinion 4**" in result.answer and "**Opinion 3**" in result.answer
    assert "Opinion 1:" not in result.answer  # not the six the Forum adopted


def test_what_became_of_a_draft_is_told_though_the_sentence_no_longer_names_its_owner(planner, clauses):
    from assistant.answer.actor import owned_outcomes

    outcomes = [u.text for u in owned_outcomes(planner.context, ("Brazil",))]
    assert any("new Draft Opinion was not endorsed" in t for t in outcomes)
    result = answer(planner, clauses, "did brazil's draft get adopted", "annex-1/wg-3/p18")
    assert result.plan == "yesno"
    assert "not endorsed" in result.answer.split("\n")[0]


def test_things_listed_inside_a_sentence_after_the_word_asked_are_listed(planner, clauses):
    result = answer(planner, clauses, "which internet organizations does Opinion 5 name", "opinion-5/considering")
    assert result.plan == "list"
    bullets = [line.split(" [")[0] for line in result.answer.splitlines() if line.startswith("- ")]
    assert bullets == ["- ICANN", "- IETF", "- RIRs", "- ISOC", "- W3C"]
    for citation in result.citations:
        assert quote_is_verbatim(planner.context.source, citation)


def test_things_named_otherwise_in_the_sentence_are_not_the_ones_asked_for():
    from assistant.answer.listing import _named_otherwise

    assert _named_otherwise("the relevant ITU ", {"un"})  # "ITU Resolutions (i.e., …)" for "which UN resolutions"
    assert not _named_otherwise("coordination between ITU and relevant ", {"internet"})  # "relevant organizations"
    assert not _named_otherwise("the relevant ITU ", set())


def test_a_word_quoted_in_the_question_is_not_the_act_asked_about():
    from assistant.answer.doers import asked_act

    assert asked_act("which delegation questioned whether the forum could 'request' the secretary general") is None
    assert asked_act("who requested that the BDT be acknowledged") == "request"


def test_a_working_group_overview_tells_what_followed_its_last_decision_but_not_the_thanks(planner, clauses):
    result = answer(planner, clauses, "sum up Working Group 1's work", "annex-1/wg-1/p1")
    assert result.plan == "overview"
    then = [line for line in result.answer.splitlines() if line.startswith("- Then:")]
    assert then and "concluded in one Session" in " ".join(result.answer.split())
    result = answer(planner, clauses, "summarize the Working Group 3 report", "annex-1/wg-3/p1")
    assert not [line for line in result.answer.splitlines() if line.startswith("- Then:")]  # only thanks follow


def test_a_quotation_is_told_with_what_introduces_it_and_to_its_close(planner, clauses):
    # noting (c) of Opinion 6 sets out paragraphs 20 and 21 of a UNGA resolution after "… on 21 Dec. 2012,"
    result = answer(planner, clauses, "what did the UNGA pass on 21 Dec. 2012", "opinion-6/noting/c")
    assert "the UNGA has passed Resolution (A/RES/67/195), on 21 Dec. 2012" in result.answer
    assert "“20. Invites the Chair of the Commission on Science and Technology for Development" in result.answer
    assert "seventeenth session, in 2014" in result.answer
    for line in result.answer.splitlines():
        assert line.count("“") == line.count("”"), line
    for citation in result.citations:
        assert quote_is_verbatim(planner.context.source, citation)


def test_a_topic_named_by_a_number_is_told_from_the_paragraph_that_names_it(planner, clauses):
    # "session" is also in Working Group 1's "concluded in one Session", which the search ranks first
    result = answer(planner, clauses, "what was session 2 about", "annex-1/wg-1/p12", "part-1/p4")
    assert result.plan == "overview"
    assert "Session 2 debated the vital applications of broadband" in result.answer
    assert result.citations[0].clause_id == "part-1/p4"


def test_a_comparison_tells_a_quoted_sentence_with_what_introduces_it(planner, clauses):
    result = answer(planner, clauses, "opinion 5 vs opinion 6 on who should be represented in the cstd working group",
                    "opinion-6/noting/c", "opinion-5/recognizing/b")
    assert result.plan == "compare"
    assert "Requests the Chair of the Commission on Science and Technology" in result.answer
    for line in result.answer.splitlines():
        assert line.count("“") == line.count("”"), line


def test_a_listed_lead_in_has_its_own_items_under_it(planner, clauses):
    # Opinion 1's invites: a lead-in ("… to work in a collaborative manner to:") and its three bullets
    invited = answer(planner, clauses, "what are member states and sector members invited to do in the IXP opinion",
                     "opinion-1/invite/p1")
    assert "- Member States and Sector Members to work in a collaborative manner to: [1]\n  - promote" in invited.answer
    assert invited.answer.count("promote the further development and expansion of networks") == 1  # not told twice
    # Opinion 3's recognizing (l) runs on into items of its own with a comma
    recognized = answer(planner, clauses, "what does opinion 3 recognize", "opinion-3/recognizing/a")
    assert "that the Directors of the TSB and BDT have: [" in recognized.answer
    assert "  - studied IPv6 address allocation and registration" in recognized.answer
    assert "have. [" not in recognized.answer


def test_a_lead_in_shown_with_its_items_comes_after_them():
    from assistant.answer.draft import answer_passages
    from assistant.records import Clause

    def clause(cid, parent=None):
        return Clause(id=cid, label=cid, text=f"text of {cid}", start=0, end=1, kind="item" if parent else "clause",
                      part="Part II", parent=parent)

    lead_in = clause("op/c")
    items = [clause(f"op/c/{n}", "op/c") for n in ("i", "ii", "iii", "iv")]
    other = clause("op/d")
    clauses = {c.id: c for c in [lead_in, *items, other]}
    # the search ranks the lead-in second; the answer quotes it with its four items
    hits = [Hit(items[0], 1.0), Hit(lead_in, 0.9), Hit(items[1], 0.8), Hit(other, 0.7)]
    shown = [h.clause.id for h in answer_passages(["op/c", "op/c/i", "op/c/ii", "op/c/iii", "op/c/iv"], clauses, hits, 5)]
    assert shown[:4] == ["op/c/i", "op/c/ii", "op/c/iii", "op/c/iv"]
    assert shown[4] == "op/c"
    # a lead-in shown with one of its items stays where the search put it
    hits = [Hit(lead_in, 1.0), Hit(items[0], 0.9), Hit(other, 0.7)]
    shown = [h.clause.id for h in answer_passages(["op/c", "op/c/i"], clauses, hits, 5)]
    assert shown[:2] == ["op/c", "op/c/i"]


def test_an_overview_shows_its_clauses_in_the_order_it_tells_them():
    from assistant.answer.draft import answer_passages
    from assistant.records import Clause

    def clause(cid):
        return Clause(id=cid, label=cid, text=f"text of {cid}", start=0, end=1, kind="clause", part="Part II")

    views = [clause(f"op/view/{x}") for x in "ab"]
    calls = [clause(f"op/invites/{x}") for x in "ab"]
    clauses = {c.id: c for c in [*views, *calls]}
    hits = [Hit(calls[0], 1.0), Hit(calls[1], 0.9)]  # the search found the calls; the views are told first
    told = ["op/view/a", "op/view/b", "op/invites/a", "op/invites/b"]
    assert [h.clause.id for h in answer_passages(told, clauses, hits, 5, in_answer_order=True)] == told
    # any other plan shows what the search ranked first
    assert [h.clause.id for h in answer_passages(told, clauses, hits, 5)][:2] == ["op/invites/a", "op/invites/b"]


def test_a_fact_answer_shows_its_lead_first_whatever_the_search_ranked_first():
    from assistant.records import Clause
    from assistant.report.sentences import Unit

    source = "Alpha is said here. Beta is the answer."
    first = Clause(id="p1", label="¶1", text="Alpha is said here.", start=0, end=19, kind="paragraph", part="Part I")
    best = Clause(id="p2", label="¶2", text="Beta is the answer.", start=20, end=39, kind="paragraph", part="Part I")
    hits = [Hit(first, 1.0), Hit(best, 0.9)]
    for plan, shown in (("fact", ["p2", "p1"]), ("list", ["p1", "p2"])):
        draft = Draft(source, {"p1": first, "p2": best})
        draft.lead = draft.quote(Unit("p2", 20, 39, "Beta is the answer."))
        draft.bullets.append(draft.quote(Unit("p1", 0, 19, "Alpha is said here.")))
        answer = draft.finish("q", "q", plan, hits, 5)
        assert [h.clause.id for h in answer.retrieved] == shown, plan


def test_why_after_what_an_actor_proposed_is_the_reason_given_with_its_proposal(planner, clauses):
    # the search brings the paragraph on what the amendments became; Ghana's reason is in the one before
    result = answer(planner, clauses, "why? (what change did ghana suggest for Opinion 2)", "annex-1/wg-1/p10")
    assert "to reflect the balance in both demand and supply sides" in result.answer
    # why a proposal was dropped asks for the outcome's reasons, which others give
    dropped = answer(planner, clauses, "why was ghana's amendment dropped from opinion 2", "annex-1/wg-1/p10")
    assert "to reflect the balance" not in dropped.answer


def test_who_objected_is_unsaid_where_the_report_tells_no_objection_at_all(planner, clauses):
    # Working Group 3 tells of "significant discussion" on Brazil's draft, and of no one objecting to it
    planned = planner.plan("which countries opposed brazil's draft opinion, by name?", hits_for(clauses, "annex-1/wg-3/p20"))
    assert planned.draft is None and "names no one who objected" in planned.unsaid
    # "other delegates argued that the current text is an output of consensus": objectors told without a name
    told = answer(planner, clauses, "who opposed turkey's amendment to op 6", "annex-1/wg-3/p5")
    assert told.answer.startswith("The report names no one who objected")
    assert "other delegates argued that the current text is an output of consensus" in told.answer


def test_whose_idea_and_who_else_sent_something_in_ask_for_the_proposers_but_the_one_already_told(planner, clauses):
    from assistant.answer.doers import asked_act

    assert asked_act("whose idea was that") == "propos"
    assert asked_act("who else sent stuff in on that one") == "propos"
    result = answer(planner, clauses, "who else sent stuff in on that one (turkey want changed in Opinion 1)",
                    "annex-1/wg-1/p3")
    assert result.plan == "list" and "United States" in result.answer
    assert not re.search(r"^- Turkey:", result.answer, re.M)  # the one asked about before is not "else"


def test_an_overview_of_a_short_name_reads_the_paragraph_that_introduces_it(planner, clauses):
    result = answer(planner, clauses, "give me the short version of what wtpf-13 was", "part-1/p10", "part-1/p3")
    assert result.answer.startswith("According to Part I of the report, the Fifth World Telecommunication/ICT Policy Forum (WTPF-13) was held")
    # a name qualifying what is asked about is not the topic
    other = answer(planner, clauses, "how did the prep process for wtpf-13 work", "part-1/p10", "part-1/p3")
    assert "(WTPF-13) was held" not in other.answer.split("\n")[0]


def test_an_office_asked_about_is_named_as_the_one_holding_it(planner, clauses):
    result = answer(planner, clauses, "what did the Working Group 3 chair say about the role of governments", "annex-1/wg-3/p22")
    assert result.plan == "actor"
    assert result.answer.startswith("What the report records of the Chair of Working Group 3:")


def test_a_lead_in_compared_comes_with_what_it_lists(planner, clauses):
    result = answer(planner, clauses, "how long did Working Group 2 sit vs Working Group 3", "annex-1/wg-3/p22")
    lines = result.answer.splitlines()
    at = next(i for i, line in enumerate(lines) if "09:30-10:10 to discuss two draft opinions:" in line)
    assert lines[at].startswith("  - Working Group 2 met")
    assert lines[at + 1].startswith("    - Draft Opinion 3: Supporting Capacity Building")


def test_a_quoted_word_is_looked_for_in_the_opinion_the_question_names(planner, clauses):
    # Turkey's proposed “Requests Secretary-General …” is for Opinion 3; the question is about Opinion 2
    result = answer(planner, clauses, "how come Opinion 2 could 'request' the Secretary-General instead of inviting him",
                    "annex-1/wg-2/p6", "annex-1/wg-1/p9", "annex-1/wg-1/p10")
    assert "a precedent existed from the first WTPF-1996" in result.answer



def test_a_clause_ending_in_a_colon_brings_the_bullets_after_it_in_its_section(planner, clauses):
    # Opinion 1's "invite" section: a clause "… to work in a collaborative manner to:", then three bullet clauses
    result = answer(planner, clauses, "how do Opinion 1 and Opinion 2 differ", "opinion-1/invite/p1", "opinion-2/is-of-the-view/p1")
    lines = result.answer.splitlines()
    at = next(i for i, line in enumerate(lines) if "to work in a collaborative manner to:" in line)
    assert lines[at + 1].lstrip().startswith("- promote the further development and expansion of networks")


def test_what_a_short_name_stands_for_is_unsaid_when_the_report_never_spells_it_out(planner, clauses):
    # "Dr Robert E. Kahn, President, CNRI": the only time the report writes CNRI, never in full
    planned = planner.plan("what does CNRI stand for", hits_for(clauses, "part-1/p7"))
    assert planned.draft is None and "CNRI" in planned.unsaid and "never spells it out" in planned.unsaid
    for spelled in ("what does IEG stand for",  # "an Informal Experts Group (IEG)"
                    "ixp stands for what",  # "Internet Exchange Points (IXPs)", asked in lower case
                    "what does GVF stand for"):  # "the Global VSAT Forum or GVF"
        assert planner.plan(spelled, hits_for(clauses, "part-1/p7")).draft is not None, spelled
    ablated = Planner(planner.context, k=5, referred=False)  # the mechanism switched off, as the ablation does
    assert ablated.plan("what does CNRI stand for", hits_for(clauses, "part-1/p7")).unsaid is None
    # a pronoun stands for a name the conversation holds: the report's "that" is no name it leaves unexpanded
    assert planner.plan("what does that stand for?", hits_for(clauses, "part-1/p7")).unsaid is None


def test_text_set_out_unquoted_after_a_colon_is_told_whole_on_its_line(planner, clauses):
    # "Turkey’s contribution proposed the inclusion of the following paragraph …: ↵invites Member States and Sector
    # Members ↵to promote and encourage …": the proposed paragraph runs on in lower case, not as a bullet of its own
    ctx = planner.context
    proposal = next(c for c in clauses if "add more clarity" in c.text)
    lead = next(u for u in ctx.view.units(proposal) if u.text.rstrip().endswith(":"))
    draft = ctx.draft()
    lines = ctx.lines(draft, lead, set(), nested=False)
    assert len(lines) == 1
    assert "add more clarity: invites Member States and Sector Members to promote and encourage" in lines[0]
    assert lines[0].rstrip().endswith("trust to internet. [1]")
    # chosen by its first line, the proposed paragraph is told with what introduces it and to its end
    first = next(u for u in ctx.view.units(proposal) if u.text.startswith("invites"))
    lines = ctx.lines(ctx.draft(), first, set(), nested=False)
    assert len(lines) == 1 and "add more clarity: invites Member States" in lines[0] and "trust to internet" in lines[0]


def test_a_line_introducing_a_quotation_is_told_with_it(planner, clauses):
    # "Turkey proposed an addition of the following text: “Requests Secretary-General …”": never the colon alone,
    # whichever plan tells it (a list of doers prefixes the line with their names)
    ctx = planner.context
    clause = next(c for c in clauses if "Turkey proposed an addition of the following text" in c.text)
    lead = next(u for u in ctx.view.units(clause) if u.text.rstrip().endswith("following text:"))
    draft = ctx.draft()
    line = ctx.with_what_it_quotes(draft, lead, f"Turkey: {lead.text} {draft.cite(lead)}")
    assert "following text: “Requests Secretary-General To ensure effective implementation" in line
    assert ctx.line(ctx.draft(), lead, set()).count("Requests Secretary-General") == 1


def test_the_annex_overview_tells_each_report_opening_with_what_it_lists(planner, clauses):
    planned = planner.plan("what's in annex 1 of the report", hits_for(clauses, "annex-1/wg-2/p4"))
    bullets = planned.draft.bullets
    opening = next(i for i, b in enumerate(bullets) if "Working Group 2 met on 15 May" in b)
    assert bullets[opening].rstrip().endswith(":") is False and "discuss two draft opinions: [" in bullets[opening]
    assert "Draft Opinion 3: Supporting Capacity Building" in bullets[opening + 1]


def test_each_side_of_a_comparison_tells_only_its_own_place(planner, clauses):
    # "isps" is read as an actor; what an actor said outside the places asked fills an actor's answer, but under
    # "Opinion 3" of a comparison it put Opinion 1's and Opinion 4's clauses
    planned = planner.plan("new entrant isps - Opinion 3 vs Opinion 4, what does each say about them getting ipv4",
                           hits_for(clauses, "opinion-3/recognizing/h", "opinion-4/is-of-the-view/c"))
    bullets = planned.draft.bullets
    three = bullets.index(next(b for b in bullets if b.startswith("**Opinion 3**")))
    four = bullets.index(next(b for b in bullets if b.startswith("**Opinion 4**")))
    side = bullets[three + 1: four]
    assert side and all(not re.search(r"Opinion [1245]\b", b) for b in side), side



def test_an_actor_line_inside_a_quotation_comes_with_what_introduces_it(planner, clauses):
    # the closest sentence may be the end of Turkey's proposed text, ranked before the lead-in that introduces it
    ctx = planner.context
    clause = next(c for c in clauses if "Turkey proposed an addition of the following text" in c.text)
    units = ctx.view.units(clause)
    lead = next(u for u in units if u.text.rstrip().endswith("following text:"))
    tail = next(u for u in units if u.text.startswith("To ensure effective implementation"))
    lines = told_with_quotes(ctx, ctx.draft(), [tail, lead])
    assert len(lines) == 1
    assert "following text: “Requests Secretary-General To ensure effective implementation" in lines[0]


def test_a_sentence_opening_on_a_pronoun_comes_after_the_one_naming_what_it_stands_for(planner, clauses):
    held = next(c for c in clauses if "It was attended by 900 delegates" in c.text)
    result = answer(planner, clauses, "how many delegates showed up", held.id)
    assert "It was attended by 900 delegates" in result.answer
    assert result.answer.index("was held at the CICG") < result.answer.index("It was attended by 900 delegates")


def test_each_count_asked_is_read_whatever_verb_follows_it(planner, clauses):
    # "joined" is no word a count is usually followed by: the word after "how many" is still the thing counted
    result = answer(planner, clauses, "how many experts joined the ieg work and how many contributions came in", "part-1/p3")
    assert "180 experts" in result.answer and "75 contributions" in result.answer
