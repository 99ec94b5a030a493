import csv
import io
import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

import stance
from conftest import write_csv
from stance import StanceError, StanceWarning
from stance._annotate import audit, data_stats, suggest
from stance.cli import app

runner = CliRunner()

FAVOR = ["farmers", "exporters", "bakers", "truckers", "shipyards", "vineyards", "miners",
         "fishermen", "printers"]
AGAINST = ["tanks", "missiles", "drones", "shells", "bombers", "rockets", "mortars",
           "artillery", "warships"]
NONE = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "noon",
        "midnight"]


def learnable(flip: dict | None = None) -> list[tuple[str, str, str, str]]:
    """27 statements a model separates easily: (id, text, topic, stance); ``flip`` relabels."""
    rows = ([(f"f{i}", f"Lift the sanctions now, our {w} need relief.", "favor")
             for i, w in enumerate(FAVOR)]
            + [(f"a{i}", f"Keep every sanction, they still send {w}.", "against")
               for i, w in enumerate(AGAINST)]
            + [(f"n{i}", f"The delegation met in Vienna on {w}.", "none")
               for i, w in enumerate(NONE)])
    flip = flip or {}
    return [(i, t, "sanctions_relief", flip.get(i, s)) for i, t, s in rows]


def dataset(rows, **kwargs) -> stance.Dataset:
    return stance.Dataset.from_records(
        ({"id": i, "text": t, "topic": p, "stance": s} for i, t, p, s in rows), **kwargs)


class FixedModel:
    """A fitted-model stand-in: known probabilities per (text, topic), columns as ``classes_``."""

    classes_ = np.array(["against", "favor", "none"], dtype=object)

    def __init__(self, table: dict):
        self.table = table  # (text, topic) -> (favor, against, none)

    def predict_proba(self, X):
        rows = [self.table[(text, topic)] for text, topic in np.asarray(X)]
        return np.array([(against, favor, none) for favor, against, none in rows])


TOPIC = "ceasefire"
PROBA = {"A": (0.48, 0.47, 0.05),  # margin 0.01, entropy 0.857
         "B": (0.4, 0.3, 0.3),     # margin 0.10, entropy 1.089 (the highest)
         "C": (0.9, 0.05, 0.05),   # margin 0.85, entropy 0.394
         "E": (0.48, 0.47, 0.05)}  # the same as A, later in the input


def unlabelled(texts, topic=TOPIC) -> stance.Dataset:
    return stance.Dataset.from_records(
        [{"id": f"id{t}", "text": t, "topic": topic} for t in texts], labelled=False)


def test_suggest_ranks_by_margin_least_sure_first_ties_in_input_order():
    model = FixedModel({(t, TOPIC): p for t, p in PROBA.items()})
    rows = suggest(model, unlabelled("CAEB"), n=3)
    assert [r["id"] for r in rows] == ["idA", "idE", "idB"]
    first = rows[0]
    assert list(first) == ["id", "text", "topic", "stance", "predicted", "p_favor", "p_against",
                           "p_none", "margin"]
    assert (first["text"], first["topic"], first["stance"], first["predicted"]) == (
        "A", TOPIC, "", "favor")
    assert (first["p_favor"], first["p_against"], first["p_none"]) == (0.48, 0.47, 0.05)
    assert first["margin"] == pytest.approx(0.01)
    assert rows[2]["margin"] == pytest.approx(0.1)
    assert [r["id"] for r in suggest(model, unlabelled("CAEB"), n=None)][-1] == "idC"


def test_suggest_by_entropy_puts_the_flattest_distribution_first():
    model = FixedModel({(t, TOPIC): p for t, p in PROBA.items()})
    rows = suggest(model, unlabelled("CAEB"), n=4, by="entropy")
    assert [r["id"] for r in rows] == ["idB", "idA", "idE", "idC"]
    assert rows[0]["entropy"] == pytest.approx(-(0.4 * math.log(0.4) + 0.6 * math.log(0.3)))
    assert "margin" not in rows[0]


def test_suggest_scores_each_statement_once_on_each_given_topic():
    table = {("A", "ceasefire"): (0.9, 0.05, 0.05), ("A", "peace_talks"): (0.4, 0.3, 0.3),
             ("B", "ceasefire"): (0.5, 0.5, 0.0), ("B", "peace_talks"): (0.8, 0.1, 0.1)}
    data = stance.Dataset.from_records(
        [{"id": "s1", "text": "A", "topic": "ceasefire"},
         {"id": "s1", "text": "A", "topic": "sanctions_relief"},  # one statement, two rows
         {"id": "s2", "text": "B", "topic": "ceasefire"}], labelled=False)
    rows = suggest(FixedModel(table), data, n=10, topics=["peace_talks", "ceasefire"])
    assert [(r["id"], r["topic"]) for r in rows] == [
        ("s2", "ceasefire"), ("s1", "peace_talks"), ("s2", "peace_talks"), ("s1", "ceasefire")]


