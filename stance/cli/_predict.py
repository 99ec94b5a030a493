"""``stance predict``: classify texts from arguments, standard input or a file."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ._app import command, err, out
from ._options import AllowNewTopics, Encoding, Format, ModelDir, TextColumn, TopicColumn


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


@command("predict")
def predict_cli(
    texts: Annotated[Optional[list[str]], typer.Argument(
        help="Statements to classify. Without them: -i FILE, or one statement per line on "
             "standard input.", show_default=False)] = None,
    topic: Annotated[Optional[list[str]], typer.Option(
        "--topic", "-t", help="Topic to score (repeat for several). Default: every topic the "
                              "model knows, or a file's own topic column.",
        show_default=False)] = None,
    model: ModelDir = None,
    input: Annotated[Optional[Path], typer.Option(
        "--input", "-i", help="CSV, TSV or JSONL file to score: one output row per input row, "
                              "its columns carried through.", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write results to this file (written atomically) instead of "
                               "standard output.", show_default=False)] = None,
    format: Annotated[Optional[OutputFormat], typer.Option(
        "--format", "-f", help="Output format. Default: table for texts, csv for a file, or "
                               "from the output file's suffix.", show_default=False)] = None,
    dask: Annotated[Optional[str], typer.Option(
        "--dask", help="Score -i on the Dask cluster at this scheduler address (e.g. "
                       "tcp://host:8786); -i may then be a glob pattern such as "
                       "'data/*.jsonl'. Needs the dask extra.", show_default=False)] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="Processes scoring a file in parallel (0: one per CPU).")]
    = 1,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Stop at the first row that cannot be scored, instead of reporting it "
                         "in that row's error column.")] = False,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue an interrupted -i/-o run from its last checkpoint, without "
                         "duplicating or skipping rows.")] = False,
    min_confidence: Annotated[Optional[float], typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Answer 'uncertain' when the most likely label's probability is below this "
             "(e.g. 0.6); the probabilities are still given.", show_default=False)] = None,
    allow_new_topics: AllowNewTopics = False,
    text_column: TextColumn = "text",
    topic_column: TopicColumn = "topic",
    input_format: Format = None,
    encoding: Encoding = "utf-8",
) -> None:
    """Classify statements: the stance on each topic and the probability of each label."""
    from .._batch import predict_file
    from .._topics import check_topics
    from .._errors import StanceError
    from .._persist import load_model, load_scorer
    from .._predict import classify, probability_columns
    from .._writers import choose_format, open_output

    if dask is not None and input is None:
        raise typer.BadParameter("--dask scores files: give them with -i.", param_hint="--dask")
    if input is not None and texts:
        raise typer.BadParameter("give statements as arguments or with -i FILE, not both.")
    fmt = format.value if format else None
    if input is not None:
        if fmt == "table":
            raise typer.BadParameter("a file's results cannot be a table; use csv, tsv, jsonl "
                                     "or json.", param_hint="--format")
        fitted = load_model(model)
        if dask is not None:
            from .._dask import predict_files_dask

            with err.status(f"Scoring {input} on {dask}"):
                n = predict_files_dask(str(input), output, address=dask, model=fitted,
                                       topics=topic, output_format=fmt,
                                       format=input_format.value if input_format else None,
                                       text_column=text_column, topic_column=topic_column,
                                       encoding=encoding, allow_new_topics=allow_new_topics,
                                       min_confidence=min_confidence)
            err.print(f"Scored {n} rows" + (f" into {output}" if output else ""))
            return
        try:
            with _progress(input) as advance:
                n = predict_file(input, output, model=fitted, topics=topic, output_format=fmt,
                                 format=input_format.value if input_format else None,
                                 text_column=text_column, topic_column=topic_column,
                                 encoding=encoding, allow_new_topics=allow_new_topics,
                                 strict=strict, resume=resume, jobs=jobs, progress=advance,
                                 min_confidence=min_confidence)
        except (StanceError, OSError, KeyboardInterrupt) as problem:
            raise _with_resume_hint(problem, output) from None
        err.print(f"Scored {n} rows" + (f" into {output}" if output else ""))
        return
    if not texts:
        if sys.stdin.isatty():
            raise typer.BadParameter("give statements as arguments, -i FILE, or pipe one "
                                     "statement per line on standard input.")
        texts = [line for line in _stdin_lines() if line.strip()]
        if not texts:
            raise typer.BadParameter("no statements on standard input; give statements as "
                                     "arguments, -i FILE, or one per line on standard input.")
    empty = [i for i, text in enumerate(texts, 1) if not text.strip()]
    if empty:
        raise typer.BadParameter(f"statement {empty[0]} is empty; give some text.")
    fitted = load_scorer(model)  # numpy only when the model directory has scorer.npz
    check_topics(fitted, topic or [], allow_new=allow_new_topics)
    rows = classify(texts, topic, model=fitted, min_confidence=min_confidence)
    fmt = fmt or choose_format(output, None, "csv" if output else "table")
    if fmt == "table" and output is not None:
        raise typer.BadParameter("a table goes to the terminal; for a file use csv, tsv, "
                                 "jsonl or json.", param_hint="--format")
    if fmt == "table":
        _print_table(rows, probability_columns())
        return
    with open_output(output, fmt, ["text", "topic", "stance", *probability_columns()]) as writer:
        for row in rows:
            writer.write(row)


def _stdin_lines() -> list[str]:
    """Standard input's lines: UTF-8 (a BOM dropped), CRLF or LF, or a one-line error."""
    from .._errors import StanceError

    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise StanceError(f"standard input, line {line}: bytes that are not UTF-8 "
                          f"({data[err.start:err.start + 4]!r}). Pipe UTF-8 text, or save it "
                          f"to a file and pass -i FILE --encoding ...") from None
    return [line.removesuffix("\r") for line in text.split("\n")]


