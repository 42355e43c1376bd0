"""Answer plans: the question's shape and the retrieved clauses choose how the answer is built.

One module per plan: `fact` (also reasons and yes/no), `listing`, `overview`, `compare`, `actor`,
`definition`. Every plan quotes the report verbatim through a `Draft`; `planner.Planner` picks the plan.
"""
