"""Routing: which places a query names, and how strongly each clause sits in them."""

from __future__ import annotations

import pytest

from assistant.records import Clause
from assistant.search.route import Places, Route, parse_route, route_scores, specificity, to_int, to_roman

pytestmark = pytest.mark.unit


def _c(id, part, opinion=None, section=None, wg=None) -> Clause:
    return Clause(id=id, label=id, text=id, start=0, end=1, kind="clause", part=part, opinion=opinion,
                  section=section, working_group=wg)


CLAUSES = [
    _c("part-1/p1", "Part I"),
    _c("opinion-3/recognizing/a", "Part II", 3, "recognizing"),
    _c("opinion-4/recognizing/a", "Part II", 4, "recognizing"),
    _c("opinion-4/considering/a", "Part II", 4, "considering"),
    _c("opinion-1/invites-member-states/1", "Part II", 1, "invites Member States"),
    _c("opinion-1/invites/1", "Part II", 1, "invites"),
    _c("annex-1/wg-1/p1", "Annex I", None, "1.1 Opinion 1", 1),
    _c("annex-1/wg-2/p3", "Annex I", None, "2 Working Group 2", 2),
]
PLACES = Places.of(CLAUSES)


def route(q: str) -> Route:
    return parse_route(q, PLACES)


@pytest.mark.parametrize("token, value", [("4", 4), ("IV", 4), ("iv", 4), ("four", 4), ("fourth", 4), ("XI", 11),
                                          ("II", 2), ("", None), ("foo", None)])
def test_to_int(token, value):
    assert to_int(token) == value


def test_to_roman():
    assert [to_roman(n) for n in (1, 2, 4, 9, 14)] == ["I", "II", "IV", "IX", "XIV"]


@pytest.mark.parametrize(
    "query, opinions",
    [
        ("What does Opinion 4 recognize?", {4}),
        ("Opinion 4 recognizing (g)", {4}),
        ("compare Opinions 3 and 4", {3, 4}),
        ("Opinions 1 to 4", {1, 3, 4}),  # 2 does not exist in this corpus
        ("what did the fourth opinion say", {4}),
        ("draft opinion IV", {4}),
        ("in my opinion i think IPv6 matters", set()),
        ("Opinion 9 on spectrum", set()),
        ("what is an opinion?", set()),
    ],
)
def test_opinions_named(query, opinions):
    assert route(query).opinions == frozenset(opinions)


@pytest.mark.parametrize(
    "query, groups",
    [("the Working Group 2 report", {2}), ("What did WG1 decide?", {1}), ("WG-2 discussion", {2}),
     ("the second working group", {2}), ("working groups 1 and 2", {1, 2}), ("a working group", set())],
)
def test_working_groups_named(query, groups):
    assert route(query).working_groups == frozenset(groups)


@pytest.mark.parametrize(
    "query, parts",
    [("What is in Annex I?", {"Annex I"}), ("annex 1 discussions", {"Annex I"}), ("Part II", {"Part II"}),
     ("part I and part II", {"Part I", "Part II"}), ("Annex III", set()), ("part of the report", set())],
)
def test_parts_named(query, parts):
    assert route(query).parts == frozenset(parts)


def test_section_counts_only_with_a_named_scope_and_prefers_the_specific_one():
    assert route("What does Opinion 4 recognize?").sections == frozenset({"recognizing"})
    assert route("what does the report recognize").sections == frozenset()
    assert route("whom does Opinion 1 invite among member states?").sections == frozenset({"invites Member States"})
    assert route("Opinion 1 invites").sections == frozenset({"invites"})


def _corpus() -> list[Clause]:
    out = [_c(f"part-1/p{i}", "Part I") for i in range(12)]
    for n in (3, 4, 5):
        for section in ("considering", "recognizing"):
            out += [_c(f"opinion-{n}/{section}/{x}", "Part II", n, section) for x in "abcd"]
    return out


def test_route_scores_favour_the_narrowest_named_place():
    corpus = _corpus()
    r = Route(opinions=frozenset({4}), sections=frozenset({"recognizing"}), parts=frozenset({"Part I"}),
              clause_ids=("opinion-4/considering/a",))
    s = dict(zip((c.id for c in corpus), route_scores(r, corpus).tolist()))
    assert s["opinion-4/considering/a"] == 1.0
    assert 1.0 > s["opinion-4/recognizing/b"] > s["opinion-4/considering/b"] > s["part-1/p1"] > 0
    assert s["opinion-3/recognizing/a"] == 0 and s["opinion-5/considering/a"] == 0


