"""stance: tell whether statements favor, oppose or take no stance on negotiation topics.

Examples
--------
>>> import stance
>>> model = stance.load_model()  # the bundled negotiation-stance model
>>> stance.classify(["We will never recognise the annexation."], ["territorial_concessions"],
...                 model=model)[0]["stance"]
'against'

Everything below is imported on first use, so ``import stance`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._errors import DataError, ModelError, StanceError, StanceWarning
from ._labels import LABELS
from ._topics import NEGOTIATION_TOPICS
from ._version import __version__

_LAZY = {
    "Dataset": "_dataset", "load_dataset": "_dataset",
    "TopicFeatures": "_features", "HashedTopicFeatures": "_hashed",
    "StanceClassifier": "_model", "PRESETS": "_model",
    "evaluate": "_metrics", "stance_scores": "_metrics",
    "cross_validate": "_cross_validation", "split_dataset": "_cross_validation",
    "save_model": "_persist", "load_model": "_persist", "read_metadata": "_persist",
    "bundled_model_path": "_persist", "load_scorer": "_persist",
    "classify": "_predict", "predict_file": "_batch", "train": "_training",
    "predict_dask": "_dask", "predict_files_dask": "_dask",
    "check_dataset": "_checks",
    "TrainResult": "_training",
    "explain": "_explain", "top_features": "_explain",
    "expected_calibration_error": "_calibration", "reliability_bins": "_calibration",
    "write_report": "_report",
    "suggest": "_annotate", "audit": "_annotate", "data_stats": "_annotate",
}

__all__ = [
    "LABELS", "NEGOTIATION_TOPICS", "DataError", "ModelError", "StanceError", "StanceWarning",
    "__version__", *_LAZY,
]

if TYPE_CHECKING:
    from ._annotate import audit, data_stats, suggest
    from ._batch import predict_file
    from ._checks import check_dataset
    from ._dask import predict_dask, predict_files_dask
    from ._calibration import expected_calibration_error, reliability_bins
    from ._dataset import Dataset, load_dataset
    from ._explain import explain, top_features
    from ._features import TopicFeatures
    from ._hashed import HashedTopicFeatures
    from ._metrics import evaluate, stance_scores
    from ._model import PRESETS, StanceClassifier
    from ._persist import bundled_model_path, load_model, load_scorer, read_metadata, save_model
    from ._predict import classify
    from ._report import write_report
    from ._training import TrainResult, train
    from ._cross_validation import cross_validate, split_dataset


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'stance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
