import pytest

from stance import DataError
from stance._reader import detect_format, open_records


def records(path, **kw):
    return list(open_records(path, **kw))


def test_csv_records_carry_their_start_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('text,topic\n"two\nlines",t\n\nthird,t\n', encoding="utf-8")
    assert records(path) == [(2, {"text": "two\nlines", "topic": "t"}),
                             (5, {"text": "third", "topic": "t"})]


def test_tsv_and_jsonl_and_bom(tmp_path):
    tsv = tmp_path / "a.tsv"
    tsv.write_bytes(b"\xef\xbb\xbftext\ttopic\nhello, world\tt\n")
    assert records(tsv) == [(2, {"text": "hello, world", "topic": "t"})]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"text": "a", "n": 1}\n\n{"text": "b", "extra": true}\n')
    stream = open_records(jsonl)
    assert [line for line, _ in stream] == [1, 3]
    assert stream.columns == ["text", "n", "extra"]


def test_sha256_covers_the_whole_file(tmp_path):
    import hashlib

    path = tmp_path / "a.csv"
    path.write_bytes(b"text,topic\nx,t\n")
    stream = open_records(path)
    list(stream)
    assert stream.sha256 == hashlib.sha256(b"text,topic\nx,t\n").hexdigest()


@pytest.mark.parametrize("name, content, match", [
    ("empty.csv", b"", "is empty"),
    ("blank.jsonl", b"\n\n", "is empty"),
    ("latin.csv", b"text,topic\ncaf\xe9,t\n", r"line 2: the bytes b'\\xe9' .*--encoding"),
    ("nul.csv", b"text,topic\na\x00b,t\n", "line 2: contains a NUL byte"),
    ("ragged.csv", b"text,topic\na,b,c\n", "line 2: 3 fields, but the header has 2"),
    ("quote.csv", b'text,topic\nok,t\n"never closed,t\nx,t\n', "line 3: cannot parse the CSV"),
    ("broken.jsonl", b'{"text": "a"}\n{"text": \n', "line 2: not valid JSON"),
    ("list.jsonl", b'["a", "b"]\n', "line 1: expected a JSON object"),
    ("dupe.csv", b"text,text\na,b\n", "the column 'text' appears twice"),
])
def test_malformed_files_name_the_line(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        records(path)


def test_other_encodings_can_be_named(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"text,topic\ncaf\xe9,t\n")
    assert records(path, encoding="cp1252")[0][1]["text"] == "café"
    with pytest.raises(DataError, match="Unknown encoding 'klingon'"):
        open_records(path, encoding="klingon")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        open_records(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a directory"):
        open_records(tmp_path)


def test_format_from_suffix_or_option(tmp_path):
    assert detect_format("x.ndjson") == "jsonl"
    assert detect_format("x.txt", "TSV") == "tsv"
    with pytest.raises(DataError, match=r"cannot tell the format .* '\.txt'"):
        detect_format("x.txt")
    with pytest.raises(DataError, match="Unknown format 'xml'. Use one of: csv, tsv, jsonl"):
        detect_format("x.csv", "xml")
