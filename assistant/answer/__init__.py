"""Step 3 — the answer: chosen sentences quoted verbatim, shaped like the question, every quote verified.

`compose` scores and picks sentences; `verify` checks every quote against the report; the optional LLM backend is
`llm`, `llm_prompt` and `grounding` (each generated sentence checked against its sources). Answer plans, one module
per plan: `fact` (also reasons and yes/no), `listing`, `overview`, `compare`, `actor`, `doers`, `definition`. Every
plan quotes the report through a `Draft`; `planner.Planner` picks the plan.
"""
