"""Train the bundled model: the reproducible recipe behind ``models/``.

    python train.py                       # writes models/ and prints test-split figures

Settings are chosen by cross-validation on the train split only (folds grouped by statement):
the score of a candidate is the mean of two F_avg figures, on the labelled rows and on every
(statement, topic) pair with the missing pairs counted as ``none`` (a statement is labelled on
every topic it touches), because the bundled model is used both ways: on a named topic, and on
every topic at once. The chosen model is fitted on train + dev and scored once on the test split,
both ways.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

import stance
from stance.cli._tables import scores_table

HERE = Path(__file__).resolve().parent
GRID = [{"off_topic": k} for k in (0, 1, 2, 4)]  # the library defaults otherwise

err = Console(stderr=True)


def select(train: stance.Dataset, grid: list[dict], folds: int) -> tuple[dict, list[dict]]:
    """Cross-validate each candidate on the train split; return the best and all results."""
    results = []
    for params in grid:
        with err.status(f"Cross-validating {params} ({folds} folds)"):
            cv = stance.cross_validate(stance.StanceClassifier(random_state=0, **params), train,
                                       n_splits=folds, random_state=0, all_topics=True)
        score = (cv["mean"]["f_avg"] + cv["all_topics"]["f_avg"]) / 2
        results.append({"params": params, "score": score, "labelled": cv["mean"],
                        "all_topics": cv["all_topics"]})
        err.print(f"  {params}: F_avg {100 * cv['mean']['f_avg']:.2f} on labelled rows, "
                  f"{100 * cv['all_topics']['f_avg']:.2f} on all topics, score {100 * score:.2f}")
    best = max(results, key=lambda r: r["score"])
    return best["params"], results


def main(
    data: Annotated[Path, typer.Option(help="The labelled dataset.")]
    = HERE / "datasets" / "negotiation_stance.csv",
    output: Annotated[Path, typer.Option(help="Where to write the model.")] = HERE / "models",
    folds: Annotated[int, typer.Option(help="Cross-validation folds on the train split.")] = 5,
) -> None:
    """Train the bundled negotiation-stance model and print its test-split figures."""
    dataset = stance.load_dataset(data)
    split = dataset.extra["split"]
    train, fit_part, test = (dataset.subset(split == "train"),
                             dataset.subset((split == "train") | (split == "dev")),
                             dataset.subset(split == "test"))
    err.print(f"{data.name}: {len(train)} train, {len(fit_part) - len(train)} dev, "
              f"{len(test)} test rows")
    params, results = select(train, GRID, folds)
    err.print(f"Chosen by cross-validation on the train split: {params}")
    with err.status("Fitting on train + dev"):
        model = stance.StanceClassifier(random_state=0, **params).fit(fit_part.X, fit_part.y)
    evaluation = stance.evaluate(model, test)
    evaluation["description"] = (f"the dataset's test split, {len(test)} labelled rows; fitted on "
                                 f"train + dev, settings chosen by {folds}-fold cross-validation "
                                 f"on train")
    every = test.complete(dataset.topics)
    evaluation["all_topics"] = stance.evaluate(model, every)
    evaluation["all_topics"]["description"] = (
        f"every test statement on every topic, {len(every)} rows, the pairs not labelled counted "
        f"as none")
    evaluation["selection"] = results
    stance.save_model(model, output, data=fit_part, evaluation=evaluation)
    err.print(f"Saved the model to {output}")
    console = Console()
    console.print(scores_table(evaluation, f"Test split, labelled rows ({len(test)})"))
    console.print(scores_table(evaluation["all_topics"],
                               f"Test split, every statement on every topic ({len(every)} rows)"))


if __name__ == "__main__":
    typer.run(main)
