"""Pure HTML renderers for the browser chat: answers, sources, the report view.

Every piece of user or corpus text goes through `html.escape` here and nowhere else is HTML
built from it. Quotes are highlighted by offsets, so the marked text is exactly
`source[start:end]` inside the clause's raw span, minus footnote markers and bodies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from urllib.parse import quote as url_quote

from assistant.records import Answer, Citation, Clause

# Not content: footnote markers and bodies (bodies may span lines), image and bookmark stubs.
_NOT_SHOWN = re.compile(
    r"\[footnoteRef:\d+\]|\[\d+:[^\]]*\]|\[image:[^\]]*\]|\[bookmark:[^\]]*\]",
)
_FOOTNOTE_REF = re.compile(r"\[footnoteRef:\d+\]")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_/.-]")
_MARKER = re.compile(r"\[(\d+)\]")
# The printed list marker a clause's raw span opens with: "a)\t", "(iv) ", or the "1. " the file shows for every
# item of a lettered list whose numbering did not survive conversion (Opinions 5 and 6).
_LIST_MARKER = re.compile(r"[ \t]*(?:\(?[a-z]{1,4}\)|\(?\d{1,3}[.)])[ \t]+")
_ITEM_LABEL = re.compile(r"\((?:[a-z]{1,4}|\d{1,3})\)$")
WHOLE_REPORT = "Whole report"

Lookup = Callable[[str], Clause | None]


def anchor_id(clause_id: str) -> str:
    """The HTML id of a clause in the report view (`clause-opinion-4/recognizing/g`)."""
    return "clause-" + _ANCHOR_UNSAFE.sub("-", clause_id)


def clause_href(clause_id: str) -> str:
    """A deep link that reopens the page on this clause in the report view."""
    return f"?clause={url_quote(clause_id, safe='/')}#{anchor_id(clause_id)}"


def _attr(value: str) -> str:
    return escape(value, quote=True)


def clause_link(clause_id: str, text: str, css: str = "clause-link", title: str = "") -> str:
    title_attr = f' title="{_attr(title)}"' if title else ""
    return (
        f'<a class="{css}" href="{_attr(clause_href(clause_id))}" data-clause="{_attr(clause_id)}"{title_attr}>'
        f"{escape(text)}</a>"
    )


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of half-open ranges; empty ranges are dropped."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def span_pieces(source: str, start: int, end: int, marks: Iterable[tuple[int, int]] = ()) -> list[tuple[str, bool]]:
    """The shown text of `source[start:end]` as (text, marked) pieces, without footnote markers/bodies.

    Leading and trailing whitespace outside marks is trimmed; marks are clipped to the span.
    """
    start, end = max(0, start), min(len(source), end)
    if end <= start:
        return []
    raw = source[start:end]
    hidden = [(start + m.start(), start + m.end()) for m in _NOT_SHOWN.finditer(raw)]
    clipped = merge_ranges((max(a, start), min(b, end)) for a, b in marks)
    cuts = sorted({start, end, *(p for r in hidden + clipped for p in r if start <= p <= end)})
    pieces: list[tuple[str, bool]] = []
    for a, b in zip(cuts, cuts[1:]):
        if any(h0 <= a and b <= h1 for h0, h1 in hidden):
            continue
        marked = any(m0 <= a and b <= m1 for m0, m1 in clipped)
        text = source[a:b]
        if pieces and pieces[-1][1] == marked:
            pieces[-1] = (pieces[-1][0] + text, marked)
        else:
            pieces.append((text, marked))
    while pieces and not pieces[0][1] and not pieces[0][0].strip():
        pieces.pop(0)
    while pieces and not pieces[-1][1] and not pieces[-1][0].strip():
        pieces.pop()
    if pieces and not pieces[0][1]:
        pieces[0] = (pieces[0][0].lstrip(), False)
    if pieces and not pieces[-1][1]:
        pieces[-1] = (pieces[-1][0].rstrip(), False)
    return pieces


def render_span(source: str, start: int, end: int, marks: Iterable[tuple[int, int]] = ()) -> str:
    """Escaped HTML of a raw span with the given ranges wrapped in <mark>."""
    out = []
    for text, marked in span_pieces(source, start, end, marks):
        out.append(f"<mark>{escape(text)}</mark>" if marked else escape(text))
    return "".join(out)


def citation_string(label: str, doc_title: str = "") -> str:
    """What the copy button puts on the clipboard: report name and clause label."""
    return f"{doc_title}, {label}" if doc_title else label


# ---------------------------------------------------------------- chat messages


def render_question(question: str, max_chars: int = 600) -> str:
    """A user's message as shown in the chat: escaped, shortened if huge, never interpreted."""
    text = question if len(question) <= max_chars else question[:max_chars] + f"… ({len(question):,} characters)"
    body = escape(text).replace("\r", "").replace("\n", "<br>")
    return f'<p class="user-question">{body}</p>'


