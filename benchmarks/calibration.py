"""Expected calibration error on the negotiation test split, before and after calibration.

    python benchmarks/calibration.py [DATASET] [--select]

Fits the bundled model's parameters (read from ``models/metadata.json``) on train + dev twice:
with ``calibration=None`` and with ``calibration="temperature"`` (a temperature fitted on
3-fold out-of-fold probabilities of train + dev only). Both are scored once on the test split:
on the labelled rows, and on every test statement paired with every topic (unlabelled pairs
counted as ``none``). Prints the ECE (15 equal-width bins over the top probability), the
log-loss and F_avg. With ``--select``, it instead cross-validates the choice on train + dev
only (5 folds grouped by statement): the mean held-out ECE of no calibration and of
temperatures fitted on 3 and on 5 inner folds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import stance
from stance._calibration import expected_calibration_error

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "datasets" / "negotiation_stance.csv"


def log_loss(y, proba, classes) -> float:
    column = {c: i for i, c in enumerate(classes)}
    return float(-np.mean(np.log(np.clip(proba[np.arange(len(y)), [column[v] for v in y]],
                                         1e-12, 1))))


def bundled_params() -> dict:
    params = stance.read_metadata(ROOT / "models")["params"]
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def select(train: stance.Dataset, folds: int = 5) -> None:
    """Held-out ECE of each calibration choice, by cross-validation on ``train`` only."""
    from stance._cross_validation import fold_of_rows

    variants = {"none": {"calibration": None},
                "temperature, 3 inner folds": {"calibration": "temperature"},
                "temperature, 5 inner folds": {"calibration": "temperature",
                                               "calibration_cv": 5}}
    fold = fold_of_rows(train, n_splits=folds, random_state=0)
    scores = {name: [] for name in variants}
    for k in range(folds):
        fit = train.subset(np.flatnonzero(fold != k))
        held = train.subset(np.flatnonzero(fold == k))
        every = held.complete(train.topics)
        for name, variant in variants.items():
            model = stance.StanceClassifier(**{**bundled_params(), **variant}).fit(fit.X, fit.y)
            scores[name].append([expected_calibration_error(part.y, model.predict_proba(part.X),
                                                            model.classes_)
                                 for part in (held, every)])
            print(f"fold {k + 1}: {name}: ECE {100 * scores[name][-1][0]:.2f} labelled, "
                  f"{100 * scores[name][-1][1]:.2f} all topics", flush=True)
    for name, values in scores.items():
        values = 100 * np.array(values)
        print(f"{name:28} labelled {values[:, 0].mean():.2f}  all topics "
              f"{values[:, 1].mean():.2f}  mean {values.mean():.2f}")


def main(path: Path, choose: bool = False) -> None:
    data = stance.load_dataset(path)
    split = data.extra["split"]
    train, test = data.subset(split != "test"), data.subset(split == "test")
    if choose:
        select(train)
        return
    every = test.complete(data.topics)
    params = bundled_params()
    print(f"{path.name}: fitted on {len(train)} train+dev rows; test: {len(test)} labelled rows, "
          f"{len(every)} (statement, topic) pairs")
    print(f"{'calibration':32} {'rows':>13} {'ECE':>7} {'log-loss':>9} {'F_avg':>7}")
    for name in (None, "temperature"):
        model = stance.StanceClassifier(**{**params, "calibration": name}).fit(train.X, train.y)
        for label, part in (("labelled", test), ("all topics", every)):
            proba = model.predict_proba(part.X)
            ece = expected_calibration_error(part.y, proba, model.classes_)
            f_avg = stance.evaluate(model, part)["f_avg"]
            temps = f"T={model.temperature_:.2f}, T_r={model.relevance_temperature_:.2f}"
            print(f"{str(name) + f' ({temps})':32} {label:>13} "
                  f"{100 * ece:7.2f} {log_loss(part.y, proba, model.classes_):9.4f} "
                  f"{100 * f_avg:7.2f}", flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--select"]
    main(Path(args[0]) if args else DEFAULT, choose="--select" in sys.argv[1:])
