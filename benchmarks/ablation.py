"""Switch each mechanism off in turn and print what it costs on a question set (aggregate numbers only).

    python benchmarks/ablation.py corpus/questions/users.jsonl --split test
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.evaluation.evaluate import run_eval  # noqa: E402
from assistant.evaluation.questions import load_questions, split_of  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.settings import MECHANISMS, Settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions")
    parser.add_argument("--split", choices=("tune", "test"))
    parser.add_argument("--only", help="comma-separated mechanisms (default: all)")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    if args.split:
        questions = [q for q in questions if split_of(q.id) == args.split]
    names = args.only.split(",") if args.only else list(MECHANISMS)
    print(f"{len(questions)} questions{' (' + args.split + ' split)' if args.split else ''}")
    print(f"{'switched off':<20} {'facts':>6} {'R@5':>6} {'ctx':>6} {'abst ok':>8} {'false abst':>10}")
    for name in ["(none)", *names]:
        settings = Settings.from_env(ablate="" if name == "(none)" else name)
        assistant = Assistant.load(settings)
        report = run_eval(assistant, questions, k=5)
        a, r = report.answers, report.systems[0]
        print(
            f"{name:<20} {a.fact_recall:>6.3f} {r.recall[5]:>6.3f} {r.context_chars:>6.0f} "
            f"{a.abstained_unanswerable:>4}/{a.unanswerable:<3} {a.abstained_answerable:>6}/{a.answerable:<3}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
