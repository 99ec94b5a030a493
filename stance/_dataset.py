"""Labelled statements: loading, validating and slicing a dataset."""

from __future__ import annotations

import difflib
import hashlib
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._errors import DataError, StanceWarning
from ._labels import LABELS, normalize_stance
from ._reader import open_records


@dataclass(frozen=True, eq=False)
class Dataset:
    """Statements with their topics and (optionally) stance labels.

    One row is one (statement, topic) pair. Rows that share an ``id`` (or, without ids, the same
    text) are one statement labelled on several topics; ``groups`` keeps them together when the
    data is split.

    Attributes
    ----------
    text, topic : ndarray of str
        The statement and the topic of each row.
    stance : ndarray of str or None
        The label of each row (``favor``/``against``/``none``), or None for unlabelled data.
    id : ndarray of str
        The statement id of each row (the text itself when the file has no id).
    line : ndarray of int
        Where each row starts in its file (1-based), for messages.
    extra : dict of str to ndarray
        Every other column of the file, kept as it was (e.g. ``split``, ``voice``).
    source : str or None
        The file the rows came from.
    sha256 : str or None
        The SHA-256 of that file's bytes.

    Examples
    --------
    >>> data = Dataset.from_records([
    ...     {"text": "Lift the sanctions now.", "topic": "sanctions_relief", "stance": "favor"},
    ...     {"text": "No truce with the aggressor.", "topic": "ceasefire", "stance": "AGAINST"},
    ... ])
    >>> len(data), list(data.y)
    (2, ['favor', 'against'])
    """

    text: np.ndarray
    topic: np.ndarray
    stance: np.ndarray | None
    id: np.ndarray
    line: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    source: str | None = None
    sha256: str | None = None

    @classmethod
    def from_records(cls, records: Iterable[Mapping], *, labelled: bool = True,
                     source: str | None = None) -> Dataset:
        """Build a dataset from mappings with keys ``text``, ``topic``, ``stance`` (, ``id``)."""
        return _build(((n, r) for n, r in enumerate(records, 1)), _Columns(),
                      labelled=labelled, source=source or "<records>", sha256=None)

    @classmethod
    def concatenate(cls, parts: Sequence[Dataset]) -> Dataset:
        """Join datasets row after row (e.g. synthetic and real statements) into one.

        The ``extra`` columns are the union of the parts' columns (None where a part has none);
        ``source`` names the parts' files (each once), joined by " + ", and ``sha256`` is the SHA-256 of the
        parts' own SHA-256s (None if a part has none), so a saved model still records exactly
        which files it learned from. Every part must be labelled, or none.

        Examples
        --------
        >>> a = Dataset.from_records([{"text": "Lift the sanctions.", "topic": "sanctions_relief",
        ...                            "stance": "favor", "split": "train"}])
        >>> b = Dataset.from_records([{"text": "No truce now.", "topic": "ceasefire",
        ...                            "stance": "against", "year": "2022"}])
        >>> both = Dataset.concatenate([a, b])
        >>> len(both), list(both.extra["split"]), list(both.extra["year"])
        (2, ['train', None], [None, '2022'])
        """
        if not parts:
            raise DataError("Nothing to concatenate: give at least one dataset.")
        if len({p.stance is None for p in parts}) > 1:
            raise DataError("Cannot concatenate labelled and unlabelled datasets; label them all "
                            "or load them all with labelled=False.")
        text_of: dict = {}
        for n, part in enumerate(parts):
            for key, text in zip(part.id.tolist(), part.text.tolist()):
                if text_of.setdefault(key, (n, text))[1] != text:
                    raise DataError(f"Statement id {key!r} is in part {text_of[key][0] + 1} "
                                    f"and part {n + 1} with different texts; ids must name one "
                                    f"statement across the parts. Give the parts distinct ids "
                                    f"(e.g. a prefix per file).")
        names = list(dict.fromkeys(k for p in parts for k in p.extra))
        join = lambda get: np.concatenate([get(p) for p in parts])  # noqa: E731
        return cls(text=join(lambda p: p.text), topic=join(lambda p: p.topic),
                   stance=None if parts[0].stance is None else join(lambda p: p.stance),
                   id=join(lambda p: p.id), line=join(lambda p: p.line),
                   extra={k: join(lambda p: p.extra.get(k, _array([None] * len(p))))
                          for k in names},
                   source=" + ".join(dict.fromkeys(Path(str(p.source)).name for p in parts)),
                   sha256=None if any(p.sha256 is None for p in parts) else hashlib.sha256(
                       " ".join(p.sha256 for p in parts).encode()).hexdigest())

    def __len__(self) -> int:
        return len(self.text)

    @property
    def X(self) -> np.ndarray:
        """The model input: an array of shape (n_rows, 2) holding (text, topic) pairs."""
        return np.column_stack([self.text, self.topic]) if len(self) else np.empty((0, 2), object)

    @property
    def y(self) -> np.ndarray:
        """The stance labels; raises if the dataset is unlabelled."""
        if self.stance is None:
            raise DataError(f"{self.source}: this dataset has no stance labels.")
        return self.stance

    @property
    def groups(self) -> np.ndarray:
        """The statement of each row, for splits that keep a statement's rows together."""
        return self.id

    @property
    def topics(self) -> list[str]:
        """The distinct topics, sorted."""
        return sorted(set(self.topic.tolist()))

    def complete(self, topics: Sequence[str] | None = None) -> Dataset:
        """Label every statement on every topic, adding the missing pairs as ``none``.

        Use it when each statement is labelled on every topic it touches (as in the bundled
        dataset), so that a missing (statement, topic) pair means the statement does not touch
        the topic, whose stance is then ``none``. The added rows come after the existing ones;
        their ``extra`` columns are empty and their ``line`` is the statement's first line.

        Examples
        --------
        >>> data = Dataset.from_records([
        ...     {"text": "Lift the sanctions.", "topic": "sanctions_relief", "stance": "favor"},
        ...     {"text": "No truce now.", "topic": "ceasefire", "stance": "against"}])
        >>> full = data.complete()
        >>> len(full), list(full.y[2:])
        (4, ['none', 'none'])
        """
        every = sorted(set(self.topic.tolist()) | set(topics or []))
        have = set(zip(self.id.tolist(), self.topic.tolist()))
        first: dict[str, int] = {}
        for i, key in enumerate(self.id.tolist()):
            first.setdefault(key, i)
        add = [(first[key], topic) for key in first for topic in every if (key, topic) not in have]
        rows = np.array([i for i, _ in add], dtype=np.int64)
        n = len(add)
        return Dataset(
            text=np.concatenate([self.text, self.text[rows]]),
            topic=np.concatenate([self.topic, _array([t for _, t in add])]),
            stance=None if self.stance is None else np.concatenate(
                [self.stance, _array(["none"] * n)]),
            id=np.concatenate([self.id, self.id[rows]]),
            line=np.concatenate([self.line, self.line[rows]]),
            extra={k: np.concatenate([v, _array([None] * n)]) for k, v in self.extra.items()},
            source=self.source, sha256=self.sha256)

    def subset(self, rows: Sequence[int] | np.ndarray) -> Dataset:
        """Return the rows at the given indices (or boolean mask) as a new dataset."""
        pick = lambda a: a[rows]  # noqa: E731
        return Dataset(text=pick(self.text), topic=pick(self.topic),
                       stance=None if self.stance is None else pick(self.stance),
                       id=pick(self.id), line=pick(self.line),
                       extra={k: pick(v) for k, v in self.extra.items()},
                       source=self.source, sha256=self.sha256)


