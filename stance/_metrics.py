"""Stance metrics: F_avg (SemEval-2016), macro-F1, accuracy, per topic, confusion matrix."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from ._dataset import Dataset
from ._labels import LABELS


def stance_scores(y_true, y_pred) -> dict:
    """Score predicted labels against gold labels.

    Returns F_avg, the SemEval-2016 Task 6 metric (the mean of F1(favor) and F1(against) over
    all rows pooled; ``none`` is predicted but not averaged in), the 3-class macro-F1, the
    accuracy, the number of rows and the F1 of each label. ``stance_answers`` scores the
    ``favor``/``against`` answers as a whole: how many there are, how many are wrong (the gold
    label is another one, ``none`` included), their precision (the share that match the gold
    label exactly) and their recall (the share of gold ``favor``/``against`` rows answered with
    the exact label). All scores are fractions in [0, 1].

    Examples
    --------
    >>> s = stance_scores(["favor", "against", "none"], ["favor", "against", "favor"])
    >>> round(s["f_avg"], 3), round(s["accuracy"], 3), s["n"]
    (0.833, 0.667, 3)
    >>> s["stance_answers"]
    {'answers': 3, 'false': 1, 'precision': 0.6666666666666666, 'recall': 1.0}
    """
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    per_label = f1_score(y_true, y_pred, labels=list(LABELS), average=None, zero_division=0)
    answered, taken = y_pred != "none", y_true != "none"
    right = int(np.sum(answered & (y_true == y_pred)))
    return {
        "f_avg": float(np.mean(per_label[:2])),
        "macro_f1": float(np.mean(per_label)),
        "accuracy": float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0,
        "n": int(len(y_true)),
        "f1": {label: float(f) for label, f in zip(LABELS, per_label)},
        "stance_answers": {"answers": int(answered.sum()), "false": int(answered.sum()) - right,
                           "precision": float(right / answered.sum()) if answered.any() else 0.0,
                           "recall": float(right / taken.sum()) if taken.any() else 0.0},
    }


def evaluate(model, data: Dataset) -> dict:
    """Score a fitted model on a labelled dataset.

    Parameters
    ----------
    model : StanceClassifier
        A fitted model.
    data : Dataset
        Labelled statements.

    Returns
    -------
    dict
        ``f_avg``, ``macro_f1``, ``accuracy``, ``n``, ``f1`` (per label) over all rows;
        ``per_topic`` maps each topic to the same scores; ``confusion_matrix`` holds ``labels``
        and ``matrix`` (rows are gold labels, columns predictions).

    Examples
    --------
    >>> import stance
    >>> model = stance.load_model()  # doctest: +SKIP
    >>> stance.evaluate(model, stance.load_dataset("test.csv"))["f_avg"]  # doctest: +SKIP
    0.71
    """
    return score_predictions(data, model.predict(data.X))


def score_predictions(data: Dataset, predicted) -> dict:
    """Compute :func:`evaluate`'s report for given predictions of ``data``'s rows."""
    gold, predicted = data.y, np.asarray(predicted, dtype=object)
    report = stance_scores(gold, predicted)
    report["per_topic"] = {
        topic: stance_scores(gold[data.topic == topic], predicted[data.topic == topic])
        for topic in data.topics
    }
    report["confusion_matrix"] = {
        "labels": list(LABELS),
        "matrix": confusion_matrix(gold, predicted, labels=list(LABELS)).tolist(),
    }
    return report
