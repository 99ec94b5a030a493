"""Score a file of statements in batches: one output row per input row, in order."""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections import deque
from dataclasses import dataclass
from collections.abc import Callable, Sequence
from itertools import chain, islice
from pathlib import Path

import numpy as np

from ._dataset import _missing_column, statement_text
from ._errors import DataError, StanceError, StanceWarning
from ._predict import check_min_confidence, label_rows, probability_columns, uncertain
from ._reader import BROKEN, open_records
from ._topics import check_topics
from ._resume import RESUMABLE_FORMATS, resumable_output
from ._writers import choose_format, open_output


def predict_file(input: str | Path, output: str | Path | None = None, *, model=None,
                 topics: Sequence[str] | None = None, format: str | None = None,
                 output_format: str | None = None, text_column: str = "text",
                 topic_column: str = "topic", encoding: str = "utf-8",
                 allow_new_topics: bool = False, strict: bool = False, resume: bool = False,
                 min_confidence: float | None = None,
                 batch_size: int = 4096, jobs: int = 1,
                 progress: Callable[[int, int], None] | None = None, client=None) -> int:
    """Score every row of a CSV, TSV or JSONL file and write one output row per input row.

    Each output row carries the input row's columns, then the predictions. When ``topics`` is
    None and the file has a topic column, each row is scored on its own topic (columns
    ``predicted``, ``p_favor``, ``p_against``, ``p_none``); otherwise each topic (``topics``, or
    all the model's topics) gets columns ``TOPIC:predicted``, ``TOPIC:p_favor``, ... A last
    column, ``error``, says why a row could not be scored (empty text, unknown topic, a line
    that is not valid JSON or has the wrong number of fields); its predictions stay empty and
    the job goes on, unless ``strict``.

    Parameters
    ----------
    input : str or Path
        The file to score.
    output : str or Path, default=None
        Where to write; None writes to standard output. A file is written as ``OUTPUT.partial``
        (with a checkpoint after every batch in ``OUTPUT.partial.json``) and renamed at the
        end, so an ``OUTPUT`` file always holds every row.
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
    strict : bool, default=False
        Stop at the first row that cannot be scored, instead of reporting it in its row.
    min_confidence : float, default=None
        Write ``uncertain`` as the predicted label when its probability is below this.
    resume : bool, default=False
        Continue an interrupted run into the same output: keep the rows its last checkpoint
        recorded and score the rest, without duplicating or skipping any.
    batch_size : int, default=4096
        Rows scored at once; memory stays bounded whatever the file size.
    jobs : int, default=1
        Processes scoring batches in parallel (0: one per CPU). Output order is kept.
    progress : callable, default=None
        Called after each batch with the number of rows written and of input bytes read.
    client : distributed.Client, default=None
        Score the batches on this Dask cluster's workers. The file is read and the output
        written here, by the same code as without it, so the output is the same byte for byte.

    Returns
    -------
    int
        The number of rows written (including those kept from an interrupted run).

    Examples
    --------
    >>> stance.predict_file("statements.csv", "scored.csv", topics=["ceasefire"])  # doctest: +SKIP
    1200
    """
    if model is None:
        from ._persist import load_model

        model = load_model()
    if output is not None and str(output) == "-":
        output = None  # standard output, as everywhere else
    if output is not None and Path(output).exists() and Path(output).resolve() == Path(
            input).resolve():
        raise StanceError(f"{output} is the input file; the output would replace it. Write to "
                          f"another file.")
    records = open_records(input, format=format, encoding=encoding, lenient=not strict)
    if text_column not in records.columns:
        raise DataError(_missing_column(records.path, "text", text_column, records.columns))
    check_min_confidence(min_confidence)
    job = Job.plan(model, records.path, records.columns, topics, text_column, topic_column,
                   allow_new_topics, strict)
    job.min_confidence = min_confidence
    job.client = client
    fmt = choose_format(output, output_format, "csv" if output is None else records.format)
    columns = list(records.columns) + job.added
    if fmt in ("csv", "tsv"):  # a fixed header: fields that only later rows have are left out
        job.header = set(columns)
    rows = iter(records)
    first = next(rows, None)
    if first is None:
        raise DataError(f"{records.path} has a header but no rows: there is nothing to score. "
                        f"Add one row per statement.")
    rows = chain([first], rows)
    if output is None or fmt not in RESUMABLE_FORMATS:
        if resume:
            raise StanceError(f"--resume needs an output file in {', '.join(RESUMABLE_FORMATS)}"
                              f" format.")
        with open_output(output, fmt, columns) as writer:
            return _run(job, rows, writer, 0, None, batch_size, jobs, records, progress)
    # everything that changes the output: a resumed run must have the same
    options = {"model": _model_identity(model), "topics": job.topics,
               "text_column": text_column, "topic_column": topic_column,
               "min_confidence": min_confidence, "allow_new_topics": allow_new_topics,
               "strict": strict, "encoding": encoding, "format": records.format}
    with resumable_output(output, fmt, columns, records.path, resume=resume,
                          options=options) as (writer, done, checkpoint):
        for _ in islice(rows, done):  # rows the interrupted run already wrote
            pass
        return _run(job, rows, writer, done, checkpoint, batch_size, jobs, records, progress)


