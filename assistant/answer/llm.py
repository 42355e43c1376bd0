"""Optional generative backend: any OpenAI-compatible chat-completions endpoint, with every citation verified.

The model only drafts the wording. Each sentence of its reply keeps a citation only if the `[n]` it names was
given, and the cited span is real report text: a quoted string must occur in the cited clause's raw span, and
a sentence without a quote cites the clause sentence that shares the most words with it. A sentence then stands
only if the cited clause supports what it claims (`assistant.answer.grounding`: its words, no added URL, number or
name, no flipped negation or polarity); any other sentence is removed and the notice says how many were.
A reply with nothing left, and any transport or format failure, raises GeneratorError, on which the caller
shows the extractive answer with `fallback_notice(reason)`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx

from assistant.errors import AssistantError
from assistant.answer.grounding import unsupported_reason
from assistant.answer.llm_prompt import (
    MARKER,
    Prompt,
    best_sentence_span,
    build_prompt,
    find_quote,
    marker_numbers,
    reply_quotes,
    reply_sentences,
    says_not_addressed,
)
from assistant.netloc import is_loopback_url
from assistant.records import Answer, Citation, Clause, Hit
from assistant.textnorm import fold_ws
from assistant.answer.verify import verified

log = logging.getLogger(__name__)

ABSTAIN_TEXT = "The report does not address this question."
MAX_REPLY_BYTES = 2_000_000
MAX_COMPLETION_TOKENS = 700
_BACKOFF_SECONDS = 0.25
_RELATED = 3


class GeneratorError(AssistantError):
    """The endpoint could not give a usable, verifiable answer; the message is a short reason."""


class Generator(Protocol):
    def generate(self, question: str, hits: list[Hit], source: str) -> Answer: ...


def fallback_notice(reason: str) -> str:
    return f"The LLM backend could not answer ({fold_ws(reason)}); showing the extractive answer instead."


def chat_completions_url(base_url: str) -> str:
    """Endpoint for a base URL.

    Rule: a URL already ending in /chat/completions is used as is; a bare host ("http://localhost:8080")
    gets /v1/chat/completions; any other path ("…/v1", "…/api/v1", a proxy prefix) gets /chat/completions.
    Trailing slashes do not matter.
    """
    parts = urlsplit((base_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AssistantError(f"LLM base URL must look like http://host:port/v1 (got {base_url!r}).")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path = (path or "/v1") + "/chat/completions"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


class _Deadline(Exception):
    pass


class OpenAICompatibleGenerator:
    """Drafts an answer through POST {base}/chat/completions and keeps only what verifies against the report."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 20.0,
        retries: int = 1,
        context_tokens: int = 3000,
    ) -> None:
        if not (model or "").strip():
            raise AssistantError("LLM model name is empty.")
        if not 0 < timeout <= 300:
            raise AssistantError(f"LLM timeout must be in (0, 300] seconds (got {timeout}).")
        if not 0 <= retries <= 5:
            raise AssistantError(f"LLM retries must be 0..5 (got {retries}).")
        if context_tokens < 50:
            raise AssistantError(f"LLM context budget must be at least 50 tokens (got {context_tokens}).")
        api_key = (api_key or "").strip() or None
        if api_key and not (api_key.isascii() and api_key.isprintable() and " " not in api_key):
            raise AssistantError("LLM API key has spaces or characters that cannot be sent in a header.")
        self.url = chat_completions_url(base_url)
        self.model = model.strip()
        self.api_key = api_key
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.context_tokens = int(context_tokens)

    def __repr__(self) -> str:  # never show the key
        return f"OpenAICompatibleGenerator(url={self.url!r}, model={self.model!r}, timeout={self.timeout:g})"

    @classmethod
    def from_settings(cls, settings) -> "OpenAICompatibleGenerator | None":
        if not settings.llm_base_url or not settings.llm_model:
            return None
        return cls(
            settings.llm_base_url,
            settings.llm_model,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout,
            retries=settings.llm_retries,
        )

    def prompt(self, question: str, hits: list[Hit]) -> Prompt:
        return build_prompt(question, [h.clause for h in hits], self.context_tokens)

    def generate(self, question: str, hits: list[Hit], source: str) -> Answer:
        prompt = self.prompt(question, hits)
        if not prompt.clauses:
            raise GeneratorError("no clauses to answer from")
        reply = self.complete(prompt.messages)
        try:
            checked = check_reply(reply, prompt.clauses, source)
        except GeneratorError:
            raise
        except Exception:  # a reply that trips the checker must still end in the extractive fallback
            log.exception("could not check the LLM reply")
            raise GeneratorError("the reply could not be checked") from None
        if checked.abstained:
            return Answer(
                question=question,
                answer=ABSTAIN_TEXT,
                abstained=True,
                related=tuple(hits[:_RELATED]),
                retrieved=tuple(hits),
                notice=checked.notice(),
                backend="llm",
            )
        if not checked.citations:
            removed = len(checked.removed)
            why = f" ({removed} sentence{'s' if removed != 1 else ''} removed)" if removed else ""
            raise GeneratorError(f"the reply had no citation that checks out against the report{why}")
        return Answer(
            question=question,
            answer=checked.text,
            citations=tuple(checked.citations),
            retrieved=tuple(hits),
            notice=checked.notice(),
            backend="llm",
        )

    # ---- transport ---------------------------------------------------------------------------------------

    def complete(self, messages) -> str:
        """The reply text; retries (with short backoff) only on connection failures and 5xx answers."""
        body = {
            "model": self.model,
            "messages": list(messages),
            "temperature": 0,
            "max_tokens": MAX_COMPLETION_TOKENS,
            "stream": False,
        }
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        attempts = self.retries + 1
        reason = "no attempt made"
        for attempt in range(attempts):
            if attempt:
                time.sleep(_BACKOFF_SECONDS * 2 ** (attempt - 1))
            try:
                status, payload = self._post(body, headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                dropped = isinstance(exc, httpx.RemoteProtocolError)
                reason = "connection dropped" if dropped else "endpoint unreachable"
                log.warning("LLM attempt %d/%d failed: %s", attempt + 1, attempts, reason)
                continue
            except (httpx.TimeoutException, _Deadline):
                raise GeneratorError(f"no reply within {self.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise GeneratorError(f"request failed: {type(exc).__name__}") from None
            if status >= 500:
                reason = f"HTTP {status}"
                log.warning("LLM attempt %d/%d failed: %s", attempt + 1, attempts, reason)
                continue
            if status >= 400:
                raise GeneratorError(f"HTTP {status} from the endpoint")
            return reply_content(payload)
        tries = f"{attempts} attempts" if attempts > 1 else "1 attempt"
        raise GeneratorError(f"{reason} after {tries}")

    def _post(self, body: dict, headers: dict) -> tuple[int, bytes]:
        # httpx timeouts apply per operation; the deadline also bounds a server that trickles bytes.
        deadline = time.monotonic() + self.timeout
        timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0))
        # Proxy variables are meant for the outside world, not for a server on this machine.
        with httpx.Client(timeout=timeout, trust_env=not is_loopback_url(self.url), follow_redirects=False) as client:
            with client.stream("POST", self.url, json=body, headers=headers) as response:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_REPLY_BYTES:
                        raise GeneratorError("reply too large")
                    if time.monotonic() > deadline:
                        raise _Deadline()
                    chunks.append(chunk)
                return response.status_code, b"".join(chunks)


