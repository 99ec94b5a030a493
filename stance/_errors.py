"""Exceptions and warnings that carry a message meant for the user."""

from __future__ import annotations


class StanceError(ValueError):
    """A problem the user can fix: the message says what was wrong and what to do."""


class DataError(StanceError):
    """A data file that cannot be read or does not follow the expected schema."""


class ModelError(StanceError):
    """A model directory that is missing, damaged, or from an incompatible version."""


class Interrupted(StanceError):
    """The user stopped the work (Ctrl-C); the message says what was kept. Exit code 130."""


class StanceWarning(UserWarning):
    """Something the user should know about that does not stop the work."""
