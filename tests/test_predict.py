import pytest

import stance


def test_classify_gives_one_row_per_text_and_topic(model):
    rows = stance.classify(["Lift the sanctions now.", "No truce, they will rearm."],
                           ["sanctions_relief", "ceasefire"], model=model)
    assert [(r["text"][:4], r["topic"]) for r in rows] == [
        ("Lift", "sanctions_relief"), ("Lift", "ceasefire"),
        ("No t", "sanctions_relief"), ("No t", "ceasefire")]
    assert rows[0]["stance"] == "favor" and rows[3]["stance"] == "against"
    for row in rows:
        assert row["p_favor"] + row["p_against"] + row["p_none"] == pytest.approx(1.0)


def test_classify_defaults_to_every_known_topic(model):
    assert [r["topic"] for r in stance.classify(["x"], model=model)] == list(model.topics_)


def test_classify_refuses_a_bare_string(model):
    with pytest.raises(TypeError, match="not a single string"):
        stance.classify("Lift the sanctions", model=model)
