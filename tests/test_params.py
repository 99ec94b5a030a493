"""Every estimator parameter is checked in one place, before any work, with a clear message."""

import pytest

from stance import StanceClassifier, StanceError


@pytest.mark.parametrize("params, message", [
    ({"C": -1}, "C=-1 must be a number > 0"),
    ({"relevance_C": 0}, "relevance_C=0 must be a number > 0"),
    ({"min_df": 0}, "min_df=0 must be a whole number >= 1"),
    ({"n_bits": 70}, "n_bits=70 must be a whole number from 4 to 30"),
    ({"epochs": 0}, "epochs=0 must be a whole number >= 1"),
    ({"max_iter": 0}, "max_iter=0 must be a whole number >= 1"),
    ({"calibration_cv": "x"}, "calibration_cv='x' must be a whole number >= 2"),
    ({"word_ngram_range": (2, 1)}, r"word_ngram_range=\(2, 1\) must be a pair \(low, high\) "
                                   r"of whole numbers with 1 <= low <= high, or None"),
    ({"char_ngram_range": 3}, "char_ngram_range=3 must be a pair"),
    ({"class_weight": "even"}, "class_weight='even' is not valid. Use one of: 'balanced', None"),
    ({"min_df": 1.5}, "min_df=1.5 must be a whole number >= 1"),
    ({"sublinear_tf": "yes"}, "sublinear_tf='yes' must be True or False"),
    ({"n_jobs": 1.5}, "n_jobs=1.5 must be a whole number or None"),
    ({"unseen_none_bias": float("inf")}, "unseen_none_bias=inf must be a finite number"),
    ({"unseen_topic": "skip"}, "unseen_topic='skip' is not valid"),
    ({"off_topic": -1}, "off_topic=-1 must be a whole number >= 0"),
])
def test_a_bad_parameter_is_refused_before_any_work(corpus, params, message):
    with pytest.raises(StanceError, match=message):
        StanceClassifier(**params).fit(corpus.X, corpus.y)


def test_values_from_numpy_and_saved_metadata_are_accepted(corpus):
    import numpy as np

    for params in ({"topic_copies": np.True_, "sublinear_tf": np.False_},
                   {"word_ngram_range": np.array([1, 2]), "char_ngram_range": [2, 4]},
                   {"min_df": 0.01}, {"class_weight": {"favor": 2.0, "against": 2.0,
                                                        "none": 1.0}}):
        StanceClassifier(**params).fit(corpus.X, corpus.y)
