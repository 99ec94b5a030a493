import json
import re

import numpy as np
import pytest

import stance
from stance import ModelError, StanceWarning


def test_round_trip_gives_the_same_predictions(model, model_dir, corpus):
    loaded = stance.load_model(model_dir)
    assert np.array_equal(loaded.predict_proba(corpus.X), model.predict_proba(corpus.X))
    assert sorted(p.name for p in model_dir.iterdir()) == ["README.md", "metadata.json",
                                                          "model.joblib", "scorer.npz"]


def test_metadata_is_readable_without_unpickling(model_dir, corpus):
    meta = json.loads((model_dir / "metadata.json").read_text())
    assert meta["format"] == "stance-model" and meta["format_version"] == 1
    assert {"stance", "scikit-learn", "numpy", "python"} <= set(meta["versions"])
    assert meta["classes"] == ["against", "favor", "none"]
    assert list(meta["topics"]) == ["ceasefire", "sanctions_relief"]
    assert meta["topics"]["ceasefire"].startswith("an immediate ceasefire")
    assert meta["training_data"]["rows"] == len(corpus)
    assert meta["params"]["C"] == stance.StanceClassifier().C
    assert len(meta["files"]["model.joblib"]["sha256"]) == 64
    assert stance.read_metadata(model_dir) == meta
    card = (model_dir / "README.md").read_text()
    assert "## Intended uses" in card and "## Limitations" in card


def test_tampered_model_is_refused_before_unpickling(model, tmp_path):
    path = stance.save_model(model, tmp_path / "m")
    with open(path / "model.joblib", "ab") as fh:
        fh.write(b"evil")
    with pytest.raises(ModelError, match="does not match the SHA-256 in metadata.json"):
        stance.load_model(path)


def test_truncated_model_is_refused(model, tmp_path):
    path = stance.save_model(model, tmp_path / "m")
    data = (path / "model.joblib").read_bytes()
    (path / "model.joblib").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="damaged or was changed"):
        stance.load_model(path)


@pytest.mark.parametrize("change, match", [
    (lambda m: m.update(format_version=99), "uses model format 99, but this stance"),
    (lambda m: m.update(format="other"), "does not describe a stance model"),
])
def test_incompatible_metadata_is_refused(model, tmp_path, change, match):
    path = stance.save_model(model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    change(meta)
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=match):
        stance.load_model(path)


def test_other_sklearn_version_warns(model, tmp_path):
    path = stance.save_model(model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    meta["versions"]["scikit-learn"] = "0.1"
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.warns(StanceWarning, match="saved with scikit-learn 0.1; this is scikit-learn"):
        stance.load_model(path)


def test_missing_pieces_are_named(tmp_path, model):
    with pytest.raises(ModelError, match="no such model directory"):
        stance.load_model(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="has no metadata.json"):
        stance.load_model(tmp_path / "empty")
    path = stance.save_model(model, tmp_path / "m")
    (path / "metadata.json").write_text("{not json")
    with pytest.raises(ModelError, match="is not valid JSON"):
        stance.load_model(path)


def test_save_replaces_a_model_but_never_a_foreign_directory(model, tmp_path):
    path = stance.save_model(model, tmp_path / "m")
    stance.save_model(model, path)  # replacing a model is fine
    with pytest.raises(ModelError, match="already holds a model"):
        stance.save_model(model, path, overwrite=False)
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(ModelError, match="is not a stance model directory"):
        stance.save_model(model, foreign)
    assert (foreign / "cat.jpg").read_bytes() == b"meow"


def test_failed_save_leaves_the_old_model_intact(model, tmp_path, monkeypatch):
    path = stance.save_model(model, tmp_path / "m")
    before = (path / "model.joblib").read_bytes()

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("stance._persist.model_card", explode)
    with pytest.raises(OSError, match="No space left"):
        stance.save_model(model, path)
    assert (path / "model.joblib").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no temporary left behind
    stance.load_model(path)


def test_skops_format_round_trips_without_pickle(model, corpus, tmp_path):
    pytest.importorskip("skops", reason="the skops extra is not installed")
    path = stance.save_model(model, tmp_path / "m", format="skops", data=corpus)
    assert sorted(p.name for p in path.iterdir()) == ["README.md", "metadata.json",
                                                     "model.skops", "scorer.npz"]
    assert json.loads((path / "metadata.json").read_text())["model_format"] == "skops"
    loaded = stance.load_model(path)
    assert np.array_equal(loaded.predict_proba(corpus.X), model.predict_proba(corpus.X))


def test_skops_file_with_an_untrusted_type_is_refused(tmp_path, model):
    sio = pytest.importorskip("skops.io", reason="the skops extra is not installed")
    import functools

    path = stance.save_model(model, tmp_path / "m", format="skops")
    sio.dump(functools.partial(print, "pwned"), path / "model.skops")  # would call print
    meta = json.loads((path / "metadata.json").read_text())
    meta["files"]["model.skops"]["sha256"] = stance._persist.file_sha256(path / "model.skops")
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="types that stance does not trust: builtins.print, "
                                         "functools.partial"):
        stance.load_model(path)