ERROR = "error"


def _model_identity(model) -> str:
    """A SHA-256 of what a model computes with: its labels, topics, parameters and weights."""
    import hashlib
    import json

    import scipy.sparse as sp

    digest = hashlib.sha256(json.dumps(
        {"classes": [str(c) for c in model.classes_],
         "topics": [str(t) for t in getattr(model, "topics_", [])],
         "params": model.get_params() if hasattr(model, "get_params") else None},
        default=str, sort_keys=True).encode())
    for part in (getattr(model, "classifier_", None), getattr(model, "relevance_", None)):
        if part is None:
            continue
        coef = part.coef_
        for array in ((coef.data, coef.indices) if sp.issparse(coef) else (coef,)) + (
                part.intercept_,):
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _run(job, rows, writer, written, checkpoint, batch_size, jobs, records, progress) -> int:
    try:
        return _score_rows(job, rows, writer, written, checkpoint, batch_size, jobs, records,
                           progress)
    finally:
        if job.left_out:
            line, fields = job.first_left_out
            warnings.warn(f"{records.path}: {job.left_out} row(s) have fields the header "
                          f"lacks (first: line {line}, {', '.join(map(repr, fields))}); the "
                          f"CSV/TSV output leaves them out. Write JSONL (-o FILE.jsonl) to keep "
                          f"them.", StanceWarning, stacklevel=4)


def _score_rows(job, rows, writer, written, checkpoint, batch_size, jobs, records,
                progress) -> int:
    batches = ((batch, job.pairs(batch))
               for batch in iter(lambda: list(islice(rows, batch_size)), []))
    for batch, (pairs, errors), labels, proba in _scored(job.model, batches, jobs, job.client):
        for row in job.rows(batch, errors, labels, proba):
            writer.write(row)
        written += len(batch)
        if checkpoint is not None:
            checkpoint(written)
        if progress is not None:
            progress(written, records.bytes_read)
    return written


