"""End to end in headless Chromium, at desktop (1366×900) and phone (390×844) sizes, on the real model and report.

Screenshots go to tests/artifacts/ (ui-<view>-<size>.png); the axe-core counts to tests/artifacts/axe.json.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUESTION = "Why did Opinions 3 and 4 stay separate?"
XSS = "<img src=x onerror=alert(1)>"
TIMEOUT_MS = 60_000
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def saved_path(tmp_path_factory):
    return tmp_path_factory.mktemp("saved") / "saved.jsonl"


@pytest.fixture(scope="module")
def assistant(saved_path):
    from assistant.service import Assistant
    from assistant.settings import Settings

    return Assistant.load(Settings.from_env(saved_cases_path=saved_path))  # the real model and report


@pytest.fixture(scope="module")
def server(assistant):
    from ui.app import launch

    demo = launch(assistant, port=_free_port(), prevent_thread_lock=True, quiet=True)
    yield demo
    demo.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, server, size: str):
    context = browser.new_context(viewport=SIZES[size], accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.local_url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []  # any alert() would mean injected script ran
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(server.local_url)
    page.locator("#transcript").wait_for()
    # keys typed before the page's script has started would be lost (the keyboard test once timed out so)
    page.wait_for_function("document.documentElement.dataset.ready === 'true'")
    return page


@pytest.fixture(params=list(SIZES))
def page(request, browser, server):
    page = _page(browser, server, request.param)
    page.size_name = request.param
    yield page
    assert page.errors == []
    page.context.close()


@pytest.fixture()
def desktop(browser, server):
    page = _page(browser, server, "desktop")
    page.size_name = "desktop"
    yield page
    assert page.errors == []
    page.context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ui-{name}-{page.size_name}.png"))


def _ask(page, question: str, answers_before: int | None = None) -> None:
    before = page.locator("#transcript .turn .answer").count() if answers_before is None else answers_before
    page.fill("#question-input", question)
    page.press("#question-input", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#transcript .turn .answer').length > {before}")
    page.wait_for_function("!document.querySelector('#question-input').disabled")


def _last_answer(page):
    return page.locator("#transcript .turn").last.locator(".answer")


def _turn_json(page, index: int = -1) -> dict:
    turns = page.evaluate("JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('assistant.chat'))))")
    return turns[index]["answer"]


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and 0 <= box["y"] < viewport["height"] and box["height"] > 0


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


# ---------------------------------------------------------------- asking, the clause beside the answer, Back


def test_question_shows_at_once_then_the_cited_answer_and_the_clause_opens_beside_it(page, assistant):
    held = []
    page.route("**/gradio_api/call/turn", lambda route: held.append(route))
    page.fill("#question-input", QUESTION)
    page.press("#question-input", "Enter")
    page.locator("#transcript .pending").wait_for()
    assert page.locator("#transcript .user-question").last.inner_text() == QUESTION
    assert page.locator("#question-input").input_value() == ""
    assert page.locator("#question-input").is_disabled() and page.locator("#ask").is_disabled()
    _shot(page, "1-pending")
    for _ in range(100):  # route handlers run while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    for route in held:
        route.continue_()
    page.unroute("**/gradio_api/call/turn")
    page.locator("#transcript .answer").first.wait_for()
    page.wait_for_function("!document.querySelector('#question-input').disabled")

    expected = assistant.ask(QUESTION)
    reply = _last_answer(page)
    assert "abstained" not in (reply.get_attribute("class") or ""), reply.inner_text()
    assert "Searched in the whole report" in reply.inner_text()
    cite = page.locator("#transcript a.cite").first
    assert cite.get_attribute("data-clause") == expected.citations[0].clause_id
    if page.size_name == "desktop":
        assert page.locator("#transcript .turn-sources").last.get_attribute("open") is not None
    box = page.locator("#question-input").bounding_box()
    assert box["width"] >= page.viewport_size["width"] * (0.9 if page.size_name == "phone" else 0.4)
    _shot(page, "2-answer")

    cite.click()
    target = page.locator("#report-pane .clause.targeted")
    target.wait_for()
    assert target.get_attribute("data-clause-id") == expected.citations[0].clause_id
    shown_quote = re.sub(r"\[footnoteRef:\d+\]", "", expected.citations[0].quote)
    assert shown_quote.split() in [m.split() for m in target.locator("mark").all_inner_texts()]
    assert _in_viewport(page, target)
    assert _focused(page) == target.get_attribute("id")  # focus lands on the clause
    assert f"clause={expected.citations[0].clause_id}" in page.url.replace("%2F", "/")
    pane = page.locator("#report-pane").bounding_box()
    chat = page.locator("#transcript").bounding_box()
    if page.size_name == "desktop":
        assert pane["x"] >= chat["x"] + chat["width"] - 1, "the report pane opens beside the conversation"
        assert _in_viewport(page, cite), "the answer stays in view"
    else:
        assert pane["width"] == page.viewport_size["width"], "on a phone the clause opens as a full-width sheet"
    _shot(page, "3-clause")

    page.go_back()
    page.locator("#report-pane").wait_for(state="hidden")
    assert "clause=" not in page.url and page.url.startswith(page.context.pages[0].url.split("?")[0])
    assert _in_viewport(page, cite) and page.evaluate("document.activeElement.classList.contains('cite')")
    page.go_forward()
    page.locator("#report-pane .clause.targeted").wait_for()
    page.locator("#close-pane").click()
    page.locator("#report-pane").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('cite')"), "focus returns to the citation"
    assert "clause=" not in page.url


def test_keyboard_alone_asks_opens_a_citation_and_comes_back(desktop):
    page = desktop
    page.locator("#question-input").focus()
    page.keyboard.type("Who chaired Working Group 2?")
    page.keyboard.press("Enter")
    page.locator("#transcript .answer").first.wait_for()
    page.wait_for_function("!document.querySelector('#question-input').disabled")
    assert _focused(page) == "question-input"
    for _ in range(80):  # Tab until a citation has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cite')"):
            break
    else:
        pytest.fail("no citation is reachable with Tab")
    page.keyboard.press("Enter")
    page.locator("#report-pane .clause.targeted").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('targeted')")
    page.keyboard.press("Escape")
    page.locator("#report-pane").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('cite')")


def test_a_failed_request_shows_a_retry_that_answers(desktop):
    page = desktop
    page.route("**/gradio_api/call/turn", lambda route: route.abort())
    page.fill("#question-input", "Who chaired Working Group 2?")
    page.press("#question-input", "Enter")
    retry = page.locator("#transcript [data-action=retry]")
    retry.wait_for()
    assert not page.locator("#question-input").is_disabled()
    page.unroute("**/gradio_api/call/turn")
    retry.click()
    page.locator("#transcript .answer:not(.error)").first.wait_for()
    assert page.locator("#transcript [data-action=retry]").count() == 0


# ---------------------------------------------------------------- scope


def test_a_scoped_abstention_offers_the_whole_report_in_one_click(page):
    page.select_option("#scope", "Opinion 3")
    _ask(page, "Who chaired Working Group 2?")
    reply = _last_answer(page)
    assert "Searched in Opinion 3" in reply.inner_text()
    assert "Not found in Opinion 3" in reply.inner_text() and _turn_json(page)["abstained"]
    _shot(page, "4-not-found-in-scope")
    reply.locator("[data-action=widen]").click()
    page.wait_for_function("document.querySelector('#transcript .answer .scope')?.textContent.includes('whole report')")
    page.wait_for_function("!document.querySelector('#question-input').disabled")
    answer = _turn_json(page)
    assert not answer["abstained"] and answer["citations"]
    assert page.locator("#transcript .turn").count() == 1  # the turn was replaced, not repeated
    assert "Abdulla" in _last_answer(page).inner_text()


# ---------------------------------------------------------------- a conversation with pronouns


def test_three_turn_conversation_shows_the_reading_and_undoes_it(desktop):
    page = desktop
    questions = ["Which opinion deals with IPv6?", "What does it ask the Secretary-General to do?", "and member states?"]
    for question in questions:
        _ask(page, question)
    assert page.locator("#transcript .turn").count() == 3
    history = page.evaluate("JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('assistant.chat'))))")
    for index in (1, 2):
        answer = history[index]["answer"]
        reading = page.locator(f'#transcript .turn[data-turn="{index}"] .read-as')
        assert reading.count() == (1 if answer["read_as"] else 0)
    rewritten = [i for i in (1, 2) if history[i]["answer"]["read_as"]]
    assert rewritten == [1, 2]  # "it" and "and member states?" both lean on the turn before
    reading = page.locator('#transcript .turn[data-turn="1"] .read-as')
    assert "Opinion" in reading.inner_text()  # "it" is the Opinion the first answer was about
    reading.scroll_into_view_if_needed()
    _shot(page, "5-conversation")
    if rewritten:
        index = rewritten[-1]
        page.locator(f'#transcript .turn[data-turn="{index}"] [data-action=standalone]').click()
        page.wait_for_function(
            f"!document.querySelector('#transcript .turn[data-turn=\"{index}\"] .pending') && "
            "!document.querySelector('#question-input').disabled"
        )
        assert _turn_json(page, index)["read_as"] is None
        assert page.locator(f'#transcript .turn[data-turn="{index}"] .read-as').count() == 0
        assert page.locator("#transcript .turn").count() == 3


# ---------------------------------------------------------------- keep and share


def test_reload_keeps_the_conversation_exports_parse_and_clear_empties_it(desktop, tmp_path):
    page = desktop
    _ask(page, QUESTION)
    _ask(page, XSS)
    assert page.locator("#transcript img").count() == 0 and page.dialogs == []
    page.reload()
    page.locator("#transcript .turn").nth(1).wait_for()
    assert page.locator("#transcript .user-question").all_inner_texts() == [QUESTION, XSS]
    assert page.locator("#transcript img").count() == 0 and page.dialogs == []

    with page.expect_download() as download:
        page.click("#export-json")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [t["answer"]["question"] for t in data["turns"]] == [QUESTION, XSS]
    assert data["turns"][0]["answer"]["citations"] and data["turns"][0]["scope"] == "Whole report"
    with page.expect_download() as download:
        page.click("#export-md")
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"**Q:** {QUESTION}" in markdown and re.search(r"^\[1\] .+: “.+”$", markdown, flags=re.M)

    page.locator("#transcript [data-action=copy]").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"**Q:** {QUESTION}") and "[1] " in copied

    page.click("#clear")
    assert page.locator("#transcript .turn").count() == 0
    page.reload()
    page.locator("#transcript .placeholder").wait_for()
    assert page.locator("#transcript .turn").count() == 0


def test_empty_submits_give_one_notice_and_markup_stays_text(desktop):
    page = desktop
    for _ in range(3):
        page.press("#question-input", "Enter")
    assert page.locator("#notice").inner_text() == "Please type a question first."
    assert page.locator("#transcript .turn").count() == 0
    page.fill("#question-input", "why " * 1000)
    page.press("#question-input", "Enter")
    page.wait_for_function("document.querySelector('#notice').textContent.includes('too long')")
    assert page.locator("#transcript .turn").count() == 0
    assert page.locator("#question-input").input_value().startswith("why why")  # nothing typed is lost


def test_a_question_in_french_is_asked_to_use_english(desktop):
    from assistant.query.language import NOT_ENGLISH

    _ask(desktop, "Qui a présidé le Groupe de travail 2 ?")
    assert _last_answer(desktop).inner_text().strip() == NOT_ENGLISH


# ---------------------------------------------------------------- save as test case


def test_save_as_test_case_writes_a_line_that_assistant_eval_accepts(desktop, saved_path, capsys):
    from assistant.cli import main
    from assistant.evaluation.questions import load_questions

    page = desktop
    _ask(page, "Who chaired Working Group 2?")
    answer = _turn_json(page)
    page.locator("#transcript [data-action=save]").last.click()
    assert page.locator("#save-dialog").is_visible() and _focused(page) == "save-facts"
    page.fill("#save-facts", "Abdulla\n\n")
    page.click("#save-confirm")
    page.locator("#transcript .turn-status").wait_for()
    assert "Saved as test case saved-" in page.locator("#transcript .turn-status").inner_text()
    assert not page.locator("#save-dialog").is_visible()

    page.locator("#transcript [data-action=bad]").last.click()
    page.click("#save-confirm")
    assert "what was wrong" in page.locator("#save-status").inner_text()
    page.fill("#save-note", "It should name the vice-chair too.")
    page.click("#save-confirm")
    page.wait_for_function("document.querySelector('#transcript .turn-status').textContent.includes('failing')")
    assert _focused(page) != "save-note"

    saved = load_questions(saved_path)[-2:]
    assert [q.question for q in saved] == ["Who chaired Working Group 2?"] * 2
    assert saved[0].facts == (("Abdulla",),) and len(saved[0].evidence) == len(answer["citations"])
    record = json.loads(saved_path.read_text(encoding="utf-8").splitlines()[-1])
    assert record["failing"] is True and record["note"] == "It should name the vice-chair too."
    capsys.readouterr()
    assert main(["eval", str(saved_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == len(load_questions(saved_path))


# ---------------------------------------------------------------- deep links, report view


def test_deep_link_opens_a_clause_and_back_goes_to_the_chat(browser, server, assistant):
    clause = next(c for c in assistant.clauses if c.opinion == 5 and c.label.endswith("(b)"))
    page = _page(browser, server, "desktop")
    page.size_name = "desktop"
    page.goto(f"{server.local_url}?clause={clause.id}")
    target = page.locator(".report .clause.targeted")
    target.wait_for()
    assert target.get_attribute("data-clause-id") == clause.id and _in_viewport(page, target)
    assert target.locator(".item-label").inner_text() == "(b)"  # not the "1." the file prints
    _shot(page, "6-deep-link")
    page.go_back()
    page.locator("#report-pane").wait_for(state="hidden")
    assert page.locator("#transcript").is_visible()

    page.goto(f"{server.local_url}?clause={XSS}")
    notice = page.locator(".report-notice")
    notice.wait_for()
    assert XSS in notice.inner_text() and page.dialogs == []
    page.context.close()


# ---------------------------------------------------------------- accessibility


def test_axe_core_finds_no_serious_or_critical_violations(page):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/node` (scripts/run.sh does)")
    _ask(page, QUESTION)
    counts = {}
    for view in ("chat", "report"):
        if view == "report":
            page.locator("#transcript a.cite").first.click()
            page.locator("#report-pane .clause.targeted").wait_for()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        by_impact: dict[str, int] = {}
        for violation in result["violations"]:
            by_impact[violation["impact"]] = by_impact.get(violation["impact"], 0) + len(violation["nodes"])
        counts[view] = {"by_impact": by_impact, "rules": sorted(v["id"] for v in result["violations"])}
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        assert bad == [], f"{view} view at {page.size_name}: {bad}"
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "axe.json"
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    previous[page.size_name] = counts
    out.write_text(json.dumps(previous, indent=2, sort_keys=True), encoding="utf-8")
    print(f"axe-core at {page.size_name}: {json.dumps(counts)}")
