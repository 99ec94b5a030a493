"""Expected calibration error on the negotiation test split, before and after calibration.

    python benchmarks/calibration.py [DATASET]

Fits the bundled model's parameters (read from ``models/metadata.json``) on train + dev twice:
with ``calibration=None`` and with ``calibration="temperature"`` (a temperature fitted on
3-fold out-of-fold probabilities of train + dev only). Both are scored once on the test split:
on the labelled rows, and on every test statement paired with every topic (unlabelled pairs
counted as ``none``). Prints the ECE (15 equal-width bins over the top probability), the
log-loss and F_avg, which calibration leaves unchanged.
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


def main(path: Path) -> None:
    data = stance.load_dataset(path)
    split = data.extra["split"]
    train, test = data.subset(split != "test"), data.subset(split == "test")
    every = test.complete(data.topics)
    params = stance.read_metadata(ROOT / "models")["params"]
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
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
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
