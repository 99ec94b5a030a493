import io
import json

import pytest

from stance import StanceError
from stance._writers import RowWriter, choose_format, open_output


@pytest.mark.parametrize("fmt, expected", [
    ("csv", "a,b\n1,x\n"),
    ("tsv", "a\tb\n1\tx\n"),
    ("jsonl", '{"a": 1, "b": "x"}\n'),
    ("json", '[\n  {"a": 1, "b": "x"}\n]\n'),
])
def test_formats(fmt, expected):
    stream = io.StringIO()
    writer = RowWriter(stream, fmt, ["a", "b"])
    writer.write({"a": 1, "b": "x"})
    writer.close()
    assert stream.getvalue() == expected


def test_json_keeps_extra_keys_csv_refuses_them():
    stream = io.StringIO()
    RowWriter(stream, "jsonl", ["a"]).write({"a": 1, "late": 2})
    assert json.loads(stream.getvalue()) == {"a": 1, "late": 2}
    with pytest.raises(StanceError, match="'late'.*write JSONL output"):
        RowWriter(io.StringIO(), "csv", ["a"]).write({"a": 1, "late": 2})


def test_file_appears_only_when_complete(tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with open_output(out, "csv", ["a"]) as writer:
            writer.write({"a": 1})
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    with open_output(out, "csv", ["a"]) as writer:
        writer.write({"a": 1})
    assert out.read_text() == "a\n1\n"


def test_unwritable_output_is_a_clear_error(tmp_path):
    with pytest.raises(StanceError, match="Cannot write .*missing/out.csv"):
        with open_output(tmp_path / "missing" / "out.csv", "csv", ["a"]):
            pass
    with pytest.raises(StanceError, match="is a directory"):
        with open_output(tmp_path, "csv", ["a"]):
            pass


def test_choose_format():
    assert choose_format("x.jsonl", None, "csv") == "jsonl"
    assert choose_format("x.txt", None, "csv") == "csv"
    assert choose_format(None, "json", "csv") == "json"
    with pytest.raises(StanceError, match="Unknown output format 'xml'"):
        choose_format(None, "xml", "csv")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_line_breaks_inside_fields_round_trip(tmp_path, fmt):
    # issue 11, row 4: a bare \r was written unquoted, and reading back gave more rows
    from stance._reader import open_records

    texts = ["a\rb", "c\nd", "e\r\nf", "plain", "\r", "g\r"]
    path = tmp_path / f"out.{fmt}"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = RowWriter(stream, fmt, ["text", "topic"])
        for text in texts:
            writer.write({"text": text, "topic": "ceasefire"})
        writer.close()
    records = [record for _, record in open_records(path)]
    assert [r["text"] for r in records] == texts


def test_outputs_get_the_umask_mode_and_a_replaced_file_keeps_its_own(tmp_path):
    # issue 11, row 11: outputs were 0600, and replacing a 0644 file made it 0600
    import os
    import stat

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.csv"
        with open_output(fresh, "csv", ["a"]) as writer:
            writer.write({"a": 1})
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.csv"
        kept.write_text("old\n")
        kept.chmod(0o640)
        with open_output(kept, "csv", ["a"]) as writer:
            writer.write({"a": 1})
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
        assert kept.read_text() == "a\n1\n"
    finally:
        os.umask(old)


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_nul_inside_a_text_never_reaches_a_csv_file(fmt):
    # issue 11, smaller ones: "\u0000" in a text was written as a raw NUL, which CSV readers
    # refuse
    stream = io.StringIO()
    writer = RowWriter(stream, fmt, ["text"])
    writer.write({"text": "a\x00b"})
    writer.close()
    assert "\x00" not in stream.getvalue() and "a\ufffdb" in stream.getvalue()
