import pytest
from sklearn.metrics import f1_score

import stance
from stance import stance_scores


def test_f_avg_is_mean_of_favor_and_against_f1_pooled():
    gold = ["favor", "favor", "against", "against", "none", "none"]
    pred = ["favor", "none", "against", "favor", "none", "against"]
    s = stance_scores(gold, pred)
    assert s["f_avg"] == pytest.approx(f1_score(gold, pred, labels=["favor", "against"],
                                                average="macro"))
    assert s["macro_f1"] == pytest.approx(f1_score(gold, pred, average="macro"))
    assert s["accuracy"] == pytest.approx(0.5) and s["n"] == 6


def test_evaluate_reports_per_topic_and_confusion(model, corpus):
    report = stance.evaluate(model, corpus)
    assert report["f_avg"] == 1.0 and report["n"] == len(corpus)
    assert set(report["per_topic"]) == {"ceasefire", "sanctions_relief"}
    assert report["per_topic"]["ceasefire"]["n"] == 10
    matrix = report["confusion_matrix"]
    assert matrix["labels"] == ["favor", "against", "none"]
    assert sum(map(sum, matrix["matrix"])) == len(corpus)
