"""Train a model on a dataset: hold out statements, report on them, refit on everything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ._dataset import Dataset
from ._metrics import evaluate
from ._model import StanceClassifier
from ._cross_validation import cross_validate, split_dataset


@dataclass
class TrainResult:
    """What :func:`train` returns: the fitted model and the held-out figures (or None)."""

    model: StanceClassifier
    evaluation: dict | None


def train(data: Dataset, *, test_size: float = 0.2, random_state: int | None = 0,
          refit: bool = True, cv: int = 0, progress: Callable[[str], None] | None = None,
          **params) -> TrainResult:
    """Fit a :class:`StanceClassifier` and measure it on held-out statements.

    A share ``test_size`` of the statements (all rows of a statement together) is held out; the
    model is fitted on the rest and scored on them. With ``refit=True`` the returned model is then
    fitted again on all rows, so it uses every label; the figures describe the held-out run.

    Parameters
    ----------
    data : Dataset
        Labelled statements.
    test_size : float, default=0.2
        Share of statements to hold out; 0 skips the evaluation.
    random_state : int or None, default=0
        Seed for the split and the estimator.
    refit : bool, default=True
        Refit on all rows after the evaluation.
    cv : int, default=0
        Instead of one held-out split, cross-validate with this many folds (grouped by
        statement); the evaluation is then the pooled out-of-fold report, with the folds'
        ``mean`` and ``std`` under ``cross_validation``.
    progress : callable, default=None
        Called with a short message before each step.
    **params
        Parameters of :class:`StanceClassifier` (e.g. ``C=3.0``).

    Returns
    -------
    TrainResult

    Examples
    --------
    >>> import stance
    >>> data = stance.load_dataset("datasets/negotiation_stance.csv")  # doctest: +SKIP
    >>> result = stance.train(data, C=10.0)  # doctest: +SKIP
    >>> round(result.evaluation["f_avg"], 2)  # doctest: +SKIP
    0.7
    """
    say = progress or (lambda message: None)
    estimator = StanceClassifier(random_state=random_state, **params)
    evaluation = None
    if cv:
        result = cross_validate(estimator, data, n_splits=cv, random_state=random_state,
                                progress=say)
        evaluation = result["pooled"]
        evaluation["cross_validation"] = {"folds": cv, "mean": result["mean"],
                                          "std": result["std"]}
        evaluation["description"] = f"out-of-fold predictions of {cv}-fold cross-validation"
    elif test_size:
        train_part, test_part = split_dataset(data, test_size=test_size,
                                              random_state=random_state)
        say(f"Fitting on {len(train_part)} rows, holding out {len(test_part)}")
        model = StanceClassifier(**estimator.get_params()).fit(train_part.X, train_part.y)
        say("Scoring the held-out rows")
        evaluation = evaluate(model, test_part)
        evaluation["description"] = (f"{len(test_part)} rows of {test_size:.0%} of the statements"
                                     f" held out before the final fit")
        if not refit:
            return TrainResult(model, evaluation)
    calibrating = " (and calibration folds)" if estimator.calibration else ""
    say(f"Fitting on all {len(data)} rows{calibrating}")
    return TrainResult(estimator.fit(data.X, data.y), evaluation)