def reply_content(payload: bytes) -> str:
    """The assistant message text of a chat-completions response body."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise GeneratorError("the endpoint did not return JSON") from None
    if not isinstance(data, dict):
        raise GeneratorError("unexpected reply format")
    if data.get("error"):
        error = data["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise GeneratorError(f"endpoint error: {fold_ws(str(message))[:120]}")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        raise GeneratorError("the reply had no choices")
    first = choices[0] if isinstance(choices[0], dict) else {}
    message = first.get("message") if isinstance(first.get("message"), dict) else {}
    content = message.get("content")
    if isinstance(content, list):  # some servers send content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if not isinstance(content, str) or not content.strip():
        raise GeneratorError("the reply was empty")
    return content


# ---- reply checking --------------------------------------------------------------------------------------


@dataclass
class CheckedReply:
    text: str = ""
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    removed: list[tuple[str, str]] = field(default_factory=list)  # (sentence, why it does not stand)
    unknown_numbers: list[int] = field(default_factory=list)

    def notice(self) -> str | None:
        parts = []
        if self.unknown_numbers:
            listed = ", ".join(f"[{n}]" for n in self.unknown_numbers)
            parts.append(f"the reply cited clause numbers that were not given ({listed})")
        if self.removed:
            count = len(self.removed)
            parts.append(
                f"{count} sentence{'s' if count > 1 else ''} removed as not supported by the clause{'s' if count > 1 else ''} cited"
            )
        return ("Checked against the report: " + "; ".join(parts) + ".") if parts else None


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


def check_reply(reply: str, clauses: tuple[Clause, ...], source: str) -> CheckedReply:
    """Verify each sentence's citations; renumber the surviving ones 1..N in order of appearance."""
    result = CheckedReply()
    numbers: dict[tuple[str, int, int], int] = {}
    sentences_out: list[str] = []
    abstain_seen = False
    for sentence in reply_sentences(reply):
        spans, unknown = _sentence_support(sentence, clauses, source)
        result.unknown_numbers.extend(n for n in unknown if n not in result.unknown_numbers)
        bare = _tidy(MARKER.sub("", sentence))
        if not spans:
            if says_not_addressed(sentence):
                abstain_seen = True
                sentences_out.append(bare)
            elif bare:
                log.info("removed an LLM sentence (no citation that checks out): %r", bare[:200])
                result.removed.append((bare, "no citation that checks out"))
            continue
        reason = _grounding(sentence, spans, source)
        if reason:
            log.info("removed an LLM sentence (%s): %r", reason, bare[:200])
            result.removed.append((bare, reason))
            continue
        renumbered: dict[int, list[int]] = {}
        for old, clause, start, end in spans:
            key = (clause.id, start, end)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                result.citations.append(
                    Citation(numbers[key], clause.id, clause.label, source[start:end], start, end)
                )
            renumbered.setdefault(old, [])
            if numbers[key] not in renumbered[old]:
                renumbered[old].append(numbers[key])

        def rewrite(match: re.Match) -> str:
            new = [k for old in marker_numbers(match.group(1)) for k in renumbered.get(old, [])]
            return "".join(f"[{k}]" for k in dict.fromkeys(new))

        sentences_out.append(_tidy(MARKER.sub(rewrite, sentence)))
    checked = verified(source, result.citations)
    if len(checked) != len(result.citations):  # spans are cut from `source`, so this means a bug upstream
        raise GeneratorError("a citation failed verification")
    result.text = " ".join(s for s in sentences_out if s)
    result.abstained = abstain_seen and not result.citations
    return result


