"""Scoring beyond one machine: Dask DataFrames, scored partition by partition on the workers.

Needs the optional extra: ``pip install "stance[dask]"``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._batch import Job, _label
from ._predict import check_min_confidence
from ._errors import StanceError
from ._writers import choose_format


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
    """Score files (a glob pattern, in name order) on the Dask cluster at ``address``.

    Each file is read and its output written here, by :func:`predict_file` itself; only the
    scoring of each batch runs on the workers (at most two batches per worker in flight). So
    the rows, values and errors are those of a local run, byte for byte: a ragged CSV row, a
    broken JSONL line or a quoted line break is handled exactly as locally. The files' outputs
    are joined into one (CSV and TSV keep the first header; their headers must agree). Returns
    the number of rows written.
    """
    import glob
    import tempfile

    from ._batch import predict_file
    from ._writers import output_mode

    _, Client = _dask()
    files = sorted(glob.glob(pattern)) or ([pattern] if Path(pattern).is_file() else [])
    if not files:
        raise StanceError(f"No file matches {pattern!r}. Check the pattern (quote it, so that "
                          f"the shell does not expand it).")
    if model is None:
        from ._persist import load_model

        model = load_model()
    fmt = choose_format(output, output_format, "csv")
    if fmt == "json" and len(files) > 1:
        raise StanceError("Several files cannot be joined into one JSON array; write JSONL "
                          "(-o FILE.jsonl) instead.")
    written = 0
    with Client(address) as client, tempfile.TemporaryDirectory() as folder:
        parts = []
        for n, path in enumerate(files):
            part = Path(folder) / f"{n}.{fmt}"
            written += predict_file(
                path, part, model=model, topics=topics, format=format, output_format=fmt,
                text_column=text_column, topic_column=topic_column, encoding=encoding,
                allow_new_topics=allow_new_topics, strict=strict,
                min_confidence=min_confidence, client=client,
                progress=None if progress is None else (lambda rows, _: progress(
                    written + rows, None)))
            parts.append(part)
        target = None if output is None or str(output) == "-" else Path(output)
        _join(parts, fmt, target, files, output_mode(target) if target else None)
    return written


def _join(parts: list[Path], fmt: str, target: Path | None, files: list[str], mode) -> None:
    """Write the outputs of several files as one: to ``target`` atomically, else stdout."""
    import shutil
    import sys
    import tempfile

    header = None
    if fmt in ("csv", "tsv"):
        heads = [part.open(encoding="utf-8", newline="").readline() for part in parts]
        if len(set(heads)) > 1:
            other = next(i for i, h in enumerate(heads) if h != heads[0])
            raise StanceError(f"{files[other]} has other columns than {files[0]}; score files "
                              f"with the same columns together.")
        header = heads[0]
    if target is None:
        stream, tmp = sys.stdout, None
    else:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                   dir=target.parent if str(target.parent) else ".")
        os.fchmod(fd, mode)
        stream = os.fdopen(fd, "w", encoding="utf-8", newline="")
    try:
        for n, part in enumerate(parts):
            with part.open(encoding="utf-8", newline="") as piece:
                if header is not None and n:
                    piece.readline()
                shutil.copyfileobj(piece, stream)
        stream.flush()
        if tmp is not None:
            stream.close()
            os.replace(tmp, target)
    except BaseException:
        if tmp is not None:
            stream.close()
            Path(tmp).unlink(missing_ok=True)
        raise