def render_answer_text(answer: Answer) -> str:
    """The answer sentences, escaped, with each [n] marker a link to its clause in the report."""
    by_n = {c.n: c for c in answer.citations}

    def link(match: re.Match) -> str:
        citation = by_n.get(int(match.group(1)))
        if citation is None:
            return match.group(0)
        return clause_link(citation.clause_id, f"[{citation.n}]", css="cite", title=citation.label)

    return _MARKER.sub(link, escape(_FOOTNOTE_REF.sub("", answer.answer)))


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def markdown_blocks(html_text: str) -> str:
    """The answer's Markdown (already escaped) as HTML: paragraphs, "- " bullets (nested by two spaces), **bold**."""
    out: list[str] = []
    depth = 0
    for line in html_text.split("\n"):
        bullet = re.match(r"^( *)- (.*)$", line)
        level = len(bullet.group(1)) // 2 + 1 if bullet else 0
        while depth > level:
            out.append("</li></ul>")
            depth -= 1
        if bullet:
            if depth == level:
                out.append("</li>")
            while depth < level:
                out.append("<ul>")
                depth += 1
            out.append("<li>" + _BOLD.sub(r"<strong>\1</strong>", bullet.group(2)))
        elif line.strip():
            out.append("<p>" + _BOLD.sub(r"<strong>\1</strong>", line) + "</p>")
    while depth > 0:
        out.append("</li></ul>")
        depth -= 1
    return "".join(out)


def scope_phrase(scope: str | None) -> str:
    """How an answer names the scope it was asked in."""
    return "the whole report" if is_whole_report(scope) else (scope or "").strip()


def is_whole_report(scope: str | None) -> bool:
    return not scope or scope.strip().lower() == WHOLE_REPORT.lower()


def render_answer(answer: Answer, scope: str | None = None) -> str:
    """An assistant turn: one HTML block (no blank lines, so Markdown leaves it alone).

    It says the scope it was asked in; a follow-up the assistant rewrote shows the reading with a way to ask the
    question on its own; an abstention inside a scope says "Not found in <scope>" and offers the whole report.
    The buttons carry `data-action`; the page's script acts on them.
    """
    scoped = not is_whole_report(scope)
    foreign = answer.plan == "not-english"
    parts = [f'<div class="answer{" abstained" if answer.abstained else ""}" data-plan="{_attr(answer.plan)}">']
    if not foreign:
        parts.append(f'<p class="scope">Searched in {escape(scope_phrase(scope))}</p>')
    if answer.read_as:
        parts.append(
            f'<p class="read-as">Read as: “{escape(answer.read_as)}” '
            '<button type="button" class="standalone" data-action="standalone">Ask it on its own instead</button></p>'
        )
    if answer.abstained and scoped and not foreign:
        parts.append(
            f'<p class="answer-text not-found">Not found in {escape(scope_phrase(scope))}. '
            '<button type="button" class="widen" data-action="widen">Search the whole report</button></p>'
        )
    else:
        parts.append(f'<div class="answer-text">{markdown_blocks(render_answer_text(answer))}</div>')
    if answer.abstained and answer.related:
        title = f"Closest clauses in {escape(scope_phrase(scope))}:" if scoped else "Related clauses:"
        items = "".join(f"<li>{clause_link(h.clause.id, h.clause.label)}</li>" for h in answer.related)
        parts.append(f'<p class="related-title">{title}</p><ul class="related">{items}</ul>')
    if answer.notice:
        parts.append(f'<p class="notice">{escape(answer.notice)}</p>')
    parts.append("</div>")
    return "".join(parts)


def render_turn_tools(answer: Answer) -> str:
    """The buttons under an answer: copy it, save it as a test case, or mark it wrong."""
    return (
        '<div class="turn-tools">'
        '<button type="button" data-action="copy">Copy answer</button>'
        '<button type="button" data-action="save">Save as test case</button>'
        '<button type="button" data-action="bad" title="Say what was wrong and save it as a failing test case">'
        "Wrong answer</button>"
        "</div>"
    )


