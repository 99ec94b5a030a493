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


@pytest.mark.parametrize("params", [
    {}, {"off_topic": 1, "random_state": 0}, {"topic_copies": False},
    {"sublinear_tf": False, "word_ngram_range": (1, 3), "char_ngram_range": (3, 4)},
], ids=["default", "gated", "shared-only", "raw-tf"])
def test_vocabulary_scores_equal_the_matrix_scores(corpus, params):
    from stance._scorer import MatrixScorer, VocabularyScorer, scorer

    model = stance.StanceClassifier(**params).fit(corpus.X, corpus.y)
    assert isinstance(scorer(model), VocabularyScorer)
    texts = [t for t, _ in PAIRS] + list(corpus.text) + [
        "the the the sanctions sanctions", "No truce  now İİ ǅ\nfoo 𝐀𝐁", "x", "at once, are one"]
    # every text on every topic (texts repeated) and each text once on one topic, or unseen
    everything = (np.repeat(np.array(texts, dtype=object), 3), np.tile([0, 1, -1], len(texts)))
    once = (np.array(texts, dtype=object), np.arange(len(texts)) % 3 - 1)
    for texts_, topics in (everything, once):
        expected = MatrixScorer(model).scores(texts_, topics)
        got = VocabularyScorer(model).scores(texts_, topics)
        np.testing.assert_allclose(got[0], expected[0], rtol=0, atol=1e-12)
        if expected[1] is not None:
            np.testing.assert_array_equal(np.isinf(got[1]), np.isinf(expected[1]))
            finite = np.isfinite(expected[1])
            np.testing.assert_allclose(got[1][finite], expected[1][finite], rtol=0, atol=1e-12)


def test_analyzers_the_batch_hashing_cannot_follow_use_the_matrix(corpus):
    from stance._scorer import MatrixScorer, scorer

    model = stance.StanceClassifier(char_ngram_range=(1, 3)).fit(corpus.X, corpus.y)
    assert isinstance(scorer(model), MatrixScorer)


def test_models_with_two_labels_score_with_every_scorer():
    X = [("Lift the sanctions now.", "sanctions_relief"), ("Keep every sanction.",
                                                          "sanctions_relief"),
         ("A truce now.", "ceasefire"), ("No truce ever.", "ceasefire")]
    y = ["favor", "against", "favor", "against"]
    for params in ({}, stance.PRESETS["fast"], {**stance.PRESETS["fast"], "off_topic": 1}):
        model = stance.StanceClassifier(random_state=0, **params).fit(X, y)
        proba = model.predict_proba(X)
        assert proba.shape == (4, 2) and np.allclose(proba.sum(axis=1), 1)


def test_crafted_hash_relations_do_not_fool_the_vocabulary_scorer():
    from stance._scorer import MatrixScorer, VocabularyScorer

    # code points with small integer relations that the plain rolling hash maps together
    X = [("aш favor words here", "t"), ("bâ𮍉 against words", "t"), ("neutral text", "t")]
    model = stance.StanceClassifier().fit(X, ["favor", "against", "none"])
    texts = np.array(["aш", "bâ𮍉", "怀愀戀挀搀", "夑嚾桕沦揆"], dtype=object)
    topics = np.zeros(4, dtype=np.int64)
    np.testing.assert_allclose(VocabularyScorer(model).scores(texts, topics)[0],
                               MatrixScorer(model).scores(texts, topics)[0], atol=1e-12)


@pytest.mark.parametrize("preset", ["default", "fast"])
def test_threads_give_the_same_scores(corpus, preset):
    from stance._scorer import BATCH

    model = stance.StanceClassifier(**stance.PRESETS[preset], off_topic=1,
                                    random_state=0).fit(corpus.X, corpus.y)
    X = np.array([(f"{t} {i}", p) for i in range(3 * BATCH // len(corpus) + 1)
                  for t, p in corpus.X], dtype=object)
    one = model.predict_proba(X)
    np.testing.assert_array_equal(model.set_params(n_jobs=-1).predict_proba(X), one)
    np.testing.assert_array_equal(model.set_params(n_jobs=2).predict_proba(X), one)
