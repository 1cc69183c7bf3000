"""Embassy letters: find the right Russian embassy and write to it."""

__version__ = "0.1.0"