def render_turn(source: str, answer: Answer, lookup: Lookup, scope: str | None = None, doc_title: str = "") -> str:
    """An answer with its sources (collapsible, under the answer) and its tools."""
    html = render_answer(answer, scope)
    if answer.citations and not answer.abstained:  # an abstention lists its closest clauses in the answer
        count = len({c.clause_id for c in answer.citations})
        html += (
            f'<details class="turn-sources"><summary>Sources ({count})</summary>'
            f"{render_sources(source, answer, lookup, doc_title)}</details>"
        )
    return html + render_turn_tools(answer)


def answer_markdown(answer: Answer, scope: str | None = None, doc_title: str = "") -> str:
    """An answer as Markdown with its citations (label + quote), for copying and for the conversation export."""
    lines = [f"**Q:** {_one_line(answer.question)}", ""]
    if answer.read_as:
        lines += [f"*Read as:* {_one_line(answer.read_as)}", ""]
    if answer.plan != "not-english":
        lines += [f"*Searched in {scope_phrase(scope)}*", ""]
    if answer.abstained and not is_whole_report(scope) and answer.plan != "not-english":
        lines += [f"Not found in {scope_phrase(scope)}.", ""]
    else:
        lines += [_FOOTNOTE_REF.sub("", answer.answer).strip(), ""]
    for c in answer.citations:
        where = citation_string(c.label, doc_title)
        lines.append(f"[{c.n}] {where}: “{_one_line(_FOOTNOTE_REF.sub('', c.quote))}”")
    if answer.abstained and answer.related:
        lines += ["Related clauses:"] + [f"- {h.clause.label}" for h in answer.related]
    return "\n".join(lines).rstrip() + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_message(text: str, kind: str = "error") -> str:
    """A plain notice in the chat (bad input, internal failure)."""
    return f'<div class="answer {_attr(kind)}"><p>{escape(text)}</p></div>'


# ---------------------------------------------------------------- sources panel


def item_label(clause: Clause) -> str:
    """The reconstructed list label a clause's own label ends with ("(a)", "(iii)"), or ""."""
    match = _ITEM_LABEL.search(clause.label)
    return match.group(0) if match else ""


def render_clause_body(source: str, clause: Clause, marks: Iterable[tuple[int, int]] = ()) -> str:
    """The clause as printed (raw span, quotes marked); a table row also gets its reading as a sentence.

    A list item shows its reconstructed label ("(a)") in place of the printed marker, which is a bare "1." for
    the lettered lists of Opinions 5 and 6.
    """
    kind = _slug(clause.kind)
    start, label_html = clause.start, ""
    label = item_label(clause)
    if label:
        printed = _LIST_MARKER.match(source, clause.start, clause.end)
        if printed:
            start = printed.end()
            label_html = f'<span class="item-label">{escape(label)}</span> '
    text = render_span(source, start, clause.end, marks)
    body = f'<div class="clause-text kind-{kind}">{label_html}{text}</div>'
    if clause.kind == "table-row" and clause.text:
        body += f'<p class="row-reading">{escape(clause.text)}</p>'
    return body


def render_footnotes(clause: Clause) -> str:
    if not clause.footnotes:
        return ""
    items = "".join(
        f'<li><span class="fn-n">{f.number}</span> {escape(f.text)}</li>' for f in clause.footnotes
    )
    return f'<ol class="footnotes" aria-label="Footnotes">{items}</ol>'


def render_refs(clause: Clause, lookup: Lookup) -> str:
    if not clause.refs:
        return ""
    items = []
    for ref in clause.refs:
        target = lookup(ref)
        if target is None:
            items.append(f"<li>{escape(ref)}</li>")
        else:
            items.append(
                f"<li>{clause_link(target.id, target.label)} "
                f'<span class="ref-text">{escape(_shorten(target.text, 220))}</span></li>'
            )
    return f'<div class="refs"><p class="refs-title">Cross-references</p><ul>{"".join(items)}</ul></div>'


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_source_card(
    source: str,
    clause: Clause,
    lookup: Lookup,
    *,
    numbers: Sequence[int] = (),
    marks: Iterable[tuple[int, int]] = (),
    doc_title: str = "",
) -> str:
    """One clause in the sources panel: label, copyable citation, heading path, text, footnotes, refs."""
    cite = citation_string(clause.label, doc_title)
    badge = f'<span class="src-n">{" ".join(f"[{n}]" for n in numbers)}</span> ' if numbers else ""
    heading = f'<p class="heading-path">{escape(clause.heading)}</p>' if clause.heading else ""
    card_id = f' id="source-{numbers[0]}"' if numbers else ""
    return (
        f'<div class="source-card"{card_id} data-clause="{_attr(clause.id)}">'
        f'<div class="src-head">{badge}{clause_link(clause.id, clause.label, title="Open in the report")}</div>'
        f'<div class="src-cite"><code class="cite-string">{escape(cite)}</code>'
        f'<button type="button" class="copy-cite" data-copy="{_attr(cite)}">Copy</button></div>'
        f"{heading}{render_clause_body(source, clause, marks)}{render_footnotes(clause)}{render_refs(clause, lookup)}"
        "</div>"
    )


