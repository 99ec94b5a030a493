import pytest

import stance

from conftest import ROWS, write_csv
from stance import DataError, Dataset, StanceWarning, load_dataset


def test_load_keeps_metadata_and_groups_statements(corpus_csv):
    data = load_dataset(corpus_csv)
    assert len(data) == len(ROWS)
    assert data.X.shape == (len(ROWS), 2)
    assert list(data.extra["source"][:2]) == ["src0", "src1"]
    assert data.topics == ["ceasefire", "sanctions_relief"]
    assert len(set(data.groups)) == 18  # s4 and s13 are labelled on two topics
    assert len(data.sha256) == 64


def test_labels_are_read_case_insensitively(tmp_path):
    path = write_csv(tmp_path / "d.csv", [("1", "a", "t", "FAVOR"), ("2", "b", "t", " None ")])
    assert list(load_dataset(path).y) == ["favor", "none"]


def test_without_ids_the_text_is_the_statement(tmp_path):
    path = write_csv(tmp_path / "d.csv", [("a", "t1", "favor"), ("a", "t2", "none")],
                     header=("text", "topic", "stance"))
    assert len(set(load_dataset(path).groups)) == 1


def test_column_names_can_be_mapped(tmp_path):
    path = write_csv(tmp_path / "d.csv", [("x", "t", "against")],
                     header=("Tweet", "Target", "Stance"))
    data = load_dataset(path, text_column="Tweet", topic_column="Target", stance_column="Stance")
    assert list(data.y) == ["against"]


@pytest.mark.parametrize("rows, header, match", [
    ([("x", "t", "pro")], None, r"line 2: unknown stance 'pro' in column 'stance'. Use one of: "
                                r"favor, against, none"),
    ([("  ", "t", "favor")], None, r"line 2: the 'text' column is empty"),
    ([("x", "", "favor")], None, r"line 2: the 'topic' column is empty"),
    ([("x", "t", "favor")], ("txt", "topic", "stance"),
     r"no column 'text' \(the file has: txt, topic, stance\). Did you mean 'txt'\? "
     r"Name the text column with --text-column"),
    ([], None, "has a header but no rows"),
])
def test_invalid_rows_name_file_line_and_value(tmp_path, rows, header, match):
    path = write_csv(tmp_path / "bad.csv", rows, header=header or ("text", "topic", "stance"))
    with pytest.raises(DataError, match=match) as info:
        load_dataset(path)
    assert "bad.csv" in str(info.value)


def test_unlabelled_files_need_no_stance_column(tmp_path):
    path = write_csv(tmp_path / "u.csv", [("x", "t")], header=("text", "topic"))
    data = load_dataset(path, labelled=False)
    assert data.stance is None
    with pytest.raises(DataError, match="has no stance labels"):
        data.y


def test_conflicting_duplicates_warn_with_their_lines(tmp_path):
    path = write_csv(tmp_path / "d.csv", [("1", "a", "t", "favor"), ("1", "a", "t", "against")])
    with pytest.warns(StanceWarning, match=r"conflicting labels: lines 2, 3 \(favor/against\)"):
        data = load_dataset(path)
    assert len(data) == 2


def test_subset_and_from_records(corpus):
    part = corpus.subset([0, 3])
    assert list(part.y) == ["favor", "against"]
    with pytest.raises(DataError, match=r"<records>, line 1: unknown stance 'maybe'"):
        Dataset.from_records([{"text": "x", "topic": "t", "stance": "maybe"}])


def test_complete_adds_missing_topics_as_none(corpus):
    full = corpus.complete()
    assert len(full) == 18 * 2  # 18 statements, 2 topics each
    assert len(set(zip(full.id, full.topic))) == len(full)
    added = full.subset(slice(len(corpus), None))
    assert set(added.y) == {"none"}
    assert list(full.y[:len(corpus)]) == list(corpus.y)
    assert len(corpus.complete(["ceasefire", "sanctions_relief", "nato"])) == 18 * 3


def test_jsonl_columns_missing_from_some_rows_stay_aligned(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a b", "topic": "t", "stance": "favor"}\n'
                    '{"text": "c d", "topic": "t", "stance": "none", "split": "test"}\n'
                    '{"text": "e f", "topic": "t", "stance": "none", "split": "train"}\n')
    data = load_dataset(path)
    assert list(data.extra["split"]) == [None, "test", "train"]


def test_concatenate_joins_rows_columns_and_checksums(corpus_csv, corpus):
    from_file = stance.load_dataset(corpus_csv)
    both = stance.Dataset.concatenate([from_file, from_file])
    assert len(both) == 2 * len(from_file)
    assert both.source == corpus_csv.name
    assert stance.Dataset.concatenate([from_file, corpus]).source == (
        f"{corpus_csv.name} + {corpus.source}")
    assert both.sha256 is not None and both.sha256 != from_file.sha256
    assert stance.Dataset.concatenate([corpus, corpus]).sha256 is None
    with pytest.raises(stance.DataError, match="labelled and unlabelled"):
        stance.Dataset.concatenate([corpus, stance.Dataset.from_records(
            [{"text": "x", "topic": "ceasefire"}], labelled=False)])


def test_concatenate_refuses_one_id_for_two_statements():
    a = stance.Dataset.from_records([{"id": "1", "text": "Lift the sanctions.",
                                      "topic": "sanctions_relief", "stance": "favor"}])
    b = stance.Dataset.from_records([{"id": "1", "text": "No truce now.", "topic": "ceasefire",
                                      "stance": "against"}])
    with pytest.raises(stance.DataError, match=r"Statement id '1' is in part 1 and part 2 with "
                                               r"different texts"):
        stance.Dataset.concatenate([a, b])
    assert len(stance.Dataset.concatenate([a, a]).complete()) == 2
