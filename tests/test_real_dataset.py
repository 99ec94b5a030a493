"""The real-statement dataset (UN General Debate sentences) keeps the rules its datasheet states."""

import csv
import filecmp
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import stance

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "datasets"
SPEECHES = ROOT.parent / "shared" / "ungd"


@pytest.fixture(scope="module")
def real():
    return stance.load_dataset(DATA / "ungd_stance.csv")


@pytest.fixture(scope="module")
def background():
    return stance.load_dataset(DATA / "ungd_background.csv")


def _build():
    sys.path.insert(0, str(DATA / "ungd"))
    try:
        import build
    finally:
        sys.path.pop(0)
    return build


def test_every_sentence_is_labelled_on_all_ten_topics(real):
    topics_of = {}
    for i, t in zip(real.id, real.topic):
        topics_of.setdefault(i, []).append(t)
    assert len(topics_of) >= 2500
    assert all(sorted(t) == sorted(stance.NEGOTIATION_TOPICS) for t in topics_of.values())


def test_splits_are_by_speech_and_the_test_split_is_large_enough(real, background):
    for data in (real, background):
        speeches = {}
        for speech, split in zip(data.extra["speech"], data.extra["split"]):
            speeches.setdefault(speech, set()).add(split)
        assert all(len(s) == 1 for s in speeches.values())
    sentences = {i: s for i, s in zip(real.id, real.extra["split"])}
    assert sum(s == "test" for s in sentences.values()) >= 0.2 * len(sentences)
    test_speeches = set(real.extra["speech"][real.extra["split"] == "test"])
    train_speeches = set(background.extra["speech"][background.extra["split"] == "train"])
    assert not test_speeches & train_speeches


def test_background_is_none_and_apart_from_the_labelled_sentences(real, background):
    assert set(background.y) == {"none"}
    assert len(set(background.id)) == len(background) >= 30_000
    # a sentence said again in another year may be in both; then it takes no side in either
    shared = set(background.text) & set(real.text)
    assert len(shared) < 10
    assert set(real.y[np.isin(real.text, list(shared))]) <= {"none"}


def test_the_segmenter_joins_lines_wrapped_inside_a_sentence():
    pytest.importorskip("sentencex", reason="the dataset extra is not installed")
    text = ("The annexation of Crimea is ille-\ngal and we will never\nrecognize it. Never.\n"
            "A new paragraph.\n")
    assert _build().segment(text) == ["The annexation of Crimea is illegal and we will never "
                                      "recognize it.", "Never.", "A new paragraph."]


def test_labels_are_keyed_by_speech_and_text():
    build = _build()
    assert build._key({"id": "UKR_77_2022-0012", "text": "x"}) == ("UKR_77_2022", "x")


@pytest.mark.skipif(not SPEECHES.is_dir(), reason="needs the raw speeches in ../shared/ungd")
def test_the_build_script_reproduces_the_shipped_files(tmp_path):
    pytest.importorskip("sentencex", reason="the dataset extra is not installed")
    pytest.importorskip("country_converter", reason="the dataset extra is not installed")
    copy = tmp_path / "datasets"
    shutil.copytree(DATA, copy)
    import subprocess

    subprocess.run([sys.executable, str(copy / "ungd" / "build.py"), "sentences", str(SPEECHES)],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, str(copy / "ungd" / "build.py"), "assemble"], check=True,
                   capture_output=True)
    for name in ("ungd/sentences.csv", "ungd_background.csv", "ungd_stance.csv",
                 "ungd/annotation/batches/background_check.tsv"):
        assert filecmp.cmp(copy / name, DATA / name, shallow=False), name


def test_agreement_report_matches_the_labels():
    import json

    report = json.loads((DATA / "ungd" / "annotation" / "agreement.json").read_text())
    assert report["sentences"] >= 300
    assert 0.0 < report["kappa"] <= 1.0
    with open(DATA / "ungd_stance.csv", newline="", encoding="utf-8") as handle:
        sources = {r["id"]: r["annotation"] for r in csv.DictReader(handle)}
    doubly = sum(s in ("double", "adjudicated") for s in sources.values())
    assert doubly == report["sentences"]
