"""Shared fixtures: a tiny labelled corpus and a model fitted on it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import stance

ROWS = [
    ("s1", "Lift the sanctions now, they only hurt our farmers.", "sanctions_relief", "favor"),
    ("s2", "Sanctions relief is the only sensible step.", "sanctions_relief", "favor"),
    ("s3", "Ease the sanctions and reopen trade.", "sanctions_relief", "favor"),
    ("s4", "Keep every sanction until the troops leave.", "sanctions_relief", "against"),
    ("s5", "Tighten the sanctions, add a new package.", "sanctions_relief", "against"),
    ("s6", "No relief for the aggressor, sanctions must stay.", "sanctions_relief", "against"),
    ("s7", "Ministers met in Brussels on Tuesday.", "sanctions_relief", "none"),
    ("s8", "The summit is scheduled for next month.", "sanctions_relief", "none"),
    ("s9", "Officials discussed the weather and trade figures.", "sanctions_relief", "none"),
    ("s10", "Stop the shooting today, a ceasefire now.", "ceasefire", "favor"),
    ("s11", "We call for an immediate truce.", "ceasefire", "favor"),
    ("s12", "A ceasefire now would save thousands of lives.", "ceasefire", "favor"),
    ("s13", "A truce would only let them regroup and rearm.", "ceasefire", "against"),
    ("s14", "No ceasefire before a full settlement.", "ceasefire", "against"),
    ("s15", "A frozen conflict is not peace, no truce.", "ceasefire", "against"),
    ("s16", "The delegation arrived in Istanbul.", "ceasefire", "none"),
    ("s17", "Talks resumed behind closed doors.", "ceasefire", "none"),
    ("s18", "The envoy landed in Riyadh this morning.", "ceasefire", "none"),
    ("s4", "Keep every sanction until the troops leave.", "ceasefire", "none"),
    ("s13", "A truce would only let them regroup and rearm.", "sanctions_relief", "none"),
]


def write_csv(path: Path, rows, header=("id", "text", "topic", "stance")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def corpus_csv(tmp_path) -> Path:
    """The tiny corpus as a CSV file with an extra metadata column."""
    return write_csv(tmp_path / "corpus.csv", [(*r, f"src{i}") for i, r in enumerate(ROWS)],
                     header=("id", "text", "topic", "stance", "source"))


@pytest.fixture(scope="session")
def corpus() -> stance.Dataset:
    return stance.Dataset.from_records(
        {"id": i, "text": t, "topic": p, "stance": s} for i, t, p, s in ROWS)


@pytest.fixture(scope="session")
def model(corpus) -> stance.StanceClassifier:
    return stance.StanceClassifier(random_state=0).fit(corpus.X, corpus.y)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, model, corpus) -> Path:
    path = tmp_path_factory.mktemp("models") / "tiny"
    return stance.save_model(model, path, data=corpus)