@dataclass
class Job:
    """What scoring rows needs: the model, the output layout, and how to treat bad rows."""

    model: object
    path: object
    per_row: bool
    topics: list
    prefixes: list
    text_column: str
    topic_column: str
    allow_new: bool
    strict: bool
    min_confidence: float | None = None
    client: object = None  # a distributed.Client: batches are scored on its workers
    header: set | None = None  # the output's fixed columns (CSV/TSV), else None
    left_out: int = 0  # rows with fields the header lacks, and the first of them
    first_left_out: tuple | None = None

    @classmethod
    def plan(cls, model, path, columns, topics, text_column, topic_column, allow_new,
             strict) -> Job:
        """Rows carry their own topic when ``topics`` is None and there is a topic column;
        otherwise every row is scored on ``topics`` (default: all the model's topics)."""
        per_row = topics is None and topic_column in columns
        topics = [] if per_row else list(topics if topics is not None else model.topics_)
        check_topics(model, topics, allow_new=allow_new)
        prefixes = [""] if per_row else [f"{t}:" for t in topics]
        job = cls(model, path, per_row, topics, prefixes, text_column, topic_column, allow_new,
                  strict)
        clash = sorted(set(job.added) & set(columns))
        if clash:
            raise DataError(f"{path}: the input already has column(s) {', '.join(clash)}, "
                            f"which the output would overwrite. Rename them first.")
        return job

    @property
    def added(self) -> list[str]:
        """The columns scoring adds to each row."""
        return [c for p in self.prefixes for c in (f"{p}predicted", *probability_columns(p))
                ] + [ERROR]

    def pairs(self, batch) -> tuple[np.ndarray, list]:
        """The (text, topic) pairs of the rows that can be scored, and each row's problem."""
        pairs, errors = [], []
        for line, record in batch:
            try:
                row_topics = self._check(line, record)
            except StanceError as problem:
                if self.strict:
                    raise
                errors.append(str(problem))
                continue
            errors.append(None)
            pairs.extend((record[self.text_column], topic) for topic in row_topics)
        return np.array(pairs, dtype=object).reshape(-1, 2), errors

    def _check(self, line, record) -> list:
        if BROKEN in record:
            raise DataError(record[BROKEN])
        where = f"{self.path}, line {line}"
        clash = sorted(set(record) & set(self.added))
        if clash:
            raise DataError(f"{where}: the field(s) {', '.join(map(repr, clash))} would be "
                            f"overwritten by the output; rename them in the input.")
        statement_text(record, self.text_column, where)
        if not self.per_row:
            return self.topics
        topic = str(record.get(self.topic_column) or "").strip()
        if not topic:
            raise DataError(f"{where}: the {self.topic_column!r} column is empty. Give the "
                            f"topic to score the row on.")
        check_topics(self.model, [topic], allow_new=self.allow_new, where=f"{where}: ")
        return [topic]

    def rows(self, batch, errors, labels, proba):
        """The output rows of a batch: its records with predictions, or with their problem."""
        k, at = len(self.prefixes), 0
        labels = uncertain(labels, proba, self.min_confidence)
        for (line, record), error in zip(batch, errors):
            out = {key: value for key, value in record.items() if key != BROKEN}
            if self.header is not None and not self.header.issuperset(out):
                self.left_out += 1
                if self.first_left_out is None:
                    self.first_left_out = (line, [key for key in out if key not in self.header])
                out = {key: value for key, value in out.items() if key in self.header}
            if error is None:
                for j, prefix in enumerate(self.prefixes):
                    out[f"{prefix}predicted"] = labels[at + j]
                    out.update(zip(probability_columns(prefix), map(float, proba[at + j])))
                at += k
            out[ERROR] = error
            yield out


_WORKER_MODEL = None


def _start_worker(model) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _score_in_worker(pairs):
    return _label(_WORKER_MODEL, pairs)


def _label(model, pairs):
    if not len(pairs):
        return np.empty(0, dtype=object), np.zeros((0, 3))
    return label_rows(model, pairs)


def _scored(model, batches, jobs: int, client=None):
    """Yield (batch, pairs, labels, probabilities) in input order, scored here, by ``jobs``
    processes, or on the workers of a Dask ``client``.

    At most two batches per process (or worker) are in flight, so memory stays bounded.
    """
    if client is not None:
        shared = client.scatter(model, broadcast=True, hash=False)
        window = 2 * max(len(client.scheduler_info().get("workers", {})), 1)
        yield from _in_order(batches, lambda pairs: client.submit(_label, shared, pairs,
                                                                  pure=False),
                             lambda future: future.result(), window)
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1:
        for batch, pairs in batches:
            yield (batch, pairs, *_label(model, pairs[0]))
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, _start_worker, (model,)) as pool:
        yield from _in_order(batches, lambda pairs: pool.apply_async(_score_in_worker, (pairs,)),
                             lambda result: result.get(), 2 * jobs)


def _in_order(batches, submit, result, window: int):
    """Submit each batch's pairs for scoring, ``window`` at a time; yield them in order."""
    pending: deque = deque()
    for batch, pairs in batches:
        pending.append((batch, pairs, submit(pairs[0])))
        if len(pending) >= window:
            done, done_pairs, future = pending.popleft()
            yield (done, done_pairs, *result(future))
    while pending:
        done, done_pairs, future = pending.popleft()
        yield (done, done_pairs, *result(future))
