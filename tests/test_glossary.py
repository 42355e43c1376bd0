import pytest

from assistant.report.glossary import acronyms, expand, defining

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




def test_an_acronym_defined_with_or_counts_only_where_its_initials_spell_it():
    text = (
        "contributions by Avanti (WTPF-13/12) and the Global VSAT Forum or GVF (WTPF-13/13). "
        "It met in Geneva or ITU headquarters."
    )
    found = acronyms(text)
    assert found["GVF"] == "Global VSAT Forum"
    assert "ITU" not in found  # "Geneva or ITU": the initials spell nothing
    assert defining("GVF", found["GVF"]).search(text)
