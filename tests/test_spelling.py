import pytest

from assistant.query.spelling import Speller

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def speller(source):
    return Speller(source)


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("what did austrailia propose", "what did australia propose"),
        ("why did opinons 3 and 4 stay seperate", "why did opinions 3 and 4 stay separate"),
        ("who submited the draft on the role of goverments", "who submitted the draft on the role of governments"),
        ("who sent in contribs on the IXP opinion", "who sent in contributions on the IXP opinion"),
        ("what did chehade say", "what did chehadé say"),
    ],
)
def test_slips_are_mended_to_the_reports_words(speller, typed, meant):
    assert speller.correct(typed) == meant


@pytest.mark.parametrize(
    "question",
    [
        "whats the gist in a nutshell",  # English words the report does not use
        "summarise the wording for brazils delegates",  # British spelling, a loose possessive
        "what's the deal with dnssec",  # nothing in the report is close
        "email daniel.cavalcanti@anatel.gov.br about WTPF-13/5",  # addresses and document numbers
        "who chaired the expert grup",  # too short to guess
    ],
)
def test_words_that_are_not_slips_stay_as_typed(speller, question):
    assert speller.correct(question) == question
