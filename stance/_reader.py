"""Read records from CSV, TSV and JSONL files, naming the line of every problem.

The reader streams: it never holds more than one record in memory, so the same code serves
small labelled datasets and archives of millions of statements.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import DataError

FORMATS: tuple[str, ...] = ("csv", "tsv", "jsonl")
class _Broken:
    """The key of a record that could not be read: no file can hold it (keys there are str).
    All instances are equal, so a record keeps its meaning after pickling (to a worker)."""

    def __eq__(self, other) -> bool:
        return isinstance(other, _Broken)

    def __hash__(self) -> int:
        return hash("stance: a record that could not be read")

    def __repr__(self) -> str:
        return "BROKEN"


#: With ``lenient=True``, a record that cannot be parsed holds its problem under this key.
BROKEN = _Broken()
_LINE_LIMIT = 10 << 20  # bytes in one line: a longer one is an error, never read whole
_FIELD_LIMIT = 1 << 30  # characters in one field: a statement may be a whole speech
_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
             ".json": "jsonl"}


def detect_format(path: str | Path, format: str | None = None) -> str:
    """Return the file format, from ``format`` if given, else from the file name's suffix.

    Examples
    --------
    >>> detect_format("statements.tsv")
    'tsv'
    """
    if format is not None:
        fmt = format.lower()
        if fmt not in FORMATS:
            raise DataError(f"Unknown format {format!r}. Use one of: {', '.join(FORMATS)}.")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise DataError(
            f"{path}: cannot tell the format from the suffix {suffix or '(none)'!r}. "
            f"Rename the file to .csv, .tsv or .jsonl, or pass the format "
            f"(--format {'|'.join(FORMATS)})."
        )
    return _SUFFIXES[suffix]


def _check_file(path: Path) -> None:
    if not path.exists():
        raise DataError(f"{path}: no such file. Check the path.")
    if path.is_dir():
        raise DataError(f"{path} is a directory; give the path of a CSV, TSV or JSONL file.")


@dataclass
class RecordFile:
    """An open stream of records: ``columns`` is known once the file is opened.

    Iterating yields ``(line, record)`` pairs, where ``line`` is the 1-based line on which the
    record starts and ``record`` maps column names to values. ``sha256`` holds the digest of the
    bytes read so far (``bytes_read`` of them); once iteration is complete it is the digest of
    the whole file.
    """

    path: Path
    format: str
    encoding: str
    columns: list[str] = field(default_factory=list)
    bytes_read: int = 0
    lenient: bool = False
    _hash: "hashlib._Hash" = field(default_factory=hashlib.sha256, repr=False)
    _records: Iterator[tuple[int, dict]] | None = field(default=None, repr=False)
    # lenient: lines whose bytes the encoding cannot decode, and why (their record is an error)
    _undecodable: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        assert self._records is not None
        return self._records


def open_records(path: str | Path, *, format: str | None = None, encoding: str = "utf-8",
                 lenient: bool = False) -> RecordFile:
    """Open a CSV, TSV or JSONL file as a stream of records.

    Parameters
    ----------
    path : str or Path
        The file to read.
    format : {"csv", "tsv", "jsonl"}, default=None
        The file format; None guesses it from the suffix.
    encoding : str, default="utf-8"
        The text encoding. A UTF-8 byte-order mark is skipped.
    lenient : bool, default=False
        Yield a JSONL line that is not valid JSON, or a CSV row with the wrong number of
        fields, as a record ``{BROKEN: message}`` instead of raising (a batch job then
        reports it in that row's output and goes on).

    Returns
    -------
    RecordFile
        ``columns`` lists the header (CSV/TSV) or the keys seen in the first record (JSONL).

    Raises
    ------
    DataError
        If the file is missing, is a directory, is empty, or cannot be parsed; the message names
        the line and the value.

    Examples
    --------
    >>> records = open_records("statements.csv")  # doctest: +SKIP
    >>> for line, record in records:  # doctest: +SKIP
    ...     print(line, record["text"])
    """
    path = Path(path)
    _check_file(path)
    fmt = detect_format(path, format)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(f"Unknown encoding {encoding!r}. Try utf-8, cp1252 or latin-1.") from None
    stream = RecordFile(path=path, format=fmt, encoding=encoding, lenient=lenient)
    lines = _decoded_lines(path, encoding, stream)
    records = _jsonl_records(stream, lines) if fmt == "jsonl" else _csv_records(stream, lines)
    # read the header (CSV), or up to the first valid record (JSONL), so columns is known
    ahead = []
    for record in records:
        ahead.append(record)
        if stream.columns:
            break
    if not ahead and not stream.columns:
        raise DataError(f"{path} is empty. Expected a header line naming the columns "
                        f"(e.g. text,topic,stance) followed by one row per statement.")
    stream._records = _prepend(ahead, records)
    return stream


def _prepend(ahead: list, rest):
    yield from ahead
    yield from rest


def _decoded_lines(path: Path, encoding: str, stream: RecordFile) -> Iterator[tuple[int, str]]:
    bom = codecs.BOM_UTF8 if codecs.lookup(encoding).name == "utf-8" else b""
    with open(path, "rb") as fh:
        number = 0
        while raw := fh.readline(_LINE_LIMIT + 1):
            number += 1
            stream._hash.update(raw)
            stream.bytes_read += len(raw)
            if len(raw) > _LINE_LIMIT and not raw.endswith(b"\n"):
                problem = DataError(
                    f"{path}, line {number}: longer than 10 MiB; a statement that long is not "
                    f"one statement. Split the text, or check that this is a text file.")
                if not stream.lenient or number == 1:
                    raise problem
                quotes = raw.count(b'"')
                while (rest := fh.readline(_LINE_LIMIT)) and not rest.endswith(b"\n"):
                    stream._hash.update(rest)
                    stream.bytes_read += len(rest)
                    quotes += rest.count(b'"')
                stream._hash.update(rest)
                stream.bytes_read += len(rest)
                quotes += rest.count(b'"')
                stream._undecodable[number] = str(problem)  # that record becomes an error
                # a stand-in line, with the skipped bytes' quote parity for a CSV field that
                # spans lines
                yield number, "{}\n" if stream.format == "jsonl" else '"' * (2 - quotes % 2) + "\n"
                continue
            if number == 1 and bom and raw.startswith(bom):
                raw = raw[len(bom):]
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as err:
                bad = raw[err.start:err.end]
                problem = DataError(
                    f"{path}, line {number}: the bytes {bad!r} at column {err.start + 1} are "
                    f"not valid {encoding}. Save the file as UTF-8, or pass its encoding "
                    f"(--encoding cp1252, latin-1, ...).")
                if not stream.lenient or number == 1:
                    raise problem from None
                stream._undecodable[number] = str(problem)  # that record becomes an error
                line = raw.decode(encoding, errors="replace")
            if "\x00" in line:
                raise DataError(
                    f"{path}, line {number}: contains a NUL byte. The file looks binary or "
                    f"UTF-16; save it as UTF-8 text."
                )
            yield number, line


def _csv_records(stream: RecordFile, lines) -> Iterator[tuple[int, dict]]:
    state = {"line": 0}

    def text_lines():
        for number, line in lines:
            state["line"] = number
            yield line

    delimiter = "\t" if stream.format == "tsv" else ","
    reader = csv.reader(text_lines(), delimiter=delimiter, strict=True)
    start = 1
    limit = csv.field_size_limit(_FIELD_LIMIT)  # the csv module's default stops at 128 KiB
    try:
        for row in reader:
            line, start = start, state["line"] + 1
            if not row:  # a blank line; a quoted empty field ("") is a row
                continue
            if not stream.columns:
                stream.columns = _header(stream.path, row, line)
                continue
            bad = [stream._undecodable.pop(n) for n in range(line, state["line"] + 1)
                   if n in stream._undecodable]
            if bad:
                yield line, {BROKEN: bad[0]}
                continue
            if len(row) != len(stream.columns):
                problem = DataError(
                    f"{stream.path}, line {line}: {len(row)} fields, but the header has "
                    f"{len(stream.columns)} ({', '.join(stream.columns)}). Quote any field that "
                    f"contains {'a tab' if delimiter == chr(9) else 'a comma'} or a line break."
                )
                if not stream.lenient:
                    raise problem
                yield line, {BROKEN: str(problem)}
                continue
            yield line, dict(zip(stream.columns, row))
    except csv.Error as err:
        raise DataError(
            f"{stream.path}, line {start}: cannot parse the {stream.format.upper()} ({err}). "
            f"Look for a quote that is opened but never closed."
        ) from None
    finally:
        csv.field_size_limit(limit)


def _header(path: Path, row: list[str], line: int) -> list[str]:
    names = [name.strip() for name in row]
    seen: set[str] = set()
    for name in names:
        if not name:
            raise DataError(f"{path}, line {line}: the header has an empty column name. "
                            f"Name every column.")
        if name in seen:
            raise DataError(f"{path}, line {line}: the column {name!r} appears twice in the "
                            f"header. Rename one of them.")
        seen.add(name)
    return names


def _encodable(record: dict) -> bool:
    """False if a value holds a lone surrogate (a JSON escape like "\\ud800" decodes to one)."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _jsonl_records(stream: RecordFile, lines) -> Iterator[tuple[int, dict]]:
    for number, line in lines:
        if not line.strip():
            continue
        if number in stream._undecodable:
            yield number, {BROKEN: stream._undecodable.pop(number)}
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise DataError(f"{stream.path}, line {number}: expected a JSON object "
                                f"{{\"text\": ...}}, got {type(record).__name__}.")
            if "\\u" in line and not _encodable(record):
                raise DataError(f"{stream.path}, line {number}: holds a lone surrogate escape "
                                f"(\\ud800-\\udfff), which is not a character. Fix the "
                                f"program that wrote the file.")
        except (json.JSONDecodeError, RecursionError) as err:
            why = (f"{err.msg} at column {err.colno}" if isinstance(err, json.JSONDecodeError)
                   else "nested too deeply to read")
            problem = DataError(f"{stream.path}, line {number}: not valid JSON ({why}). Each "
                                f"line must hold one JSON object.")
            if not stream.lenient:
                raise problem from None
            yield number, {BROKEN: str(problem)}
            continue
        except DataError as problem:
            if not stream.lenient:
                raise
            yield number, {BROKEN: str(problem)}
            continue
        if not stream.columns:
            stream.columns = list(record)
        else:
            stream.columns.extend(k for k in record if k not in stream.columns)
        yield number, record
