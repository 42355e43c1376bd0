import pytest

from assistant.answer.compose import Composer, shared_terms
from assistant.query.question import missing_specifics, only_linked, question_kind, tokenize, unknown_specifics
from assistant.records import Hit
from assistant.answer.verify import quote_is_verbatim

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Why did Opinions 3 and 4 stay separate?", "why"),
        ("How many delegates attended?", "how-many"),
        ("When did Working Group 2 meet?", "when"),
        ("what were the meeting times of each working group", "when"),  # a time, though no "when"
        ("which working group ran the longest", "when"),
        ("how many times did the ieg meet", "how-many"),
        ("What did Ghana propose?", "proposal"),
        ("Who chaired Working Group 2?", "who"),
        ("What does Opinion 4 say about legacy addresses?", "what"),
        ("", "what"),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_tokenize_drops_question_scaffolding_and_stems():
    assert tokenize("What did the registries say?") == ["registri"]
    assert tokenize("") == []
    # a contraction typed without its apostrophe is as empty as with it: "whats" as "what's", "didnt" as "didn't"
    assert tokenize("op3 vs op4 whats the difference, didnt they merge") == tokenize("op3 vs op4 what's the difference, didn't they merge")


def test_answers_must_state_what_the_question_asks_for():
    assert missing_specifics("How many delegates came?", ["It was attended by 900 delegates"]) is None
    assert missing_specifics("How many IXPs were there in 2013?", ["Exchange points were built in 2013."]) == "a number"
    assert missing_specifics("How many?", []) == "a number"
    assert missing_specifics("What was the price per IPv4 address?", ["a growing market has developed"])
    assert missing_specifics("What was the budget?", ["a budget of USD 2 million was approved"]) is None
    assert missing_specifics("When will the next WTPF be held?", ["WTPF-13 was held in Geneva"])
    assert missing_specifics("How much traffic is IPv6?", ["the proportion of IPv6 traffic remains very small"]) is None
    assert missing_specifics("what % of traffic was IPv6", ["the proportion of IPv6 traffic remains very small"]) == (
        "a percentage"
    )
    assert missing_specifics("what share of people are offline", ["two-thirds of the world's people are offline"]) is None
    assert missing_specifics("what did it cost itu to host it", ["the Forum was held at the CICG"]) == "an amount of money"
    # what is said on a topic is asked, not an amount
    assert missing_specifics(
        "What does the report say about the price of Internet access?", ["the price of local Internet access"]
    ) is None



def test_a_count_of_a_part_needs_a_sentence_counting_that_part():
    whole = ["It was attended by 900 delegates, representing 126 Member States"]
    assert missing_specifics("how many of the 900 delegates came from developing countries", whole) == (
        "how many came from developing countries"
    )
    assert missing_specifics("how many of those were from the us delegation (people attended)", whole)
    counted = ["Some 40 delegates came from developing countries"]
    assert missing_specifics("how many of the 900 delegates came from developing countries", counted) is None
    # "from" naming who was counted, not a part of them
    assert missing_specifics("How many people from the expert group were invited?", ["12 members of the IEG"]) is None
    assert missing_specifics("how many delegates came from how many countries", whole) is None


REPORT = (
    "The Commission met. Ghana proposed an IPv6 addition. The UK asked. WTPF-13 was attended by 900 delegates and 33 Ministers. WG2 met. "
    "It supports technology neutrality and multi-stakeholderism in the Internet."
)


