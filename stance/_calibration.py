"""Calibration: how far the probabilities are from the frequencies they claim, and a fix.

:func:`expected_calibration_error` measures it: the rows are binned by their top probability
(the model's confidence), and the gap between each bin's mean confidence and its accuracy is
averaged, weighted by the bin's size. :func:`fit_gated_temperatures` finds the temperatures
that minimise the log-loss of held-out rows: ``T`` divides the stance scores (dividing by one
positive number never changes which label is most likely) and ``T_r`` the relevance gate's
score (see ``StanceClassifier(off_topic=...)``); the two err in opposite directions.
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-12


def reliability_bins(y_true, proba, classes, *, n_bins: int = 15) -> list[dict]:
    """Per confidence bin: its range, row count, mean confidence and accuracy.

    Parameters
    ----------
    y_true : array-like of str
        The true labels.
    proba : ndarray of shape (n_samples, n_classes)
        Predicted probabilities, columns as ``classes``.
    classes : sequence of str
        The label of each column.
    n_bins : int, default=15
        Equal-width bins over [0, 1].

    Returns
    -------
    list of dict
        One dict per non-empty bin: ``low``, ``high``, ``n``, ``confidence``, ``accuracy``.

    Examples
    --------
    >>> reliability_bins(["favor", "none"], np.array([[0.9, 0.1], [0.6, 0.4]]),
    ...                  ["favor", "none"], n_bins=2)[0]["n"]
    2
    """
    proba = np.asarray(proba, dtype=float)
    y_true = np.asarray(y_true, dtype=object)
    confidence = proba.max(axis=1)
    correct = np.asarray(classes, dtype=object)[proba.argmax(axis=1)] == y_true
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    bins = []
    for b in range(n_bins):
        rows = which == b
        if rows.any():
            bins.append({"low": float(edges[b]), "high": float(edges[b + 1]),
                         "n": int(rows.sum()), "confidence": float(confidence[rows].mean()),
                         "accuracy": float(correct[rows].mean())})
    return bins


def expected_calibration_error(y_true, proba, classes, *, n_bins: int = 15) -> float:
    """The expected calibration error (ECE) of the top-label probabilities, in [0, 1].

    Examples
    --------
    >>> expected_calibration_error(["favor", "none"], np.array([[1.0, 0.0], [0.0, 1.0]]),
    ...                            ["favor", "none"])
    0.0
    """
    bins = reliability_bins(y_true, proba, classes, n_bins=n_bins)
    total = sum(b["n"] for b in bins)
    if not total:
        return 0.0
    return float(sum(b["n"] * abs(b["confidence"] - b["accuracy"]) for b in bins) / total)


def gated_proba(scores: np.ndarray, about: np.ndarray | None, none: int | None,
                temperature: float = 1.0, relevance_temperature: float = 1.0) -> np.ndarray:
    """Probabilities from stance scores and relevance scores (logits), each tempered.

    ``P = r * softmax(scores / T)``, with ``r = sigmoid(about / T_r)`` added to ``none`` as
    ``1 - r``; without a gate (``about`` None) just the softmax.
    """
    from scipy.special import expit, softmax

    proba = softmax(np.asarray(scores, dtype=np.float64) / temperature, axis=1)
    if about is None or none is None:
        return proba
    r = expit(np.asarray(about, dtype=np.float64) / relevance_temperature)
    proba = proba * r[:, None]
    proba[:, none] += 1.0 - r
    return proba


def fit_gated_temperatures(y_true, scores, about, classes, *,
                           weights=None) -> tuple[float, float]:
    """The stance and relevance temperatures minimising the (weighted) log-loss of held-out rows.

    Examples
    --------
    >>> s = np.array([[4.0, 0, 0], [4.0, 0, 0], [0, 4.0, 0], [0, 0, 4.0]])
    >>> t, _ = fit_gated_temperatures(["a", "b", "b", "c"], s, None, ["a", "b", "c"])
    >>> t > 1  # overconfident: soften
    True
    """
    from scipy.optimize import minimize

    column = {label: i for i, label in enumerate(classes)}
    truth = np.array([column[label] for label in y_true])
    rows = np.arange(len(truth))
    weights = np.ones(len(truth)) if weights is None else np.asarray(weights, dtype=float)
    weights = weights / weights.sum()
    none = column.get("none")
    gated = about is not None and none is not None
    about = np.clip(about, -50, 50) if gated else None

    def loss(logs) -> float:
        t, tr = np.exp(np.clip(logs, np.log(0.05), np.log(20.0)))
        p = gated_proba(scores, about, none if gated else None, t, tr)
        return float(-(weights * np.log(p[rows, truth] + _EPS)).sum())

    start = np.zeros(2)
    result = minimize(loss, start, method="Nelder-Mead",
                      options={"xatol": 1e-3, "fatol": 1e-7, "maxiter": 400})
    t, tr = np.exp(np.clip(result.x, np.log(0.05), np.log(20.0)))
    return float(t), float(tr) if gated else 1.0