def _grounding(sentence: str, spans: list[tuple[int, Clause, int, int]], source: str) -> str | None:
    """Why the clauses a sentence cites do not support it, or None (see assistant.answer.grounding)."""
    cited = list({clause.id: clause for _, clause, _, _ in spans}.values())
    evidence = "\n".join(f"{c.label}\n{c.heading or ''}\n{source[c.start:c.end]}" for c in cited)
    return unsupported_reason(
        sentence,
        evidence,
        cited_spans=[source[start:end] for _, _, start, end in spans],
        quoted=bool(reply_quotes(sentence)),
    )


def _tidy(text: str) -> str:
    return _SPACE_BEFORE_PUNCT.sub(r"\1", fold_ws(text))


def _sentence_support(
    sentence: str, clauses: tuple[Clause, ...], source: str
) -> tuple[list[tuple[int, Clause, int, int]], list[int]]:
    """(old marker number, clause, start, end) for each verified citation of a sentence, and unknown numbers."""
    cited: list[int] = []
    unknown: list[int] = []
    for match in MARKER.finditer(sentence):
        for n in marker_numbers(match.group(1)):
            target = cited if 1 <= n <= len(clauses) else unknown
            if n not in target:
                target.append(n)
    if not cited:
        return [], unknown
    by_number: dict[int, list[tuple[int, int]]] = {}
    for quote in reply_quotes(sentence):
        found = next(((n, span) for n in cited if (span := find_quote(source, clauses[n - 1], quote))), None)
        if found is None:  # a quote the report does not contain: no citation may vouch for this sentence
            log.info("quote not found in cited clauses %s: %r", cited, quote[:80])
            return [], unknown
        by_number.setdefault(found[0], []).append(found[1])
    spans = []
    for n in cited:
        clause = clauses[n - 1]
        found_spans = by_number.get(n) or [s for s in [best_sentence_span(source, clause, sentence)] if s]
        spans.extend((n, clause, start, end) for start, end in found_spans)
    return spans, unknown
