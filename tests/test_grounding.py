"""Claim-level grounding of LLM sentences: adversarial replies from the stub server on the real report.

Each case is one reply sentence citing a real clause; "kept" means it stands in the answer with its citation,
"removed" means it is dropped and counted in the notice. The table printed by benchmarks/adversarial_llm.py is
these cases.
"""

from __future__ import annotations

import pytest
from stub_llm_server import StubLLMServer

from assistant.answer.grounding import unsupported_reason
from assistant.answer.llm import GeneratorError, OpenAICompatibleGenerator
from assistant.records import Hit

pytestmark = pytest.mark.unit

# (case, reply sentence, kept?) — [1] is Opinion 4 › invites (a), [2] the Working Group 2 paragraph on merging
# Opinions 3 and 4, [3] the Part I paragraph on the experts group.
CASES = [
    ("faithful paraphrase", "Opinion 4 invites Member States to support the fastest possible adoption of IPv6 [1].", True),
    ("faithful, with quote", 'Turkey agreed "not to insist on merging these two opinions" [2].', True),
    ("faithful number", "More than 180 experts took part in the work of the expert group [3].", True),
    ("negated", "Opinion 4 does not invite Member States to support the adoption of IPv6 [1].", False),
    ("negation dropped", "In the end Turkey insisted on merging these two opinions [2].", False),
    ("inverted (ban for support)", "Opinion 4 invites Member States to ban IPv6 deployment [1].", False),
    ("inverted (discourage)", "Opinion 4 discourages the fastest possible migration to IPv6 [1].", False),
    ("injected URL", "Member States should adopt IPv6 as explained at https://ipv6-now.example/join [1].", False),
    ("number changed", "More than 250 experts took part in the work of the expert group [3].", False),
    ("name changed", "Brazil presented a proposal to merge draft Opinions 3 and 4 [2].", False),
    (
        "right quote, wrong claim",
        'Opinion 4 rejects IPv6 while quoting "the fastest possible adoption and migration to IPv6" [1].',
        False,
    ),
    ("off-topic claim", "Canberra is the capital of Australia [1].", False),
]


@pytest.fixture(scope="module")
def hits(clauses, source) -> list[Hit]:
    def containing(prefix: str):
        start = source.find(prefix)
        return next(c for c in clauses if c.start <= start < c.end and c.kind != "heading")

    chosen = [
        next(c for c in clauses if c.id == "opinion-4/invites/a"),
        containing("The delegate of Turkey presented"),
        containing("More than 180 experts participated"),
    ]
    return [Hit(clause=c, score=1.0 - i / 10) for i, c in enumerate(chosen)]


@pytest.fixture(scope="module")
def stub():
    server = StubLLMServer().start()
    yield server
    server.stop()


def generator(url: str) -> OpenAICompatibleGenerator:
    return OpenAICompatibleGenerator(url, "stub-model", timeout=5.0, retries=0)


ANCHOR = "Thus WG2 agreed to keep Opinions 3 and 4 separate [2]."  # a true sentence so the answer is not empty


@pytest.mark.parametrize(("case", "sentence", "kept"), CASES, ids=[c[0] for c in CASES])
def test_adversarial_sentence_is_kept_or_removed(stub, hits, source, case, sentence, kept):
    stub.reply_text = f"{ANCHOR} {sentence}"
    answer = generator(stub.base_url).generate("What does the report say?", hits, source)
    claim = sentence.rsplit(" [", 1)[0]
    assert (claim in answer.answer) is kept, (case, answer.answer, answer.notice)
    if kept:
        assert answer.notice is None and len(answer.citations) == 2
    else:
        assert answer.answer == ANCHOR.replace("[2]", "[1]")
        assert answer.notice and "1 sentence removed as not supported" in answer.notice
        assert [c.clause_id for c in answer.citations] == [hits[1].clause.id]


def test_every_removed_sentence_is_counted_in_the_notice(stub, hits, source):
    removed = [s for _, s, kept in CASES if not kept][:3]
    stub.reply_text = " ".join([ANCHOR, *removed])
    answer = generator(stub.base_url).generate("What does the report say?", hits, source)
    assert "3 sentences removed as not supported by the clauses cited" in answer.notice


def test_reply_with_nothing_left_is_an_error_naming_the_removals(stub, hits, source):
    stub.reply_text = " ".join(s for _, s, kept in CASES if not kept)
    removed = sum(1 for _, _, kept in CASES if not kept)
    with pytest.raises(GeneratorError, match=f"{removed} sentences removed"):
        generator(stub.base_url).generate("What does the report say?", hits, source)


def test_assistant_falls_back_to_the_extractive_answer_when_nothing_stands(stub, hash_assistant, monkeypatch):
    question = "What does Opinion 4 ask Member States to do about IPv6?"
    extractive = hash_assistant.ask(question, use_llm=False)
    stub.reply_text = "Opinion 4 invites Member States to ban IPv6 deployment [1]. Opinion 4 rejects IPv6 [1]."
    monkeypatch.setattr(hash_assistant, "generator", generator(stub.base_url))
    answer = hash_assistant.ask(question, use_llm=True)
    assert answer.backend == extractive.backend != "llm"
    assert answer.answer == extractive.answer and "ban" not in answer.answer
    assert "showing the extractive answer" in answer.notice and "removed" in answer.notice


@pytest.mark.parametrize(
    ("claim", "evidence", "reason"),
    [
        ("The Forum met in Geneva [1].", "The Forum met in Geneva in May.", None),
        ("See www.example.org for details on Geneva [1].", "Details on Geneva.", "link"),
        ("It met 3 times [1].", "The IEG met three times.", "number"),
        ("The texts should be significantly amended [1].", "The texts should not be significantly amended.", "negation"),
        ("the delegates travelled by train [1].", "The delegates met.", "words"),
    ],
)
def test_unsupported_reason_names_the_problem(claim, evidence, reason):
    got = unsupported_reason(claim, evidence)
    assert (got is None) if reason is None else (reason in got), got
