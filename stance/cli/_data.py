"""``stance data``: commands about datasets rather than models."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer
from rich.table import Table

from ._app import app, command, err, out, print_json
from ._options import DataPath, Json, labelled_file, load

data_app = typer.Typer(help="Check and describe labelled datasets.", no_args_is_help=True)
app.add_typer(data_app, name="data")


class Profile(str, Enum):
    bundled = "bundled"
    basic = "basic"


@command("check", group=data_app)
@labelled_file
def check_cli(
    data: DataPath,
    profile: Annotated[Profile, typer.Option(
        help="bundled: every rule of the bundled dataset (size, balance, voices, registers, "
             "phenomena, splits); basic: integrity only (duplicates, one split per statement).")]
    = Profile.bundled,
    reading: dict = None,
    json: Json = False,
) -> None:
    """Check a labelled dataset against its rules; exit 1 when a rule is broken."""
    from .._checks import check_dataset

    dataset = load(data, reading)
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


@command("stats", group=data_app)
@labelled_file
def stats_cli(
    data: DataPath,
    reading: dict = None,
    json: Json = False,
) -> None:
    """Describe a labelled dataset: topic x label counts per split, lengths, duplicates."""
    from .._annotate import data_stats

    dataset = load(data, reading)
    stats = data_stats(dataset)
    if json:
        print_json(stats)
        return
    out.print(f"{data}: {stats['rows']} rows, {stats['statements']} statements, "
              f"{stats['topics']} topics")
    for split, topics in stats["counts"].items():
        out.print(_counts_table(topics, f"split {split}: {stats['per_split'][split]} rows"))
    if len(stats["counts"]) > 1:
        out.print("all splits: " + ", ".join(f"{k} {v}" for k, v in stats["per_label"].items())
                  + f", total {stats['rows']}")
    out.print(_lengths_table(stats))
    dup = stats["duplicates"]
    out.print(f"exact duplicate texts: {dup['count']} ({dup['extra_copies']} extra copies)")
    for example in dup["examples"]:
        where = ", ".join(map(str, example.get("ids") or example["lines"]))
        out.print(f"  {where}: {example['text'][:80]}")


def _counts_table(topics: dict, title: str) -> Table:
    labels = [k for k in next(iter(topics.values()), {"total": 0}) if k != "total"]
    table = Table("topic", *labels, "total", title=title, title_justify="left")
    for column in table.columns[1:]:
        column.justify = "right"
    totals = {k: 0 for k in (*labels, "total")}
    for i, (topic, cell) in enumerate(topics.items()):
        table.add_row(topic, *(str(cell[k]) for k in (*labels, "total")),
                      end_section=i == len(topics) - 1)
        totals = {k: totals[k] + cell[k] for k in totals}
    table.add_row("all", *map(str, totals.values()))
    return table


def _lengths_table(stats: dict) -> Table:
    table = Table("per statement", "min", "median", "mean", "max", title_justify="left",
                  title="Lengths and rows per statement")
    for column in table.columns[1:]:
        column.justify = "right"
    for name, key in (("characters", "length_chars"), ("words", "length_words"),
                      ("rows (topics)", "rows_per_statement")):
        s = stats[key]
        table.add_row(name, str(s["min"]), f"{s['median']:g}", f"{s['mean']:.1f}", str(s["max"]))
    return table
