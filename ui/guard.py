"""What the chat server checks before any handler runs, and how long it keeps a browser session.

`RequestGuard` is an ASGI middleware in front of the Gradio routes:
  - a request body over the limit is refused with 413 before it is read into memory;
  - file uploads are refused (the app takes none), so nothing lands in the temp folder;
  - a state-changing request (POST, PUT, PATCH, DELETE) whose Origin is not the app's own is refused with 403:
    own means http://localhost, 127.0.0.1 or [::1] at the bound port, plus origins configured in
    `Settings.allowed_origins`. The Host header is not trusted for this, so a DNS-rebinding page whose name
    points at 127.0.0.1 is still a foreign origin. Requests without Origin (gradio_client, curl) are not from
    a browser page and pass;
  - a raw HTTP call of `/ask` that leaves out the optional arguments gets their defaults, as gradio_client's do.
`api_arguments` checks the `/ask` arguments' types and names the field that is wrong.
`SessionSweeper` drops chat sessions idle for longer than the time-to-live (Gradio's own cap handles the count).
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from assistant.errors import InputError

log = logging.getLogger(__name__)

API_PREFIX = "/gradio_api"
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _json_response(status: int, message: str):
    body = json.dumps({"error": message, "detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return status, headers, body


class RequestGuard:
    """ASGI middleware: body limit, no uploads, same-origin writes, defaults for raw `/ask` calls."""

    def __init__(self, app, *, max_body_bytes: int, allowed_origins=(), api_arity: dict[str, int] | None = None):
        self.app = app
        self.max_body_bytes = int(max_body_bytes)
        self.extra_origins = {o.rstrip("/").lower() for o in allowed_origins}
        # api name → number of inputs; raw calls with fewer values are padded with None (the defaults).
        self.api_arity = dict(api_arity or {})

    def own_origins(self, scope) -> set[str]:
        server = scope.get("server") or (None, None)
        port = server[1]
        suffix = f":{port}" if port else ""
        return {f"http://{name}{suffix}" for name in _LOOPBACK_NAMES} | self.extra_origins

    def origin_allowed(self, origin: str, scope) -> bool:
        return origin.rstrip("/").lower() in self.own_origins(scope)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        method = scope.get("method", "GET")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self._refusal(method, path, headers, scope)
        if refusal is not None:
            await self._send(send, *refusal)
            return
        if method not in _WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        body, too_large = await self._read_body(receive)
        if too_large:
            await self._send(send, *self._too_large())
            return
        body = self._with_defaults(path, body)
        scope = dict(scope)
        scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
        scope["headers"].append((b"content-length", str(len(body)).encode()))
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: the disconnect message, when it comes

        await self.app(scope, replay, send)

    def _refusal(self, method: str, path: str, headers: dict[str, str], scope):
        if path.rstrip("/") == f"{API_PREFIX}/upload" or path.startswith(f"{API_PREFIX}/upload/"):
            return _json_response(403, "This app takes no file uploads.")
        if method in _WRITE_METHODS:
            origin = headers.get("origin")
            if origin is not None and not self.origin_allowed(origin, scope):
                log.warning("refused a %s %s from origin %r", method, path, origin[:100])
                return _json_response(403, "Cross-origin request refused: this app only answers its own pages.")
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
                return self._too_large()
        return None

    def _too_large(self):
        return _json_response(413, f"Request too large (the limit is {self.max_body_bytes:,} bytes).")

    async def _read_body(self, receive) -> tuple[bytes, bool]:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # a chunked body with no Content-Length: stop reading at the limit
                return b"", True
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False

    def _with_defaults(self, path: str, body: bytes) -> bytes:
        """`{"data": [question]}` posted to /call/ask or /run/ask becomes `{"data": [question, null, null]}`."""
        parts = path.rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] not in ("call", "run") or parts[-1] not in self.api_arity:
            return body
        try:
            payload = json.loads(body)
        except ValueError:
            return body  # Gradio answers malformed JSON itself
        data = payload.get("data") if isinstance(payload, dict) else None
        wanted = self.api_arity[parts[-1]]
        if not isinstance(data, list) or not 1 <= len(data) < wanted:
            return body
        payload["data"] = data + [None] * (wanted - len(data))
        return json.dumps(payload).encode()

    @staticmethod
    async def _send(send, status: int, headers, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


# ---------------------------------------------------------------- /ask arguments


def api_arguments(question: Any, history: Any, filters: Any, max_history: int) -> tuple[str, list, str | None]:
    """The `/ask` arguments with their types checked; InputError names the field that is wrong.

    history: a list of earlier questions, each a string or {"question": str, "cited": [clause ids]}.
    """
    if not isinstance(question, str):
        raise InputError(f"question must be text (got {_kind(question)}).")
    if history is None:
        history = []
    if not isinstance(history, (list, tuple)):
        raise InputError(f"history must be a list of earlier questions (got {_kind(history)}).")
    turns: list = []
    for i, turn in enumerate(list(history)[-max_history:]):
        if isinstance(turn, str):
            turns.append(turn)
        elif isinstance(turn, dict) and isinstance(turn.get("question"), str):
            cited = turn.get("cited") or []
            if not isinstance(cited, list) or not all(isinstance(c, str) for c in cited):
                raise InputError(f"history[{i}].cited must be a list of clause ids (got {_kind(cited)}).")
            turns.append({"question": turn["question"], "cited": list(cited)})
        else:
            raise InputError(
                f'history[{i}] must be text or {{"question": text, "cited": [clause ids]}} (got {_kind(turn)}).'
            )
    if filters is not None and not isinstance(filters, str):
        raise InputError(f'filters must be text such as "Opinion 3" or "Annex I" (got {_kind(filters)}).')
    return question, turns, filters


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


# ---------------------------------------------------------------- sessions


class SessionSweeper:
    """Every `interval` seconds, forget browser sessions idle for longer than `ttl` seconds.

    Gradio keeps each session's component values (the chat, the rendered report) until its session cap evicts
    the oldest; this frees an abandoned tab's memory after the time-to-live instead.
    """

    def __init__(self, demo, ttl: float, interval: float | None = None):
        self.demo = demo
        self.ttl = float(ttl)
        self.interval = float(interval if interval is not None else max(1.0, min(60.0, ttl / 4)))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="session-sweeper", daemon=True)

    def start(self) -> "SessionSweeper":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sweep()
            except Exception:  # the sweeper must never take the server down
                log.exception("session sweep failed")

    def sweep(self, now: datetime | None = None) -> int:
        """Drop idle sessions; returns how many were dropped."""
        holder = getattr(self.demo, "state_holder", None)
        data = getattr(holder, "session_data", None)
        last_used = getattr(holder, "time_last_used", None)
        if data is None or last_used is None:
            return 0
        cutoff = (now or datetime.now()) - timedelta(seconds=self.ttl)
        dropped = 0
        with holder.lock:
            for session_id, used in list(last_used.items()):
                if used < cutoff:
                    data.pop(session_id, None)
                    last_used.pop(session_id, None)
                    dropped += 1
        if dropped:
            log.debug("forgot %d idle session(s)", dropped)
        return dropped
