"""Save and load model directories: the model file, metadata.json and a model card."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import warnings
from datetime import datetime, timezone
from pathlib import Path

from ._card import model_card
from ._errors import ModelError, StanceWarning
from ._formats import FILES, FORMATS, read, write
from ._lite import FILE as LITE_FILE
from ._lite import LiteModel, export
from ._version import __version__

FORMAT = "stance-model"
FORMAT_VERSION = 1
METADATA_FILE, CARD_FILE = "metadata.json", "README.md"


def file_sha256(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_model_path() -> Path:
    """Return the directory of the bundled model (installed package, or the source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "models", here.parent / "models"):
        if (candidate / METADATA_FILE).is_file():
            return candidate
    raise ModelError("No bundled model was found. From a source checkout, run `python train.py` "
                     "to build it, or pass a model directory (--model DIR).")


def _versions() -> dict[str, str]:
    import joblib
    import numpy
    import scipy
    import sklearn

    return {"stance": __version__, "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__,
            "joblib": joblib.__version__, "python": platform.python_version()}


def save_model(model, path: str | Path, *, data=None, evaluation: dict | None = None,
               overwrite: bool = True, format: str = "joblib") -> Path:
    """Save a fitted model as a directory: the model file, ``metadata.json`` and ``README.md``.

    The directory is written under a temporary name and renamed into place, so an interrupted
    save never leaves a half-written model, and a failed save leaves any previous model intact.

    Parameters
    ----------
    model : StanceClassifier
        A fitted model.
    path : str or Path
        The model directory to create or replace.
    data : Dataset, default=None
        The training data, recorded by file name, SHA-256 and row count.
    evaluation : dict, default=None
        Held-out figures to record in the metadata and the card.
    overwrite : bool, default=True
        Replace an existing model directory at ``path``.
    format : {"joblib", "skops"}, default="joblib"
        "joblib" writes ``model.joblib``, a pickle: fast, but loading a pickle can run code, so
        share it only with people who trust you. "skops" writes ``model.skops`` with skops.io
        (the ``skops`` extra): loading builds only stance, scikit-learn, numpy and scipy types
        and refuses anything else, so it is the format for models shared with others.

    Returns
    -------
    Path
        The model directory.

    Examples
    --------
    >>> stance.save_model(model, "my-model", data=train)  # doctest: +SKIP
    PosixPath('my-model')
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model)
    if format not in FORMATS:
        raise ModelError(f"Unknown model format {format!r}. Use one of: {', '.join(FORMATS)}.")
    path = Path(path)
    check_target(path, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; a model directory is meant to be shared
        write(model, tmp / FILES[format], format)
        files = [tmp / FILES[format]]
        if export(model, tmp / LITE_FILE) is not None:
            files.append(tmp / LITE_FILE)
        metadata = _metadata(model, data, evaluation, files, format)
        (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        (tmp / CARD_FILE).write_text(model_card(metadata), encoding="utf-8")
        _fsync_dir(tmp)
        _swap_in(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def check_target(path: str | Path, overwrite: bool = True) -> None:
    """Refuse a model directory that ``save_model`` must not replace, before any work is done.

    Only a directory whose ``metadata.json`` says it is a stance model, and which holds nothing
    but a model's files, may be replaced: replacing swaps the whole directory.
    """
    path = Path(path)
    if path.exists() and path.resolve() == Path.cwd().resolve():
        raise ModelError(f"{path} is the current directory; a model is written to its own "
                         f"directory, which it replaces as a whole. Give it its own directory, "
                         f"e.g. -o my-model.")
    if not path.exists():
        return
    if not path.is_dir():
        raise ModelError(f"{path} exists and is not a directory. Choose another output path.")
    entries = sorted(p.name for p in path.iterdir())
    if not entries:
        return
    if not _is_model_metadata(path / METADATA_FILE):
        raise ModelError(f"{path} exists and is not a stance model directory (no {METADATA_FILE} "
                         f"of a stance model); it is left untouched. Choose another output path.")
    own = {METADATA_FILE, CARD_FILE, LITE_FILE, *FILES.values()}
    foreign = [name for name in entries if name not in own]
    if foreign:
        raise ModelError(f"{path} is a stance model directory but also holds files that are not "
                         f"the model's: {', '.join(foreign)}. Saving replaces the whole directory; "
                         f"move them out or choose another output path.")
    if not overwrite:
        raise ModelError(f"{path} already holds a model. Pass overwrite=True to replace it.")


def _is_model_metadata(path: Path) -> bool:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(metadata, dict) and metadata.get("format") == FORMAT


def _fsync_dir(directory: Path) -> None:
    for item in directory.iterdir():
        with open(item, "rb") as fh:
            os.fsync(fh.fileno())


def _swap_in(tmp: Path, path: Path) -> None:
    old = None
    if path.exists():
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        path.rename(old)
    try:
        tmp.rename(path)
    except BaseException:
        if old is not None:
            old.rename(path)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _metadata(model, data, evaluation, files: list[Path], format: str) -> dict:
    from ._topics import NEGOTIATION_TOPICS

    params = {k: list(v) if isinstance(v, tuple) else v for k, v in model.get_params().items()}
    training = None
    if data is not None:
        training = {"file": Path(data.source).name if data.source else None,
                    "sha256": data.sha256, "rows": len(data),
                    "statements": len(set(data.groups.tolist()))}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": _versions(),
        "estimator": type(model).__name__,
        "classes": [str(c) for c in model.classes_],
        "topics": {str(t): NEGOTIATION_TOPICS.get(str(t)) for t in model.topics_},
        "params": params,
        "training_data": training,
        "evaluation": evaluation,
        "model_format": format,
        "files": {f.name: {"sha256": file_sha256(f), "bytes": f.stat().st_size}
                  for f in files},
    }


def read_metadata(path: str | Path | None = None) -> dict:
    """Read a model directory's ``metadata.json`` without unpickling anything.

    Examples
    --------
    >>> stance.read_metadata()["topics"]  # doctest: +SKIP
    {'arms_limits': "limits on the size and armament of Ukraine's armed forces", ...}
    """
    path = bundled_model_path() if path is None else Path(path)
    if not path.exists():
        raise ModelError(f"{path}: no such model directory. Check the path, or train one with "
                         f"`stance train DATA -o {path}`.")
    if not path.is_dir():
        raise ModelError(f"{path} is a file; a model is a directory holding the model file and "
                         f"{METADATA_FILE}. Pass the directory.")
    meta_file = path / METADATA_FILE
    if not meta_file.is_file():
        raise ModelError(f"{path} has no {METADATA_FILE}, so it is not a stance model directory "
                         f"(made by `stance train` or stance.save_model).")
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(f"{meta_file} is not valid JSON ({err}). The model directory is "
                         f"damaged; save or train the model again.") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelError(f"{meta_file} does not describe a stance model (no \"format\": "
                         f"\"{FORMAT}\").")
    version = metadata.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelError(f"{path} uses model format {version!r}, but this stance "
                         f"({__version__}) reads format {FORMAT_VERSION} at most. Upgrade stance "
                         f"(pip install -U stance) or retrain the model.")
    for field, (check, should) in _SCHEMA.items():
        if field in metadata and not check(metadata[field]):
            raise ModelError(f"{meta_file}: damaged model: field {field!r} should be {should}, "
                             f"got {json.dumps(metadata[field])[:60]}. Restore the model "
                             f"directory or train the model again.")
    return metadata


def _object_of(check):
    return lambda value: isinstance(value, dict) and all(
        isinstance(k, str) and check(v) for k, v in value.items())


# The type of each metadata field that loading or describing a model reads.
_SCHEMA = {
    "files": (_object_of(lambda f: isinstance(f, dict) and isinstance(f.get("sha256"), str)
                         and isinstance(f.get("bytes"), int)),
              "an object of file name to {sha256, bytes}"),
    "versions": (_object_of(lambda v: isinstance(v, str)), "an object of package name to "
                                                           "version"),
    "params": (_object_of(lambda v: True), "an object of parameter name to value"),
    "classes": (lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v),
                "a list of labels"),
    "topics": (_object_of(lambda q: q is None or isinstance(q, str)),
               "an object of topic to question"),
    "model_format": (lambda v: isinstance(v, str), "a string"),
    "training_data": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    "evaluation": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    "estimator": (lambda v: isinstance(v, str), "a string"),
    "created": (lambda v: isinstance(v, str), "a string"),
}


def load_scorer(path: str | Path | None = None):
    """Load a model directory for scoring only, as fast as possible.

    Directories of TF-IDF models hold ``scorer.npz`` (written by :func:`save_model`): the
    vocabularies and weights as plain arrays, read without pickle and scored with numpy alone,
    so scikit-learn is never imported. The SHA-256 of every file of the directory is checked
    first, as :func:`load_model` does. Other directories fall back to :func:`load_model`.

    Returns
    -------
    LiteModel or StanceClassifier
        An object with ``classes_``, ``topics_`` and ``predict_proba``.

    Examples
    --------
    >>> import stance
    >>> model = stance.load_scorer()  # the bundled model's scorer
    >>> stance.classify(["Lift the sanctions now."], ["sanctions_relief"], model=model)[0]["stance"]
    'favor'
    """
    path = bundled_model_path() if path is None else Path(path)
    files = read_metadata(path).get("files", {})
    lite = path / LITE_FILE
    if LITE_FILE not in files or not lite.is_file():
        return load_model(path)
    for name, entry in files.items():  # a damaged directory is refused, whichever file it is
        if not (path / name).is_file():
            raise ModelError(f"{path} has no {name}. Save or train the model again.")
        _check_sha256(path / name, entry.get("sha256"))
    try:
        return LiteModel(lite)
    except Exception as err:  # noqa: BLE001 - any failure to read means a broken file
        raise ModelError(f"{lite} could not be read ({type(err).__name__}: {err}). Save or "
                         f"train the model again.") from None


def _check_sha256(file: Path, expected: str | None) -> None:
    actual = file_sha256(file)
    if actual != expected:
        raise ModelError(f"{file} does not match the SHA-256 in {METADATA_FILE} (expected "
                         f"{expected}, found {actual}): the file is damaged or was changed. It "
                         f"was not loaded; retrain or copy the model again from a trusted source.")


def load_model(path: str | Path | None = None):
    """Load a model directory, checking its format and checksum before unpickling.

    ``model.joblib`` is a pickle, and loading a pickle can run code: only load such models from
    people you trust. The SHA-256 recorded in ``metadata.json`` must match the file, so a damaged
    or swapped file is refused before it is read. A ``model.skops`` file (see
    :func:`save_model`) is read without unpickling, building only trusted types.

    Parameters
    ----------
    path : str or Path, default=None
        The model directory; None loads the bundled negotiation-stance model.

    Returns
    -------
    StanceClassifier

    Examples
    --------
    >>> import stance
    >>> model = stance.load_model()
    >>> model.predict([("Sanctions must stay until the last soldier leaves.", "sanctions_relief")])
    array(['against'], dtype=object)
    """
    from ._model import StanceClassifier

    path = bundled_model_path() if path is None else Path(path)
    metadata = read_metadata(path)
    format = metadata.get("model_format", "joblib")
    if format not in FORMATS:
        raise ModelError(f"{path} uses the model format {format!r}, which this stance cannot "
                         f"read ({', '.join(FORMATS)}). Upgrade stance or retrain the model.")
    model_file = path / FILES[format]
    if not model_file.is_file():
        raise ModelError(f"{path} has no {model_file.name}. Save or train the model again.")
    _check_sha256(model_file, metadata.get("files", {}).get(model_file.name, {}).get("sha256"))
    _warn_versions(path, metadata)
    try:
        model = read(model_file, format)
    except ModelError:
        raise
    except Exception as err:  # noqa: BLE001 - any failure to read means a broken file
        raise ModelError(f"{model_file} could not be loaded ({type(err).__name__}: {err}). "
                         f"Retrain the model with this version of stance.") from None
    if not isinstance(model, StanceClassifier):
        raise ModelError(f"{model_file} holds a {type(model).__name__}, not a StanceClassifier.")
    return model


def _warn_versions(path: Path, metadata: dict) -> None:
    import sklearn

    saved = metadata.get("versions", {}).get("scikit-learn")
    if saved and saved != sklearn.__version__:
        warnings.warn(f"{path} was saved with scikit-learn {saved}; this is scikit-learn "
                      f"{sklearn.__version__}. Predictions may differ; retrain the model with "
                      f"this version to be sure.", StanceWarning, stacklevel=3)
