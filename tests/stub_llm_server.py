"""A tiny OpenAI-compatible chat-completions server on 127.0.0.1 for tests (stdlib only, one thread).

Each request consumes the next behaviour from `behaviours` (the last one repeats):
  "reply"         200 with `reply_text` as the assistant message
  "slow"          waits `delay` seconds, then replies
  "drip"          sends headers and a valid body one byte every `drip_interval` seconds
  "error500"      HTTP 500 with a JSON error
  "error401"      HTTP 401 with a JSON error
  "garbage"       200 with a body that is not JSON
  "empty_choices" 200 with `"choices": []`
  "hangup"        closes the connection without answering
A refused connection needs no server: use `refused_url()`.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def completion_body(text: str, model: str = "stub") -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        }
    ).encode()


class StubLLMServer:
    def __init__(self, reply_text: str = "", behaviours: list[str] | tuple[str, ...] = ("reply",)) -> None:
        self.reply_text = reply_text
        self.behaviours = list(behaviours)
        self.delay = 5.0
        self.drip_interval = 0.2
        self.requests: list[dict] = []  # {"path", "headers", "body"} as received
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "StubLLMServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "StubLLMServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _next_behaviour(self, request: dict) -> str:
        with self._lock:
            self.requests.append(request)
            index = min(len(self.requests) - 1, len(self.behaviours) - 1)
            return self.behaviours[index]

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                behaviour = stub._next_behaviour({"path": self.path, "headers": dict(self.headers), "body": body})
                try:
                    self._respond(behaviour)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should on slow replies

            def _respond(self, behaviour: str) -> None:
                if not self.path.endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not found"}}')
                elif behaviour == "reply":
                    self._send(200, completion_body(stub.reply_text))
                elif behaviour == "slow":
                    if not stub._stopping.wait(stub.delay):
                        self._send(200, completion_body(stub.reply_text))
                elif behaviour == "drip":
                    body = completion_body(stub.reply_text)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for byte in body:
                        if stub._stopping.wait(stub.drip_interval):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                elif behaviour == "error500":
                    self._send(500, b'{"error": {"message": "internal error"}}')
                elif behaviour == "error401":
                    self._send(401, b'{"error": {"message": "invalid api key"}}')
                elif behaviour == "garbage":
                    self._send(200, b"<html>\x00\xff not json at all", content_type="text/html")
                elif behaviour == "empty_choices":
                    self._send(200, json.dumps({"id": "x", "choices": []}).encode())
                elif behaviour == "hangup":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                else:
                    raise ValueError(f"unknown stub behaviour {behaviour!r}")

        return Handler


def refused_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
