"""Splits and cross-validation that never put one statement on both sides."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupShuffleSplit, StratifiedGroupKFold

from ._dataset import Dataset
from ._errors import StanceError
from ._labels import LABELS
from ._metrics import score_predictions, stance_scores
from ._predict import label_rows

_SCORES = ("f_avg", "macro_f1", "accuracy")


def split_dataset(data: Dataset, *, test_size: float = 0.2,
                  random_state: int | None = 0) -> tuple[Dataset, Dataset]:
    """Split a dataset into train and test parts, keeping each statement's rows together.

    Examples
    --------
    >>> train, test = split_dataset(data, test_size=0.2)  # doctest: +SKIP
    """
    if not 0 < test_size < 1:
        raise StanceError(f"test_size must be between 0 and 1 (exclusive), got {test_size}.")
    if len(set(data.groups.tolist())) < 2:
        raise StanceError(f"{data.source}: cannot split a dataset of a single statement.")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(splitter.split(data.X, groups=data.groups))
    return data.subset(train), data.subset(test)


def cross_validate(estimator, data: Dataset, *, n_splits: int = 5,
                   random_state: int | None = 0, all_topics: bool = False,
                   groups=None, sample_weight=None, progress=None) -> dict:
    """Cross-validate an estimator with folds grouped by statement and stratified by topic and label.

    Parameters
    ----------
    estimator : StanceClassifier
        An unfitted estimator (it is cloned for each fold).
    data : Dataset
        Labelled statements. Rows of one statement (same ``id``) always fall in the same fold.
    n_splits : int, default=5
        The number of folds.
    random_state : int or None, default=0
        Seed for shuffling the statements into folds.
    all_topics : bool, default=False
        Also score each held-out statement on every topic it is not labelled on, counted as
        ``none`` (see :meth:`Dataset.complete`): how the model does when asked about every
        topic. The fold means go under ``all_topics``.
    groups : array-like of shape (n_rows,), default=None
        The group of each row; a group's rows always fall in the same fold (e.g. the speech
        of each sentence, so that no speech is on both sides). Default: the statement
        (``data.groups``).
    sample_weight : array-like of shape (n_rows,), default=None
        Passed, for the training rows of each fold, to the estimator's ``fit``.
    progress : callable, default=None
        Called with a short message (``"Cross-validation: fitting fold 2 of 5"``) before each
        fold.

    Returns
    -------
    dict
        ``folds`` (the scores of each fold), ``mean`` and ``std`` of ``f_avg``, ``macro_f1`` and
        ``accuracy`` over folds, ``pooled`` (the full :func:`evaluate` report of the out-of-fold
        predictions), ``predictions`` (the out-of-fold label of every row), ``proba`` (its
        out-of-fold probabilities, columns in ``LABELS`` order) and ``fold`` (the fold in which
        each row was predicted).

    Examples
    --------
    >>> import stance
    >>> data = stance.load_dataset("datasets/negotiation_stance.csv")  # doctest: +SKIP
    >>> stance.cross_validate(stance.StanceClassifier(), data)["mean"]["f_avg"]  # doctest: +SKIP
    0.62
    """
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != (len(data),):
            raise StanceError(f"sample_weight has {len(sample_weight)} values but the dataset "
                              f"has {len(data)} rows; give one weight per row.")
    fold_of_row = fold_of_rows(data, n_splits=n_splits, random_state=random_state,
                               groups=groups)
    predicted = np.empty(len(data), dtype=object)
    proba = np.zeros((len(data), len(LABELS)))
    fold_scores, complete_scores = [], []
    for k in range(n_splits):
        train, test = np.flatnonzero(fold_of_row != k), np.flatnonzero(fold_of_row == k)
        if progress is not None:
            progress(f"Cross-validation: fitting fold {k + 1} of {n_splits} "
                     f"({len(train)} rows)")
        weights = {} if sample_weight is None else {"sample_weight": sample_weight[train]}
        model = clone(estimator).fit(data.X[train], data.y[train], **weights)
        predicted[test], proba[test] = label_rows(model, data.X[test])
        fold_scores.append(stance_scores(data.y[test], predicted[test]))
        if all_topics:
            held_out = data.subset(test).complete(data.topics)
            added = held_out.subset(np.arange(len(test), len(held_out)))
            complete_scores.append(stance_scores(
                held_out.y, np.concatenate([predicted[test], model.predict(added.X)])))
    extra = {"all_topics": _means(complete_scores)} if all_topics else {}
    return {
        "folds": fold_scores,
        "mean": _means(fold_scores),
        "std": {k: float(np.std([f[k] for f in fold_scores])) for k in _SCORES},
        "pooled": score_predictions(data, predicted),
        "predictions": predicted,
        "proba": proba,
        "fold": fold_of_row,
        **extra,
    }


def fold_of_rows(data: Dataset, *, n_splits: int = 5, random_state: int | None = 0,
                 groups=None) -> np.ndarray:
    """The cross-validation fold of each row: grouped by statement (or by ``groups``),
    stratified by topic and label (the folds of :func:`cross_validate`)."""
    what = "statements" if groups is None else "groups"
    groups = data.groups if groups is None else np.asarray(groups, dtype=object)
    if len(groups) != len(data):
        raise StanceError(f"groups has {len(groups)} values but the dataset has {len(data)} "
                          f"rows; give one group per row.")
    n_groups = len(set(groups.tolist()))
    if not 2 <= n_splits <= n_groups:
        raise StanceError(f"n_splits={n_splits} must be between 2 and the number of {what} "
                          f"({n_groups}).")
    strata = np.array([f"{t}|{s}" for t, s in zip(data.topic, data.y)], dtype=object)
    kinds, counts = np.unique(strata, return_counts=True)
    if counts.max() < n_splits:
        labels = {label: int((data.y == label).sum()) for label in LABELS}
        raise StanceError(
            f"{data.source}: too few statements per label for {n_splits} folds: "
            + ", ".join(f"{k} {n}" for k, n in labels.items())
            + f" rows; no (topic, label) pair has {n_splits} rows (the most is "
            f"{counts.max()}, {kinds[counts.argmax()].replace('|', ' ')}). "
            + (f"Use fewer folds (at most {counts.max()}) or label more statements."
               if counts.max() >= 2 else "Label more statements."))
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    fold = np.empty(len(data), dtype=np.int64)
    for k, (_, test) in enumerate(folds.split(data.X, strata, groups=groups)):
        fold[test] = k
    return fold


def _means(scores: list[dict]) -> dict:
    return {k: float(np.mean([s[k] for s in scores])) for k in _SCORES}