@pytest.mark.parametrize(
    "question, unknown",
    [
        ("What did Germany propose?", "it never mentions Germany"),
        ("What did Ghana propose?", None),
        ("What was Germany's position on IPv6?", "it never mentions Germany"),
        ("What did the UK ask?", None),
        ("what was germany's contribution number", "it never mentions germany"),  # typed in lower case
        ("what was ghana's proposal", None),
        ("wg2's views on ipv6?", None),  # too short to judge as a name
        ("What points did the Swiss minister make?", None),  # an adjective, not the actor
        ("Which city hosted WTPF-09?", "it never mentions WTPF-09"),
        ("Who attended WTPF-13?", None),
        ("What did the WG3 chairman think?", None),  # places by number are checked by routing
        ("Was it held on the 1st or the 2nd day?", None),
        ("How many women attended?", "it never mentions women"),
        ("How many ministers attended?", None),
        ("how many of the delegates were women", "it never mentions women"),  # the part counted, named last
        ("how many of the delegates were ministers", None),
        ("How many attendees were there?", None),  # the report's "attended"
        ("what was the vote count on the draft", "it never mentions vote"),  # a count by another name
        ("the number of votes for opinion 6?", "it never mentions votes"),
        ("number of ministers at the forum", None),
        ("What did WTPF13 decide?", None),
        ("Is IPv6-ready equipment mentioned?", None),
        ("Was the IPv6/WTPF-13 link made?", None),
        ("What did the USA propose?", None),  # an abbreviation may stand for a name the report spells out
        ("What about 5G-enabled networks?", "it never mentions 5G"),
        ("What position did the forum take on net neutrality?", "it never mentions net neutrality"),
        ("What position did the forum take on technology neutrality?", None),
        ("What did it say about multistakeholderism?", None),  # one word, and the report's hyphenated one
        ("What did it say about the Internet afterwards?", None),  # the last word is not a known head
        ("how many delegates were there in africa according to the report", "it never mentions africa"),
        ("how many delegates were in ghana?", None),
        ("explain opinion 4 in english", None),  # how to answer, not where
        ("what did the european commission say", "it never mentions european commission"),
        ("what did the aussie delegate say", None),  # a person may be described by any word
        ("what did they say about it in plain english", None),
        ("did anybody oppose opinion 4", None),  # no one in particular
        ("did somebody object to it", None),
        ("what does each say about them getting ipv6", None),  # a pronoun and a verb qualify no topic
        ("", None),
    ],
)
def test_specifics_the_report_never_mentions(question, unknown):
    assert unknown_specifics(question, REPORT.lower(), set(tokenize(REPORT))) == unknown


def hits_for(clauses, *ids):
    by_id = {c.id: c for c in clauses}
    return [Hit(clause=by_id[i], score=1.0 / (n + 1), parts={}) for n, i in enumerate(ids)]


def test_answer_sentences_each_cite_a_verbatim_quote(source, clauses):
    composer = Composer(source, clauses)
    hits = hits_for(clauses, "annex-1/wg-2/p5", "annex-1/wg-2/p4", "opinion-3/recognizing/a")
    answer = composer.compose("Why did Opinions 3 and 4 stay separate?", "Why did Opinions 3 and 4 stay separate?", hits)
    assert 1 <= len(answer.citations) <= 5
    for n, citation in enumerate(answer.citations, start=1):
        assert citation.n == n and f"[{n}]" in answer.answer
        assert quote_is_verbatim(source, citation)
        clause = composer.clauses[citation.clause_id]
        assert clause.start <= citation.start < citation.end <= clause.end
    text = answer.answer.lower()
    assert "turkey" in text and "compromise" in text and "time constraints" in text


def test_no_hits_gives_an_empty_answer(source, clauses):
    answer = Composer(source, clauses).compose("Anything?", "Anything?", [])
    assert answer.citations == () and answer.answer == ""


def test_proposal_answer_brings_the_clause_it_wanted_to_change(source, clauses):
    composer = Composer(source, clauses)
    paragraph = next(c for c in clauses if c.kind == "paragraph" and "Ghana proposed" in c.text)
    assert paragraph.refs, "the parser resolves the clause Ghana wanted to change"
    hits = hits_for(clauses, paragraph.id)
    answer = composer.compose("What did Ghana propose?", "What did Ghana propose?", hits)
    cited = {c.clause_id for c in answer.citations}
    assert paragraph.id in cited
    assert cited & set(paragraph.refs)


def test_summary_of_a_named_opinion_reads_its_operative_clauses(source, clauses):
    composer = Composer(source, clauses)
    named = [c for c in clauses if c.opinion == 6 and c.part == "Part II" and c.kind != "heading"]
    hits = [Hit(clause=c, score=1.0, parts={"route": 0.4}) for c in named[:3]]
    answer = composer.compose("Summarize Opinion 6", "Summarize Opinion 6", hits)
    cited = [composer.clauses[c.clause_id] for c in answer.citations]
    assert cited and all(c.opinion == 6 and c.section.startswith(("is of the view", "invite")) for c in cited)
    assert question_kind("Give me an overview of Opinion 2") == "summary"


def test_a_lead_in_brings_the_items_it_introduces(source, clauses):
    composer = Composer(source, clauses)
    lead = next(c for c in clauses if c.id == "opinion-3/recognizing/l")
    answer = composer.compose("What have the directors done?", "What have the directors done?", hits_for(clauses, lead.id))
    cited = [c.clause_id for c in answer.citations]
    assert cited[0] == lead.id and cited[1:] == [f"{lead.id}/{n}" for n in range(1, len(cited))]
    assert answer.answer.split(" [1]")[0].endswith(":")


