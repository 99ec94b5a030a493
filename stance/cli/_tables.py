"""Rich tables for evaluation reports."""

from __future__ import annotations

from rich.table import Table

from ._app import pct


def scores_table(report: dict, title: str) -> Table:
    """A per-topic table (n, F_avg, macro-F1, accuracy in percent) with an 'all' row."""
    table = Table(title=title, title_justify="left")
    for name in ("topic", "n", "F_avg %", "macro-F1 %", "accuracy %"):
        table.add_column(name, justify="left" if name == "topic" else "right")
    rows = sorted(report.get("per_topic", {}).items()) + [("all", report)]
    for i, (topic, s) in enumerate(rows):
        table.add_row(topic, str(s["n"]), pct(s["f_avg"]), pct(s["macro_f1"]),
                      pct(s["accuracy"]), end_section=i == len(rows) - 2)
    return table


def confusion_table(report: dict) -> Table:
    """The confusion matrix: rows are gold labels, columns predictions."""
    matrix = report["confusion_matrix"]
    table = Table(title="Confusion matrix (rows: gold, columns: predicted)", title_justify="left")
    table.add_column("gold \\ predicted")
    for label in matrix["labels"]:
        table.add_column(label, justify="right")
    for label, row in zip(matrix["labels"], matrix["matrix"]):
        table.add_row(label, *map(str, row))
    return table
