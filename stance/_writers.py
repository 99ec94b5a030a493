"""Write result rows as CSV, TSV, JSONL or JSON, atomically when writing to a file."""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ._errors import StanceError

OUTPUT_FORMATS: tuple[str, ...] = ("csv", "tsv", "jsonl", "json")


class RowWriter:
    """Write dict rows with fixed columns to a text stream in one of ``OUTPUT_FORMATS``."""

    def __init__(self, stream, format: str, columns: list[str], *, header: bool = True):
        self.stream, self.format, self.columns, self.count = stream, format, columns, 0
        self._known = set(columns)
        if format in ("csv", "tsv"):
            delimiter = "\t" if format == "tsv" else ","
            self._csv = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
            # csv quotes a field that holds "\n" (the line terminator) but not a bare "\r",
            # which readers take for a line break: such rows are written with every field quoted
            self._quoted = csv.writer(stream, delimiter=delimiter, lineterminator="\n",
                                      quoting=csv.QUOTE_ALL)
            if header:
                self._writerow(columns)
        elif format == "json":
            stream.write("[")

    def write(self, row: dict) -> None:
        """Write one row; JSON formats keep keys beyond ``columns``, CSV/TSV refuse them."""
        if self.format in ("csv", "tsv"):
            extra = [k for k in row if k not in self._known]
            if extra:
                raise StanceError(f"A row has the field(s) {', '.join(map(repr, extra))}, "
                                  f"which the {self.format.upper()} header lacks; write JSONL "
                                  f"output instead (-o FILE.jsonl) to keep them.")
            self._writerow(["" if row.get(c) is None else _cell(row.get(c))
                            for c in self.columns])
        else:
            ordered = {c: row.get(c) for c in self.columns}
            ordered.update(row)
            text = json.dumps(ordered, ensure_ascii=False)
            if self.format == "json":
                text = ("\n  " if self.count == 0 else ",\n  ") + text
            else:
                text += "\n"
            self.stream.write(text)
        self.count += 1

    def _writerow(self, cells: list[str]) -> None:
        # CSV readers refuse a NUL character: it is written as U+FFFD (JSONL keeps it)
        cells = [c.replace("\x00", "\ufffd") if "\x00" in c else c for c in cells]
        (self._quoted if any("\r" in c for c in cells) else self._csv).writerow(cells)

    def close(self) -> None:
        if self.format == "json":
            self.stream.write("\n]\n" if self.count else "]\n")
        self.stream.flush()


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@contextmanager
def open_output(path: str | Path | None, format: str, columns: list[str]):
    """Yield a :class:`RowWriter` for ``path`` (None: standard output).

    A file is written under a temporary name in the same directory and renamed into place only
    when the block finishes without error, so a failed or interrupted run never leaves a
    truncated file that looks complete.
    """
    if path is None or str(path) == "-":
        writer = RowWriter(sys.stdout, format, columns)
        yield writer
        writer.close()
        return
    path = Path(path)
    if path.is_dir():
        raise StanceError(f"{path} is a directory; give a file name for the output.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                   dir=path.parent if str(path.parent) else ".")
    except OSError as err:
        raise StanceError(f"Cannot write {path}: {err.strerror}. Check that the directory "
                          f"exists and is writable.") from None
    try:
        os.fchmod(fd, output_mode(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            writer = RowWriter(stream, format, columns)
            yield writer
            writer.close()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_mode(path: Path) -> int:
    """The mode a new output file gets: that of the file it replaces, else 0666 less the umask
    (a temporary file is created private, 0600)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def choose_format(path: str | Path | None, format: str | None, default: str) -> str:
    """Choose the output format: ``format`` if given, else the suffix of ``path``, else default."""
    if format is not None:
        if format not in OUTPUT_FORMATS:
            raise StanceError(f"Unknown output format {format!r}. Use one of: "
                              f"{', '.join(OUTPUT_FORMATS)}.")
        return format
    suffix = Path(path).suffix.lower().lstrip(".") if path is not None else ""
    return {"ndjson": "jsonl", "tab": "tsv"}.get(suffix, suffix) if suffix in (
        *OUTPUT_FORMATS, "ndjson", "tab") else default
