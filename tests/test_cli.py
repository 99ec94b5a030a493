import json

import pytest
from typer.testing import CliRunner

from conftest import write_csv
from stance.cli import app

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_train_reports_held_out_figures_and_saves(corpus_csv, tmp_path):
    out = tmp_path / "m"
    result = run("train", corpus_csv, "-o", out, "--test-size", "0.3", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["model"] == str(out)
    assert set(report["evaluation"]) >= {"f_avg", "macro_f1", "accuracy", "n", "per_topic"}
    assert (out / "model.joblib").is_file()
    assert "Saved the model" in result.stderr


def test_predict_texts_as_json(model_dir):
    result = run("predict", "Lift the sanctions now.", "Keep every sanction.", "-t",
                 "sanctions_relief", "-m", model_dir, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["stance"] for r in rows] == ["favor", "against"]
    assert set(rows[0]) == {"text", "topic", "stance", "p_favor", "p_against", "p_none"}


def test_predict_table_covers_every_topic_by_default(model_dir):
    result = run("predict", "Lift the sanctions now.", "-m", model_dir)
    assert result.exit_code == 0, result.output
    assert "sanctions_relief" in result.stdout and "ceasefire" in result.stdout
    assert "p_favor" in result.stdout


def test_predict_reads_standard_input(model_dir):
    result = run("predict", "-t", "ceasefire", "-m", model_dir, "-f", "jsonl",
                 input="We call for an immediate truce.\n\nA truce would let them rearm.\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["stance"] for r in rows] == ["favor", "against"]


def test_predict_file_to_file(model_dir, corpus_csv, tmp_path):
    out = tmp_path / "scored.csv"
    result = run("predict", "-i", corpus_csv, "-o", out, "-m", model_dir)
    assert result.exit_code == 0, result.output
    assert out.read_text().count("\n") == 21
    assert "Scored 20 rows" in result.stderr


def test_unknown_topic_is_one_line_with_a_suggestion(model_dir):
    result = run("predict", "x", "-t", "cease_fire", "-m", model_dir)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "unknown topic 'cease_fire'. Did you mean 'ceasefire'?" in result.stderr


def test_evaluate_json(model_dir, corpus_csv):
    result = run("evaluate", corpus_csv, "-m", model_dir, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 20 and report["f_avg"] == 1.0
    assert set(report["per_topic"]) == {"ceasefire", "sanctions_relief"}


def test_evaluate_table_and_report_file(model_dir, corpus_csv, tmp_path):
    result = run("evaluate", corpus_csv, "-m", model_dir, "-o", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert "F_avg %" in result.stdout and "Confusion matrix" in result.stdout
    assert json.loads((tmp_path / "r.json").read_text())["n"] == 20


def test_topics_and_info(model_dir):
    result = run("topics", "-m", model_dir)
    assert result.exit_code == 0 and "ceasefire" in result.stdout
    result = run("info", model_dir, "--json")
    assert json.loads(result.stdout)["format"] == "stance-model"
    result = run("info", model_dir)
    assert result.exit_code == 0 and "training data" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["train", "missing.csv"], "missing.csv: no such file"),
    (["evaluate", "{bad}", "-m", "{model}"], "line 2: unknown stance 'pro'"),
    (["train", "{empty_text}"], "line 3: the 'text' column is empty"),
    (["train", "{no_column}"], "no column 'stance' (the file has: text, topic, label)"),
    (["train", "{latin}"], "line 2: the bytes b'\\xe9' at column 4 are not valid utf-8"),
    (["train", "{empty}"], "is empty"),
    (["predict", "-i", "{latin}", "-m", "{model}", "--strict"], "line 2: the bytes"),
    (["evaluate", "{dir}", "-m", "{model}"], "is a directory"),
    (["predict", "x", "-m", "{dir}/nothing"], "no such model directory"),
    (["info", "{dir}"], "has no metadata.json"),
])
def test_user_errors_exit_1_with_one_line(args, message, tmp_path, model_dir):
    bad = write_csv(tmp_path / "bad.csv", [("x", "ceasefire", "pro")],
                    header=("text", "topic", "stance"))
    files = {
        "empty_text": write_csv(tmp_path / "e.csv", [("a", "t", "favor"), ("", "t", "none")],
                                header=("text", "topic", "stance")),
        "no_column": write_csv(tmp_path / "c.csv", [("a", "t", "favor")],
                               header=("text", "topic", "label")),
    }
    (tmp_path / "latin.csv").write_bytes(b"text,topic,stance\ncaf\xe9,t,favor\n")
    (tmp_path / "empty.csv").write_bytes(b"")
    args = [a.format(bad=bad, model=model_dir, dir=tmp_path, latin=tmp_path / "latin.csv",
                     empty=tmp_path / "empty.csv", **files) for a in args]
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [
    ["predict", "--no-such-option"],
    ["predict", "x", "-i", "f.csv"],
    ["predict", "-m", "m", "-f", "yaml", "x"],
])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_predict_needs_some_text(model_dir):
    result = run("predict", "-m", model_dir, input="")
    assert result.exit_code == 2
    assert "give statements" in result.stderr


def test_data_check_exits_1_when_a_rule_is_broken(corpus_csv):
    result = run("data", "check", corpus_csv)
    assert result.exit_code == 1
    assert "at least 3,000 rows" in result.stdout
    assert "rule(s) broken" in result.stderr
    result = run("data", "check", corpus_csv, "--profile", "basic", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True


def test_train_with_a_preset_and_an_override(corpus_csv, tmp_path):
    out = tmp_path / "m"
    result = run("train", corpus_csv, "-o", out, "--preset", "fast", "--C", "3", "--test-size",
                 "0")
    assert result.exit_code == 0, result.output
    params = json.loads((out / "metadata.json").read_text())["params"]
    assert params["features"] == "hashed" and params["C"] == 3.0
    assert params["char_ngram_range"] == [3, 5]


def test_train_refuses_a_foreign_directory_before_training(corpus_csv, tmp_path, monkeypatch):
    # issue 11, rows 1 and 9: the directory was deleted, or the refusal came after training
    target = tmp_path / "p"
    (target / "src").mkdir(parents=True)
    (target / "metadata.json").write_text("{}")
    (target / "src" / "a.py").write_text("x")
    trained = []
    monkeypatch.setattr("stance._training.train", lambda *a, **k: trained.append(1))
    for output in (target, "."):
        monkeypatch.chdir(tmp_path)
        result = run("train", corpus_csv, "-o", output)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) <= 2
    assert not trained
    assert (target / "src" / "a.py").read_text() == "x"


@pytest.mark.parametrize("command", [["train"], ["evaluate"], ["audit"], ["data", "check"],
                                     ["data", "stats"]])
def test_commands_that_read_a_labelled_file_share_one_set_of_reading_options(command):
    # declared once (cli/_options.py: labelled_file), each keeps its help and its own options
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    for option in ("--text-column", "--topic-column", "--stance-column", "--id-column",
                   "--input-format", "--encoding"):
        assert option in result.stdout
    assert "Print one JSON object instead of tables." in result.stdout
