"""Score a plain baseline and the default model on the negotiation dataset's test split.

    python benchmarks/negotiation.py [DATASET]

Both are fitted on train + dev and scored once on test. The baseline is one logistic regression
per topic over word-unigram TF-IDF (scikit-learn defaults); the default model is
``StanceClassifier()`` with the library's default settings. Prints F_avg, macro-F1 and accuracy
overall and per topic, and the default model's accuracy on the rows carrying each phenomenon tag.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import stance

DEFAULT = Path(__file__).resolve().parent.parent / "datasets" / "negotiation_stance.csv"


def baseline_predict(train: stance.Dataset, test: stance.Dataset) -> np.ndarray:
    predicted = np.empty(len(test), dtype=object)
    for topic in test.topics:
        model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
        model.fit(train.text[train.topic == topic], train.y[train.topic == topic])
        predicted[test.topic == topic] = model.predict(test.text[test.topic == topic])
    return predicted


def main(path: Path) -> None:
    data = stance.load_dataset(path)
    split = data.extra["split"]
    train, test = data.subset(split != "test"), data.subset(split == "test")
    reports = {
        "baseline (word unigrams + LR per topic)": stance.evaluate(
            _Fixed(baseline_predict(train, test)), test),
    }
    model = stance.StanceClassifier(random_state=0).fit(train.X, train.y)
    predicted = model.predict(test.X)
    reports["default StanceClassifier()"] = stance.evaluate(model, test)
    print(f"{path.name}: fitted on {len(train)} train+dev rows, scored on {len(test)} test rows")
    print(f"\n{'model':42} {'F_avg':>6} {'macro-F1':>8} {'accuracy':>8}")
    for name, r in reports.items():
        print(f"{name:42} {100 * r['f_avg']:6.2f} {100 * r['macro_f1']:8.2f} "
              f"{100 * r['accuracy']:8.2f}")
    print(f"\n{'topic':24} {'n':>4} " + " ".join(f"{n.split()[0]:>9}" for n in reports)
          + "   (F_avg)")
    for topic in test.topics:
        print(f"{topic:24} {int((test.topic == topic).sum()):4d} " + " ".join(
            f"{100 * r['per_topic'][topic]['f_avg']:9.2f}" for r in reports.values()))
    by_tag = defaultdict(list)
    for i, tags in enumerate(test.extra["phenomena"]):
        for tag in str(tags or "").split(";") if tags else ["(no tag)"]:
            by_tag[tag].append(i)
    print(f"\n{'phenomenon':22} {'rows':>5} {'accuracy':>8}   (default model, test split)")
    for tag, rows in sorted(by_tag.items(), key=lambda kv: np.mean(predicted[kv[1]] ==
                                                                   test.y[kv[1]])):
        print(f"{tag:22} {len(rows):5d} {100 * np.mean(predicted[rows] == test.y[rows]):8.2f}")


class _Fixed:
    """Stand-in model that returns given predictions, so both reports use stance.evaluate."""

    def __init__(self, predicted):
        self.predicted = predicted

    def predict(self, X):
        return self.predicted


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
