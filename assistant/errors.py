"""Errors whose message is shown to the user as is (one line, no traceback)."""


class AssistantError(Exception):
    """Base for every error the CLI and UI report as a plain message."""


class ReportError(AssistantError):
    """The report file is missing, empty, binary, not UTF-8, or has no structure."""


class QuestionFileError(AssistantError):
    """A question set is malformed; the message names the file and line."""


class InputError(AssistantError):
    """A question or query the assistant cannot take (empty, too long...)."""
