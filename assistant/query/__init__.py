"""Reading the question: what it asks, and what it leans on.

`question` (its words, its kind, whether the report can answer it), `answer_type` (the kind of thing asked for),
`conversation` (a follow-up read with the last turn), `language` (English only).
"""
