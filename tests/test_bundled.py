"""The bundled dataset keeps its own rules, and the bundled model is trained on its current version."""

import sys
from pathlib import Path

import pytest

import stance

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets" / "negotiation_stance.csv"


@pytest.fixture(scope="module")
def bundled():
    return stance.load_dataset(DATA)


def test_bundled_dataset_passes_every_rule(bundled):
    report = stance.check_dataset(bundled)
    broken = [f"{c.rule}: {c.figure}" for c in report.checks if c.passed is not True]
    assert not broken


def test_bundled_dataset_uses_the_documented_values(bundled):
    assert set(bundled.topics) == set(stance.NEGOTIATION_TOPICS)
    assert set(bundled.extra["split"]) == {"train", "dev", "test"}
    assert set(bundled.extra["voice"]) == {
        "russian_official", "ukrainian_official", "us_official", "european_official",
        "chinese_or_global_south", "analyst", "journalist", "public"}
    assert set(bundled.extra["register"]) == {
        "official_statement", "interview", "op_ed", "social_post", "news_report"}
    tags = {t for v in bundled.extra["phenomena"] for t in str(v).split(";") if t}
    assert tags <= {"negation", "sarcasm", "rhetorical_question", "conditional",
                    "reported_speech", "implicit", "hedged", "topic_without_stance", "mixed"}


def test_bundled_model_was_trained_on_the_current_datasets():
    sys.path.insert(0, str(ROOT))
    try:
        import train
    finally:
        sys.path.pop(0)
    meta = stance.read_metadata(ROOT / "models")
    sources = train.SETTINGS["sources"]
    fit_part = train.part(train.load_sources(), ("train", "dev"), sources)
    assert meta["training_data"]["sha256"] == fit_part.sha256, (
        "models/ is stale: a dataset changed since the model was trained. Run python train.py.")
    assert meta["training_data"]["rows"] == len(fit_part)
    settings = {k: v for k, v in train.SETTINGS.items() if k not in ("sources", "weights")}
    assert {k: meta["params"][k] for k in settings} == settings


def test_bundled_model_records_its_real_speech_figures():
    evaluation = stance.read_metadata(ROOT / "models")["evaluation"]
    assert evaluation["description"].startswith("real test split")
    assert evaluation["sentences"] >= 0.2 * 2500
    for key in ("background", "synthetic", "synthetic_all_topics"):
        assert 0.0 <= evaluation[key]["f_avg"] <= 1.0


def test_bundled_model_loads_and_knows_the_negotiation_topics():
    meta = stance.read_metadata()
    assert set(meta["topics"]) == set(stance.NEGOTIATION_TOPICS)
    model = stance.load_model()
    assert set(model.topics_) == set(stance.NEGOTIATION_TOPICS)
    rows = stance.classify(["Sanctions must stay until the last soldier leaves."],
                           ["sanctions_relief"], model=model)
    assert rows[0]["stance"] == "against"


def test_bundled_scorer_file_agrees_with_the_bundled_model():
    import numpy as np

    from stance._lite import LiteModel

    lite = stance.load_scorer()
    assert isinstance(lite, LiteModel), "models/ lacks scorer.npz: run python train.py"
    data = stance.load_dataset(DATA)
    X = data.X[::25]
    np.testing.assert_allclose(lite.predict_proba(X), stance.load_model().predict_proba(X),
                               atol=1e-6)
