"""The evaluation harness: question files, metrics and runs over a question set, and test cases saved from the
chat (`questions`, `metrics`, `evaluate`, `saved_cases`)."""
