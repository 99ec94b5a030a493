"""Score a plain baseline, the default model and the bundled model on the negotiation test split.

    python benchmarks/negotiation.py [DATASET]

The baseline (one logistic regression per topic over word-unigram TF-IDF, scikit-learn
defaults) and ``StanceClassifier()`` with the library's default settings are fitted on train +
dev; the bundled model is loaded from ``models/`` (``python train.py`` fits it on train + dev).
All are scored once on the test split, two ways: on the labelled rows, and on every test
statement paired with every topic, the pairs not labelled counted as ``none``. Prints F_avg,
macro-F1 and accuracy, F_avg per topic, and accuracy per phenomenon tag.
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


class Baseline:
    """One word-unigram TF-IDF + logistic regression per topic."""

    def fit(self, X, y):
        self.models_ = {
            topic: make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)).fit(
                X[X[:, 1] == topic, 0], y[X[:, 1] == topic])
            for topic in sorted(set(X[:, 1]))}
        return self

    def predict(self, X):
        predicted = np.empty(len(X), dtype=object)
        for topic, model in self.models_.items():
            rows = X[:, 1] == topic
            if rows.any():
                predicted[rows] = model.predict(X[rows, 0])
        return predicted


def main(path: Path) -> None:
    data = stance.load_dataset(path)
    split = data.extra["split"]
    train, test = data.subset(split != "test"), data.subset(split == "test")
    every = test.complete(data.topics)
    models = {
        "baseline (word unigrams + LR per topic)": Baseline().fit(train.X, train.y),
        "default StanceClassifier()": stance.StanceClassifier(random_state=0).fit(train.X,
                                                                                   train.y),
        "bundled model (models/)": stance.load_model(),
    }
    print(f"{path.name}: fitted on {len(train)} train+dev rows; test: {len(test)} labelled "
          f"rows, {len(every)} (statement, topic) pairs in all")
    print(f"\n{'model':40} {'labelled rows: F_avg':>20} {'macro-F1':>8} {'acc':>6}   "
          f"{'all topics: F_avg':>17} {'macro-F1':>8} {'acc':>6}")
    reports = {}
    for name, model in models.items():
        a, b = stance.evaluate(model, test), stance.evaluate(model, every)
        reports[name] = a
        print(f"{name:40} {100 * a['f_avg']:20.2f} {100 * a['macro_f1']:8.2f} "
              f"{100 * a['accuracy']:6.2f}   {100 * b['f_avg']:17.2f} "
              f"{100 * b['macro_f1']:8.2f} {100 * b['accuracy']:6.2f}")
    print(f"\n{'F_avg on labelled rows':24} {'n':>4} " +
          " ".join(f"{n.split()[0]:>9}" for n in reports))
    for topic in test.topics:
        print(f"{topic:24} {int((test.topic == topic).sum()):4d} " + " ".join(
            f"{100 * r['per_topic'][topic]['f_avg']:9.2f}" for r in reports.values()))
    by_tag = defaultdict(list)
    for i, tags in enumerate(test.extra["phenomena"]):
        for tag in str(tags).split(";") if tags else ["(no tag)"]:
            by_tag[tag].append(i)
    names = list(models)[1:]
    predicted = {n: models[n].predict(test.X) for n in names}
    print(f"\n{'accuracy by phenomenon':24} {'rows':>4} " +
          " ".join(f"{n.split()[0]:>9}" for n in names))
    for tag, rows in sorted(by_tag.items(), key=lambda kv: np.mean(
            predicted[names[0]][kv[1]] == test.y[kv[1]])):
        print(f"{tag:24} {len(rows):4d} " + " ".join(
            f"{100 * np.mean(predicted[n][rows] == test.y[rows]):9.2f}" for n in names))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
