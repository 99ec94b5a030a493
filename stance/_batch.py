"""Score a file of statements in batches: one output row per input row, in order."""

from __future__ import annotations

import difflib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from ._dataset import _missing_column
from ._errors import DataError, StanceError
from ._predict import label_rows, probability_columns
from ._reader import open_records
from ._writers import choose_format, open_output


def check_topics(model, topics: Iterable[str], *, allow_new: bool = False,
                 where: str = "") -> None:
    """Raise a :class:`StanceError` naming the closest known topic for each unknown topic.

    With ``allow_new=True`` unknown topics are accepted (scored from the shared features).
    """
    if allow_new:
        return
    known = [str(t) for t in model.topics_]
    for topic in topics:
        if topic not in known:
            guess = difflib.get_close_matches(topic, known, n=1)
            hint = f" Did you mean {guess[0]!r}?" if guess else ""
            raise StanceError(f"{where}unknown topic {topic!r}.{hint} The model knows: "
                              f"{', '.join(known)}. To score a topic the model was not trained "
                              f"on (from its shared features only), pass --allow-new-topics.")


def predict_file(input: str | Path, output: str | Path | None = None, *, model=None,
                 topics: Sequence[str] | None = None, format: str | None = None,
                 output_format: str | None = None, text_column: str = "text",
                 topic_column: str = "topic", encoding: str = "utf-8",
                 allow_new_topics: bool = False, batch_size: int = 4096, jobs: int = 1,
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Score every row of a CSV, TSV or JSONL file and write one output row per input row.

    Each output row carries the input row's columns, then the predictions. When ``topics`` is
    None and the file has a topic column, each row is scored on its own topic (columns
    ``predicted``, ``p_favor``, ``p_against``, ``p_none``); otherwise each topic (``topics``, or
    all the model's topics) gets columns ``TOPIC:predicted``, ``TOPIC:p_favor``, ...

    Parameters
    ----------
    input : str or Path
        The file to score.
    output : str or Path, default=None
        Where to write; None writes to standard output. A file is written under a temporary
        name and renamed at the end, so it is never left half-written.
    model : StanceClassifier, default=None
        None loads the bundled model.
    topics : sequence of str, default=None
        Topics to score every row on.
    format, output_format : str, default=None
        Input and output formats (csv, tsv, jsonl; json for output), else from the suffixes.
    text_column, topic_column : str
        Column names in the input.
    encoding : str, default="utf-8"
        Input encoding.
    allow_new_topics : bool, default=False
        Score topics the model has not seen (from its shared features) instead of refusing.
    batch_size : int, default=4096
        Rows scored at once; memory stays bounded whatever the file size.
    jobs : int, default=1
        Processes scoring batches in parallel (0: one per CPU). Output order is kept.
    progress : callable, default=None
        Called after each batch with the number of rows written and of input bytes read.

    Returns
    -------
    int
        The number of rows written.

    Examples
    --------
    >>> stance.predict_file("statements.csv", "scored.csv", topics=["ceasefire"])  # doctest: +SKIP
    1200
    """
    if model is None:
        from ._persist import load_model

        model = load_model()
    records = open_records(input, format=format, encoding=encoding)
    if text_column not in records.columns:
        raise DataError(_missing_column(records.path, "text", text_column, records.columns))
    per_row = topics is None and topic_column in records.columns
    topics = [] if per_row else list(topics if topics is not None else model.topics_)
    check_topics(model, topics, allow_new=allow_new_topics)
    prefixes = [""] if per_row else [f"{t}:" for t in topics]
    added = [c for p in prefixes for c in (f"{p}predicted", *probability_columns(p))]
    clash = sorted(set(added) & set(records.columns))
    if clash:
        raise DataError(f"{records.path}: the input already has column(s) {', '.join(clash)}, "
                        f"which the output would overwrite. Rename them first.")
    fmt = choose_format(output, output_format, "csv" if output is None else records.format)
    rows = iter(records)
    batches = ((batch, _pairs(model, records.path, batch, per_row, topics, text_column,
                              topic_column, allow_new_topics))
               for batch in iter(lambda: list(islice(rows, batch_size)), []))
    written = 0
    with open_output(output, fmt, list(records.columns) + added) as writer:
        for batch, labels, proba in _scored(model, batches, jobs):
            for row in _rows(batch, labels, proba, prefixes):
                writer.write(row)
            written += len(batch)
            if progress is not None:
                progress(written, records.bytes_read)
    return written


def _pairs(model, path, batch, per_row, topics, text_column, topic_column, allow_new):
    """The (text, topic) pairs of a batch of records, in order; checks text and topic."""
    texts = []
    for line, record in batch:
        text = record.get(text_column)
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{path}, line {line}: the {text_column!r} column is empty "
                            f"({text!r}). Fill it in or remove the row.")
        texts.append(text)
    if per_row:
        row_topics = [[str(record.get(topic_column) or "").strip()] for _, record in batch]
        for (line, _), (topic,) in zip(batch, row_topics):
            if not topic:
                raise DataError(f"{path}, line {line}: the {topic_column!r} column is empty. "
                                f"Give the topic to score the row on.")
            check_topics(model, [topic], allow_new=allow_new, where=f"{path}, line {line}: ")
    else:
        row_topics = [topics] * len(batch)
    return np.array([(t, topic) for t, ts in zip(texts, row_topics) for topic in ts],
                    dtype=object).reshape(-1, 2)


def _rows(batch, labels, proba, prefixes):
    k = len(prefixes)
    for i, (_, record) in enumerate(batch):
        out = dict(record)
        for j, prefix in enumerate(prefixes):
            out[f"{prefix}predicted"] = labels[i * k + j]
            out.update(zip(probability_columns(prefix), map(float, proba[i * k + j])))
        yield out


_WORKER_MODEL = None


def _start_worker(model) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _score_in_worker(pairs):
    return label_rows(_WORKER_MODEL, pairs)


def _scored(model, batches, jobs: int):
    """Yield (batch, labels, probabilities) in input order, scored here or by ``jobs`` processes.

    At most two batches per process are in flight, so memory stays bounded.
    """
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        for batch, pairs in batches:
            yield (batch, *label_rows(model, pairs))
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, _start_worker, (model,)) as pool:
        pending: deque = deque()
        for batch, pairs in batches:
            pending.append((batch, pool.apply_async(_score_in_worker, (pairs,))))
            if len(pending) >= 2 * jobs:
                done, result = pending.popleft()
                yield (done, *result.get())
        while pending:
            done, result = pending.popleft()
            yield (done, *result.get())