def test_specificity_bounds():
    assert specificity(1, 100) == 1.0
    assert specificity(0, 100) == 0.0 and specificity(5, 1) == 0.0
    assert specificity(100, 100) < 0.01
    assert specificity(5, 100) > specificity(20, 100)


def test_clauses_referring_into_a_named_place_join_it():
    corpus = CLAUSES + [
        Clause(id="opinion-3", label="Opinion 3", text="OPINION 3: Capacity building", start=0, end=1,
               kind="heading", part="Part II", opinion=3),
        Clause(id="annex-1/wg-2/p8", label="x", text="WG2 endorsed Opinion 3", start=0, end=1,
               kind="paragraph", part="Annex I", working_group=2, refs=("opinion-3",)),
    ]
    s = dict(zip((c.id for c in corpus), route_scores(parse_route("Was Opinion 3 changed?", Places.of(corpus)),
                                                       corpus).tolist()))
    assert s["annex-1/wg-2/p8"] > 0 and s["opinion-4/recognizing/a"] == 0
    # about the place, not in it: a clause named exactly still outranks the account of what happened to it
    named = dict(zip((c.id for c in corpus), route_scores(Route(clause_ids=("opinion-3",)), corpus).tolist()))
    assert named["opinion-3"] == 1.0 and 0 < named["annex-1/wg-2/p8"] < 1.0


def test_headings_named_by_title():
    corpus = [
        Clause(id="opinion-2", label="Opinion 2", text="OPINION 2: Fostering broadband connectivity", start=0, end=1,
               kind="heading", part="Part II", opinion=2),
        Clause(id="opinion-3", label="Opinion 3", text="OPINION 3: Capacity Building for the deployment of IPv6",
               start=0, end=1, kind="heading", part="Part II", opinion=3),
        Clause(id="opinion-4", label="Opinion 4", text="OPINION 4: In support of IPv6 adoption and transition",
               start=0, end=1, kind="heading", part="Part II", opinion=4),
        Clause(id="annex-1/s3.3", label="3.3", text="3.3 New Draft Opinion (contribution from Brazil)", start=0,
               end=1, kind="heading", part="Annex I"),
        Clause(id="part-1/table", label="table", text="Group Chairs Vice-Chair(s)", start=0, end=1, kind="heading",
               part="Part I"),
        _c("opinion-2/p1", "Part II", 2, "recognizing"),
        _c("annex-1/p1", "Annex I"),
    ]
    corpus[-1] = Clause(**{**corpus[-1].to_dict(), "footnotes": (), "parent": "annex-1/s3.3"})
    places = Places.of(corpus)
    assert parse_route("What does the broadband opinion ask for?", places).titles == ("opinion-2",)
    assert parse_route("the two IPv6 drafts", places).titles == ("opinion-3", "opinion-4")
    assert parse_route("the IPv6 capacity-building opinion", places).titles == ("opinion-3",)
    assert parse_route("What happened to Brazil's draft opinion?", places).titles == ("annex-1/s3.3",)
    assert parse_route("What did Brazil say about broadband?", places).titles == ()  # no noun naming a place
    # a table's header row is no title: "chair" in a question about a resolution names no place
    assert parse_route("what does the 2012 resolution ask the cstd chair to do", places).titles == ()
    s = dict(zip((c.id for c in corpus), route_scores(parse_route("Brazil's draft", places), corpus).tolist()))
    assert s["annex-1/p1"] > 0 and s["opinion-2/p1"] == 0
    s = dict(zip((c.id for c in corpus), route_scores(parse_route("broadband opinion", places), corpus).tolist()))
    assert s["opinion-2/p1"] > 0 and s["annex-1/p1"] == 0


def test_annex_subsection_about_an_opinion_counts_as_that_opinion():
    s = dict(zip((c.id for c in CLAUSES), route_scores(route("Opinion 1"), CLAUSES).tolist()))
    assert s["annex-1/wg-1/p1"] > 0 and s["opinion-1/invites/1"] > 0 and s["opinion-4/recognizing/a"] == 0


def test_working_group_route():
    s = dict(zip((c.id for c in CLAUSES), route_scores(route("Working Group 2 report"), CLAUSES).tolist()))
    assert s["annex-1/wg-2/p3"] > 0 and s["annex-1/wg-1/p1"] == 0


def test_empty_route_and_empty_corpus():
    assert route("Ghana").empty
    assert route_scores(Route(), CLAUSES).tolist() == [0.0] * len(CLAUSES)
    assert parse_route("Opinion 4", Places.of([])).empty
    assert route_scores(route("Opinion 4"), []).size == 0


def test_describe():
    assert route("Opinion 4 recognizing (g), Annex I").describe() == "opinion 4; Annex I; section recognizing"
