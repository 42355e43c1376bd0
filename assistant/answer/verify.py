"""Citation verification: a quote is kept only if it is exactly `source[start:end]`."""

from __future__ import annotations

import logging
from dataclasses import replace

from assistant.records import Citation, Clause

log = logging.getLogger(__name__)


def quote_is_verbatim(source: str, citation: Citation) -> bool:
    return (
        0 <= citation.start < citation.end <= len(source)
        and bool(citation.quote.strip())
        and source[citation.start : citation.end] == citation.quote
    )


def locate_quote(source: str, clause: Clause, quote: str) -> tuple[int, int] | None:
    """Offsets of `quote` inside the clause's raw span, or None if it is not there verbatim."""
    if not quote:
        return None
    pos = source.find(quote, clause.start, clause.end)
    if pos < 0:
        return None
    return pos, pos + len(quote)


def verified(source: str, citations: list[Citation] | tuple[Citation, ...]) -> list[Citation]:
    """Drop (and log) every citation whose quote is not the source text at its offsets."""
    kept = []
    for citation in citations:
        if quote_is_verbatim(source, citation):
            kept.append(citation)
        else:
            log.warning("dropped unverifiable citation %s [%d:%d]", citation.clause_id, citation.start, citation.end)
    return kept


def renumber(citations: list[Citation]) -> list[Citation]:
    return [replace(c, n=i) for i, c in enumerate(citations, start=1)]
