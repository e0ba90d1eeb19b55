"""codefactory: Python translated by an LLM into other languages, kept only when verified."""

__version__ = "0.1.0"
