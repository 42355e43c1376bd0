import pytest

from assistant.glossary import acronyms, expand, shorthands

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


def test_shorthands_are_words_used_only_inside_defined_terms(source):
    found = shorthands(source, acronyms(source))
    assert found["registries"] == ("LIR", "RIR")
    assert "forum" not in found and "group" not in found  # used on their own all over the report
    text = "The Regional Internet Registries (RIRs) met. The RIRs agreed. A group met; the group left."
    assert shorthands(text, acronyms(text)) == {"registries": ("RIR",)}
    assert shorthands("", {}) == {}
