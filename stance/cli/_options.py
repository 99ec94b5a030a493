"""Options shared by several commands."""

from __future__ import annotations

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


def load(path: Path, text_column: str, topic_column: str, stance_column: str, id_column: str,
         input_format: InputFormat | None, encoding: str):
    """Load a labelled dataset with the command's column options."""
    from .._dataset import load_dataset

    return load_dataset(path, text_column=text_column, topic_column=topic_column,
                        stance_column=stance_column, id_column=id_column,
                        format=input_format.value if input_format else None, encoding=encoding)
