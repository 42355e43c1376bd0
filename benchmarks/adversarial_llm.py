"""The adversarial LLM table: each case of tests/test_grounding.py sent through the stub chat server.

    .venv/bin/python benchmarks/adversarial_llm.py

Prints case → kept/removed and the reason the grounding check gave.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from stub_llm_server import StubLLMServer  # noqa: E402
from test_grounding import ANCHOR, CASES  # noqa: E402

from assistant.answer.llm import OpenAICompatibleGenerator  # noqa: E402
from assistant.report.parse import load_clauses  # noqa: E402
from assistant.report.read_report import read_report  # noqa: E402
from assistant.records import Hit  # noqa: E402


class _Reasons(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def main() -> int:
    report = ROOT / "corpus" / "wtpf-13-report.txt"
    source, clauses = read_report(report), load_clauses(report)

    def containing(prefix: str):
        start = source.find(prefix)
        return next(c for c in clauses if c.start <= start < c.end and c.kind != "heading")

    chosen = [
        next(c for c in clauses if c.id == "opinion-4/invites/a"),
        containing("The delegate of Turkey presented"),
        containing("More than 180 experts participated"),
    ]
    hits = [Hit(clause=c, score=1.0) for c in chosen]
    reasons = _Reasons()
    logger = logging.getLogger("assistant.answer.llm")
    logger.addHandler(reasons)
    logger.setLevel(logging.INFO)
    print("| case | expected | result | reason |\n|---|---|---|---|")
    with StubLLMServer() as stub:
        generator = OpenAICompatibleGenerator(stub.base_url, "stub-model", timeout=5.0, retries=0)
        for case, sentence, kept in CASES:
            reasons.messages.clear()
            stub.reply_text = f"{ANCHOR} {sentence}"
            answer = generator.generate("What does the report say?", hits, source)
            stood = sentence.rsplit(" [", 1)[0] in answer.answer
            why = next((m[m.index("(") + 1 : m.rindex("): ")] for m in reasons.messages if "removed an LLM" in m), "")
            print(f"| {case} | {'kept' if kept else 'removed'} | {'kept' if stood else 'removed'} | {why} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
