"""`POST /api/ask`: the answer as plain JSON, served beside the chat by the same server.

The body is `{"question": str, "history": [str | {"question": str, "cited": [clause ids]}], "filters": str,
"standalone": bool}` (all but the question optional); the reply is the object `assistant ask --json` prints.
Its OpenAPI schema is at /openapi.json and Swagger UI at /docs, served from the files the fastapi-offline package
ships: nothing is fetched from a CDN.

The routes are handed to the Gradio server's own FastAPI app when it is created (`launch`'s `app_kwargs`),
so one port serves the chat, Gradio's `/ask` and this endpoint, under one concurrency limit.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

ASK_PATH = "/api/ask"
OPENAPI_PATH = "/openapi.json"
DOCS_PATH = "/docs"
DOCS_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")
MAX_TURNS = 100  # more earlier turns than any conversation needs; only the last few are read
MAX_TEXT = 100_000  # the answer path refuses far less with a readable message; this bounds the parsing


class Turn(BaseModel):
    """An earlier turn of the conversation: its question and the clauses its answer cited."""

    question: str = Field(max_length=MAX_TEXT)
    cited: list[str] = Field(default_factory=list, max_length=MAX_TURNS)


class AskRequest(BaseModel):
    question: str = Field(max_length=MAX_TEXT, examples=["Who chaired Working Group 2?"])
    history: list[str | Turn] = Field(
        default_factory=list,
        max_length=MAX_TURNS,
        description="Earlier turns of the conversation, oldest first: questions, or {question, cited} objects.",
    )
    filters: str | None = Field(
        default=None, description='"Whole report" (default), a part such as "Part I" or "Annex I", or "Opinion N".'
    )
    standalone: bool = Field(default=False, description="Answer the question on its own, whatever the history.")


ANSWER_DOC = (
    "The answer, exactly as `assistant ask --json` prints it: question, rewritten_query, answer, abstained, "
    "citations (each a verbatim quote with its clause and character offsets), related, retrieved, notice, "
    "backend, and any field a later version adds."
)


def api_routes(assistant) -> list:
    """The JSON endpoint and its docs for one loaded assistant, answering through the chat's `ask_off_loop`
    (the same answer workers, or the same concurrency limit in the server process)."""
    from ui.app import GENERIC_FAILURE, ask_off_loop, filter_choices, parse_filter

    choices = filter_choices(list(assistant.clauses))
    router = APIRouter()

    @router.post(
        ASK_PATH,
        summary="Answer a question about the report with verified clause citations",
        response_class=JSONResponse,
        responses={
            200: {"description": ANSWER_DOC, "content": {"application/json": {"schema": {"type": "object"}}}},
            400: {"description": "The question or filter cannot be used; `detail` says why."},
        },
    )
    async def api_ask(body: AskRequest) -> JSONResponse:
        history = tuple(turn if isinstance(turn, str) else turn.model_dump() for turn in body.history)
        options = {"standalone": True} if body.standalone else {}
        try:
            filters = parse_filter(body.filters, choices)
            answer = await ask_off_loop(assistant, body.question, history=history, filters=filters, **options)
        except AssistantError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        except Exception:
            log.exception("API ask failed")
            raise HTTPException(status_code=500, detail=GENERIC_FAILURE) from None
        return JSONResponse(answer.to_dict())

    schema: dict[str, Any] = {}

    @router.get(OPENAPI_PATH, include_in_schema=False)
    def openapi() -> JSONResponse:
        if not schema:
            from assistant import __version__

            schema.update(get_openapi(title="assistant", version=__version__, routes=api_route_list))
        return JSONResponse(schema)

    @router.get(DOCS_PATH, include_in_schema=False)
    def docs():
        return get_swagger_ui_html(
            openapi_url=OPENAPI_PATH,
            title="assistant API",
            swagger_js_url=f"{DOCS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_PATH}/favicon.png",
        )

    @router.get(DOCS_PATH + "/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        if name not in DOCS_ASSETS:
            raise HTTPException(status_code=404)
        import fastapi_offline  # Swagger UI 5 (OpenAPI 3.1, which FastAPI writes), as static files

        return FileResponse(Path(fastapi_offline.__file__).resolve().parent / "static" / name)

    api_route_list = [r for r in router.routes if getattr(r, "path", None) == ASK_PATH]
    return list(router.routes)