def test_unknown_model_format(model, tmp_path):
    with pytest.raises(ModelError, match="Unknown model format 'onnx'"):
        stance.save_model(model, tmp_path / "m", format="onnx")


def test_a_model_saved_before_a_parameter_existed_gets_its_default(model, tmp_path):
    import pickle

    state = model.__getstate__()
    del state["n_jobs"]  # as pickled by a stance without n_jobs
    old = stance.StanceClassifier.__new__(stance.StanceClassifier)
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    assert old.get_params()["n_jobs"] is None
    assert "StanceClassifier(" in repr(old)
    X = np.array([["Stop now.", "ceasefire"]], dtype=object)
    assert np.array_equal(old.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("metadata", ["{}", "not json", '{"format": "something-else"}'])
def test_save_refuses_a_directory_whose_metadata_is_not_a_stance_models(model, tmp_path,
                                                                         metadata):
    # issue 11, row 1: a folder that merely holds a metadata.json was deleted with its subfolders
    target = tmp_path / "p"
    (target / "src").mkdir(parents=True)
    (target / "metadata.json").write_text(metadata)
    (target / "src" / "a.py").write_text("x")
    with pytest.raises(ModelError, match="is not a stance model directory"):
        stance.save_model(model, target)
    assert (target / "src" / "a.py").read_text() == "x"
    assert (target / "metadata.json").read_text() == metadata


def test_save_refuses_a_model_directory_that_also_holds_other_files(model, tmp_path):
    path = stance.save_model(model, tmp_path / "m")
    (path / "notes.txt").write_text("mine")
    (path / "runs").mkdir()
    with pytest.raises(ModelError, match=r"also holds files that are not the model's: "
                                         r"notes.txt, runs"):
        stance.save_model(model, path)
    assert (path / "notes.txt").read_text() == "mine"


def test_save_into_the_current_directory_names_the_problem(model, tmp_path, monkeypatch):
    # issue 11, row 9: `stance train D -o .` failed with a traceback after training
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text("x")
    with pytest.raises(ModelError, match=r"is the current directory.*its own directory"):
        stance.save_model(model, ".")
    assert (tmp_path / "data.csv").read_text() == "x"
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    with pytest.raises(ModelError, match=r"is the current directory.*its own directory"):
        stance.save_model(model, ".")
    assert not any(empty.iterdir())


@pytest.mark.parametrize("field, value, should", [
    ("files", [], "an object of file name to {sha256, bytes}"),
    ("files", None, "an object of file name to {sha256, bytes}"),
    ("files", {"model.joblib": "x"}, "an object of file name to {sha256, bytes}"),
    ("versions", "x", "an object of package name to version"),
    ("params", None, "an object of parameter name to value"),
    ("classes", "abc", "a list of labels"),
    ("topics", [], "an object of topic to question"),
    ("model_format", 5, "a string"),
])
def test_metadata_with_fields_of_the_wrong_type_is_a_damaged_model(model, tmp_path, field,
                                                                   value, should):
    # issue 11, row 10: AttributeError/TypeError tracebacks in predict and info
    from typer.testing import CliRunner

    from stance.cli import app

    path = stance.save_model(model, tmp_path / "m")
    meta = json.loads((path / "metadata.json").read_text())
    meta[field] = value
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=rf"damaged model: field '{field}' should be "
                                         rf"{re.escape(should)}"):
        stance.read_metadata(path)
    for command in (["info", str(path)], ["predict", "Lift the sanctions.", "-m", str(path)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "damaged model" in result.stderr
