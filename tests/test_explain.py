"""Explanations, strongest n-grams, calibration and --min-confidence."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import stance
from stance.cli import app

TEXTS = [("Lift the sanctions now, please!", "sanctions_relief"),
         ("A truce would only let them regroup.", "ceasefire"),
         ("Talks resumed 🙂 in Istanbul; no comment.", "ceasefire"),
         ("x", "sanctions_relief")]


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module", params=["default", "fast", "gated"])
def fitted(request, corpus):
    params = {"gated": {"off_topic": 1, "random_state": 0}}.get(request.param,
                                                                 stance.PRESETS.get(request.param))
    return request.param, stance.StanceClassifier(**params).fit(corpus.X, corpus.y)


@pytest.mark.parametrize("text, topic", TEXTS)
def test_contributions_plus_intercept_equal_the_decision_score(fitted, text, topic):
    kind, model = fitted
    why = stance.explain(model, text, topic)
    assert why["label"] == model.predict([(text, topic)])[0]
    label_at = list(model.classes_).index(why["label"])
    score = model.decision_function(np.array([[text, topic]], dtype=object))[0, label_at]
    total = why["intercept"] + sum(c["contribution"] for c in why["contributions"])
    # vocabulary models score in float64; hashed ones gather float32 weights
    assert total == pytest.approx(score, abs=1e-6 if kind != "fast" else 1e-5)
    assert why["score"] == pytest.approx(score, abs=1e-12)
    for c in why["contributions"]:
        assert c["contribution"] == pytest.approx(c["value"] * c["weight"], rel=1e-9, abs=1e-12)
    contributions = [c["contribution"] for c in why["contributions"]]
    assert contributions == sorted(contributions, reverse=True)


def test_explanations_name_the_statement_ngrams(model):
    why = stance.explain(model, "Lift the sanctions now.", "sanctions_relief")
    names = {(c["kind"], c["feature"]) for c in why["contributions"]}
    assert ("word", "lift") in names and ("word", "the sanctions") in names
    assert ("char", " li") in names and ("topic", "[topic: sanctions_relief]") in names


def test_explain_refuses_an_unknown_topic(model):
    with pytest.raises(stance.StanceError, match="The model knows: ceasefire, sanctions_relief"):
        stance.explain(model, "Stop now.", "ceasfire")


def test_top_features_add_shared_and_topic_weights(model):
    best = stance.top_features(model, "sanctions_relief", top=3)
    assert set(best) == set(model.classes_) and all(len(v) == 3 for v in best.values())
    weights = [g["weight"] for g in best["favor"]]
    assert weights == sorted(weights, reverse=True)
    # every n-gram's weight equals its weight in an explanation of the same label and topic
    why = stance.explain(model, "Lift the sanctions now, they hurt our farmers.",
                         "sanctions_relief")
    every = {(g["kind"], g["feature"]): g["weight"]
             for g in stance.top_features(model, "sanctions_relief", top=10**6)[why["label"]]}
    ngrams = [c for c in why["contributions"] if c["kind"] != "topic"]
    assert len(ngrams) > 20
    for c in ngrams:
        assert every[c["kind"], c["feature"]] == pytest.approx(c["weight"], rel=1e-6, abs=1e-9)


def test_top_features_need_a_vocabulary(corpus):
    hashed = stance.StanceClassifier(**stance.PRESETS["fast"]).fit(corpus.X, corpus.y)
    with pytest.raises(stance.StanceError, match="keeps no vocabulary"):
        stance.top_features(hashed, "ceasefire")


def test_explain_and_features_commands(model_dir):
    result = run("explain", "Lift the sanctions now.", "-t", "sanctions_relief", "-m", model_dir,
                 "--top", "3")
    assert result.exit_code == 0, result.output
    assert "pushed toward" in result.stdout and "pushed away from" in result.stdout
    assert "[topic: sanctions_relief]" in result.stdout or "intercept" in result.stdout
    result = run("explain", "Lift the sanctions now.", "-t", "sanctions_relief", "-m", model_dir,
                 "-f", "json")
    why = json.loads(result.stdout)
    assert why["intercept"] + sum(c["contribution"] for c in why["contributions"]) == \
        pytest.approx(why["score"], abs=1e-6)
    result = run("features", "-t", "ceasefire", "-m", model_dir, "-f", "json", "--top", "2")
    assert result.exit_code == 0, result.output
    assert all(len(v) == 2 for v in json.loads(result.stdout).values())
    result = run("explain", "Stop.", "-t", "nope", "-m", model_dir)
    assert result.exit_code == 1 and "unknown topic 'nope'" in result.stderr


def test_min_confidence_answers_uncertain(model, tmp_path, model_dir):
    rows = stance.classify([t for t, _ in TEXTS], ["ceasefire"], model=model)
    top = [max(r["p_favor"], r["p_against"], r["p_none"]) for r in rows]
    threshold = float(np.median(top))
    marked = stance.classify([t for t, _ in TEXTS], ["ceasefire"], model=model,
                             min_confidence=threshold)
    for before, after, p in zip(rows, marked, top):
        assert after["stance"] == ("uncertain" if p < threshold else before["stance"])
        assert after["p_favor"] == before["p_favor"]
    assert any(r["stance"] == "uncertain" for r in marked)
    with pytest.raises(stance.StanceError, match="between 0 and 1"):
        stance.classify(["x y"], model=model, min_confidence=1.5)
    source = tmp_path / "in.csv"
    source.write_text("text\n" + "\n".join(f'"{t}"' for t, _ in TEXTS) + "\n")
    out = tmp_path / "out.csv"
    result = run("predict", "-i", source, "-o", out, "-t", "ceasefire", "-m", model_dir,
                 "--min-confidence", "1")
    assert result.exit_code == 0, result.output
    assert "ceasefire:predicted" in out.read_text()
    assert out.read_text().count(",uncertain,") == len(TEXTS)


def test_calibration_fits_temperatures_and_keeps_the_ranking(corpus):
    plain = stance.StanceClassifier(random_state=0).fit(corpus.X, corpus.y)
    tuned = stance.StanceClassifier(calibration="temperature", random_state=0).fit(corpus.X,
                                                                                   corpus.y)
    assert plain.temperature_ == 1.0 and 0.05 <= tuned.temperature_ <= 20
    assert tuned.relevance_temperature_ == 1.0  # no gate, no gate temperature
    np.testing.assert_array_equal(plain.predict(corpus.X), tuned.predict(corpus.X))
    np.testing.assert_allclose(tuned.predict_proba(corpus.X).sum(axis=1), 1.0)
    with pytest.raises(stance.StanceError, match="calibration='platt' is not valid"):
        stance.StanceClassifier(calibration="platt").fit(corpus.X, corpus.y)


def test_temperature_softens_an_overconfident_model():
    from stance._calibration import expected_calibration_error, fit_gated_temperatures, \
        gated_proba

    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 2000)
    scores = rng.normal(size=(2000, 3))
    scores[np.arange(2000), truth] += 1.0
    scores *= 4  # overconfident
    labels = np.array(["against", "favor", "none"], dtype=object)
    t, _ = fit_gated_temperatures(labels[truth], scores, None, labels)
    assert t > 2
    before = expected_calibration_error(labels[truth], gated_proba(scores, None, None), labels)
    after = expected_calibration_error(labels[truth], gated_proba(scores, None, None, t),
                                       labels)
    assert after < before / 2


def test_train_shows_progress_and_a_per_topic_table(corpus_csv, tmp_path):
    result = run("train", corpus_csv, "-o", tmp_path / "m", "--cv", "3", "--calibrate")
    assert result.exit_code == 0, result.output
    for fold in (1, 2, 3):
        assert f"Cross-validation: fitting fold {fold} of 3" in result.stderr
    assert "Fitting on all 20 rows (and calibration folds)" in result.stderr
    assert "3-fold cross-validation" in result.stdout
    assert "ceasefire" in result.stdout and "sanctions_relief" in result.stdout
    params = json.loads((tmp_path / "m" / "metadata.json").read_text())["params"]
    assert params["calibration"] == "temperature"


def test_two_label_models_explain_the_log_odds():
    X = [("Lift the sanctions now.", "s"), ("Keep every sanction, add a new package.", "s"),
         ("Ease them.", "s"), ("No relief.", "s")]
    model = stance.StanceClassifier().fit(X, ["favor", "against", "favor", "against"])
    for text in ("No relief, add a package.", "Lift and ease."):
        why = stance.explain(model, text, "s")
        p = model.predict_proba([(text, "s")])[0]
        at = list(model.classes_).index(why["label"])
        assert why["score"] == pytest.approx(np.log(p[at] / p[1 - at]), abs=1e-9)
        total = why["intercept"] + sum(c["contribution"] for c in why["contributions"])
        assert total == pytest.approx(why["score"], abs=1e-9)
    best = stance.top_features(model, "s", top=1)
    assert best["against"][0]["weight"] > 0 and best["favor"][0]["weight"] > 0
