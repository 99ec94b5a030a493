"""``write_report`` and ``stance evaluate --report``: the files, their contents, no matplotlib."""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

import stance
from conftest import ROWS
from stance._report import write_report
from stance.cli import app

PNGS = ["confusion.png", "per_topic_f1.png", "calibration.png"]
NEEDS_MPL = "the report's plots need matplotlib (pip install 'stance[plot]')"
_ROTATE = {"favor": "against", "against": "none", "none": "favor"}
_VOID = {"meta", "img", "br", "hr", "link", "input"}


class _Page(HTMLParser):
    """Collects each table's body rows (cell texts) by table id; fails on unbalanced tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[str] = []
        self._table = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        if tag in _VOID:
            return
        self.open.append(tag)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and "tbody" in self.open:
            self._table.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()
        if tag == "td":
            self._table[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert page.open == [], f"unclosed tags: {page.open}"
    return page


@pytest.fixture(scope="module")
def mixed():
    """40 rows the model gets partly wrong: two copies of the corpus, 2 labels in 3 rotated."""
    return stance.Dataset.from_records(
        {"id": f"{i}-{copy}", "text": t, "topic": p,
         "stance": _ROTATE[s] if (n + copy) % 3 else s}
        for copy in range(2) for n, (i, t, p, s) in enumerate(ROWS))


def test_report_files_exist_and_parse(model, mixed, tmp_path):
    mpl_image = pytest.importorskip("matplotlib.image", reason=NEEDS_MPL)
    directory = tmp_path / "nested" / "report"
    report = write_report(model, mixed, directory)
    assert report["files"] == ["index.html", "metrics.json", *PNGS]
    assert sorted(p.name for p in directory.iterdir()) == sorted(report["files"])

    metrics = json.loads((directory / "metrics.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in report.items() if k != "files"} == metrics
    assert 0 <= metrics["f_avg"] <= 1 and 0 <= metrics["calibration"]["ece"] <= 1
    assert sum(b["n"] for b in metrics["calibration"]["bins"]) == len(mixed) == metrics["n"]

    for name in PNGS:
        assert (directory / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        image = mpl_image.imread(directory / name)
        assert image.ndim == 3 and min(image.shape[:2]) > 100

    page = parse(directory / "index.html")
    assert page.images == PNGS
    topics = [row[0] for row in page.tables["per-topic"]]
    assert topics == [*mixed.topics, "all"]
    assert all(len(row) == 8 for row in page.tables["per-topic"])
    n_wrong = sum(sum(r) for r in metrics["confusion_matrix"]["matrix"]) - sum(
        row[i] for i, row in enumerate(metrics["confusion_matrix"]["matrix"]))
    errors = page.tables["errors"]
    assert n_wrong > 20 and len(errors) == 20
    assert all(gold != predicted for _, _, _, gold, predicted, _ in errors)
    probabilities = [float(row[5]) for row in errors]
    assert probabilities == sorted(probabilities, reverse=True)
    assert [row[0] for row in page.tables["confusion"]] == list(stance.LABELS)


def test_report_scores_match_evaluate(model, mixed, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # the plots are not tested here
    with pytest.warns(stance.StanceWarning):
        report = write_report(model, mixed, tmp_path)
    expected = stance.evaluate(model, mixed)
    assert {k: report[k] for k in expected} == expected


def test_report_escapes_the_text(model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    text = '<i>Lift</i> the "sanctions" & reopen trade.'
    data = stance.Dataset.from_records(  # one of the two rows is wrong, whatever is predicted
        {"id": i, "text": text, "topic": "sanctions_relief", "stance": s}
        for i, s in [("a", "against"), ("b", "none")])
    with pytest.warns(stance.StanceWarning):
        write_report(model, data, tmp_path, title="<script>alert(1)</script>")
    page_text = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page_text and "&lt;script&gt;" in page_text
    assert "<i>Lift</i>" not in page_text
    assert text in [row[1] for row in parse(tmp_path / "index.html").tables["errors"]]


def test_report_without_matplotlib_warns_and_writes_the_rest(model, mixed, tmp_path,
                                                              monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.warns(stance.StanceWarning, match=r'pip install "stance\[plot\]"'):
        report = write_report(model, mixed, tmp_path / "r")
    assert report["files"] == ["index.html", "metrics.json"]
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["index.html", "metrics.json"]
    assert "ece" in json.loads((tmp_path / "r" / "metrics.json").read_text())["calibration"]
    page = parse(tmp_path / "r" / "index.html")
    assert page.images == [] and len(page.tables["errors"]) == 20
    assert "stance[plot]" in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")


def test_report_into_a_file_is_a_stance_error(model, mixed, tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(stance.StanceError, match="is a file"):
        write_report(model, mixed, target)


runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_evaluate_report(model_dir, corpus_csv, tmp_path):
    pytest.importorskip("matplotlib", reason=NEEDS_MPL)
    out = tmp_path / "report"
    result = run("evaluate", corpus_csv, "-m", model_dir, "--report", out)
    assert result.exit_code == 0, result.output
    assert "F_avg %" in result.stdout and "Confusion matrix" in result.stdout
    assert (f"Wrote the report to {out} (index.html, metrics.json, confusion.png, "
            f"per_topic_f1.png, calibration.png)") in result.stderr
    for name in ["index.html", "metrics.json", *PNGS]:
        assert (out / name).stat().st_size > 0
    assert json.loads((out / "metrics.json").read_text())["n"] == 20
    assert [row[0] for row in parse(out / "index.html").tables["per-topic"]] == [
        "ceasefire", "sanctions_relief", "all"]


def test_cli_evaluate_report_json_and_output(model_dir, corpus_csv, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = run("evaluate", corpus_csv, "-m", model_dir, "--report", tmp_path / "r", "--json",
                 "-o", tmp_path / "r.json")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "stance[plot]" in result.stderr
    report = json.loads(result.stdout)
    assert report["f_avg"] == 1.0 and "ece" in report["calibration"] and "files" not in report
    assert json.loads((tmp_path / "r.json").read_text()) == report
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["index.html", "metrics.json"]


def test_cli_evaluate_report_into_a_file_fails_in_one_line(model_dir, corpus_csv, tmp_path):
    (tmp_path / "taken").write_text("x")
    result = run("evaluate", corpus_csv, "-m", model_dir, "--report", tmp_path / "taken")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "is a file" in result.stderr
