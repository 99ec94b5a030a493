"""Classify texts on topics and lay the results out as rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._errors import StanceError
from ._labels import LABELS, UNCERTAIN


def probability_columns(prefix: str = "") -> list[str]:
    """The names of the probability columns, in display order (favor, against, none)."""
    return [f"{prefix}p_{label}" for label in LABELS]


def label_rows(model, pairs: np.ndarray, *, min_confidence: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Return the predicted label and the probabilities (columns in ``LABELS`` order) of pairs.

    With ``min_confidence``, a label whose probability is below it becomes ``"uncertain"``.
    """
    proba = model.predict_proba(pairs)
    order = [list(model.classes_).index(label) if label in model.classes_ else -1
             for label in LABELS]
    padded = np.column_stack([proba, np.zeros(len(proba))])  # a label the model never saw: 0
    labels = model.classes_[np.argmax(proba, axis=1)]
    return uncertain(labels, proba, min_confidence), padded[:, order]


def check_min_confidence(value: float | None) -> float | None:
    """``value`` if it is None or a probability in [0, 1], else a :class:`StanceError`."""
    if value is not None and not (isinstance(value, (int, float)) and 0.0 <= value <= 1.0):
        raise StanceError(f"min_confidence={value!r} is not a probability: give a number "
                          f"between 0 and 1 (e.g. 0.6).")
    return value


def uncertain(labels: np.ndarray, proba: np.ndarray, min_confidence: float | None):
    """``labels`` with ``"uncertain"`` where the top probability is below ``min_confidence``."""
    if min_confidence is None or not len(labels):
        return labels
    labels = labels.astype(object).copy()
    labels[np.asarray(proba).max(axis=1) < min_confidence] = UNCERTAIN
    return labels


def classify(texts: Sequence[str], topics: Sequence[str] | None = None, *,
             model=None, min_confidence: float | None = None) -> list[dict]:
    """Classify each text on each topic.

    Parameters
    ----------
    texts : sequence of str
        The statements.
    topics : sequence of str, default=None
        The topics to score every text on; None scores every topic the model knows.
    model : StanceClassifier, default=None
        A fitted model; None loads the bundled one.
    min_confidence : float, default=None
        Answer ``"uncertain"`` when the most likely label's probability is below this. The
        probabilities are still given. (Not a class the model learns: a threshold on its
        calibrated probabilities.)

    Returns
    -------
    list of dict
        One dict per (text, topic), texts in order and topics in order within a text, with keys
        ``text``, ``topic``, ``stance`` and ``p_favor``, ``p_against``, ``p_none``.

    Examples
    --------
    >>> import stance
    >>> rows = stance.classify(["Not one sanction should be lifted."], ["sanctions_relief"])
    >>> rows[0]["stance"]
    'against'
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, not a single string: "
                        "pass [text].")
    check_min_confidence(min_confidence)
    if model is None:
        from ._persist import load_model

        model = load_model()
    topics = list(model.topics_) if topics is None else list(topics)
    pairs = np.array([(text, topic) for text in texts for topic in topics], dtype=object)
    if not len(pairs):
        return []
    labels, proba = label_rows(model, pairs.reshape(-1, 2), min_confidence=min_confidence)
    return [
        {"text": text, "topic": topic, "stance": label,
         **dict(zip(probability_columns(), map(float, p)))}
        for (text, topic), label, p in zip(pairs, labels, proba)
    ]