@dataclass(frozen=True)
class _Columns:
    text: str = "text"
    topic: str = "topic"
    stance: str = "stance"
    id: str = "id"


def load_dataset(path: str | Path, *, text_column: str = "text", topic_column: str = "topic",
                 stance_column: str = "stance", id_column: str = "id",
                 format: str | None = None, encoding: str = "utf-8",
                 labelled: bool = True, default_topic: str | None = None) -> Dataset:
    """Load and validate a CSV, TSV or JSONL file of statements.

    Parameters
    ----------
    path : str or Path
        The file. Its format comes from the suffix (.csv, .tsv, .jsonl) unless ``format`` is given.
    text_column, topic_column, stance_column, id_column : str
        The names of the columns to read. ``id_column`` is optional in the file.
    format : {"csv", "tsv", "jsonl"}, default=None
        Overrides the format guessed from the suffix.
    encoding : str, default="utf-8"
        The file's text encoding.
    labelled : bool, default=True
        Whether to read the stance column (required then). With False the stance column, if
        any, is kept among ``extra`` like any other column.
    default_topic : str, default=None
        The topic of every row when the file has no topic column (else that column is
        required).

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        For a missing file or column, an empty file, an empty text or topic, an unknown label,
        undecodable bytes or malformed CSV/JSON; the message names the file, the line and the value.

    Examples
    --------
    >>> data = load_dataset("datasets/negotiation_stance.csv")  # doctest: +SKIP
    >>> data.topics[:2]  # doctest: +SKIP
    ['arms_limits', 'ceasefire']
    """
    records = open_records(path, format=format, encoding=encoding)
    names = _Columns(text_column, topic_column, stance_column, id_column)
    required = [("text", text_column), ("topic", topic_column)]
    if labelled:
        required.append(("stance", stance_column))
    rows = iter(records)
    if default_topic is not None and topic_column not in records.columns:
        required.remove(("topic", topic_column))
        rows = ((line, {**record, topic_column: default_topic}) for line, record in rows)
    for role, name in required:
        if name not in records.columns:
            raise DataError(_missing_column(records.path, role, name, records.columns))
    data = _build(rows, names, labelled=labelled, source=str(records.path),
                  sha256=None)
    if not len(data):
        raise DataError(f"{records.path} has a header but no rows. Add one row per statement.")
    return Dataset(**{**data.__dict__, "sha256": records.sha256})