def render_sources(source: str, answer: Answer | None, lookup: Lookup, doc_title: str = "") -> str:
    """The panel beside the chat: each clause the latest answer cites (all its quotes marked), or the
    related clauses of an abstention."""
    if answer is None:
        return '<div class="sources empty"><p>Sources of the latest answer appear here.</p></div>'
    cards = []
    if answer.abstained:
        cards.append('<p class="sources-title">The report does not address this. Closest clauses:</p>')
        for hit in answer.related:
            cards.append(render_source_card(source, hit.clause, lookup, doc_title=doc_title))
    else:
        by_clause: dict[str, list[Citation]] = {}
        for citation in answer.citations:
            by_clause.setdefault(citation.clause_id, []).append(citation)
        for clause_id, citations in by_clause.items():
            clause = lookup(clause_id)
            if clause is None:
                continue
            numbers = [c.n for c in citations]
            marks = [(c.start, c.end) for c in citations]
            cards.append(render_source_card(source, clause, lookup, numbers=numbers, marks=marks, doc_title=doc_title))
    if len(cards) == (1 if answer.abstained else 0):
        cards.append("<p>No clauses to show.</p>")
    return f'<div class="sources">{"".join(cards)}</div>'


# ---------------------------------------------------------------- report view


def citation_marks(citations: Sequence[Citation]) -> dict[str, list[tuple[int, int]]]:
    marks: dict[str, list[tuple[int, int]]] = {}
    for c in citations:
        marks.setdefault(c.clause_id, []).append((c.start, c.end))
    return marks


def _depths(clauses: Sequence[Clause]) -> dict[str, int]:
    by_id = {c.id: c for c in clauses}
    depths: dict[str, int] = {}
    for c in clauses:
        depth, node, seen = 0, c, set()
        while node.parent and node.parent in by_id and node.parent not in seen:
            seen.add(node.parent)
            node = by_id[node.parent]
            depth += 1
        depths[c.id] = depth
    return depths


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "part"


def _toc_title(clause: Clause, depth: int) -> str:
    if depth == 0:
        return clause.part
    if clause.opinion is not None:
        title = f"Opinion {clause.opinion}"
        return f"{title}: {clause.opinion_title}" if clause.opinion_title else title
    return clause.label.split("›")[-1].strip() or clause.text


def render_report(
    source: str,
    clauses: Sequence[Clause],
    marks: Mapping[str, Iterable[tuple[int, int]]] | None = None,
    target: str | None = None,
    notice: str = "",
) -> str:
    """The whole report by structure, one anchored block per clause.

    Heading clauses become the section headings (level by depth) and the contents column;
    `marks` highlights quotes (clause id → ranges); `target` is the clause a link points at.
    """
    marks = marks or {}
    depths = _depths(clauses)
    toc: list[str] = []
    body: list[str] = []
    part = None
    for clause in clauses:
        depth = depths.get(clause.id, 0)
        if clause.part != part:
            if part is not None:
                body.append("</section>")
            part = clause.part
            body.append(f'<section class="report-part" id="part-{_attr(_slug(part))}">')
            if not (clause.kind == "heading" and depth == 0):
                body.append(f"<h2>{escape(part)}</h2>")
                toc.append(f'<li class="toc-part">{clause_link(clause.id, part)}</li>')
        if clause.kind == "heading" and depth <= 1:
            css = "toc-part" if depth == 0 else "toc-group"
            toc.append(f'<li class="{css}">{clause_link(clause.id, _toc_title(clause, depth))}</li>')
        body.append(_render_report_clause(source, clause, depth, marks.get(clause.id, ()), target))
    if part is not None:
        body.append("</section>")
    head = f'<p class="report-notice" role="alert">{escape(notice)}</p>' if notice else ""
    toc_html = f'<nav class="report-toc" aria-label="Contents"><ul>{"".join(toc)}</ul></nav>'
    return f'<div class="report">{toc_html}<div class="report-body">{head}{"".join(body)}</div></div>'


