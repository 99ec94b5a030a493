import pickle

import numpy as np
import pytest
from sklearn.base import clone

from stance import StanceClassifier, StanceError, StanceWarning


def test_fit_returns_self_and_sets_fitted_attributes(corpus):
    model = StanceClassifier()
    assert model.fit(corpus.X, corpus.y) is model
    assert list(model.classes_) == ["against", "favor", "none"]
    assert list(model.topics_) == ["ceasefire", "sanctions_relief"]


def test_learns_the_training_data(model, corpus):
    assert (model.predict(corpus.X) == corpus.y).mean() == 1.0


def test_probabilities_sum_to_one_and_follow_classes(model, corpus):
    proba = model.predict_proba(corpus.X)
    assert proba.shape == (len(corpus), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert list(model.classes_[proba.argmax(axis=1)]) == list(model.predict(corpus.X))
    scores = model.decision_function(corpus.X)
    assert list(model.classes_[scores.argmax(axis=1)]) == list(model.predict(corpus.X))


def test_deterministic_given_random_state(corpus):
    a = StanceClassifier(random_state=1).fit(corpus.X, corpus.y).predict_proba(corpus.X)
    b = StanceClassifier(random_state=1).fit(corpus.X, corpus.y).predict_proba(corpus.X)
    assert np.array_equal(a, b)


def test_unseen_topic_warns_and_uses_shared_features(model):
    with pytest.warns(StanceWarning, match=r"'nato' were not seen in training.*Known topics: "
                                           r"ceasefire, sanctions_relief"):
        proba = model.predict_proba([("Lift the sanctions now.", "nato")])
    assert np.isclose(proba.sum(), 1.0)


def test_unseen_topic_can_be_refused(corpus):
    model = StanceClassifier(unseen_topic="error").fit(corpus.X, corpus.y)
    with pytest.raises(StanceError, match=r"Unknown topic\(s\) 'nato'. The model knows: "
                                          r"ceasefire, sanctions_relief"):
        model.predict([("x", "nato")])


@pytest.mark.parametrize("y, match", [
    (["favor"] * 19 + ["maybe"], r"y\[19\] = 'maybe' is not a stance label"),
    (["favor"] * 20, "at least two different labels"),
    (["favor", "none"], "X has 20 rows but y has 2 labels"),
])
def test_bad_labels_are_refused(corpus, y, match):
    with pytest.raises(StanceError, match=match):
        StanceClassifier().fit(corpus.X, y)


def test_bad_parameter_is_refused(corpus):
    with pytest.raises(StanceError, match="unseen_topic='skip' is not valid"):
        StanceClassifier(unseen_topic="skip").fit(corpus.X, corpus.y)


def test_a_bare_string_is_not_input(model):
    with pytest.raises(StanceError, match="single string"):
        model.predict("Lift the sanctions")


def test_sklearn_contract(model, corpus):
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(clone(model), "classes_")
    copy = pickle.loads(pickle.dumps(model))
    assert np.array_equal(copy.predict_proba(corpus.X), model.predict_proba(corpus.X))
    with pytest.raises(TypeError):
        StanceClassifier(1.0)  # parameters are keyword-only
