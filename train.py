"""Train the bundled model: the reproducible recipe behind ``models/``.

    python train.py            # writes models/ and prints test-split figures (2.5 min)
    python train.py --select   # first chooses the settings by cross-validation (about 30 min)

The model learns from two sources (``datasets/README.md``):

- the synthetic statements (``negotiation_stance.csv``), each written about a topic;
- real sentences of UN General Debate speeches (``ungd_stance.csv``, every sentence labelled on
  all ten topics, most of them ``none``) and 30,000 background sentences of the same speeches
  (``ungd_background.csv``, ``none``, each paired with one topic drawn at random).

Settings are chosen by cross-validation on the train splits only (``--select``): folds grouped
by speech for real sentences and by statement for synthetic ones. A candidate's score is the
mean of two out-of-fold figures: the F_avg on the real sentences (every sentence on every topic),
and the synthetic F_avg (the mean of the labelled rows' F_avg and every statement's on every
topic, the pairs not labelled counted as ``none``), because the model is used both ways. For each candidate the ``none_bias`` (how much
evidence a stance answer needs) is chosen on the same out-of-fold probabilities. Without
``--select`` the settings are ``SETTINGS``, the choice of the last ``--select`` run (its table
is in benchmarks/README.md). The model is fitted on every train split (and the synthetic dev
split) and scored once on the test splits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console

import stance
from stance.cli._tables import scores_table

HERE = Path(__file__).resolve().parent
DATA = HERE / "datasets"
ALL = ("synthetic", "untouched", "real", "background")
# Candidates, each with the library defaults otherwise. "sources": the data it learns from;
# "weights": the weight of each source's rows (default 1); off_topic: the relevance gate
# (see StanceClassifier).
SMALL = {"off_topic": 0, "min_df": 2, "topic_blocks": "stance"}
GRID = [{"sources": ("synthetic",), "off_topic": 2},  # the model trained on synthetic data only
        {"sources": ("synthetic", "real", "background"), **SMALL,
         "weights": {"real": 2.0, "background": 2.0}},
        {"sources": ALL, **SMALL},
        {"sources": ALL, **SMALL, "weights": {"real": 2.0, "background": 2.0}},
        {"sources": ALL, **SMALL, "weights": {"real": 2.0, "background": 2.0, "untouched": 0.3}},
        {"sources": ALL, **SMALL, "weights": {"real": 2.0, "background": 2.0, "untouched": 0.1}}]
# The choice of `python train.py --select` on the first version of the real dataset (3,305
# sentences; benchmarks/README.md#real-speech has its table), kept when 798 were added.
SETTINGS = {"sources": ALL, **SMALL,
            "weights": {"real": 2.0, "background": 2.0, "untouched": 0.3}, "none_bias": 0.0}
NONE_BIASES = np.round(np.arange(0.0, 4.01, 0.25), 2)

err = Console(stderr=True)


def load_sources(folder: Path = DATA) -> dict[str, stance.Dataset]:
    """The sources of the bundled model: the synthetic statements, the topics they do not touch
    (``untouched``: every synthetic statement paired with the topics it is not labelled on, as
    ``none``; the synthetic set labels each statement on every topic it touches), the real
    sentences and the background sentences."""
    synthetic = stance.load_dataset(folder / "negotiation_stance.csv")
    full = synthetic.complete(stance.NEGOTIATION_TOPICS)
    added = np.arange(len(synthetic), len(full))
    split_of = dict(zip(synthetic.id.tolist(), synthetic.extra["split"].tolist()))
    untouched = full.subset(added)
    untouched.extra["split"] = np.array([split_of[i] for i in untouched.id], dtype=object)
    return {"synthetic": synthetic, "untouched": untouched,
            "real": stance.load_dataset(folder / "ungd_stance.csv"),
            "background": stance.load_dataset(folder / "ungd_background.csv")}


def part(sources: dict[str, stance.Dataset], splits: tuple[str, ...],
         names: tuple[str, ...] = ALL) -> stance.Dataset:
    """The rows of the named sources in the given splits, joined, with a ``source`` column."""
    pieces = []
    for name in names:
        data = sources[name]
        rows = data.subset(np.isin(data.extra["split"], splits))
        rows.extra["source"] = np.full(len(rows), name, dtype=object)
        pieces.append(rows)
    return stance.Dataset.concatenate(pieces)


def cv_groups(data: stance.Dataset) -> np.ndarray:
    """The speech of each real or background row, the statement of each synthetic row."""
    speech = data.extra.get("speech")
    return np.array([s if isinstance(s, str) and s else f"statement:{i}"
                     for s, i in zip(speech if speech is not None else [None] * len(data),
                                     data.id)], dtype=object)


def source_weights(data: stance.Dataset, weights: dict[str, float] | None) -> np.ndarray | None:
    """Each row's weight: the weight of its source (1 for a source not named)."""
    if not weights:
        return None
    return np.array([weights.get(s, 1.0) for s in data.extra["source"]], dtype=np.float64)


