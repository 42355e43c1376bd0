"""`assistant` command line: clauses, index, search, ask, chat, eval, serve."""

from __future__ import annotations

import argparse
import json
import re
import logging
import os
import sys
import textwrap
from dataclasses import replace

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.errors import AssistantError  # noqa: E402
from assistant.records import Answer, Filters, Hit  # noqa: E402
from assistant.settings import MAX_K, Settings  # noqa: E402

log = logging.getLogger("assistant")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    quiet_libraries()
    try:
        return args.run(args) or 0
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a bare traceback for the user
        log.debug("unexpected failure", exc_info=True)
        print(f"error: unexpected {type(exc).__name__}: {exc} (run with -v for details)", file=sys.stderr)
        return 1


def quiet_libraries() -> None:
    """Libraries' own chatter (faiss says which build it loaded) stays out of the log below warnings."""
    for noisy in ("httpx", "sentence_transformers", "faiss", "bm25s", "urllib3", "gradio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def k_value(text: str) -> int:
    """--k: a whole number of results from 1 to MAX_K (argparse prints the message and exits 2)."""
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_K} (got {text!r})") from None
    if not 1 <= k <= MAX_K:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_K} (got {k})")
    return k


def worker_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid worker count {text!r}: a whole number 0 to 4") from None
    if not 0 <= n <= 4:
        raise argparse.ArgumentTypeError(f"invalid worker count {n}: 0 to 4")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging and tracebacks in the log")
    parser.add_argument("--corpus", help="report file (default: corpus/wtpf-13-report.txt)")
    parser.add_argument("--index-dir", help="where index artifacts live (default: index/)")
    parser.add_argument("--embedder", help="minilm (default) or hash (fast fake, for tests)")
    parser.add_argument("--strict", action="store_true", help="refuse a report with no recognisable structure")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("clauses", help="print the parsed clauses")
    p.add_argument("--json", action="store_true", help="one JSON object per clause")
    p.add_argument("--id", help="only this clause id")
    p.set_defaults(run=cmd_clauses)

    p = sub.add_parser("index", help="build (or check) the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the index is current")
    p.set_defaults(run=cmd_index)

    p = sub.add_parser("search", help="retrieve clauses for a query")
    p.add_argument("query")
    p.add_argument("--k", type=k_value, default=5, help=f"clauses to return, 1 to {MAX_K} (default 5)")
    p.add_argument("--json", action="store_true")
    _add_filters(p)
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("ask", help="answer a question with cited quotes")
    p.add_argument("question")
    p.add_argument("--history", action="append", default=[],
                   help='an earlier question, or a JSON object {"question": …, "cited": [clause ids]} '
                        "(repeatable, oldest first)")
    p.add_argument("--standalone", action="store_true", help="read the question on its own, ignoring --history")
    p.add_argument("--json", action="store_true")
    _add_filters(p)
    _add_llm(p)
    p.set_defaults(run=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal (keeps history)")
    _add_filters(p)
    _add_llm(p)
    p.set_defaults(run=cmd_chat)

    p = sub.add_parser("eval", help="score retrieval and answers on a question set")
    p.add_argument("questions", help="JSON-lines question file")
    p.add_argument("--k", type=k_value, default=5, help=f"1 to {MAX_K} (default 5)")
    p.add_argument("--results", help="write one JSON line per question here")
    p.add_argument("--json", action="store_true")
    p.add_argument("--chunker", action="append", help="also score a token-window baseline: tokens:256, tokens:512")
    p.add_argument("--retrieval-only", action="store_true", help="skip answer metrics")
    p.add_argument("--split", choices=("tune", "test"), help="only the tune or test split (fixed by a hash of the id)")
    p.add_argument("--ablate", help="switch mechanisms off, comma-separated (see Settings.MECHANISMS)")
    p.add_argument("--standalone-check", action="store_true",
                   help="also ask each standalone question after the one before it and count rewrites")
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("serve", help="the browser chat")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--workers", type=worker_count, default=None,
                   help="processes answering questions, 0 to answer in the server process "
                        "(default: one per core, up to 4; 0 when answering through --llm)")
    _add_llm(p)
    p.set_defaults(run=cmd_serve)
    return parser


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--part", help='"Part I", "Part II" or "Annex I"')
    p.add_argument("--opinion", type=int, help="only clauses of (or about) Opinion N")
    p.add_argument("--section", help='e.g. "recognizing", "is of the view"')
    p.add_argument("--working-group", type=int, help="only the report of Working Group N")


