import pytest

from assistant.report.glossary import acronyms, expand

pytestmark = pytest.mark.unit


def test_definitions_found_in_the_report(source):
    glossary = acronyms(source)
    assert glossary["IEG"] == "Informal Experts Group"
    assert glossary["RIR"] == "Regional Internet Registries"
    assert glossary["IXP"] == "Internet Exchange Points"
    assert "Bulgaria" not in glossary  # "(Bulgaria)" is not an acronym


def test_expand_adds_the_other_form_once():
    glossary = {"IEG": "Informal Experts Group"}
    assert expand("The IEG met three times.", glossary) == "The IEG met three times. (Informal Experts Group)"
    assert expand("The Informal Experts Group (IEG) met.", glossary) == "The Informal Experts Group (IEG) met."
    assert expand("Nothing here.", glossary) == "Nothing here."
    assert acronyms("") == {} and expand("", {}) == ""


