"""The estimator's parameters, checked in one place before any work is done."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from ._errors import StanceError


def _whole(value, low: int, high: int | None = None) -> bool:
    return (isinstance(value, Integral) and not isinstance(value, bool) and value >= low
            and (high is None or value <= high))


def _number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _ngram_range(value) -> bool:
    return value is None or (isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2
                             and all(_whole(v, 1) for v in value) and value[0] <= value[1])


def _flag(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def _one_of(*choices):
    return (lambda value: value in choices,
            "is not valid. Use one of: " + ", ".join(map(repr, choices)))


# parameter -> (check, what the value must be)
RULES = {
    "features": _one_of("tfidf", "hashed"),
    "word_ngram_range": (_ngram_range, "must be a pair (low, high) of whole numbers with "
                                       "1 <= low <= high, or None"),
    "char_ngram_range": (_ngram_range, "must be a pair (low, high) of whole numbers with "
                                       "1 <= low <= high, or None"),
    "min_df": (lambda v: _whole(v, 1) or (_number(v) and 0 < v <= 1),
               "must be a whole number >= 1 (statements) or a fraction in (0, 1]"),
    "sublinear_tf": (_flag, "must be True or False"),
    "n_bits": (lambda v: _whole(v, 4, 30), "must be a whole number from 4 to 30"),
    "topic_copies": (_flag, "must be True or False"),
    "topic_blocks": _one_of("all", "stance"),
    "C": (lambda v: _number(v) and v > 0, "must be a number > 0"),
    "class_weight": (lambda v: v in ("balanced", None) or isinstance(v, dict),
                     "is not valid. Use one of: 'balanced', None, or a dict of label to weight"),
    "off_topic": (lambda v: _whole(v, 0), "must be a whole number >= 0"),
    "relevance_C": (lambda v: _number(v) and v > 0, "must be a number > 0"),
    "none_bias": (_number, "must be a finite number (0 leaves the fitted model as it is)"),
    "unseen_none_bias": (_number, "must be a finite number"),
    "solver": _one_of("newton-cg", "sgd"),
    "epochs": (lambda v: _whole(v, 1), "must be a whole number >= 1"),
    "max_iter": (lambda v: _whole(v, 1), "must be a whole number >= 1"),
    "calibration": _one_of(None, "temperature"),
    "calibration_cv": (lambda v: _whole(v, 2), "must be a whole number >= 2"),
    "unseen_topic": _one_of("warn", "error", "ignore"),
    "n_jobs": (lambda v: v is None or _whole(v, -(2 ** 31)), "must be a whole number or None"),
}


def check_params(params: dict) -> None:
    """Raise a :class:`StanceError` naming the first parameter whose value is not valid, and
    for combinations that cannot work."""
    for name, (check, should) in RULES.items():
        if name in params and not check(params[name]):
            raise StanceError(f"{name}={params[name]!r} {should}.")
    if params.get("word_ngram_range") is None and params.get("char_ngram_range") is None:
        raise StanceError("word_ngram_range and char_ngram_range are both None: keep at least "
                          "one kind of n-gram.")
    if params.get("solver") == "sgd" and (params.get("features") != "hashed"
                                          or params.get("off_topic")):
        raise StanceError("solver='sgd' streams hashed features: use features='hashed' and "
                          "off_topic=0 (the 'large' preset does).")
    if params.get("off_topic") and not params.get("topic_copies"):
        raise StanceError("off_topic > 0 needs topic_copies=True: the relevance model reads "
                          "the topic-specific features.")
