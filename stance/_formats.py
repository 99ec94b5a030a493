"""The two ways a fitted model is stored: joblib (a pickle) or skops (no pickle)."""

from __future__ import annotations

from pathlib import Path

from ._errors import ModelError

FORMATS: tuple[str, ...] = ("joblib", "skops")
FILES = {"joblib": "model.joblib", "skops": "model.skops"}
#: What a skops file may contain beyond skops' own defaults: the library's model classes, and
#: scikit-learn, numpy and scipy.sparse types.
TRUSTED_TYPES = ("stance._model.StanceClassifier", "stance._features.TopicFeatures",
                 "stance._hashed.HashedTopicFeatures")
TRUSTED_MODULES = ("sklearn.", "numpy.", "scipy.sparse.")


def _skops():
    try:
        import skops.io
    except ImportError:
        raise ModelError("The skops format needs the skops extra: pip install 'stance[skops]'."
                         ) from None
    return skops.io


def write(model, path: Path, format: str) -> None:
    """Write ``model`` to ``path`` in ``format``."""
    if format == "skops":
        _skops().dump(model, path, compression=8)
    else:
        import joblib

        joblib.dump(model, path, compress=3)


def read(path: Path, format: str):
    """Read a model written by :func:`write`.

    A skops file is inspected before anything is built: it may only hold ``TRUSTED_TYPES`` and
    types from ``TRUSTED_MODULES``, and any other type is refused by name.
    """
    if format == "skops":
        sio = _skops()
        untrusted = sio.get_untrusted_types(file=path)
        refused = sorted(t for t in untrusted
                         if t not in TRUSTED_TYPES and not t.startswith(TRUSTED_MODULES))
        if refused:
            raise ModelError(f"{path} holds types that stance does not trust: "
                             f"{', '.join(refused)}. It was not loaded; get the model from its "
                             f"author as a stance model or retrain it.")
        return sio.load(path, trusted=untrusted)
    import joblib

    return joblib.load(path)
