import pickle

import numpy as np
import pytest

import stance
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
    with pytest.raises(StanceError, match=r"unknown topic 'nato'. The model knows: "
                                          r"ceasefire, sanctions_relief. Pass unseen_topic"):
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


def test_off_topic_teaches_none_for_topics_a_statement_does_not_touch(corpus):
    # The corpus labels most statements on one topic; with off_topic=1 a relevance model learns
    # that a statement about sanctions says nothing about a ceasefire, and the reverse.
    plain = StanceClassifier(random_state=0).fit(corpus.X, corpus.y)
    gated = StanceClassifier(off_topic=1, random_state=0).fit(corpus.X, corpus.y)
    crossed = [("Lift the sanctions now, they only hurt our farmers.", "ceasefire"),
               ("We call for an immediate truce.", "sanctions_relief")]
    assert list(gated.predict(crossed)) == ["none", "none"]
    assert list(plain.predict(crossed)) != ["none", "none"]
    assert (gated.relevance(crossed) < 0.5).all()
    assert (gated.relevance(corpus.X[:6]) > 0.5).all()
    assert list(gated.predict(corpus.X)) == list(corpus.y)
    proba = gated.predict_proba(np.array(crossed, dtype=object))
    assert np.allclose(proba.sum(axis=1), 1.0)
    with pytest.warns(StanceWarning):
        assert gated.relevance([("Lift the sanctions now.", "nato")])[0] == 1.0


def test_off_topic_must_be_a_count_and_needs_topic_copies(corpus):
    with pytest.raises(StanceError, match="off_topic=-1 must be a whole number >= 0"):
        StanceClassifier(off_topic=-1).fit(corpus.X, corpus.y)
    with pytest.raises(StanceError, match="off_topic > 0 needs topic_copies=True"):
        StanceClassifier(off_topic=1, topic_copies=False).fit(corpus.X, corpus.y)


def test_unseen_topic_averages_the_known_topics_and_leans_away_from_none(model):
    text = "Lift the sanctions now."
    with pytest.warns(StanceWarning):
        scores = model.decision_function([(text, "nato")])[0]
    expected = model.decision_function([(text, t) for t in model.topics_]).mean(axis=0)
    expected[list(model.classes_).index("none")] += model.unseen_none_bias
    assert np.allclose(scores, expected)


def test_none_bias_moves_answers_to_none_in_every_scoring_path(corpus, tmp_path):
    from stance._persist import load_scorer

    plain = StanceClassifier().fit(corpus.X, corpus.y)
    biased = StanceClassifier(none_bias=4.0).fit(corpus.X, corpus.y)
    none = list(plain.classes_).index("none")
    p, q = plain.predict_proba(corpus.X), biased.predict_proba(corpus.X)
    assert (q[:, none] > p[:, none]).all()
    expected = p * np.where(np.arange(p.shape[1]) == none, np.exp(4.0), 1.0)
    np.testing.assert_allclose(q, expected / expected.sum(1, keepdims=True), atol=1e-9)
    lite = load_scorer(stance.save_model(biased, tmp_path / "m"))
    np.testing.assert_allclose(lite.predict_proba(corpus.X), q, atol=1e-6)


@pytest.mark.parametrize("bias", [float("nan"), "1", None])
def test_none_bias_must_be_a_finite_number(corpus, bias):
    with pytest.raises(StanceError, match="none_bias=.* must be a finite number"):
        StanceClassifier(none_bias=bias).fit(corpus.X, corpus.y)


@pytest.mark.parametrize("params", [{}, {"features": "hashed", "char_ngram_range": (3, 5),
                                         "solver": "sgd", "random_state": 0}],
                         ids=["newton-cg", "sgd"])
def test_unit_sample_weights_change_nothing_and_bad_ones_are_refused(corpus, params):
    plain = StanceClassifier(**params).fit(corpus.X, corpus.y)
    weighted = StanceClassifier(**params).fit(corpus.X, corpus.y,
                                              sample_weight=np.ones(len(corpus)))
    np.testing.assert_allclose(weighted.predict_proba(corpus.X), plain.predict_proba(corpus.X),
                               atol=1e-6)
    with pytest.raises(StanceError, match=r"sample_weight must hold one finite number >= 0 per "
                                          r"row \(\d+\); got 2 values"):
        StanceClassifier(**params).fit(corpus.X, corpus.y, sample_weight=[1.0, 2.0])


@pytest.mark.parametrize("features", ["tfidf", "hashed"])
def test_topic_blocks_is_checked_whatever_the_features(corpus, features):
    with pytest.raises(StanceError, match="topic_blocks='bogus' is not valid"):
        StanceClassifier(features=features, topic_blocks="bogus").fit(corpus.X, corpus.y)


def test_refusing_unseen_topics_names_every_one(corpus):
    model = StanceClassifier(unseen_topic="error").fit(corpus.X, corpus.y)
    with pytest.raises(StanceError, match=r"unknown topic 'ceasefires'. Did you mean "
                                          r"'ceasefire'\?.*unknown topic 'nato'"):
        model.predict([("x", "nato"), ("y", "ceasefires")])