def with_none_bias(proba: np.ndarray, bias: float) -> np.ndarray:
    """Probabilities (columns in ``stance.LABELS`` order) after adding ``bias`` to the none score.

    Exact for models without a relevance gate: their probabilities are a softmax of the scores.
    """
    weighted = proba * np.where(np.array(stance.LABELS) == "none", np.exp(bias), 1.0)
    return weighted / weighted.sum(axis=1, keepdims=True)


def real_scores(data: stance.Dataset, proba: np.ndarray, bias: float) -> dict:
    """Out-of-fold scores of the real sentences (every topic), the synthetic labelled rows,
    every synthetic statement on every topic, and the background."""
    predicted = np.array(stance.LABELS, dtype=object)[with_none_bias(proba, bias).argmax(1)]
    source = data.extra["source"]
    rows = {"real": source == "real", "synthetic": source == "synthetic",
            "synthetic_all_topics": np.isin(source, ["synthetic", "untouched"]),
            "background": source == "background"}
    return {name: stance.stance_scores(data.y[r], predicted[r]) for name, r in rows.items()
            if r.any()}


def select(data: stance.Dataset, grid: list[dict], folds: int) -> tuple[dict, list[dict]]:
    """Cross-validate each candidate and its none_bias; return the best and all results."""
    results = []
    for candidate in grid:
        params = {k: v for k, v in candidate.items() if k not in ("sources", "weights")}
        rows = data.subset(np.isin(data.extra["source"], candidate["sources"]))
        weights = source_weights(rows, candidate.get("weights"))
        with err.status(f"Cross-validating {candidate} ({folds} folds, {len(rows)} rows)"):
            cv = stance.cross_validate(stance.StanceClassifier(random_state=0, **params), rows,
                                       n_splits=folds, random_state=0, groups=cv_groups(rows),
                                       sample_weight=weights)
        unseen = data.subset(~np.isin(data.extra["source"], candidate["sources"]))
        if len(unseen):  # scored by a model fitted on the candidate's sources: never seen
            model = stance.StanceClassifier(random_state=0, **params).fit(rows.X, rows.y, weights)
            order = [list(model.classes_).index(label) for label in stance.LABELS]
            proba = np.concatenate([cv["proba"], model.predict_proba(unseen.X)[:, order]])
            rows = stance.Dataset.concatenate([rows, unseen])
        else:
            proba = cv["proba"]
        biases = NONE_BIASES if not params.get("off_topic") else [0.0]
        for bias in biases:
            scores = real_scores(rows, proba, bias)
            score = (scores["real"]["f_avg"] + (scores["synthetic"]["f_avg"]
                                                 + scores["synthetic_all_topics"]["f_avg"]) / 2) / 2
            results.append({"params": {**candidate, "none_bias": float(bias)}, "score": score,
                            **{k: _brief(v) for k, v in scores.items()}})
        best = max((r for r in results
                    if all(r["params"].get(k) == v for k, v in candidate.items())),
                   key=lambda r: r["score"])
        err.print(f"  {best['params']}: F_avg real {100 * best['real']['f_avg']:.2f}, "
                  f"synthetic {100 * best['synthetic']['f_avg']:.2f} (every topic "
                  f"{100 * best['synthetic_all_topics']['f_avg']:.2f}), "
                  f"score {100 * best['score']:.2f}")
    return max(results, key=lambda r: r["score"])["params"], results


