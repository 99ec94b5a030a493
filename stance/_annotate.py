"""Annotation help: which statements to label next, which labels to check, what a dataset holds."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ._dataset import Dataset, load_dataset
from ._errors import DataError, StanceError
from ._labels import LABELS
from ._predict import label_rows, probability_columns
from ._cross_validation import cross_validate

#: The uncertainty measures of :func:`suggest`.
UNCERTAINTY: tuple[str, ...] = ("margin", "entropy")
_SPLIT_ORDER = ("train", "dev", "test")
_NO_SPLIT = "(none)"
_SHOWN_DUPLICATES = 20


def suggest(model, data: Dataset, *, n: int | None = 50, topics: Sequence[str] | None = None,
            by: str = "margin") -> list[dict]:
    """Pick the statements the model is least sure about: the ones worth labelling next.

    Parameters
    ----------
    model : StanceClassifier
        A fitted model.
    data : Dataset
        Statements, labelled or not (labels are ignored).
    n : int or None, default=50
        How many rows to return; None returns every row, ranked.
    topics : sequence of str, default=None
        Score every statement (each distinct ``id``, first row) on each of these topics. None
        scores each row on its own topic.
    by : {"margin", "entropy"}, default="margin"
        "margin": the highest probability minus the second highest (smaller is less sure).
        "entropy": the entropy of the three probabilities, in nats (higher is less sure).

    Returns
    -------
    list of dict
        The ``n`` least sure rows, least sure first (ties keep the input order), each with
        ``id`` (when the data has ids), ``text``, ``topic``, an empty ``stance`` to fill in,
        ``predicted``, ``p_favor``, ``p_against``, ``p_none`` and ``margin`` or ``entropy``.

    Raises
    ------
    StanceError
        For an unknown ``by``, an ``n`` below 1 or an empty ``topics``.

    Examples
    --------
    >>> import stance
    >>> data = stance.Dataset.from_records([
    ...     {"id": "n1", "text": "Not one sanction should be lifted.", "topic": "sanctions_relief"},
    ...     {"id": "n2", "text": "Sanctions, perhaps, one day, if they talk.",
    ...      "topic": "sanctions_relief"}], labelled=False)
    >>> rows = suggest(stance.load_model(), data, n=1)
    >>> rows[0]["id"], rows[0]["stance"], rows[0]["margin"] < 0.5
    ('n2', '', True)
    """
    if by not in UNCERTAINTY:
        raise StanceError(f"by={by!r} is not a measure of uncertainty. Use one of: "
                          f"{', '.join(UNCERTAINTY)}.")
    if n is not None and (not isinstance(n, (int, np.integer)) or n < 1):
        raise StanceError(f"n={n!r} must be a whole number >= 1 (or None for every row).")
    rows, pairs = _pairs(data, topics)
    if not len(pairs):
        return []
    predicted, proba = label_rows(model, pairs)
    value = _uncertainty(proba, by)
    order = np.argsort(value if by == "margin" else -value, kind="stable")[:n]
    with_ids = _has_ids(data)
    out = []
    for i in order.tolist():
        row = rows[i]
        record = {"id": data.id[row]} if with_ids else {}
        record.update(text=data.text[row], topic=pairs[i, 1], stance="",
                      predicted=predicted[i],
                      **dict(zip(probability_columns(), map(float, proba[i]))),
                      **{by: float(value[i])})
        out.append(record)
    return out


def _pairs(data: Dataset, topics: Sequence[str] | None) -> tuple[list[int], np.ndarray]:
    """The row behind each (text, topic) pair to score, and the pairs."""
    if topics is None:
        return list(range(len(data))), data.X
    if isinstance(topics, str):
        topics = [topics]
    topics = list(dict.fromkeys(topics))
    if not topics:
        raise StanceError("topics is empty: give at least one topic, or None to score each "
                          "row on its own topic.")
    first: dict[str, int] = {}
    for i, key in enumerate(data.id.tolist()):
        first.setdefault(key, i)
    rows = [i for i in first.values() for _ in topics]
    pairs = np.array([(data.text[i], t) for i in first.values() for t in topics], dtype=object)
    return rows, pairs.reshape(-1, 2)


def _uncertainty(proba: np.ndarray, by: str) -> np.ndarray:
    if by == "margin":
        top = np.sort(proba, axis=1)
        return top[:, -1] - top[:, -2]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(proba > 0, proba * np.log(proba), 0.0)
    return np.maximum(-terms.sum(axis=1), 0.0)


def _has_ids(data: Dataset) -> bool:
    """Whether the rows carry ids of their own (without an id column, the id is the text)."""
    return bool(np.any(data.id != data.text)) if len(data) else False


def audit(data: Dataset, *, estimator=None, n_splits: int = 5, min_probability: float = 0.5,
          random_state: int | None = 0,
          progress: Callable[[str], None] | None = None) -> list[dict]:
    """Find labels that may be wrong: rows whose out-of-fold prediction confidently disagrees.

    Every row is predicted by a model that never saw its statement: the folds are those of
    :func:`cross_validate` (grouped by statement, stratified by topic and label), with the
    estimator cloned and fitted for each fold.

    Parameters
    ----------
    data : Dataset
        Labelled statements.
    estimator : StanceClassifier, default=None
        An unfitted estimator; None uses ``StanceClassifier()``.
    n_splits : int, default=5
        The number of folds, between 2 and the number of statements.
    min_probability : float, default=0.5
        Flag a row when the predicted label differs from the gold one and has at least this
        out-of-fold probability.
    random_state : int or None, default=0
        Seed for shuffling the statements into folds (as in :func:`cross_validate`).
    progress : callable, default=None
        Called with a short message (``"Audit: fitting fold 2 of 5 (2870 rows)"``) before
        each fold, as in :func:`cross_validate`.

    Returns
    -------
    list of dict
        The flagged rows, most confident disagreement first, each with ``line``, ``id`` (when
        the data has ids), ``text``, ``topic``, ``label`` (the gold one), ``predicted``,
        ``probability`` (of the predicted label) and ``p_gold`` (of the gold label).

    Examples
    --------
    >>> import stance
    >>> data = stance.load_dataset("datasets/negotiation_stance.csv")  # doctest: +SKIP
    >>> suspects = audit(data, min_probability=0.8)  # doctest: +SKIP
    >>> suspects[0]["label"], suspects[0]["predicted"]  # doctest: +SKIP
    ('none', 'against')
    """
    if not 0 <= min_probability <= 1:
        raise StanceError(f"min_probability={min_probability} must be between 0 and 1.")
    if estimator is None:
        from ._model import StanceClassifier

        estimator = StanceClassifier()
    say = None if progress is None else (
        lambda message: progress("Audit: " + message.split(": ", 1)[1]))
    proba = cross_validate(estimator, data, n_splits=n_splits, random_state=random_state,
                           progress=say)["proba"]
    gold = np.array([LABELS.index(label) for label in data.y.tolist()], dtype=np.int64)
    best = np.argmax(proba, axis=1)
    rows = np.arange(len(data))
    probability, p_gold = proba[rows, best], proba[rows, gold]
    flagged = np.flatnonzero((best != gold) & (probability >= min_probability))
    flagged = flagged[np.argsort(-probability[flagged], kind="stable")]
    with_ids = _has_ids(data)
    return [{"line": int(data.line[i]), **({"id": data.id[i]} if with_ids else {}),
             "text": data.text[i], "topic": data.topic[i], "label": data.y[i],
             "predicted": LABELS[best[i]], "probability": float(probability[i]),
             "p_gold": float(p_gold[i])} for i in flagged.tolist()]


def data_stats(data: Dataset) -> dict:
    """Describe a dataset: label counts per topic and split, lengths, duplicates.

    Parameters
    ----------
    data : Dataset
        Statements, labelled or not.

    Returns
    -------
    dict
        ``rows``, ``statements`` (distinct ids, or texts without ids), ``topics``;
        ``counts``: split -> topic -> label -> rows, plus ``total`` (split ``"all"`` when the
        data has no ``split`` column; labels only for labelled data); ``per_label``,
        ``per_topic`` and ``per_split`` row totals; ``length_chars`` and ``length_words`` of
        the statements (``min``, ``median``, ``mean``, ``max``); ``rows_per_statement``
        (the same figures and ``histogram``: rows -> statements); ``duplicates``: ``count``
        of texts found more than once (in several statements, or twice on one topic),
        ``extra_copies`` beyond the first of each, and ``examples`` (up to 20, each with the
        ``text``, its ``copies`` and the first ``lines`` and ``ids`` of each copy).

    Examples
    --------
    >>> data = Dataset.from_records([
    ...     {"id": "a", "text": "Lift the sanctions.", "topic": "sanctions_relief",
    ...      "stance": "favor"},
    ...     {"id": "b", "text": "Lift the sanctions.", "topic": "sanctions_relief",
    ...      "stance": "favor"}])
    >>> stats = data_stats(data)
    >>> stats["counts"]["all"]["sanctions_relief"]["favor"], stats["duplicates"]["count"]
    (2, 1)
    """
    splits = _splits(data)
    names = sorted(set(splits), key=lambda s: (_split_rank(s), s))
    labels = list(LABELS) if data.stance is not None else []
    counts: dict[str, dict] = {}
    for split in names:
        mask = splits == split
        counts[split] = {}
        for topic in data.topics:
            rows = mask & (data.topic == topic)
            cell = {label: int(np.sum(rows & (data.stance == label))) for label in labels}
            cell["total"] = int(rows.sum())
            if cell["total"]:
                counts[split][topic] = cell
    first = _first_rows(data)
    texts = [data.text[i] for i in first]
    per_statement = Counter(data.groups.tolist())
    return {
        "rows": len(data),
        "statements": len(first),
        "topics": len(data.topics),
        "counts": counts,
        "per_label": {label: int(np.sum(data.stance == label)) for label in labels},
        "per_topic": {t: int(np.sum(data.topic == t)) for t in data.topics},
        "per_split": {s: int(np.sum(splits == s)) for s in names},
        "length_chars": _summary([len(t) for t in texts]),
        "length_words": _summary([len(t.split()) for t in texts]),
        "rows_per_statement": {**_summary(list(per_statement.values())),
                               "histogram": dict(sorted(Counter(per_statement.values()).items()))},
        "duplicates": _duplicates(data),
    }


def _splits(data: Dataset) -> np.ndarray:
    column = data.extra.get("split")
    if column is None:
        return np.full(len(data), "all", dtype=object)
    return np.array([_NO_SPLIT if v in (None, "") else str(v) for v in column.tolist()],
                    dtype=object)


def _split_rank(split: str) -> int:
    return _SPLIT_ORDER.index(split) if split in _SPLIT_ORDER else len(_SPLIT_ORDER)


def _first_rows(data: Dataset) -> list[int]:
    first: dict[str, int] = {}
    for i, key in enumerate(data.groups.tolist()):
        first.setdefault(key, i)
    return list(first.values())


def _summary(values: list[int]) -> dict:
    if not values:
        return {"min": 0, "median": 0.0, "mean": 0.0, "max": 0}
    return {"min": int(min(values)), "median": float(np.median(values)),
            "mean": float(np.mean(values)), "max": int(max(values))}


def _duplicates(data: Dataset) -> dict:
    """Texts found in several statements, or more than once on one (statement, topic).

    A copy of a text is a statement carrying it; a row repeating a (statement, topic) pair
    already seen starts another copy (so files without ids have their repeats counted too).
    """
    seen: Counter = Counter()
    copies: dict[str, dict[tuple, int]] = defaultdict(dict)
    for i, (text, key, topic) in enumerate(zip(data.text.tolist(), data.id.tolist(),
                                               data.topic.tolist())):
        repeat = seen[(key, topic)]
        seen[(key, topic)] += 1
        copies[text].setdefault((key, repeat), i)
    repeated = {text: rows for text, rows in copies.items() if len(rows) > 1}
    with_ids = _has_ids(data)
    examples = []
    for text, rows in list(repeated.items())[:_SHOWN_DUPLICATES]:
        firsts = list(rows.values())
        examples.append({"text": text, "copies": len(firsts),
                         "lines": [int(data.line[i]) for i in firsts],
                         **({"ids": [data.id[i] for i in firsts]} if with_ids else {})})
    return {"count": len(repeated),
            "extra_copies": sum(len(rows) - 1 for rows in repeated.values()),
            "examples": examples}


def load_statements(path: str | Path, *, topics: Sequence[str] | None = None,
                    text_column: str = "text", topic_column: str = "topic",
                    id_column: str = "id", format: str | None = None,
                    encoding: str = "utf-8") -> Dataset:
    """Load statements to label: a file with a text column, and a topic column unless ``topics``.

    With ``topics`` and no topic column in the file, each row's topic is set to the first of
    ``topics`` (:func:`suggest` then scores every statement on every topic of ``topics``).
    Any stance column is kept among ``extra``.
    """
    if isinstance(topics, str):
        topics = [topics]
    try:
        return load_dataset(path, text_column=text_column, topic_column=topic_column,
                            id_column=id_column, format=format, encoding=encoding,
                            labelled=False, default_topic=topics[0] if topics else None)
    except DataError as error:
        if topics or "no column" not in str(error) or f"'{topic_column}'" not in str(error):
            raise
        raise DataError(f"{error} Or give the topics to score every statement on (--topic).") \
            from None
