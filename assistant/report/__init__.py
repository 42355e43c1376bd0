"""Step 1 — the report: its text read and checked, parsed into clauses with exact character offsets.

`read_report` reads and checks the file; `parse` picks the WTPF parser (`parse_wtpf`) or the generic one
(`parse_generic`) for other reports of the same kind; `refs` resolves cross-references ("Opinion 4 recognizing
(g)"); `sentences` cuts clauses into quotable sentences with their spans; `glossary` finds the report's acronyms;
`chunking` makes the fixed-size chunks the evaluation compares clauses against.
"""
