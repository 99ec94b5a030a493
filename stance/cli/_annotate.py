"""``stance suggest`` and ``stance audit``: help with growing and cleaning a labelled dataset."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ._app import command, err, out, print_json
from ._options import (AllowNewTopics, DataPath, Encoding, Format, IdColumn, Json, ModelDir,
                       TextColumn, TopicColumn, labelled_file, load)


class Measure(str, Enum):
    margin = "margin"
    entropy = "entropy"


@command("suggest")
def suggest_cli(
    input: Annotated[Path, typer.Option(
        "--input", "-i", help="CSV, TSV or JSONL file of statements to label: a text column, "
                              "and a topic column unless --topic is given.",
        show_default=False)],
    n: Annotated[int, typer.Option(
        "-n", "--number", min=1, help="How many rows to suggest, least sure first.")] = 50,
    topic: Annotated[Optional[list[str]], typer.Option(
        "--topic", "-t", help="Score every statement on this topic (repeat for several). "
                              "Default: each row's own topic.", show_default=False)] = None,
    by: Annotated[Measure, typer.Option(
        "--by", help="margin: top probability minus the next (smaller is less sure); "
                     "entropy: of the three probabilities (higher is less sure).")]
    = Measure.margin,
    model: ModelDir = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the rows to this file (CSV, or TSV/JSONL/JSON by suffix) "
                               "instead of standard output.", show_default=False)] = None,
    allow_new_topics: AllowNewTopics = False,
    text_column: TextColumn = "text",
    topic_column: TopicColumn = "topic",
    id_column: IdColumn = "id",
    input_format: Format = None,
    encoding: Encoding = "utf-8",
) -> None:
    """Suggest the statements to label next: those the model is least sure about.

    Writes CSV rows, least sure first, with an empty stance column to fill in: id (when the
    file has one), text, topic, stance, predicted, p_favor, p_against, p_none and the margin or
    entropy.
    """
    from .._annotate import load_statements, suggest
    from .._topics import check_topics
    from .._persist import load_model
    from .._predict import probability_columns
    from .._writers import choose_format, open_output

    data = load_statements(input, topics=topic, text_column=text_column,
                           topic_column=topic_column, id_column=id_column,
                           format=input_format.value if input_format else None,
                           encoding=encoding)
    fitted = load_model(model)
    check_topics(fitted, topic or data.topics, allow_new=allow_new_topics,
                 where="" if topic else f"{input}: ")
    with err.status("Scoring"):
        rows = suggest(fitted, data, n=n, topics=topic, by=by.value)
    columns = ["text", "topic", "stance", "predicted", *probability_columns(), by.value]
    if rows and "id" in rows[0]:
        columns.insert(0, "id")
    with open_output(output, choose_format(output, None, "csv"), columns) as writer:
        for row in rows:
            writer.write(row)
    scored = len(data) if not topic else len(set(data.groups.tolist())) * len(set(topic))
    err.print(f"Suggested the {len(rows)} least sure of {scored} (statement, topic) pairs by "
              f"{by.value}" + (f"; wrote {output}" if output else ""))


@command("audit")
@labelled_file
def audit_cli(
    data: DataPath,
    n_splits: Annotated[int, typer.Option(
        "--n-splits", help="Folds (grouped by statement) for the out-of-fold predictions.")] = 5,
    min_probability: Annotated[float, typer.Option(
        "--min-probability", min=0.0, max=1.0,
        help="Flag a row when another label than its own gets at least this probability.")]
    = 0.5,
    top: Annotated[int, typer.Option(
        "--top", min=0, help="Show this many flagged rows, most suspect first (0: all).")] = 50,
    random_state: Annotated[int, typer.Option(
        "--random-state", help="Seed for shuffling the statements into folds.")] = 0,
    reading: dict = None,
    json: Json = False,
) -> None:
    """Find labels that may be wrong: rows a model trained without them confidently disagrees with.

    Each row is predicted by a model fitted on the other folds (StanceClassifier defaults,
    folds grouped by statement as in cross-validation). Rows whose predicted label differs from
    the gold one with at least --min-probability are listed, most confident first.
    """
    from .._annotate import audit

    dataset = load(data, reading)
    with err.status("Audit") as status:
        flagged = audit(dataset, n_splits=n_splits, min_probability=min_probability,
                        random_state=random_state, progress=status.update)
    shown = flagged[:top] if top else flagged
    if json:
        print_json({"rows": len(dataset), "flagged": len(flagged), "n_splits": n_splits,
                    "min_probability": min_probability, "suspects": shown})
    elif shown:
        out.print(_audit_table(shown, f"{data}: likely label errors"))
    more = f"; showing the first {len(shown)}" if len(shown) < len(flagged) else ""
    err.print(f"Flagged {len(flagged)} of {len(dataset)} rows: another label got at least "
              f"{min_probability:g} out-of-fold probability{more}.")


def _audit_table(rows: list[dict], title: str) -> Table:
    """One row per suspect: where it is, the two labels and their probabilities, the text."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, leading=1)
    table.add_column("id / line" if "id" in rows[0] else "line", no_wrap=True)
    for name in ("label", "predicted"):
        table.add_column(name, no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("p_gold", justify="right", no_wrap=True)
    table.add_column("topic: text", ratio=1, min_width=20, overflow="fold")
    for row in rows:
        where = f"{row['id']}\n{row['line']}" if "id" in row else str(row["line"])
        table.add_row(where, row["label"], row["predicted"], f"{row['probability']:.3f}",
                      f"{row['p_gold']:.3f}",
                      Text.assemble((row["topic"], "bold"), ": ", row["text"]))
    return table