def _add_llm(p: argparse.ArgumentParser) -> None:
    p.add_argument("--llm", action="store_true", help="answer through an OpenAI-compatible endpoint")
    p.add_argument("--llm-base-url", help="e.g. http://127.0.0.1:8080/v1 (or ASSISTANT_LLM_BASE_URL)")
    p.add_argument("--llm-model", help="model name (or ASSISTANT_LLM_MODEL)")
    p.add_argument("--llm-key", help="API key (or ASSISTANT_LLM_API_KEY / OPENAI_API_KEY)")
    p.add_argument("--llm-timeout", type=float, help="seconds per request (default 20)")


def settings_from(args, **extra) -> Settings:
    return Settings.from_env(
        **extra,
        corpus_path=args.corpus,
        index_dir=args.index_dir,
        embedder=args.embedder,
        strict=args.strict or None,
        llm_base_url=getattr(args, "llm_base_url", None),
        llm_model=getattr(args, "llm_model", None),
        llm_api_key=getattr(args, "llm_key", None),
        llm_timeout=getattr(args, "llm_timeout", None),
    )


def filters_from(args) -> Filters:
    part = None
    if args.part:
        try:
            part = Filters.from_choice(args.part).part
        except ValueError as exc:
            raise AssistantError(str(exc)) from None
        if part is None:
            raise AssistantError(f"unknown part {args.part!r} (valid: Part I, Part II, Annex I)")
    return Filters(part=part, opinion=args.opinion, section=args.section, working_group=args.working_group)


def check_scope(filters: Filters, clauses) -> Filters:
    """The filters, if the report has what they name; else an error listing the values it does have."""

    def listed(values) -> str:
        return ", ".join(str(v) for v in values) or "none in this report"

    if filters.opinion is not None:
        opinions = sorted({c.opinion for c in clauses if c.opinion is not None})
        if filters.opinion not in opinions:
            raise AssistantError(f"no Opinion {filters.opinion} in this report (valid --opinion: {listed(opinions)})")
    if filters.working_group is not None:
        groups = sorted({c.working_group for c in clauses if c.working_group is not None})
        if filters.working_group not in groups:
            raise AssistantError(
                f"no Working Group {filters.working_group} in this report (valid --working-group: {listed(groups)})"
            )
    if filters.section is not None:
        sections = {" ".join(c.section.lower().split()): c.section for c in clauses if c.section}
        wanted = " ".join(filters.section.lower().split())
        if wanted not in sections:
            raise AssistantError(
                f"no section {filters.section!r} in this report (valid --section: {listed(sorted(sections.values()))})"
            )
        filters = replace(filters, section=sections[wanted])
    if filters.part is not None and filters.part not in {c.part for c in clauses}:
        parts = list(dict.fromkeys(c.part for c in clauses))
        raise AssistantError(f"no {filters.part} in this report (valid --part: {listed(parts)})")
    return filters


def scope_from(args, assistant) -> Filters:
    return check_scope(filters_from(args), assistant.clauses)


def load_assistant(args, progress: bool = False):
    from assistant.report.read_report import read_report

    settings = settings_from(args)
    read_report(settings.corpus_path, settings.max_corpus_bytes)  # fails here, before the index and model load
    from assistant.service import Assistant

    return Assistant.load(settings, progress=progress)


def _checked(question: str, args) -> str:
    """A question refused before anything is loaded, as `Assistant.ask` would refuse it."""
    from assistant.textnorm import check_question

    return check_question(question, settings_from(args).max_query_chars)


def cmd_clauses(args) -> int:
    from assistant.report.parse import load_report

    _, clauses = load_report(settings_from(args))  # the stored parse while the report is unchanged: no tiktoken
    if args.id:
        clauses = [c for c in clauses if c.id == args.id]
        if not clauses:
            raise AssistantError(f"no clause with id {args.id!r} (try `assistant clauses` to list ids)")
    for clause in clauses:
        if args.json:
            print(json.dumps(clause.to_dict(), ensure_ascii=False))
        else:
            print(f"{clause.id:<34} {clause.kind:<10} [{clause.start}:{clause.end}]  {clause.label}")
            print(textwrap.indent(textwrap.fill(clause.text, 100), "    "))
    return 0


def cmd_index(args) -> int:
    from assistant.service import Assistant

    settings = settings_from(args)
    assistant = Assistant.load(settings, progress=True, rebuild=args.rebuild)  # clause and sentence indexes
    manifest = getattr(assistant.retriever, "manifest", None)
    print(f"index ready: {len(assistant.clauses)} clauses in {settings.index_dir}")
    if manifest:
        print(json.dumps(manifest, indent=2, ensure_ascii=False))
    return 0


