import pytest

import stance
from stance import StanceError


def test_split_keeps_statements_together(corpus):
    train, test = stance.split_dataset(corpus, test_size=0.3, random_state=0)
    assert len(train) + len(test) == len(corpus)
    assert not set(train.groups) & set(test.groups)


def test_cross_validate_groups_by_statement(corpus):
    result = stance.cross_validate(stance.StanceClassifier(), corpus, n_splits=3)
    assert len(result["folds"]) == 3
    assert 0 <= result["mean"]["f_avg"] <= 1
    assert result["pooled"]["n"] == len(corpus)
    assert set(result["predictions"]) <= {"favor", "against", "none"}
    assert sum(f["n"] for f in result["folds"]) == len(corpus)


def test_cross_validate_keeps_each_statement_in_one_fold(corpus):
    result = stance.cross_validate(stance.StanceClassifier(), corpus, n_splits=3)
    for statement in set(corpus.groups):
        assert len(set(result["fold"][corpus.groups == statement])) == 1
    assert len(set(result["fold"])) == 3


@pytest.mark.parametrize("kwargs, match", [
    ({"n_splits": 1}, "n_splits=1 must be between 2 and the number of statements"),
    ({"n_splits": 50}, r"\(18\)"),
])
def test_cross_validate_checks_the_number_of_folds(corpus, kwargs, match):
    with pytest.raises(StanceError, match=match):
        stance.cross_validate(stance.StanceClassifier(), corpus, **kwargs)


def test_split_checks_test_size(corpus):
    with pytest.raises(StanceError, match="test_size must be between 0 and 1"):
        stance.split_dataset(corpus, test_size=1.5)


def test_cross_validate_can_score_every_topic(corpus):
    result = stance.cross_validate(stance.StanceClassifier(), corpus, n_splits=3,
                                   all_topics=True)
    assert set(result["all_topics"]) == {"f_avg", "macro_f1", "accuracy"}
    assert "all_topics" not in stance.cross_validate(stance.StanceClassifier(), corpus,
                                                     n_splits=3)


def test_cross_validate_keeps_each_group_in_one_fold(corpus):
    groups = [f"speech{int(i[1:]) % 4}" for i in corpus.id]
    result = stance.cross_validate(stance.StanceClassifier(), corpus, n_splits=2, groups=groups)
    fold_of = {}
    for group, fold in zip(groups, result["fold"]):
        fold_of.setdefault(group, set()).add(fold)
    assert all(len(f) == 1 for f in fold_of.values())


def test_cross_validate_checks_the_groups(corpus):
    with pytest.raises(StanceError, match="groups has 2 values but the dataset has"):
        stance.cross_validate(stance.StanceClassifier(), corpus, groups=["a", "b"])
    with pytest.raises(StanceError, match="n_splits=3 must be between 2 and the number of "
                                          r"groups \(2\)"):
        stance.cross_validate(stance.StanceClassifier(), corpus, n_splits=3,
                              groups=["a", "b"] * (len(corpus) // 2) + ["a"] * (len(corpus) % 2))


def test_cross_validate_checks_the_sample_weights(corpus):
    with pytest.raises(StanceError, match="sample_weight has 3 values but the dataset has"):
        stance.cross_validate(stance.StanceClassifier(), corpus, sample_weight=[1.0, 2.0, 3.0])
