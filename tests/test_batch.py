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
                             "p_against", "p_none", "error"]
    assert all(r["error"] == "" for r in rows)
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


def test_rows_that_cannot_be_scored_say_why_and_the_job_goes_on(model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text,topic\nLift them.,sanction_relief\n,ceasefire\nA ceasefire now.,"
                   "ceasefire\ntoo,many,fields\n")
    out = tmp_path / "out.csv"
    assert stance.predict_file(src, out, model=model) == 4
    rows = read_csv(out)
    assert "line 2: unknown topic 'sanction_relief'. Did you mean 'sanctions_relief'?" in \
        rows[0]["error"]
    assert "line 3: the 'text' column is empty" in rows[1]["error"]
    assert rows[2]["error"] == "" and rows[2]["predicted"] == "favor"
    assert "line 5: 3 fields, but the header has 2" in rows[3]["error"]
    assert rows[0]["predicted"] == rows[3]["predicted"] == ""


def test_a_broken_jsonl_line_is_reported_in_its_row(model, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "A ceasefire now.", "k": 1}\n{"text": \n'
                   '{"text": "Lift them.", "k": 3}\n')
    out = tmp_path / "out.jsonl"
    stance.predict_file(src, out, model=model, topics=["ceasefire"])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r.get("k") for r in rows] == [1, None, 3]
    assert "line 2: not valid JSON" in rows[1]["error"] and rows[0]["error"] is None


def test_strict_stops_at_the_first_bad_row_and_leaves_no_output(model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text,topic\nLift them.,ceasefire\n,ceasefire\n")
    out = tmp_path / "out.csv"
    with pytest.raises(DataError, match="line 3: the 'text' column is empty"):
        stance.predict_file(src, out, model=model, batch_size=1, strict=True)
    assert not out.exists()  # only out.csv.partial, kept for --resume
    src.write_text("text,topic\nLift them.,cease\n")
    with pytest.raises(StanceError, match=r"line 2: unknown topic 'cease'. Did you mean "):
        stance.predict_file(src, out, model=model, strict=True)


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


def test_jsonl_rows_with_fields_of_their_own(model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": broken\n'
                      '{"text": "Talks resumed.", "topic": "ceasefire"}\n'
                      '{"text": "No truce.", "topic": "ceasefire", "error": "upstream note"}\n'
                      '{"text": "Stop now.", "topic": "ceasefire", "lang": "en"}\n'
                      '{"text": 5, "topic": "ceasefire"}\n', encoding="utf-8")
    # a broken first line does not hide the columns of the lines after it
    out = tmp_path / "out.jsonl"
    assert stance.predict_file(source, out, model=model) == 5
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert "line 1: not valid JSON" in rows[0]["error"]
    assert rows[1]["error"] is None and rows[1]["predicted"]
    # an input field the output would overwrite is that row's error, not silently replaced
    assert "line 3: the field(s) 'error' would be overwritten" in rows[2]["error"]
    assert rows[3]["lang"] == "en" and rows[3]["predicted"]
    assert "line 5: the 'text' column holds 5, not text" in rows[4]["error"]
    # CSV output has a fixed header: a later row's extra field is left out, with a warning
    with pytest.warns(stance.StanceWarning, match="1 row.s. have fields the header lacks "
                                                  r"\(first: line 4, 'lang'\)"):
        assert stance.predict_file(source, tmp_path / "out.csv", model=model) == 5
    assert len(list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))) == 5


def test_a_quoted_empty_field_is_a_row(model, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('text\nStop now.\n""\n\nTalks resumed.\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    assert stance.predict_file(source, out, topics=["ceasefire"], model=model) == 3
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert "the 'text' column is empty" in rows[1]["error"]