def cmd_search(args) -> int:
    _checked(args.query, args)
    assistant = load_assistant(args)
    hits = assistant.search(args.query, k=args.k, filters=scope_from(args, assistant))
    if args.json:
        print(json.dumps({"query": args.query, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return 0
    if not hits:
        print("no matching clauses")
    for rank, hit in enumerate(hits, 1):
        print(format_hit(rank, hit))
    return 0


def format_hit(rank: int, hit: Hit) -> str:
    parts = " ".join(f"{k}={v:.3f}" for k, v in hit.parts.items() if isinstance(v, (int, float)))
    text = textwrap.shorten(hit.clause.text, 220, placeholder=" …")
    return f"{rank}. {hit.clause.label}  ({hit.clause.id}; score {hit.score:.4f}; {parts})\n   {text}"


def cmd_ask(args) -> int:
    _checked(args.question, args)
    assistant = load_assistant(args)
    filters = scope_from(args, assistant)
    history = [_history_item(h) for h in args.history]
    answer = assistant.ask(
        args.question, history=history, filters=filters, use_llm=args.llm or None, standalone=args.standalone
    )
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


def _history_item(value: str):
    """A --history value: a JSON object with the question and the clauses its answer cited, or plain text."""
    if value.lstrip().startswith("{"):
        try:
            item = json.loads(value)
        except json.JSONDecodeError as exc:
            raise AssistantError(f"--history {value[:40]!r}: not a JSON object ({exc.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise AssistantError('--history objects need a "question" string (and optionally "cited": [clause ids])')
        return item
    return value


def wrap_markdown(text: str, width: int = 100) -> str:
    """Wrap each line of a Markdown answer on its own, keeping bullets and their indentation."""
    out = []
    for line in text.splitlines():
        bullet = re.match(r"^(\s*-\s+)", line)
        indent = " " * len(bullet.group(1)) if bullet else ""
        out.append(textwrap.fill(line, width, subsequent_indent=indent) if line.strip() else "")
    return "\n".join(out)


def format_answer(answer: Answer) -> str:
    lines = []
    if answer.read_as:
        lines.append(f"Read as: {answer.read_as}")
    if answer.notice:
        lines.append(f"note: {answer.notice}")
    lines.append(wrap_markdown(answer.answer, 100))
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.label}  (chars {c.start}-{c.end})")
            lines.append(textwrap.indent(textwrap.fill(f"“{c.quote}”", 96), "    "))
    if answer.abstained and answer.related:
        lines.append("")
        lines.append("Related:")
        for hit in answer.related:
            lines.append(f"- {hit.clause.label}: {textwrap.shorten(hit.clause.text, 160, placeholder=' …')}")
    return "\n".join(lines)


def cmd_chat(args) -> int:
    assistant = load_assistant(args)
    filters = scope_from(args, assistant)
    history: list[dict] = []
    last: str | None = None
    print("Ask about the report. /alone re-asks the last question on its own, /clear starts over, "
          "/quit (or Ctrl-D) leaves.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if question in ("/quit", "/exit"):
            return 0
        if question == "/clear":
            history.clear()
            print("(conversation cleared)")
            continue
        standalone = question == "/alone"
        if standalone:
            if last is None:
                print("(nothing to re-ask yet)")
                continue
            question, history = last, history[:-1]
        try:
            answer = assistant.ask(
                question, history=history, filters=filters, use_llm=args.llm or None, standalone=standalone
            )
        except AssistantError as exc:
            print(f"! {exc}")
            continue
        print(format_answer(answer))
        if answer.read_as:
            print("(/alone asks it on its own instead)")
        last = answer.question
        history.append({"question": answer.question, "cited": [c.clause_id for c in answer.citations]})


def cmd_eval(args) -> int:
    from assistant.evaluation.evaluate import run_eval_command

    return run_eval_command(
        args.questions,
        k=args.k,
        results=args.results,
        as_json=args.json,
        chunker=args.chunker,
        ask=not args.retrieval_only,
        settings=settings_from(args, ablate=args.ablate),
        split=args.split,
        standalone_check=args.standalone_check,
    )


def cmd_serve(args) -> int:
    from assistant.report.read_report import read_report
    from ui.gradio_import import import_in_background
    from ui.workers import AnswerWorkers, default_workers

    settings = settings_from(args)
    read_report(settings.corpus_path, settings.max_corpus_bytes)  # a missing report fails before anything loads
    # gradio's import (the larger part of the start) runs beside the index load; ui.app waits for it.
    import_in_background()
    workers = default_workers(settings) if args.workers is None else args.workers
    if workers:
        # The first worker loads the index in its own process while this one imports gradio (see ui/workers.py);
        # its load error, if any, is raised here.
        assistant = AnswerWorkers(settings, workers, progress=True).start()
    else:
        assistant = load_assistant(args, progress=True)
    from ui.app import launch

    try:
        demo = launch(assistant, host=args.host, port=args.port, prevent_thread_lock=True)
        if workers:
            assistant.start_rest()
        demo.block_thread()
    finally:
        if workers:
            assistant.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
