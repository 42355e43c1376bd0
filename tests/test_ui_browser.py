"""End to end in headless Chromium: ask, see cited answer, click a citation, see it highlighted in the report."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUESTION = "Why did Opinions 3 and 4 stay separate?"
XSS = "<img src=x onerror=alert(1)>"
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def assistant():
    from assistant.service import Assistant

    return Assistant.load()  # the real model and the real report, as a user runs it


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


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.local_url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []  # any alert() would mean injected script ran
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def _ask(page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] < viewport["height"] and box["height"] > 0


def test_citation_opens_the_highlighted_clause_in_the_report(page, server, assistant):
    page.goto(server.local_url)
    _ask(page, QUESTION)
    reply = page.locator("#chat .answer").first
    reply.wait_for(state="visible")
    _shot(page, "ui-1-answer.png")
    expected = assistant.ask(QUESTION)
    assert "abstained" not in (reply.get_attribute("class") or ""), f"the assistant abstained: {reply.inner_text()}"
    first = page.locator("#chat a.cite").first
    first.wait_for(state="visible")
    # The chat's sanitizer keeps only the href, so the clause id travels in "?clause=…".
    clause_id = parse_qs(urlparse(first.get_attribute("href")).query)["clause"][0]
    assert clause_id == expected.citations[0].clause_id
    assert page.locator("#sources .source-card mark").first.is_visible()
    copy = page.locator("#sources .copy-cite").first
    copy.click()
    assert page.evaluate("navigator.clipboard.readText()") == copy.get_attribute("data-copy")
    assert expected.citations[0].label in copy.get_attribute("data-copy")

    first.click()
    assert page.locator("#report-tab-button").get_attribute("aria-selected") == "true"
    target = page.locator(".report .clause.targeted")
    target.wait_for(state="visible")
    assert target.get_attribute("data-clause-id") == clause_id
    highlight = target.locator("mark").first
    highlight.wait_for(state="visible")
    shown_quote = re.sub(r"\[footnoteRef:\d+\]", "", expected.citations[0].quote)  # markers are not displayed
    assert highlight.inner_text().split() == shown_quote.split()
    assert _in_viewport(page, target), "the clause is scrolled into view"
    assert f"clause={clause_id}" in page.url.replace("%2F", "/")
    _shot(page, "ui-2-report.png")


def test_deep_link_opens_a_clause(page, server, assistant):
    clause = next(c for c in assistant.clauses if c.kind == "clause" and c.opinion == 4)
    page.goto(f"{server.local_url}?clause={clause.id}")
    target = page.locator(".report .clause.targeted")
    target.wait_for(state="visible")
    assert target.get_attribute("data-clause-id") == clause.id
    assert _in_viewport(page, target)
    _shot(page, "ui-3-deep-link.png")

    other = next(c for c in assistant.clauses if c.kind == "paragraph" and c.part == "Annex I")
    page.goto(f"{server.local_url}#clause-{other.id}")
    page.locator(f'.report .clause.targeted[data-clause-id="{other.id}"]').wait_for(state="visible")


def test_deep_link_to_an_unknown_clause_says_so(page, server):
    page.goto(f"{server.local_url}?clause={XSS}")
    notice = page.locator(".report-notice")
    notice.wait_for(state="visible")
    assert XSS in notice.inner_text() and page.dialogs == []


def test_markup_in_a_question_shows_as_text_and_bad_input_is_a_chat_message(page, server):
    page.goto(server.local_url)
    _ask(page, XSS)
    user = page.locator("#chat .user-question").first
    user.wait_for(state="visible")
    assert user.inner_text() == XSS
    page.locator("#chat .answer").first.wait_for(state="visible")
    assert page.locator("#chat img").count() == 0 and page.dialogs == []

    _ask(page, "")
    page.locator("#chat .answer.error").first.wait_for(state="visible")
    assert "empty" in page.locator("#chat .answer.error").first.inner_text()
    assert page.locator(".toast-body").count() == 0
    _shot(page, "ui-4-bad-input.png")


def test_example_question_and_clear(page, server):
    page.goto(server.local_url)
    example = page.locator("#examples").get_by_text("Who chaired Working Group 2?")
    example.click()
    page.locator("#chat .answer").first.wait_for(state="visible")
    assert page.locator("#chat .user-question").first.inner_text() == "Who chaired Working Group 2?"
    assert page.locator("#sources .source-card").count() >= 1

    page.locator("#clear").click()
    page.wait_for_function("document.querySelectorAll('#chat .answer').length === 0")
    assert page.locator("#sources .source-card").count() == 0
