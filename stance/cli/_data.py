"""``stance data``: commands about datasets rather than models."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer
from rich.table import Table

from ._app import app, command, err, out, print_json
from ._options import (DataPath, Encoding, Format, IdColumn, Json, StanceColumn, TextColumn,
                       TopicColumn, load)

data_app = typer.Typer(help="Check and describe labelled datasets.", no_args_is_help=True)
app.add_typer(data_app, name="data")


class Profile(str, Enum):
    bundled = "bundled"
    basic = "basic"


@command("check", group=data_app)
def check_cli(
    data: DataPath,
    profile: Annotated[Profile, typer.Option(
        help="bundled: every rule of the bundled dataset (size, balance, voices, registers, "
             "phenomena, splits); basic: integrity only (duplicates, one split per statement).")]
    = Profile.bundled,
    text_column: TextColumn = "text",
    topic_column: TopicColumn = "topic",
    stance_column: StanceColumn = "stance",
    id_column: IdColumn = "id",
    input_format: Format = None,
    encoding: Encoding = "utf-8",
    json: Json = False,
) -> None:
    """Check a labelled dataset against its rules; exit 1 when a rule is broken."""
    from .._checks import check_dataset

    dataset = load(data, text_column, topic_column, stance_column, id_column, input_format,
                   encoding)
    report = check_dataset(dataset, profile=profile.value)
    if json:
        print_json({"ok": report.ok, "checks": [c.__dict__ for c in report.checks],
                    "figures": report.figures})
    else:
        table = Table("rule", "figure", "result", title=f"{data}: {report.figures['rows']} rows, "
                      f"{report.figures['statements']} statements", title_justify="left")
        for c in report.checks:
            table.add_row(c.rule, c.figure, {True: "ok", False: "BROKEN", None: "n/a"}[c.passed])
        out.print(table)
        for a, b, s in report.figures["near_duplicates"][:10]:
            err.print(f"near duplicate: {a} ~ {b} (Jaccard {s:.2f})")
    if not report.ok:
        broken = [c.rule for c in report.checks if c.passed is False]
        err.print(f"error: {len(broken)} rule(s) broken: {'; '.join(broken)}")
        raise typer.Exit(1)