def test_suggest_with_a_fitted_model_returns_its_least_sure_rows(model):
    texts = ["Lift the sanctions now, they only hurt our farmers.", "Sanctions, perhaps.",
             "Keep every sanction until the troops leave.", "Ministers met in Brussels.",
             "Trade, relief and the troops.", "A truce, perhaps, or not."]
    data = unlabelled(texts, topic="sanctions_relief")
    proba = np.sort(model.predict_proba(data.X), axis=1)
    margins = proba[:, -1] - proba[:, -2]
    expected = [f"id{texts[i]}" for i in sorted(range(len(texts)), key=lambda i: margins[i])]
    assert [r["id"] for r in suggest(model, data, n=3)] == expected[:3]
    assert "idLift the sanctions now, they only hurt our farmers." not in expected[:3]


@pytest.mark.parametrize("kwargs, message", [
    ({"by": "confidence"}, "by='confidence' is not a measure of uncertainty. Use one of: "
                           "margin, entropy."),
    ({"n": 0}, "n=0 must be a whole number >= 1"),
    ({"topics": []}, "topics is empty"),
])
def test_suggest_rejects_bad_options_saying_what_is_valid(model, kwargs, message):
    with pytest.raises(StanceError) as error:
        suggest(model, unlabelled(["A"]), **kwargs)
    assert message in str(error.value)


def test_audit_flags_a_flipped_label_first_with_the_predicted_label():
    data = dataset(learnable(flip={"f2": "against"}))
    calls = []
    flagged = audit(data, n_splits=3, progress=calls.append)
    assert [r["id"] for r in flagged] == ["f2"]
    first = flagged[0]
    assert (first["label"], first["predicted"], first["line"]) == ("against", "favor", 3)
    assert first["probability"] >= 0.5 > first["p_gold"]
    assert set(first) == {"line", "id", "text", "topic", "label", "predicted", "probability",
                          "p_gold"}
    assert calls == [f"Audit: fitting fold {k} of 3 (18 rows)" for k in (1, 2, 3)]
    assert audit(data, n_splits=3, min_probability=0.9999) == []


def test_audit_flags_nothing_on_clean_data():
    assert audit(dataset(learnable()), n_splits=3, min_probability=0.5) == []


def test_audit_ranks_by_the_probability_of_the_predicted_label():
    data = dataset(learnable(flip={"f2": "none", "n5": "against", "a1": "favor"}))
    flagged = audit(data, n_splits=3, min_probability=0.0)
    assert {r["id"] for r in flagged} == {"f2", "n5", "a1"}
    probabilities = [r["probability"] for r in flagged]
    assert probabilities == sorted(probabilities, reverse=True)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_splits": 40}, "n_splits=40 must be between 2 and the number of statements (27)"),
    ({"min_probability": 1.5}, "min_probability=1.5 must be between 0 and 1"),
])
def test_audit_rejects_bad_options(kwargs, message):
    with pytest.raises(StanceError) as error:
        audit(dataset(learnable()), **kwargs)
    assert message in str(error.value)


STATS_ROWS = [
    {"id": "a", "text": "Lift the sanctions now.", "topic": "sanctions_relief", "stance": "favor",
     "split": "train"},
    {"id": "a", "text": "Lift the sanctions now.", "topic": "ceasefire", "stance": "none",
     "split": "train"},
    {"id": "b", "text": "No truce.", "topic": "ceasefire", "stance": "against", "split": "train"},
    {"id": "c", "text": "Talks resumed today.", "topic": "ceasefire", "stance": "none",
     "split": "dev"},
    {"id": "d", "text": "Lift the sanctions now.", "topic": "sanctions_relief", "stance": "favor",
     "split": "test"},
    {"id": "e", "text": "We call for a ceasefire today.", "topic": "ceasefire", "stance": "favor",
     "split": "test"},
]


def test_data_stats_counts_a_known_dataset():
    stats = data_stats(stance.Dataset.from_records(STATS_ROWS))
    assert (stats["rows"], stats["statements"], stats["topics"]) == (6, 5, 2)
    assert list(stats["counts"]) == ["train", "dev", "test"]
    assert stats["counts"]["train"] == {
        "ceasefire": {"favor": 0, "against": 1, "none": 1, "total": 2},
        "sanctions_relief": {"favor": 1, "against": 0, "none": 0, "total": 1}}
    assert stats["counts"]["dev"] == {"ceasefire": {"favor": 0, "against": 0, "none": 1,
                                                    "total": 1}}
    assert stats["counts"]["test"]["sanctions_relief"]["favor"] == 1
    assert stats["per_label"] == {"favor": 3, "against": 1, "none": 2}
    assert stats["per_topic"] == {"ceasefire": 4, "sanctions_relief": 2}
    assert stats["per_split"] == {"train": 3, "dev": 1, "test": 2}
    # statements a, b, c, d, e: 23, 9, 20, 23, 30 characters; 4, 2, 3, 4, 6 words
    assert stats["length_chars"] == {"min": 9, "median": 23.0, "mean": 21.0, "max": 30}
    assert stats["length_words"] == {"min": 2, "median": 4.0, "mean": 3.8, "max": 6}
    assert stats["rows_per_statement"] == {"min": 1, "median": 1.0, "mean": 1.2, "max": 2,
                                           "histogram": {1: 4, 2: 1}}
    assert stats["duplicates"] == {"count": 1, "extra_copies": 1, "examples": [
        {"text": "Lift the sanctions now.", "copies": 2, "lines": [1, 5], "ids": ["a", "d"]}]}


