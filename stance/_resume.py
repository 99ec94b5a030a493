"""Output files that survive an interrupted run: written as ``OUT.partial``, resumable.

While a batch job runs, rows go to ``OUT.partial`` and, after every batch, ``OUT.partial.json``
records how many rows and bytes of it are complete. The finished file is renamed to ``OUT``, so
an ``OUT`` always holds every row. After a crash, a kill or a full disk, ``--resume`` cuts the
partial file back to its last complete batch and continues from the next input row.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

from ._errors import StanceError
from ._writers import RowWriter, output_mode

RESUMABLE_FORMATS = ("csv", "tsv", "jsonl")


def partial_paths(path: str | Path) -> tuple[Path, Path]:
    """The partial output file and its state file for the output ``path``."""
    path = Path(path)
    return path.with_name(path.name + ".partial"), path.with_name(path.name + ".partial.json")


def _fingerprint(source: Path, format: str, columns: list[str], options: dict) -> dict:
    info = source.stat()
    return {"input": str(source.resolve()), "size": info.st_size, "mtime_ns": info.st_mtime_ns,
            "format": format, "columns": columns, "options": options}


def _save(state_file: Path, fingerprint: dict, rows: int, size: int) -> None:
    tmp = state_file.with_name(state_file.name + ".tmp")
    tmp.write_text(json.dumps({"fingerprint": fingerprint, "rows": rows, "bytes": size}),
                   encoding="utf-8")
    os.replace(tmp, state_file)


@contextmanager
def resumable_output(path: str | Path, format: str, columns: list[str], source: Path, *,
                     resume: bool = False, options: dict | None = None):
    """Yield ``(writer, rows_done, checkpoint)`` for a resumable output file.

    ``rows_done`` is the number of input rows already in the file (0 unless resuming);
    call ``checkpoint(rows)`` after each batch with the total number of rows written.
    """
    path = Path(path)
    if path.is_dir():
        raise StanceError(f"{path} is a directory; give a file name for the output.")
    with _exclusive(path):
        yield from _resumable(path, format, columns, source, resume=resume, options=options)


class OutputInUse(StanceError):
    """Another run is writing the same output file."""


class ResumeRefused(StanceError):
    """``--resume`` cannot continue this output (nothing to resume, or other settings)."""


@contextmanager
def _exclusive(path: Path):
    """Hold ``OUT.partial.lock`` while writing ``OUT``: a second run on it is refused.

    The lock file is stance's own (like ``OUT.partial``) and is removed at the end; a run that
    locked a lock file another run had just removed finds it replaced and is refused too.
    """
    import fcntl

    lock = path.with_name(path.name + ".partial.lock")
    try:
        handle = open(lock, "a")
    except OSError as err:
        raise StanceError(f"Cannot write {lock}: {err.strerror}. Check that the directory "
                          f"exists and is writable.") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(lock).st_ino != os.fstat(handle.fileno()).st_ino:
                raise OSError("the lock file was replaced")
        except OSError:
            raise OutputInUse(f"another stance run is writing {path} (it holds {lock.name}); "
                              f"wait for it to finish, or write to another file.") from None
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)


def _resumable(path: Path, format: str, columns: list[str], source: Path, *, resume: bool,
               options: dict | None):
    partial, state_file = partial_paths(path)
    fingerprint = _fingerprint(Path(source), format, columns, options or {})
    done = 0
    try:
        if resume:
            done, size = _resume_state(path, partial, state_file, fingerprint)
            with open(partial, "r+b") as fh:
                fh.truncate(size)
            stream = open(partial, "a", encoding="utf-8", newline="")
        else:
            stream = open(partial, "w", encoding="utf-8", newline="")
    except OSError as err:
        raise StanceError(f"Cannot write {partial}: {err.strerror}. Check that the directory "
                          f"exists and is writable.") from None
    with stream:
        os.fchmod(stream.fileno(), output_mode(path))
        writer = RowWriter(stream, format, columns, header=not resume)

        def checkpoint(rows: int) -> None:
            stream.flush()
            os.fsync(stream.fileno())
            _save(state_file, fingerprint, rows, stream.buffer.tell())

        checkpoint(done)
        yield writer, done, checkpoint
        writer.close()
        os.fsync(stream.fileno())
    os.replace(partial, path)
    state_file.unlink(missing_ok=True)


def _resume_state(path: Path, partial: Path, state_file: Path, fingerprint: dict):
    if not state_file.is_file() or not partial.is_file():
        raise ResumeRefused(f"Nothing to resume for {path}: there is no {partial.name}. Run "
                            f"without --resume.")
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        rows, size = int(state["rows"]), int(state["bytes"])
    except (ValueError, KeyError, TypeError):
        raise StanceError(f"{state_file} is damaged; run without --resume to start over."
                          ) from None
    before = state.get("fingerprint")
    if before != fingerprint:
        if not isinstance(before, dict) or any(before.get(k) != fingerprint[k]
                                               for k in ("input", "size", "mtime_ns")):
            raise ResumeRefused(f"{partial} was started on another input file (or it changed "
                                f"since); run without --resume to start over.")
        old, new = before.get("options") or {}, fingerprint["options"]
        if set(new) - set(old):
            raise ResumeRefused(f"{partial} was started by an older stance, which recorded "
                                f"fewer settings; run without --resume to start over.")
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)) or [
            k for k in ("format", "columns") if before.get(k) != fingerprint[k]]
        raise ResumeRefused(f"{partial} was started with another "
                            f"{', another '.join(changed)}; resume with the settings it was "
                            f"started with, or run without --resume to start over.")
    if partial.stat().st_size < size:
        raise StanceError(f"{partial} is shorter than its last checkpoint; run without --resume "
                          f"to start over.")
    return rows, size
