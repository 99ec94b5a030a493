"""Options shared by several commands."""

from __future__ import annotations

import functools
import inspect
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class InputFormat(str, Enum):
    csv = "csv"
    tsv = "tsv"
    jsonl = "jsonl"


DataPath = Annotated[Path, typer.Argument(help="A CSV, TSV or JSONL file of statements.",
                                          show_default=False)]
ModelDir = Annotated[Optional[Path], typer.Option(
    "--model", "-m", help="Model directory. Default: the bundled negotiation model.",
    show_default=False)]
TextColumn = Annotated[str, typer.Option(help="Column holding the statement text.")]
TopicColumn = Annotated[str, typer.Option(help="Column holding the topic id.")]
StanceColumn = Annotated[str, typer.Option(help="Column holding the label (favor/against/none).")]
IdColumn = Annotated[str, typer.Option(
    help="Column holding the statement id (rows sharing it are one statement); optional.")]
Format = Annotated[Optional[InputFormat], typer.Option(
    "--input-format", help="Input format. Default: from the file suffix.", show_default=False)]
Encoding = Annotated[str, typer.Option(help="Text encoding of the input file.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]
AllowNewTopics = Annotated[bool, typer.Option(
    "--allow-new-topics", help="Score topics the model was not trained on, from its shared "
                               "features, instead of refusing.")]


# The options that say how to read a labelled file, declared once for every command that reads
# one (see labelled_file): name, type, default.
READING = (("text_column", TextColumn, "text"), ("topic_column", TopicColumn, "topic"),
           ("stance_column", StanceColumn, "stance"), ("id_column", IdColumn, "id"),
           ("input_format", Format, None), ("encoding", Encoding, "utf-8"))


def labelled_file(func):
    """Give a command the options of ``READING`` (column names, format, encoding).

    The command declares a parameter ``reading`` instead; it receives a dict of those options,
    to pass to :func:`load`. They appear in ``--help`` just before the command's last option.
    """
    signature = inspect.signature(func, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "reading"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind,
                               default=default) for name, kind, default in READING]
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own]

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        reading = {name: kwargs.pop(name) for name, _, _ in READING if name in kwargs}
        return func(*args, reading=reading, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=own[:-1] + added + own[-1:])
    return wrapper


def load(path: Path, reading: dict):
    """Load a labelled dataset with the command's reading options (``labelled_file``)."""
    from .._dataset import load_dataset

    options = {**{name: default for name, _, default in READING}, **reading}
    fmt = options.pop("input_format")
    return load_dataset(path, format=fmt.value if fmt else None, **options)
