"""``stance topics`` and ``stance info``: what a model knows, read without unpickling it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ._app import command, out, print_json
from ._options import Json, ModelDir
from ._tables import scores_table


@command("topics")
def topics_cli(model: ModelDir = None, json: Json = False) -> None:
    """List the topics a model knows, each with the question it answers."""
    from .._persist import read_metadata

    topics = read_metadata(model)["topics"]
    if json:
        print_json(topics)
        return
    table = Table("topic", "is the statement for or against ...")
    for topic, question in topics.items():
        table.add_row(topic, question or "-")
    out.print(table)


@command("info")
def info_cli(
    model_dir: Annotated[Optional[Path], typer.Argument(
        help="Model directory. Default: the bundled model.", show_default=False)] = None,
    json: Json = False,
) -> None:
    """Show a model's metadata: versions, training data, parameters and figures."""
    from .._persist import bundled_model_path, read_metadata

    path = model_dir or bundled_model_path()
    meta = read_metadata(path)
    if json:
        print_json(meta)
        return
    data = meta.get("training_data") or {}
    table = Table(show_header=False, title=str(path), title_justify="left")
    for key, value in [
        ("created", meta.get("created")),
        ("format", f"{meta['format']} v{meta['format_version']}"),
        ("versions", ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())),
        ("labels", ", ".join(meta.get("classes", []))),
        ("topics", ", ".join(meta.get("topics", {}))),
        ("training data", f"{data.get('file')} ({data.get('rows')} rows, "
                          f"{data.get('statements')} statements, sha256 "
                          f"{str(data.get('sha256'))[:12]}...)" if data else "not recorded"),
        ("parameters", ", ".join(f"{k}={v}" for k, v in sorted(meta.get("params", {}).items()))),
    ]:
        table.add_row(key, str(value))
    out.print(table)
    if meta.get("evaluation"):
        out.print(scores_table(meta["evaluation"], meta["evaluation"].get("description",
                                                                           "Evaluation")))
