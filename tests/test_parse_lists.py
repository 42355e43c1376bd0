"""List numbering as a pure function: printed markers in, positions out."""

from __future__ import annotations

import pytest

from assistant.report.parse_generic import ITEM_MARKER, ListLevel, candidates, item_key, place_item

pytestmark = pytest.mark.unit


def keys(lines: list[str]) -> list[str]:
    """Replay a list: each line is a printed item; return the id path of each."""
    levels: list[ListLevel] = []
    path: list[str] = []
    out = []
    previous = ""
    for line in lines:
        depth = place_item(levels, candidates(ITEM_MARKER.match(line)), previous.endswith(":"))
        if depth is None:
            out.append(None)
            continue
        del path[depth:]
        path.append(item_key(levels[depth]))
        out.append("/".join(path))
        previous = line
    return out


def test_lost_numbering_becomes_letters_and_an_explicit_letter_confirms():
    assert keys(["1. one;", "1. two;", "c) three,"]) == ["a", "b", "c"]


def test_colon_opens_a_nested_list_shown_in_roman():
    lines = ["1. a;", "1. b;", "1. lead-in to:", "1. x;", "1. y;", "1. z,"]
    assert keys(lines) == ["a", "b", "c", "c/i", "c/ii", "c/iii"]


def test_numbered_and_roman_sub_items_return_to_the_parent_letter():
    assert keys(["a) x to:", "1) p;", "2) q;", "b) y;"]) == ["a", "a/1", "a/2", "b"]
    assert keys(["a) x;", "b) that:", "i) p;", "ii) q;", "c) y;"]) == ["a", "b", "b/i", "b/ii", "c"]
    assert keys(["h) x;", "i) the ninth letter;"])[1] == "i"


def test_a_number_that_continues_no_list_is_not_an_item():
    assert keys(["a) x;", "b) y;", "1. z,", "21. quoted paragraph"]) == ["a", "b", "c", None]


def test_bullets_and_empty_input():
    assert keys(["· one", "· two"]) == ["b1", "b2"]
    assert keys([]) == []
    assert candidates(ITEM_MARKER.match("etc) more")) == []