def test_a_clause_that_points_back_at_the_one_chosen_comes_right_after_it(source, clauses):
    composer = Composer(source, clauses)
    question = "why could IPv4 transfers outside the RIRs be a problem?"
    answer = composer.compose(question, question, hits_for(clauses, "opinion-4/recognizing-further/a"))
    cited = [c.clause_id for c in answer.citations]
    # "that such consequences could be minimized …" finishes what "… could have undesirable consequences" says
    at = cited.index("opinion-4/recognizing-further/a")
    assert cited[at + 1] == "opinion-4/recognizing-further/b"


def test_asked_what_came_out_of_something_an_announced_outcome_comes_with_what_follows(source, clauses):
    composer = Composer(source, clauses)
    question = "what came out of the strategic dialogue"
    answer = composer.compose(question, question, hits_for(clauses, "part-1/p5"))
    assert "presented the outcomes of the Strategic Dialogue" in answer.answer
    assert "a basic human need, although some went further and called it a fundamental right" in answer.answer
    # asked something else of it, the sentence is not followed by its paragraph
    other = composer.compose("who presented the strategic dialogue", "who presented the strategic dialogue",
                             hits_for(clauses, "part-1/p5"))
    assert "fundamental right" not in other.answer


def test_one_item_of_an_unnamed_list_brings_its_lead_in_and_siblings(source, clauses):
    composer = Composer(source, clauses)
    item = "opinion-2/recognizing/c/iii"
    answer = composer.compose("What should countries do?", "What should countries do?", hits_for(clauses, item))
    cited = [c.clause_id for c in answer.citations]
    assert cited[0] == "opinion-2/recognizing/c" and item in cited and len(cited) == 5


def test_a_fact_about_a_numbered_group_is_not_answered_from_its_neighbours(source, clauses):
    composer = Composer(source, clauses)
    rows = [c.id for c in clauses if c.kind == "table-row"]
    assert len(rows) == 3
    answer = composer.compose("Who chaired Working Group 2?", "Who chaired Working Group 2?", hits_for(clauses, *rows))
    cited = {c.clause_id for c in answer.citations}
    assert cited == {"part-1/working-groups/wg-2"}


def test_a_framed_sentence_starting_with_a_connective_reads_on_in_lower_case():
    from assistant.answer.compose import frame_sentence
    from assistant.records import Clause

    clause = Clause(id="annex-1/wg-3/p6", label="Annex I › Working Group 3 › ¶6", part="Annex I", kind="paragraph",
                    text="However, delegates argued.", start=0, end=26, working_group=3)
    assert frame_sentence(clause, "However, delegates argued.", set(), frozenset({"however"})) == (
        "According to the Working Group 3 report, however, delegates argued."
    )


def test_an_irregular_verb_form_shares_its_verbs_token():
    from assistant.query.question import tokenize

    assert "meet" in tokenize("how long did wg2 meet") and "meet" in tokenize("Working Group 2 met on 15 May")
    assert tokenize("Australia withdrew it") == tokenize("Australia withdraws it")


def test_a_where_question_prefers_a_sentence_that_names_a_place():
    from assistant.answer.compose import _PLACE_NAMED

    assert _PLACE_NAMED.search("could be continued at other forums such as CSTD, ECOSOC and the IGF")
    assert _PLACE_NAMED.search("was held at the CICG in Geneva, Switzerland")
    assert not _PLACE_NAMED.search("many delegates stressed the importance of continuing the discussion")


def test_a_question_about_a_year_after_the_report_is_one_it_cannot_answer():
    from assistant.query.question import after_the_report, report_year

    report = "The Forum met on 14-16 May 2013. The group is to report to WTSA 2016 and, in 2014, to the Commission."
    written = report_year(report)
    assert written == 2013  # the days it dates, not the plans it names
    assert "2014" in after_the_report("what did the commission decide in 2014?", written)
    assert "2015" in after_the_report("was it adopted in 2015", written)
    assert "2014" in after_the_report("who won the 2014 plenipotentiary elections", written)  # an irregular past
    assert after_the_report("what is the group to do in 2014?", written) is None  # asked of the plan, not past
    assert after_the_report("what did the forum decide in 2013?", written) is None
    assert after_the_report("what did the commission decide in 2014?", None) is None


