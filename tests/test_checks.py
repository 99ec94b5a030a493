import pytest

import stance
from stance import StanceError
from stance._checks import near_duplicate_pairs


def make(rows):
    return stance.Dataset.from_records(rows)


def row(i, text, split="train", topic="t", label="favor", **extra):
    return {"id": f"s{i}", "text": text, "topic": topic, "stance": label, "split": split, **extra}


def test_near_duplicates_use_word_3gram_jaccard():
    texts = ["we will never accept a ceasefire on these terms today",
             "we will never accept a ceasefire on these terms tomorrow",
             "sanctions must stay in place until the troops leave"]
    assert [(a, b) for a, b, _ in near_duplicate_pairs(texts)] == [(0, 1)]
    assert near_duplicate_pairs(texts, threshold=0.9) == []


def test_basic_profile_passes_a_clean_dataset(corpus):
    report = stance.check_dataset(corpus, profile="basic")
    assert report.ok
    assert report.figures["statements"] == 18


@pytest.mark.parametrize("rows, rule", [
    ([row(1, "Lift the sanctions now"), row(2, "lift the  sanctions now")],
     "no two statements with the same text"),
    ([row(1, "a b c d e f g h"), row(2, "a b c d e f g h i")],
     "near duplicates (word 3-gram Jaccard >= 0.7) < 1% of statements"),
    ([row(1, "x y z", split="train"), {**row(1, "x y z", split="test"), "topic": "u"}],
     "each statement in one split"),
    ([row(1, "x y z", split="holdout")], "split is one of train/dev/test"),
])
def test_integrity_rules_catch_broken_data(rows, rule):
    report = stance.check_dataset(make(rows), profile="basic")
    assert not report.ok
    assert rule in [c.rule for c in report.checks if c.passed is False]


def test_bundled_profile_applies_size_and_balance_rules(corpus):
    report = stance.check_dataset(corpus)
    broken = {c.rule for c in report.checks if c.passed is False}
    assert "at least 3,000 rows" in broken
    assert "topic ceasefire: at least 250 rows, each label >= 20%" in broken
    missing = {c.rule for c in report.checks if c.passed is None}
    assert "registers: each >= 10%" in missing  # no register column: not applicable


def test_unknown_profile():
    with pytest.raises(StanceError, match="Unknown profile 'strict'. Use one of: bundled, basic"):
        stance.check_dataset(make([row(1, "x")]), profile="strict")