def _with_resume_hint(problem: BaseException, output: Path | None) -> BaseException:
    """The same problem, saying how to continue when an interrupted run left a checkpoint."""
    from .._errors import Interrupted, StanceError
    from .._resume import OutputInUse, ResumeRefused, partial_paths

    partial, state = partial_paths(output) if output is not None else (None, None)
    if output is None or isinstance(problem, (OutputInUse, ResumeRefused)) or not (
            partial.is_file() and state.is_file()):
        return problem
    rows = json.loads(partial_paths(output)[1].read_text())["rows"]
    hint = (f" {rows} rows are safe in {partial_paths(output)[0].name}; run the same command "
            f"with --resume to continue.")
    if isinstance(problem, KeyboardInterrupt):
        return Interrupted(f"interrupted.{hint}")
    if isinstance(problem, OSError):
        return StanceError(f"{problem.filename or output}: {problem.strerror or problem}.{hint}")
    return StanceError(f"{problem}{hint}")


@contextmanager
def _progress(path: Path):
    """A progress bar on stderr over the input file's bytes; yields the update callback."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    size = path.stat().st_size if path.is_file() else None
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%  {task.fields[rows]:,} rows"),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(f"Scoring {path.name}", total=size, rows=0)
        yield lambda rows, done: bar.update(task, completed=done, rows=rows)


def _print_table(rows: list[dict], columns: list[str]) -> None:
    """One small table per statement, the statement as its title."""
    for text in dict.fromkeys(row["text"] for row in rows):
        table = Table(title=text, title_justify="left", title_style="bold")
        table.add_column("topic", no_wrap=True)
        for name in ("stance", *columns):
            table.add_column(name, justify="left" if name == "stance" else "right")
        for row in rows:
            if row["text"] == text:
                table.add_row(row["topic"], row["stance"], *(f"{row[c]:.3f}" for c in columns))
        out.print(table)