def test_an_item_chosen_below_the_best_brings_the_lead_in_of_its_list(source, clauses):
    from assistant.answer.compose import Scored

    composer = Composer(source, clauses)
    by_id = {c.id: c for c in clauses}
    best = composer.units(by_id["opinion-5/invites-member-states-and-other-stakeholders"])[0]
    item = composer.units(by_id["opinion-5/recognizing/b/iii"])[0]
    lead_in = composer.units(by_id["opinion-5/recognizing/b"])[-1]
    chosen = [Scored(best, 1.0, 0), Scored(item, 0.8, 2)]
    out = [s.unit for s in composer._lead_in_first(chosen, hits_for(clauses, "opinion-5/invites-member-states-and-other-stakeholders"))]
    assert out == [best, lead_in, item]
    # an item the question points at by name stays alone
    named = [Hit(clause=by_id["opinion-5/recognizing/b/iii"], score=1.0, parts={"route": 1.0})]
    assert [s.unit for s in composer._lead_in_first(chosen, named)] == [best, item]


def test_members_the_report_only_counts_are_not_named_from_nearby_sentences():
    from assistant.query.question import unstated_members

    report = _sentences(
        "Eleven panelists and two Scribes participated in debates in two Sessions, “Building out Broadband” and "
        "“Broadband Driving Development”. Six Vice-Chairs were elected for the Forum:\nMs A (Poland)\n"
        "Annexed to the Report were six Draft Opinions. He invited the Forum to adopt the following Opinions:\n"
    )
    assert "Eleven panelists" in unstated_members("who were the eleven panelists?", report)
    assert "two Scribes" in unstated_members("which two scribes took part", report)
    assert "Eleven panelists" in unstated_members("who were the 11 panelists?", report)  # a count typed in digits
    assert unstated_members("names of the 2 sessions?", report) is None  # named in quotes right after
    assert unstated_members("what were the two sessions called", report) is None  # not asked as members
    assert unstated_members("who were the six vice-chairs", report) is None  # a colon: the names follow
    assert unstated_members("which six opinions were forwarded", report) is None  # listed after "the following"
    assert unstated_members("which two sessions were held", report) is None  # named in quotes right after
    assert unstated_members("who were the three rapporteurs", report) is None  # never counted: not this check
    # where the members come from is asked of them too
    assert "Eleven panelists" in unstated_members("which countries did the 11 panelists come from", report)
    assert unstated_members("which countries were the six vice-chairs from", report) is None


def test_a_numbered_document_the_report_only_cites_has_no_content_to_give():
    from assistant.query.question import uncited_content

    report = _sentences(
        "RIPE-NCC referred the meeting to information document 12, submitted by APNIC. "
        "Resolution 101 (Rev. Guadalajara, 2010), as reaffirmed by Decision 562, decided that WTPF-13 would meet. "
        "Opinion 6 recognizes UNGA Resolution A/RES/67/195 which states the “significance of the process”. "
        "It recalls the UNGA Resolutions (2011 A/RES/65/141, 2012 A/RES/67/195)."
    )
    assert "document 12" in uncited_content("what exactly is in information document 12 from apnic", report)
    assert "document 12" in uncited_content("whats in information document 12", report)  # typed without its apostrophe
    assert "65/141" in uncited_content("what did unga resolution 65/141 say", report)
    assert uncited_content("what does unga resolution 67/195 state", report) is None  # "which states …"
    assert uncited_content("what did resolution 101 say", report) is None  # "decided that …"
    assert uncited_content("what's in opinion 4", report) is None  # a part of the report, not a cited document
    assert uncited_content("what did the contribution WTPF-13/7 propose", report) is None
    assert uncited_content("what is in document 99", report) is None  # never cited: another check's business


def _sentences(text: str) -> list[str]:
    from assistant.records import Clause
    from assistant.report.sentences import clause_units

    clause = Clause(id="p1", label="¶1", part="Part I", kind="paragraph", start=0, end=len(text), text=text)
    return [u.text for u in clause_units(clause, text)]


def test_places_named_one_by_one_answer_where_more_than_a_vague_place():
    from assistant.answer.compose import _PLACES_LISTED

    assert _PLACES_LISTED.search("could be continued at other forums such as CSTD, ECOSOC and the IGF")
    assert _PLACES_LISTED.search("It was held at the CICG in Geneva") is None  # one place: any place's bonus
    assert _PLACES_LISTED.search("continuing the discussion on the role of governments in various fora") is None


def test_numbered_things_outside_the_routed_places_are_labels_to_match():
    from assistant.answer.compose import numbered_labels

    labels = numbered_labels("and what did they say came out of session 1")
    assert len(labels) == 1 and labels[0].search("For Session 1, participants generally agreed")
    assert not labels[0].search("Session 12 met") and not labels[0].search("Session 1.5")
    assert numbered_labels("how do opinions 3 and 4 differ") == []  # places are routed; "and 4" names nothing
    assert numbered_labels("what happened to para 61")[0].search("paragraph 61 of the Tunis Agenda")


