"""Classify texts on topics and lay the results out as rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._labels import LABELS


def probability_columns(prefix: str = "") -> list[str]:
    """The names of the probability columns, in display order (favor, against, none)."""
    return [f"{prefix}p_{label}" for label in LABELS]


def label_rows(model, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the predicted label and the probabilities (columns in ``LABELS`` order) of pairs."""
    proba = model.predict_proba(pairs)
    order = [list(model.classes_).index(label) if label in model.classes_ else -1
             for label in LABELS]
    padded = np.column_stack([proba, np.zeros(len(proba))])  # a label the model never saw: 0
    return model.classes_[np.argmax(proba, axis=1)], padded[:, order]


def classify(texts: Sequence[str], topics: Sequence[str] | None = None, *,
             model=None) -> list[dict]:
    """Classify each text on each topic.

    Parameters
    ----------
    texts : sequence of str
        The statements.
    topics : sequence of str, default=None
        The topics to score every text on; None scores every topic the model knows.
    model : StanceClassifier, default=None
        A fitted model; None loads the bundled one.

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
    if model is None:
        from ._persist import load_model

        model = load_model()
    topics = list(model.topics_) if topics is None else list(topics)
    pairs = np.array([(text, topic) for text in texts for topic in topics], dtype=object)
    if not len(pairs):
        return []
    labels, proba = label_rows(model, pairs.reshape(-1, 2))
    return [
        {"text": text, "topic": topic, "stance": label,
         **dict(zip(probability_columns(), map(float, p)))}
        for (text, topic), label, p in zip(pairs, labels, proba)
    ]