def _missing_column(path, role: str, name: str, columns: list[str]) -> str:
    guess = difflib.get_close_matches(name, columns, n=1, cutoff=0.6)
    hint = f" Did you mean {guess[0]!r}?" if guess else ""
    return (f"{path}: no column {name!r} (the file has: {', '.join(columns) or 'no columns'})."
            f"{hint} Name the {role} column with --{role}-column (or {role}_column=...).")


def statement_text(record: dict, column: str, where: str) -> str:
    """The record's statement, or a :class:`DataError` saying what is wrong with it."""
    value = record.get(column)
    if value is not None and not isinstance(value, str):
        raise DataError(f"{where}: the {column!r} column holds {value!r}, not text. Write the "
                        f"statement as a string (in quotes, in JSON).")
    if not value or not value.strip():
        raise DataError(f"{where}: the {column!r} column is empty ({value!r}). Every row needs "
                        f"the statement's text; fill it in or remove the row.")
    return value


def _build(rows, names: _Columns, *, labelled: bool, source: str, sha256) -> Dataset:
    text, topic, stance, ids, lines = [], [], [], [], []
    extra: dict[str, list] = defaultdict(list)
    core = {names.text, names.topic, names.id} | ({names.stance} if labelled else set())
    for number, record in rows:
        where = f"{source}, line {number}"
        value = statement_text(record, names.text, where)
        subject = record.get(names.topic)
        if subject is not None and not isinstance(subject, str):
            raise DataError(f"{where}: the {names.topic!r} column holds {subject!r}, not a "
                            f"topic id. Write the topic id as a string (in quotes, in JSON).")
        if not subject or not subject.strip():
            raise DataError(f"{where}: the {names.topic!r} column is empty ({subject!r}). Give "
                            f"the topic id the row is labelled on.")
        if labelled:
            raw = record.get(names.stance)
            label = normalize_stance(raw)
            if label is None:
                raise DataError(f"{where}: unknown stance {raw!r} in column {names.stance!r}. "
                                f"Use one of: {', '.join(LABELS)} (any case).")
            stance.append(label)
        key = record.get(names.id)
        text.append(value)
        topic.append(subject.strip())
        ids.append(str(key) if key not in (None, "") else value)
        lines.append(number)
        for column, cell in record.items():
            if column not in core:
                values = extra[column]
                values.extend([None] * (len(text) - 1 - len(values)))  # rows without it
                values.append(cell)
    n = len(text)
    data = Dataset(text=_array(text), topic=_array(topic),
                   stance=_array(stance) if labelled else None,
                   id=_array(ids), line=np.asarray(lines, dtype=np.int64),
                   extra={k: _array(v + [None] * (n - len(v))) for k, v in extra.items()},
                   source=source, sha256=sha256)
    _warn_duplicates(data)
    return data


def _array(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _warn_duplicates(data: Dataset) -> None:
    seen: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, key in enumerate(zip(data.id.tolist(), data.topic.tolist())):
        seen[key].append(i)
    repeated = [rows for rows in seen.values() if len(rows) > 1]
    if not repeated:
        return
    conflicts = [rows for rows in repeated
                 if data.stance is not None and len(set(data.stance[rows])) > 1]
    shown = conflicts or repeated
    listing = "; ".join(
        f"lines {', '.join(str(data.line[i]) for i in rows)}"
        + (f" ({'/'.join(data.stance[rows])})" if conflicts else "")
        for rows in shown[:5])
    more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
    what = "with conflicting labels" if conflicts else "more than once"
    warnings.warn(f"{data.source}: {len(shown)} statement(s) are labelled on the same topic "
                  f"{what}: {listing}{more}. Check them; all rows are kept.",
                  StanceWarning, stacklevel=3)