def test_how_many_people_is_counted_by_delegates_or_participants():
    from assistant.answer.compose import _counts_asked_thing
    from assistant.query.question import tokenize

    asked = set(tokenize("how many people came"))
    assert _counts_asked_thing("It was attended by 900 delegates.", (), asked)
    assert not _counts_asked_thing("12 members of the IEG attended.", (), asked)
    assert _counts_asked_thing("It was attended by 900 delegates.", (frozenset(tokenize("people")),), asked)


def test_an_age_needs_a_sentence_that_states_one():
    named = "Mr Petko KANTCHEV Chairman of Working Group 3."
    assert missing_specifics("how old is petko kantchev", [named]) == "an age"
    assert missing_specifics("what's the age of the chairman", [named]) == "an age"
    assert missing_specifics("how old is he", ["He is 54 years old."]) is None
    assert missing_specifics("how old were the allocations", ["blocks were allocated prior to the RIR system"]) is None
    assert missing_specifics("how long was the forum", [named]) is None


def test_a_time_of_day_is_asked_of_what_the_question_names():
    from assistant.query.question import missing_specifics

    met = "Working Group 1 met on 14 May 2013, from 16:15 - 17:40 to discuss two draft opinions."
    plenary = "The Chairmen of the three Working Groups presented the results to the Plenary for approval."
    assert missing_specifics("what time did the closing plenary finish on 16 may", [plenary, met]) == "a time of day"
    assert missing_specifics("what time did working group 1 meet", [met]) is None
    assert missing_specifics("when did the closing plenary finish", [plenary, met]) is None  # not a time of day


def test_a_thing_the_report_only_links_to_is_unsaid_unless_where_to_find_it_is_asked():
    linked = "The concluding remarks of the Forum can be found here: http://www.itu.int/en/wtpf-13/Pages/speakers.aspx ."
    assert only_linked("who gave the closing remarks and what did they say", linked) == (
        "it only points to the concluding remarks of the Forum at http://www.itu.int/en/wtpf-13/Pages/speakers.aspx"
    )
    assert only_linked("where can i find the concluding remarks", linked) is None  # the link answers that
    assert only_linked("what did the forum conclude", linked) is None  # not the thing linked
    assert only_linked("what were the closing remarks", "The Forum closed with remarks by the Chairman.") is None


@pytest.mark.parametrize(
    "question, meant",
    [
        ("who were the vice chairs of the forum itself (not the wgs)", "who were the vice chairs of the forum itself"),
        ("who chaired the forum, not the working groups", "who chaired the forum"),
        ("which opinions were changed, other than opinion 2", "which opinions were changed"),
        ("what did turkey propose apart from the merge?", "what did turkey propose?"),
        ("why was brazil's draft not adopted", "why was brazil's draft not adopted"),  # a verb negated stays
    ],
)
def test_what_a_question_sets_aside_is_not_what_it_asks_about(question, meant):
    from assistant.query.question import without_set_aside

    assert without_set_aside(question) == meant


def test_a_count_is_of_the_whole_thing_asked():
    from assistant.answer.compose import _counts_asked_thing
    from assistant.query.question import tokenize

    member_states = (frozenset(tokenize("member states")),)
    assert _counts_asked_thing("It was attended by 900 delegates, representing 126 Member States", member_states, set())
    assert not _counts_asked_thing("12 members of the IEG attended WTPF-13", member_states, set())
    people = (frozenset(tokenize("people")),)
    assert _counts_asked_thing("It was attended by 900 delegates", people, set())  # whoever attends is counted


def test_a_question_word_is_read_inside_a_longer_word_the_stemmer_leaves_apart():
    chairman = "H.E. Mr Ivo Ivanovski, Minister of Information Society, TFYR Macedonia, was elected Chairman of the Forum."
    assert shared_terms(set(tokenize("who chaired wtpf-13")), chairman) == {"chair"}
    # a short word is not read inside a longer one: "ip" does not stand for "IPv6"
    assert shared_terms(set(tokenize("ip rules")), "IPv6 deployment") == set()


def test_words_of_a_web_address_are_not_words_a_sentence_says():
    linked = "The concluding remarks of the Forum can be found here: http://www.itu.int/en/wtpf-13/Pages/speakers.aspx ."
    assert shared_terms(set(tokenize("opening speakers at the forum")), linked) == {"forum"}
