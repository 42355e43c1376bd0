"""Citation-backed question answering over policy reports."""

__version__ = "0.1.0"
