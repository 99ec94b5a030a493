"""The ``stance`` command line: a thin layer over the library's functions."""

from __future__ import annotations

from . import (  # noqa: F401 - registers commands
    _annotate, _data, _evaluate, _explain, _info, _predict, _train)
from ._app import app


def main() -> None:
    """Run the ``stance`` command."""
    app()


__all__ = ["app", "main"]