def _brief(scores: dict) -> dict:
    return {"f_avg": scores["f_avg"], "accuracy": scores["accuracy"], "n": scores["n"],
            **scores["stance_answers"]}


def main(
    data: Annotated[Path, typer.Option(help="The folder of the three datasets.")] = DATA,
    output: Annotated[Path, typer.Option(help="Where to write the model.")] = HERE / "models",
    select_settings: Annotated[bool, typer.Option(
        "--select", help="Choose the settings by cross-validation first (about 30 min) instead "
                         "of using SETTINGS.")] = False,
    folds: Annotated[int, typer.Option(help="Cross-validation folds with --select.")] = 3,
) -> None:
    """Train the bundled negotiation-stance model and print its test-split figures."""
    sources = load_sources(data)
    chosen, results = SETTINGS, None
    if select_settings:
        train = part(sources, ("train",))
        err.print(f"Train splits: {len(train)} rows (" + ", ".join(
            f"{n} {int((train.extra['source'] == n).sum())}" for n in sources) + ")")
        chosen, results = select(train, GRID, folds)
        err.print(f"Chosen by cross-validation on the train splits: {chosen}")
    params = {k: v for k, v in chosen.items() if k not in ("sources", "weights")}
    fit_part = part(sources, ("train", "dev"), chosen["sources"])
    with err.status(f"Fitting on every train split and the synthetic dev split ({len(fit_part)} "
                    f"rows)"):
        model = stance.StanceClassifier(random_state=0, **params).fit(
            fit_part.X, fit_part.y, source_weights(fit_part, chosen.get("weights")))
    evaluation = test_figures(model, sources)
    evaluation["settings"] = {**chosen, "sources": list(chosen["sources"]),
                              "chosen_by": "train.py --select" if results else "train.py SETTINGS"}
    if results:
        evaluation["selection"] = results
    stance.save_model(model, output, data=fit_part, evaluation=evaluation)
    err.print(f"Saved the model to {output}")
    console = Console()
    console.print(scores_table(evaluation, f"Real test split: every sentence on every topic "
                                           f"({evaluation['n']} pairs)"))
    for key, title in (("synthetic", "Synthetic test split, labelled rows"),
                       ("synthetic_all_topics", "Synthetic test split, every statement on "
                                                "every topic")):
        console.print(scores_table(evaluation[key], f"{title} ({evaluation[key]['n']} rows)"))
    answers = evaluation["stance_answers"]
    err.print(f"Real test split: precision of the stance answers {answers['precision']:.2f}, "
              f"recall {answers['recall']:.2f}, {evaluation['false_stance_per_100']:.2f} false "
              f"stance answers per 100 sentences (background: "
              f"{evaluation['background']['false_stance_per_100']:.2f})")


def test_figures(model, sources: dict[str, stance.Dataset]) -> dict:
    """The model's figures on the test splits: the real one first (the headline), and under
    ``background``, ``synthetic`` and ``synthetic_all_topics`` the others."""
    test = {name: data.subset(data.extra["split"] == "test") for name, data in sources.items()}
    topics = sources["synthetic"].topics
    figures = stance.evaluate(model, test["real"])
    figures["background"] = stance.evaluate(model, test["background"].complete(topics))
    figures["synthetic"] = stance.evaluate(model, test["synthetic"])
    figures["synthetic_all_topics"] = stance.evaluate(model, test["synthetic"].complete(topics))
    for report, data in ((figures, test["real"]), (figures["background"], test["background"])):
        report["sentences"] = len(set(data.id.tolist()))
        report["false_stance_per_100"] = (100 * report["stance_answers"]["false"]
                                          / report["sentences"])
    figures["description"] = (
        f"real test split: {figures['sentences']} sentences of UN General Debate speeches "
        f"(datasets/ungd_stance.csv), every sentence on every topic")
    figures["background"]["description"] = (
        f"background test split: {figures['background']['sentences']} sentences that do not "
        f"touch the war, every sentence on every topic (all none)")
    figures["synthetic"]["description"] = (
        f"synthetic test split, {len(test['synthetic'])} labelled rows")
    figures["synthetic_all_topics"]["description"] = (
        "synthetic test split, every statement on every topic, the pairs not labelled counted "
        "as none")
    return figures


if __name__ == "__main__":
    typer.run(main)
