"""The numpy-only scorer (scorer.npz) that makes `stance predict "..."` start fast."""

import subprocess
import sys

import numpy as np
import pytest

import stance
from stance import ModelError
from stance._lite import LiteModel
from stance._persist import load_scorer

TEXTS = ["Lift the sanctions now, please!", "", "x", "No truce  now 🙂 İİ ǅ\nfoo",
         "A truce would only let them regroup and rearm.", "ﬁ 𝐀𝐁 السلام عليكم"]


@pytest.mark.parametrize("params", [
    {}, {"off_topic": 1, "random_state": 0}, {"calibration": "temperature"},
    {"topic_copies": False}, {"sublinear_tf": False, "word_ngram_range": (1, 3)},
], ids=["default", "gated", "calibrated", "shared-only", "raw-tf"])
def test_the_scorer_gives_the_model_probabilities(corpus, tmp_path, params):
    model = stance.StanceClassifier(unseen_topic="ignore", **params).fit(corpus.X, corpus.y)
    path = stance.save_model(model, tmp_path / "m")
    lite = load_scorer(path)
    assert isinstance(lite, LiteModel)
    assert list(lite.classes_) == list(model.classes_)
    assert list(lite.topics_) == list(model.topics_)
    X = np.array([[t, p] for t in TEXTS + list(corpus.text)
                  for p in ("ceasefire", "sanctions_relief", "unseen")], dtype=object)
    np.testing.assert_allclose(lite.predict_proba(X), model.predict_proba(X), atol=1e-6)


def test_hashed_models_have_no_scorer_file(corpus, tmp_path):
    model = stance.StanceClassifier(**stance.PRESETS["fast"]).fit(corpus.X, corpus.y)
    path = stance.save_model(model, tmp_path / "m")
    assert not (path / "scorer.npz").exists()
    assert isinstance(load_scorer(path), stance.StanceClassifier)


def test_a_changed_scorer_file_is_refused(model_dir, tmp_path):
    import shutil

    copy = shutil.copytree(model_dir, tmp_path / "copy")
    blob = bytearray((copy / "scorer.npz").read_bytes())
    blob[-10] ^= 1
    (copy / "scorer.npz").write_bytes(bytes(blob))
    with pytest.raises(ModelError, match="scorer.npz does not match the SHA-256"):
        load_scorer(copy)


def test_predicting_a_statement_does_not_import_scikit_learn(model_dir):
    code = ("import sys\nfrom stance.cli import main\n"
            f"sys.argv = ['stance', 'predict', 'Lift the sanctions now.', '-m', {str(model_dir)!r},"
            " '-f', 'csv']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('sklearn' in sys.modules, 'scipy' in sys.modules, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.startswith("text,topic,stance,p_favor")
    assert result.stderr.strip().splitlines()[-1] == "False False"


def test_any_topic_name_survives_the_scorer_file(tmp_path):
    X = [("Lift the sanctions now.", "cease\nfire"), ("Keep every sanction.", "cease\nfire"),
         ("A truce now.", "sanctions, relief"), ("No truce ever.", "sanctions, relief"),
         ("Talks resumed.", "sanctions, relief")]
    model = stance.StanceClassifier().fit(X, ["favor", "against", "favor", "against", "none"])
    lite = load_scorer(stance.save_model(model, tmp_path / "m"))
    assert list(lite.topics_) == ["cease\nfire", "sanctions, relief"]
    np.testing.assert_allclose(lite.predict_proba(X), model.predict_proba(X), atol=1e-6)
