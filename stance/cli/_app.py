"""The typer application, its consoles, and the error handling every command shares."""

from __future__ import annotations

import functools
import json
import warnings

import typer
from rich.console import Console
from rich.text import Text

app = typer.Typer(
    name="stance",
    help="Tell whether statements favor, oppose or take no stance on negotiation topics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise."""
    err.print(Text.assemble(("error: ", "bold red"), message))
    return typer.Exit(code)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    err.print(Text.assemble(("warning: ", "bold yellow"), str(message)))


def command(name: str | None = None, *, group: typer.Typer | None = None, **kwargs):
    """Register a command (on ``group``, default the main app) whose user errors end in one line
    on stderr and exit code 1."""
    from .._errors import Interrupted, StanceError, StanceWarning

    def register(func):
        @functools.wraps(func)
        def wrapper(*args, **kw):
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                warnings.simplefilter("always", StanceWarning)  # shown, whatever the filters
                try:
                    return func(*args, **kw)
                except Interrupted as error:
                    raise fail(str(error), code=130) from None
                except StanceError as error:
                    raise fail(str(error)) from None
                except OSError as error:
                    where = f"{error.filename}: " if error.filename else ""
                    raise fail(f"{where}{error.strerror or error}. Check the path, the "
                               f"permissions and the free disk space.") from None
                except KeyboardInterrupt:
                    raise fail("interrupted.", code=130) from None
        return (group or app).command(name, **kwargs)(wrapper)

    return register


def print_json(value) -> None:
    """Write ``value`` as JSON on stdout."""
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def pct(value: float | None) -> str:
    """Format a fraction as a percentage with two decimals."""
    return "-" if value is None else f"{100 * value:.2f}"
