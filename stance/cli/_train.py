"""``stance train``: fit a model on a labelled file, report held-out figures, save it."""

from __future__ import annotations

import time
from contextlib import contextmanager

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import command, err, out, print_json
from ._options import DataPath, Json, labelled_file, load
from ._tables import scores_table


class ModelFormat(str, Enum):
    joblib = "joblib"
    skops = "skops"


class Preset(str, Enum):
    default = "default"
    fast = "fast"
    large = "large"


@command("train")
@labelled_file
def train_cli(
    data: DataPath,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to write.")]
    = Path("model"),
    test_size: Annotated[float, typer.Option(
        min=0.0, max=0.9, help="Share of statements held out to report figures (0: none).")]
    = 0.2,
    cv: Annotated[int, typer.Option(
        "--cv", min=0, help="Report figures from this many cross-validation folds (grouped by "
                            "statement) instead of one held-out split (0: no).")] = 0,
    calibrate: Annotated[bool, typer.Option(
        "--calibrate/--no-calibrate",
        help="Fit temperatures on out-of-fold scores so that the probabilities can be read "
             "as frequencies (costs three extra fits; see benchmarks/README.md for what it "
             "does on the bundled data).")]
    = False,
    seed: Annotated[int, typer.Option(help="Random seed for the split and the model.")] = 0,
    model_format: Annotated[ModelFormat, typer.Option(
        "--format", help="Model file format: joblib (a pickle: load only from people you "
                         "trust) or skops (no pickle: safe to share; needs the skops extra).")]
    = ModelFormat.joblib,
    preset: Annotated[Preset, typer.Option(
        help="Parameter preset: default (TF-IDF, most accurate), fast (hashed n-grams, many "
             "times faster to score), large (hashed, trained by streaming SGD: millions of "
             "statements in bounded memory). Options below override it.")] = Preset.default,
    c: Annotated[Optional[float], typer.Option(
        "--C", min=1e-6, help="Inverse regularisation strength. [default: 10]",
        show_default=False)] = None,
    word_ngrams: Annotated[Optional[tuple[int, int]], typer.Option(
        help="Word n-gram lengths (min max). [default: 1 2]", show_default=False)] = None,
    char_ngrams: Annotated[Optional[tuple[int, int]], typer.Option(
        help="Character n-gram lengths (min max). [default: 2 5]", show_default=False)] = None,
    off_topic: Annotated[Optional[int], typer.Option(
        min=0, help="Learn a relevance gate from this many unlabelled topics per statement "
                    "(for data where a statement is labelled on every topic it touches). "
                    "[default: 0]", show_default=False)] = None,
    topic_copies: Annotated[Optional[bool], typer.Option(
        "--topic-copies/--no-topic-copies",
        help="Learn topic-specific weights beside the shared ones. [default: yes]",
        show_default=False)] = None,
    balanced: Annotated[Optional[bool], typer.Option(
        "--balanced/--no-balanced", help="Weight classes by inverse frequency. [default: yes]",
        show_default=False)] = None,
    reading: dict = None,
    json: Json = False,
) -> None:
    """Train a model on DATA, report figures on held-out statements, and save it.

    The held-out statements are scored by a model fitted on the rest; the saved model is then
    refitted on all rows.
    """
    from .._model import PRESETS
    from .._persist import check_target, save_model
    from .._training import train

    check_target(output)  # before the work: never train for minutes, then refuse the output
    dataset = load(data, reading)
    err.print(f"Read {len(dataset)} rows, {len(set(dataset.groups.tolist()))} statements, "
              f"{len(dataset.topics)} topics from {data}")
    given = {"C": c, "word_ngram_range": word_ngrams, "char_ngram_range": char_ngrams,
             "off_topic": off_topic, "topic_copies": topic_copies}
    params = {**PRESETS[preset.value], **{k: v for k, v in given.items() if v is not None}}
    if balanced is not None:
        params["class_weight"] = "balanced" if balanced else None
    if calibrate:
        params["calibration"] = "temperature"
    with _steps() as step:
        result = train(dataset, test_size=test_size, random_state=seed, cv=cv,
                       progress=step, **params)
    save_model(result.model, output, data=dataset, evaluation=result.evaluation,
               format=model_format.value)
    err.print(f"Saved the model to {output}")
    if json:
        print_json({"model": str(output), "evaluation": result.evaluation})
    elif result.evaluation:
        cross = result.evaluation.get("cross_validation")
        title = (f"Out-of-fold figures, {cv}-fold cross-validation ({result.evaluation['n']} "
                 f"rows; F_avg per fold {100 * cross['mean']['f_avg']:.2f} ± "
                 f"{100 * cross['std']['f_avg']:.2f})" if cross else
                 f"Held-out figures ({result.evaluation['n']} rows)")
        out.print(scores_table(result.evaluation, title))


@contextmanager
def _steps():
    """Show each training step live on stderr with its elapsed time; keep a line per step."""
    started = time.perf_counter()
    current = {"message": None, "since": started}

    def done() -> None:
        if current["message"] is not None:
            err.print(f"  {current['message']}: {time.perf_counter() - current['since']:.1f} s")

    with err.status("Training") as status:
        def step(message: str) -> None:
            done()
            current.update(message=message, since=time.perf_counter())
            status.update(message)

        yield step
    done()
    err.print(f"Trained in {time.perf_counter() - started:.1f} s")
