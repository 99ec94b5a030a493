import csv
import json

import pytest

import stance
from stance import DataError, StanceError


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_a_topic_column_scores_each_row_on_its_own_topic(model, corpus_csv, tmp_path):
    out = tmp_path / "scored.csv"
    n = stance.predict_file(corpus_csv, out, model=model)
    rows = read_csv(out)
    assert n == len(rows) == 20
    assert list(rows[0]) == ["id", "text", "topic", "stance", "source", "predicted", "p_favor",
                             "p_against", "p_none"]
    assert [r["source"] for r in rows] == [f"src{i}" for i in range(20)]  # order kept
    assert all(r["predicted"] == r["stance"] for r in rows)


def test_requested_topics_each_get_their_columns(model, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Lift the sanctions now.", "k": 1}\n{"text": "No truce.", "k": 2}\n')
    out = tmp_path / "out.jsonl"
    stance.predict_file(src, out, model=model, topics=["ceasefire", "sanctions_relief"])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["k"] for r in rows] == [1, 2]
    assert rows[0]["sanctions_relief:predicted"] == "favor"
    assert set(rows[0]) >= {"ceasefire:p_favor", "sanctions_relief:p_none"}


def test_no_topic_column_and_no_topics_means_every_known_topic(model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nLift the sanctions now.\n")
    out = tmp_path / "out.json"
    stance.predict_file(src, out, model=model)
    rows = json.loads(out.read_text())
    assert {"ceasefire:predicted", "sanctions_relief:predicted"} <= set(rows[0])


def test_unknown_topic_is_refused_with_a_suggestion(model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text,topic\nLift them.,sanction_relief\n")
    with pytest.raises(StanceError, match=r"line 2: unknown topic 'sanction_relief'. Did you "
                                          r"mean 'sanctions_relief'\?"):
        stance.predict_file(src, tmp_path / "out.csv", model=model)
    assert not (tmp_path / "out.csv").exists()


def test_errors_leave_no_partial_output(model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text,topic\nLift them.,ceasefire\n,ceasefire\n")
    out = tmp_path / "out.csv"
    with pytest.raises(DataError, match="line 3: the 'text' column is empty"):
        stance.predict_file(src, out, model=model, batch_size=1)
    assert list(tmp_path.iterdir()) == [src]


def test_output_columns_must_not_clobber_input(model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text,topic,predicted\nx,ceasefire,y\n")
    with pytest.raises(DataError, match="already has column.*predicted"):
        stance.predict_file(src, tmp_path / "o.csv", model=model)


def test_parallel_scoring_keeps_every_row_in_order(model, tmp_path):
    src = tmp_path / "in.csv"
    texts = ["Lift the sanctions now.", "No truce because they will rearm.", "Talks resume."]
    src.write_text("n,text\n" + "".join(f"{i},{texts[i % 3]}\n" for i in range(50)))
    serial, parallel = tmp_path / "serial.csv", tmp_path / "parallel.csv"
    stance.predict_file(src, serial, model=model, topics=["ceasefire"], batch_size=7)
    seen = []
    stance.predict_file(src, parallel, model=model, topics=["ceasefire"], batch_size=7, jobs=2,
                        progress=lambda rows, done: seen.append((rows, done)))
    assert parallel.read_text() == serial.read_text()
    assert [r["n"] for r in read_csv(parallel)] == [str(i) for i in range(50)]
    assert seen[-1] == (50, src.stat().st_size)
