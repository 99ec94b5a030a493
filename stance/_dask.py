"""Scoring beyond one machine: Dask DataFrames, scored partition by partition on the workers.

Needs the optional extra: ``pip install "stance[dask]"``.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from ._batch import Job, _label
from ._predict import check_min_confidence
from ._errors import StanceError
from ._writers import choose_format, open_output


def _dask():
    try:
        import dask.dataframe as dd
        from distributed import Client
    except ImportError:
        raise StanceError("Scoring on Dask needs the dask extra: pip install 'stance[dask]'."
                          ) from None
    return dd, Client


def _score_partition(part, job: Job):
    import pandas as pd

    batch = list(zip(range(len(part)), part.to_dict(orient="records")))
    pairs, errors = job.pairs(batch)
    labels, proba = _label(job.model, pairs)
    return pd.DataFrame(list(job.rows(batch, errors, labels, proba)), index=part.index,
                        columns=list(part.columns) + job.added)


def predict_dask(frame, *, model=None, topics=None, text_column: str = "text",
                 topic_column: str = "topic", allow_new_topics: bool = False,
                 strict: bool = False, min_confidence: float | None = None):
    """Score a Dask DataFrame of statements; return it with the prediction columns added.

    The columns are those of :func:`predict_file`: ``predicted``, ``p_favor``, ``p_against``,
    ``p_none`` when rows carry their own topic, else ``TOPIC:predicted``, ... per topic, and
    ``error`` for rows that cannot be scored (or, with ``strict``, an error for the first).
    Each partition is scored where it lives (on the cluster's workers under ``distributed``).

    Examples
    --------
    >>> import dask.dataframe as dd  # doctest: +SKIP
    >>> frame = dd.read_csv("statements-*.csv", dtype=str)  # doctest: +SKIP
    >>> stance.predict_dask(frame, topics=["ceasefire"]).compute()  # doctest: +SKIP
    """
    _dask()
    if model is None:
        from ._persist import load_model

        model = load_model()
    if text_column not in frame.columns:
        raise StanceError(f"The frame has no column {text_column!r} (it has: "
                          f"{', '.join(map(str, frame.columns))}).")
    job = Job.plan(model, "a partition", list(frame.columns), topics, text_column,
                   topic_column, allow_new_topics, strict)
    job.min_confidence = check_min_confidence(min_confidence)
    import pandas as pd

    meta = frame._meta.copy()
    for column in job.added:
        meta[column] = pd.Series(dtype="float64" if column.rsplit(":", 1)[-1].startswith("p_")
                                 else "object")
    return frame.map_partitions(_score_partition, job, meta=meta)


def read_frame(pattern: str, format: str | None = None, encoding: str = "utf-8"):
    """Read CSV, TSV or JSONL files (a glob pattern) as a Dask DataFrame of strings."""
    dd, _ = _dask()
    fmt = format or {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(
        Path(pattern).suffix.lower())
    if fmt in ("csv", "tsv"):
        return dd.read_csv(pattern, sep="," if fmt == "csv" else "\t", dtype=str,
                           keep_default_na=False, encoding=encoding, blocksize="32MB")
    if fmt == "jsonl":
        return dd.read_json(pattern, lines=True, dtype=False, convert_dates=False,
                            encoding=encoding, blocksize=1 << 25)
    raise StanceError(f"Cannot tell the format of {pattern!r}; pass --input-format.")


def predict_files_dask(pattern: str, output=None, *, address: str, model=None, topics=None,
                       format: str | None = None, output_format: str | None = None,
                       text_column: str = "text", topic_column: str = "topic",
                       encoding: str = "utf-8", allow_new_topics: bool = False,
                       strict: bool = False, min_confidence: float | None = None,
                       progress=None) -> int:
    """Score files on the Dask cluster at ``address``; write one row per input row, in order.

    Partitions are scored in parallel on the workers and written as they come back, in input
    order, at most two per worker in flight. Returns the number of rows written.
    """
    _, Client = _dask()
    if model is None:
        from ._persist import load_model

        model = load_model()
    frame = read_frame(pattern, format, encoding)
    scored = predict_dask(frame, model=model, topics=topics, text_column=text_column,
                          topic_column=topic_column, allow_new_topics=allow_new_topics,
                          strict=strict, min_confidence=min_confidence)
    fmt = choose_format(output, output_format, "csv")
    written = 0
    with Client(address) as client, open_output(output, fmt, list(scored.columns)) as writer:
        window = 2 * max(len(client.scheduler_info().get("workers", {})), 1)
        pending: deque = deque()

        def write_oldest() -> None:
            nonlocal written
            frame = pending.popleft().result()
            for row in frame.to_dict(orient="records"):
                writer.write(row)
            written += len(frame)
            if progress is not None:
                progress(written, None)

        for part in scored.to_delayed():
            pending.append(client.compute(part))
            if len(pending) >= window:
                write_oldest()
        while pending:
            write_oldest()
    return written
