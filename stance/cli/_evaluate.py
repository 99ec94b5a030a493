"""``stance evaluate``: score a model on a labelled file."""

from __future__ import annotations

import json as json_module
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import command, err, out, print_json
from ._options import DataPath, Json, ModelDir, labelled_file, load
from ._tables import confusion_table, scores_table


@command("evaluate")
@labelled_file
def evaluate_cli(
    data: DataPath,
    model: ModelDir = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Also write the report as JSON to this file.",
        show_default=False)] = None,
    report_dir: Annotated[Optional[Path], typer.Option(
        "--report", help="Also write a report into this directory: index.html (open it in a "
        "browser), metrics.json and plots (with matplotlib: pip install \"stance[plot]\").",
        show_default=False)] = None,
    reading: dict = None,
    json: Json = False,
) -> None:
    """Score a model on the labelled statements in DATA.

    Prints F_avg (the SemEval-2016 metric: mean F1 of favor and against, all rows pooled),
    3-class macro-F1 and accuracy overall and per topic, and the confusion matrix. With --json,
    one JSON object whose scores are fractions in [0, 1]. With --report DIR, also the expected
    calibration error and a report page, DIR/index.html, with plots and the most confident errors.
    """
    from .._metrics import evaluate
    from .._persist import load_model

    dataset = load(data, reading)
    with err.status("Scoring"):
        if report_dir is None:
            report = evaluate(load_model(model), dataset)
        else:
            from .._report import write_report

            report = write_report(load_model(model), dataset, report_dir)
    if report_dir is not None:
        files = ", ".join(report.pop("files"))
        err.print(f"Wrote the report to {report_dir} ({files})", markup=False)
    if output is not None:
        output.write_text(json_module.dumps(report, indent=2) + "\n", encoding="utf-8")
        err.print(f"Wrote {output}")
    if json:
        print_json(report)
    else:
        out.print(scores_table(report, f"{data} ({report['n']} rows)"))
        out.print(confusion_table(report))