def test_data_stats_without_splits_or_ids_counts_repeated_rows_as_duplicates():
    rows = [{"text": "No truce.", "topic": "ceasefire", "stance": "against"},
            {"text": "No truce.", "topic": "peace_talks", "stance": "against"},
            {"text": "No truce.", "topic": "ceasefire", "stance": "against"},
            {"text": "Talk now.", "topic": "peace_talks", "stance": "favor"}]
    with pytest.warns(StanceWarning, match="labelled on the same topic more than once"):
        data = stance.Dataset.from_records(rows)
    stats = data_stats(data)
    assert list(stats["counts"]) == ["all"] and stats["per_split"] == {"all": 4}
    assert stats["statements"] == 2
    assert stats["duplicates"] == {"count": 1, "extra_copies": 1, "examples": [
        {"text": "No truce.", "copies": 2, "lines": [1, 3]}]}


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_suggest_writes_a_csv_ready_to_fill_in(model_dir, tmp_path):
    path = write_csv(tmp_path / "new.csv", [
        ("n1", "Lift the sanctions now, they only hurt our farmers.", "sanctions_relief"),
        ("n2", "Sanctions, perhaps.", "sanctions_relief"),
        ("n3", "A truce, perhaps, or not.", "ceasefire"),
        ("n4", "The envoy landed in Riyadh this morning.", "ceasefire"),
    ], header=("id", "text", "topic"))
    result = run("suggest", "-i", path, "-n", 3, "-m", model_dir)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3
    assert list(rows[0]) == ["id", "text", "topic", "stance", "predicted", "p_favor",
                             "p_against", "p_none", "margin"]
    assert all(r["stance"] == "" for r in rows)
    margins = [float(r["margin"]) for r in rows]
    assert margins == sorted(margins)
    assert "least sure of 4" in result.stderr


def test_cli_suggest_scores_texts_on_the_given_topics_into_a_file(model_dir, tmp_path):
    path = write_csv(tmp_path / "texts.csv", [("Sanctions, perhaps.",), ("No truce.",)],
                     header=("text",))
    out = tmp_path / "todo.csv"
    result = run("suggest", "-i", path, "-t", "ceasefire", "-t", "sanctions_relief", "--by",
                 "entropy", "-m", model_dir, "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 4 and list(rows[0])[-1] == "entropy" and "id" not in rows[0]
    assert {(r["text"], r["topic"]) for r in rows} == {
        (t, p) for t in ("Sanctions, perhaps.", "No truce.") for p in ("ceasefire",
                                                                       "sanctions_relief")}


def test_cli_suggest_needs_a_topic_column_or_topics(model_dir, tmp_path):
    path = write_csv(tmp_path / "texts.csv", [("No truce.",)], header=("text",))
    result = run("suggest", "-i", path, "-m", model_dir)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "no column 'topic'" in result.stderr and "--topic" in result.stderr


def test_cli_audit_json_lists_the_flipped_row(tmp_path):
    path = write_csv(tmp_path / "labels.csv", learnable(flip={"n4": "favor"}))
    result = run("audit", path, "--n-splits", 3, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rows"], report["flagged"]) == (27, 1)
    suspect = report["suspects"][0]
    assert (suspect["id"], suspect["line"], suspect["label"], suspect["predicted"]) == (
        "n4", 24, "favor", "none")
    assert "Flagged 1 of 27 rows" in result.stderr


def test_cli_audit_table(tmp_path):
    path = write_csv(tmp_path / "labels.csv", learnable(flip={"a0": "none"}))
    result = run("audit", path, "--n-splits", 3)
    assert result.exit_code == 0, result.output
    assert "likely label errors" in result.stdout and "a0" in result.stdout
    assert "sanctions_relief" in result.stdout and "tanks" in result.stdout


def test_cli_data_stats_json_and_tables(corpus_csv):
    result = run("data", "stats", corpus_csv, "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["rows"], stats["statements"]) == (20, 18)
    assert stats["counts"]["all"]["ceasefire"] == {"favor": 3, "against": 3, "none": 4,
                                                   "total": 10}
    assert stats["rows_per_statement"]["histogram"] == {"1": 16, "2": 2}
    assert stats["duplicates"]["count"] == 0
    result = run("data", "stats", corpus_csv)
    assert result.exit_code == 0, result.output
    assert "split all: 20 rows" in result.stdout and "sanctions_relief" in result.stdout
    assert "exact duplicate texts: 0" in result.stdout