def _render_report_clause(
    source: str, clause: Clause, depth: int, marks: Iterable[tuple[int, int]], target: str | None
) -> str:
    marks = list(marks)
    classes = ["clause", f"kind-{_slug(clause.kind)}"]
    if marks:
        classes.append("cited")
    if clause.id == target:
        classes.append("targeted")
    indent = min(max(depth - 1, 0), 6)
    attrs = (
        f'class="{" ".join(classes)}" id="{_attr(anchor_id(clause.id))}" '
        f'data-clause-id="{_attr(clause.id)}" style="--depth:{indent}"'
    )
    if clause.kind == "heading":
        level = min(2 + depth, 6)
        text = render_span(source, clause.start, clause.end, marks)
        return f"<div {attrs}><h{level} class=\"clause-heading\">{text}</h{level}></div>"
    label = clause_link(clause.id, clause.label, css="clause-label", title="Link to this clause")
    return f"<div {attrs}>{label}{render_clause_body(source, clause, marks)}{render_footnotes(clause)}</div>"


# ---------------------------------------------------------------- the page


def render_marked_clauses(
    source: str, clauses: Sequence[Clause], marks: Mapping[str, Iterable[tuple[int, int]]]
) -> dict[str, str]:
    """Report-view blocks of just the marked clauses, keyed by clause id: the page swaps them in when one of
    the answer's citations is opened, so the report shows that answer's quotes."""
    depths = _depths(clauses)
    return {
        c.id: _render_report_clause(source, c, depths.get(c.id, 0), marks[c.id], None)
        for c in clauses
        if c.id in marks
    }


def render_shell(doc_title: str, choices: Sequence[str], examples: Sequence[str], report_html: str) -> str:
    """The whole chat page: header, conversation, question form, examples, tools, the report pane, the save dialog.

    Static: answers arrive as HTML from the server and the script places them; nothing here depends on a user.
    """
    options = "".join(f'<option value="{_attr(c)}">{escape(c)}</option>' for c in choices)
    samples = "".join(
        f'<li><button type="button" class="example" data-question="{_attr(q)}">{escape(q)}</button></li>'
        for q in examples
    )
    return (
        '<div class="app" id="app">'
        '<header class="app-head"><div><h1>Ask the report</h1>'
        f"<p>Every answer sentence cites a clause of <code>{escape(doc_title)}</code> with a quote checked against "
        "the file. Select a citation to see it in place. The report and the assistant are in English.</p></div>"
        '<button type="button" id="open-report" class="secondary">Read the report</button></header>'
        '<div class="app-main">'
        '<section class="chat-col" aria-label="Chat">'
        '<div id="transcript" role="log" aria-live="polite" aria-label="Conversation" tabindex="0">'
        '<p class="placeholder">Ask about the report; answers cite the clauses they rest on.</p></div>'
        '<form id="ask-form" novalidate>'
        '<label for="question-input" class="sr-only">Your question</label>'
        '<textarea id="question-input" rows="2" placeholder="Ask a question about the report…" '
        'autocomplete="off" enterkeyhint="send"></textarea>'
        '<div class="form-row"><label for="scope">Search in</label>'
        f'<select id="scope">{options}</select>'
        '<button type="submit" id="ask" class="primary">Ask</button></div>'
        '<p id="notice" role="alert"></p></form>'
        f'<section class="examples" aria-labelledby="examples-title"><h2 id="examples-title">Examples</h2>'
        f"<ul>{samples}</ul></section>"
        '<div class="chat-tools"><button type="button" id="export-md">Export Markdown</button>'
        '<button type="button" id="export-json">Export JSON</button>'
        '<button type="button" id="clear">Clear conversation</button></div>'
        "</section>"
        '<aside id="report-pane" aria-labelledby="report-title" hidden>'
        '<div class="pane-head"><h2 id="report-title">Report</h2>'
        '<button type="button" id="close-pane">Back to the conversation</button></div>'
        f'<div id="report-view">{report_html}</div></aside>'
        "</div>"
        '<dialog id="save-dialog" aria-labelledby="save-title"><form method="dialog" id="save-form">'
        '<h2 id="save-title">Save as test case</h2>'
        '<p class="save-question"></p>'
        '<div class="bad-only"><label for="save-note">What was wrong?</label>'
        '<textarea id="save-note" rows="3"></textarea></div>'
        '<label for="save-facts">Facts a right answer must contain, one per line (optional)</label>'
        '<textarea id="save-facts" rows="3"></textarea>'
        '<p id="save-status" role="status"></p>'
        '<div class="dialog-buttons"><button type="button" id="save-cancel">Cancel</button>'
        '<button type="submit" id="save-confirm" class="primary">Save</button></div>'
        "</form></dialog>"
        "</div>"
    )
