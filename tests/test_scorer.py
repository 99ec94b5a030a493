"""The fast scorer computes exactly what the feature matrix and the weights give."""

import numpy as np
import pytest

import stance
from stance import StanceWarning

PAIRS = [("Lift the sanctions now, they only hurt our farmers.", "sanctions_relief"),
         ("We call for an immediate truce!", "ceasefire"),
         ("We call for an immediate truce!", "sanctions_relief"),
         ("", "ceasefire"), ("🙂", "sanctions_relief")]


@pytest.fixture(scope="module", params=[0, 1], ids=["plain", "gated"])
def hashed(request, corpus):
    return stance.StanceClassifier(features="hashed", off_topic=request.param,
                                   random_state=0).fit(corpus.X, corpus.y)


def test_fast_scores_equal_the_matrix_scores(hashed):
    X = np.array(PAIRS, dtype=object)
    Z = hashed.features_.transform(X)
    expected = hashed.classifier_.decision_function(Z)
    assert np.allclose(hashed.decision_function(X), expected, atol=1e-5)
    if hashed.relevance_ is not None:
        about = hashed.relevance_.predict_proba(Z[:, hashed.features_.n_text_features_:])[:, 1]
        assert np.allclose(hashed.relevance(X), about, atol=1e-5)


def test_hashed_model_learns_and_round_trips(hashed, corpus, tmp_path):
    assert (hashed.predict(corpus.X) == corpus.y).mean() == 1.0
    loaded = stance.load_model(stance.save_model(hashed, tmp_path / "m"))
    assert np.allclose(loaded.predict_proba(corpus.X), hashed.predict_proba(corpus.X))


def test_hashed_unseen_topic_and_fast_preset(corpus):
    model = stance.StanceClassifier(**stance.PRESETS["fast"]).fit(corpus.X, corpus.y)
    assert model.features_.n_bits == 18
    with pytest.warns(StanceWarning):
        proba = model.predict_proba([("Lift the sanctions now.", "nato")])
    assert np.isclose(proba.sum(), 1.0)


def test_unknown_features_value(corpus):
    with pytest.raises(stance.StanceError, match="features='bag' is not valid"):
        stance.StanceClassifier(features="bag").fit(corpus.X, corpus.y)
