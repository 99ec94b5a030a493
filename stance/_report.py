"""An evaluation report on disk: metrics.json, plots, and a self-contained index.html."""

from __future__ import annotations

import html
import json
import warnings
from collections.abc import Collection
from pathlib import Path

import numpy as np

from ._calibration import expected_calibration_error, reliability_bins
from ._errors import StanceError, StanceWarning
from ._metrics import score_predictions
from ._version import __version__

#: How many of the most confident errors index.html lists.
N_ERRORS = 20
_PLOTS = {"confusion.png": "Confusion matrix", "per_topic_f1.png": "F_avg and macro-F1 per topic",
          "calibration.png": "Reliability diagram"}
_NO_PLOTS = ('matplotlib is not installed, so the report has no plots. Install it with '
             'pip install "stance[plot]" and write the report again.')


def write_report(model, data, directory, *, title: str | None = None) -> dict:
    """Score a model on a labelled dataset and write a report into a directory.

    The directory (created with its parents if needed; files of the same name are replaced)
    receives ``metrics.json`` (the returned report, scores as fractions in [0, 1]), three plots
    (``confusion.png``, ``per_topic_f1.png``, ``calibration.png``) and ``index.html``, a page
    without external resources that shows the figures, the plots, the per-topic scores, the
    confusion matrix and the 20 errors the model was most confident about. Without matplotlib
    (``pip install "stance[plot]"``) the plots are skipped with a :class:`StanceWarning`.

    Parameters
    ----------
    model : StanceClassifier
        A fitted model (anything with ``predict_proba`` and ``classes_``).
    data : Dataset
        Labelled statements.
    directory : str or Path
        Where to write the report.
    title : str, default=None
        The page's title. Default: "Stance evaluation" and the data file's name.

    Returns
    -------
    dict
        :func:`stance.evaluate`'s report (``f_avg``, ``macro_f1``, ``accuracy``, ``n``, ``f1``,
        ``per_topic``, ``confusion_matrix``) plus ``calibration`` (``ece`` and the reliability
        ``bins``) and ``files``, the names of the files written.

    Raises
    ------
    DataError
        If ``data`` has no stance labels.
    StanceError
        If ``data`` has no rows or ``directory`` is an existing file.

    Examples
    --------
    >>> import stance
    >>> from stance._report import write_report
    >>> model = stance.load_model()  # doctest: +SKIP
    >>> report = write_report(model, stance.load_dataset("test.csv"), "report")  # doctest: +SKIP
    >>> report["files"]  # doctest: +SKIP
    ['index.html', 'metrics.json', 'confusion.png', 'per_topic_f1.png', 'calibration.png']
    """
    gold = data.y
    if not len(data):
        raise StanceError(f"{data.source}: no rows to evaluate. Give a file with labelled rows.")
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise StanceError(f"{directory} is a file. Give a new or existing directory for the "
                          f"report.")
    proba = np.asarray(model.predict_proba(data.X), dtype=float)
    classes = np.asarray(model.classes_, dtype=object)
    predicted = classes[proba.argmax(axis=1)]
    report = score_predictions(data, predicted)
    report["calibration"] = {
        "ece": expected_calibration_error(gold, proba, classes),
        "bins": reliability_bins(gold, proba, classes),
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "metrics.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plots = _write_plots(report, directory)
    if plots is None:
        warnings.warn(_NO_PLOTS, StanceWarning, stacklevel=2)
    title = title or _default_title(getattr(data, "source", None))
    errors = _confident_errors(data, predicted, proba.max(axis=1))
    page = _page(title, data, report, errors, plots)
    (directory / "index.html").write_text(page, encoding="utf-8")
    return {**report, "files": ["index.html", "metrics.json", *(plots or [])]}


def _default_title(source: str | None) -> str:
    if not source or source.startswith("<"):  # e.g. "<records>"
        return "Stance evaluation"
    return f"Stance evaluation: {Path(source).name}"


def _confident_errors(data, predicted: np.ndarray, confidence: np.ndarray) -> list[dict]:
    """The wrong rows, most confident first (ties in file order), at most ``N_ERRORS``."""
    wrong = np.flatnonzero(predicted != data.y)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:N_ERRORS]
    return [{"id": _row_id(data, i), "text": data.text[i], "topic": data.topic[i],
             "gold": data.y[i], "predicted": predicted[i], "probability": float(confidence[i])}
            for i in order]


def _row_id(data, i: int) -> str:
    """The statement id, or the file line when the file has no id (the id is then the text)."""
    ids = getattr(data, "id", None)
    if ids is not None and ids[i] != data.text[i]:
        return str(ids[i])
    return f"line {data.line[i]}"


# --- plots -------------------------------------------------------------------------------------

def _write_plots(report: dict, directory: Path) -> list[str] | None:
    """Draw the three PNGs; None if matplotlib is missing.

    Figures are drawn with :class:`matplotlib.figure.Figure`, not pyplot: that needs no GUI
    backend, leaves the caller's backend (e.g. a notebook's) alone and keeps no global state.
    """
    try:
        import matplotlib  # noqa: F401 - first, so that a blocked matplotlib counts as missing
        from matplotlib.figure import Figure
    except ImportError:
        return None
    drawers = {"confusion.png": _plot_confusion, "per_topic_f1.png": _plot_per_topic,
               "calibration.png": _plot_calibration}
    for name, draw in drawers.items():
        figure = draw(Figure, report)
        figure.savefig(directory / name, dpi=100, bbox_inches="tight")
    return list(drawers)


def _plot_confusion(Figure, report: dict):
    matrix = np.asarray(report["confusion_matrix"]["matrix"])
    labels = report["confusion_matrix"]["labels"]
    figure = Figure(figsize=(4.8, 4.2))
    ax = figure.add_subplot()
    image = ax.imshow(matrix, cmap="Blues", vmin=0)
    figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    for (row, col), count in np.ndenumerate(matrix):
        ax.text(col, row, str(count), ha="center", va="center",
                color="white" if count > matrix.max() / 2 else "black")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title("Confusion matrix")
    return figure


def _plot_per_topic(Figure, report: dict):
    rows = sorted(report["per_topic"].items()) + [("all", report)]
    names = [name for name, _ in rows][::-1]  # first topic on top, "all" at the bottom
    f_avg = [100 * s["f_avg"] for _, s in rows][::-1]
    macro = [100 * s["macro_f1"] for _, s in rows][::-1]
    figure = Figure(figsize=(6.4, 1.2 + 0.45 * len(rows)))
    ax = figure.add_subplot()
    where = np.arange(len(rows))
    for shift, values, label, color in ((0.2, f_avg, "F_avg", "#1f77b4"),
                                        (-0.2, macro, "macro-F1", "#ff7f0e")):
        bars = ax.barh(where + shift, values, height=0.4, label=label, color=color)
        ax.bar_label(bars, fmt="%.1f", padding=2, fontsize="x-small")
    ax.set_yticks(where, names)
    ax.set_xlim(0, 108)
    ax.set_xlabel("%")
    ax.set_title("F_avg and macro-F1 per topic")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return figure


def _plot_calibration(Figure, report: dict):
    calibration = report["calibration"]
    bins = calibration["bins"]
    figure = Figure(figsize=(5.2, 5.6))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    low = np.array([b["low"] for b in bins])
    width = np.array([b["high"] - b["low"] for b in bins])
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    top.bar(low, [b["accuracy"] for b in bins], width=width, align="edge", alpha=0.6,
            edgecolor="black", label="accuracy")
    top.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o",
             color="black", label="mean confidence")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_ylabel("accuracy")
    top.set_title(f"Reliability diagram (ECE = {100 * calibration['ece']:.2f}%)")
    top.legend(loc="upper left", fontsize="small")
    bottom.bar(low, [b["n"] for b in bins], width=width, align="edge", color="grey")
    bottom.set_xlabel("confidence (probability of the predicted label)")
    bottom.set_ylabel("rows")
    return figure


# --- index.html --------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.all td { font-weight: bold; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.plots img { max-width: 100%; border: 1px solid #eee; }
.note { background: #fff8e1; border: 1px solid #f0d58c; padding: 0.6em; }
.meta { color: #555; }
"""


def _e(value) -> str:
    return html.escape(str(value))


def _pct(value: float) -> str:
    return f"{100 * value:.2f}"


def _table(table_id: str, header: list[str], rows: list[list[str]],
           numeric: Collection[int] = (), row_class=lambda row: "") -> str:
    """An HTML table; the cells are escaped here, ``numeric`` columns are right-aligned."""
    head = "".join(f"<th>{_e(name)}</th>" for name in header)
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{_e(c)}</td>' if j in numeric else f"<td>{_e(c)}</td>"
                        for j, c in enumerate(row))
        css = row_class(row)
        body.append(f'<tr class="{css}">{cells}</tr>' if css else f"<tr>{cells}</tr>")
    return (f'<table id="{table_id}"><thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody></table>")


def _scores_row(name: str, s: dict) -> list[str]:
    return [name, str(s["n"]), _pct(s["f_avg"]), _pct(s["macro_f1"]), _pct(s["accuracy"]),
            *(_pct(s["f1"][label]) for label in ("favor", "against", "none"))]


def _page(title: str, data, report: dict, errors: list[dict], plots: list[str] | None) -> str:
    source = getattr(data, "source", None)
    sha256 = getattr(data, "sha256", None)
    meta = [f"Data: {_e(source)}" if source else None,
            f"SHA-256: <code>{_e(sha256)}</code>" if sha256 else None,
            f"{report['n']} rows, written by stance {_e(__version__)}"]
    overall = _table("overall", ["F_avg %", "macro-F1 %", "accuracy %", "ECE %", "n"], [[
        _pct(report["f_avg"]), _pct(report["macro_f1"]), _pct(report["accuracy"]),
        _pct(report["calibration"]["ece"]), str(report["n"])]], numeric={0, 1, 2, 3, 4})
    if plots is None:
        figures = f'<p class="note">{_e(_NO_PLOTS)}</p>'
    else:
        figures = '<div class="plots">' + "".join(
            f'<img src="{_e(name)}" alt="{_e(_PLOTS[name])}">' for name in plots) + "</div>"
    per_topic = _table(
        "per-topic",
        ["topic", "n", "F_avg %", "macro-F1 %", "accuracy %", "F1 favor %", "F1 against %",
         "F1 none %"],
        [_scores_row(t, s) for t, s in sorted(report["per_topic"].items())]
        + [_scores_row("all", report)],
        numeric=set(range(1, 8)), row_class=lambda row: "all" if row[0] == "all" else "")
    matrix = report["confusion_matrix"]
    confusion = _table("confusion", ["gold \\ predicted", *matrix["labels"]],
                       [[label, *map(str, row)] for label, row in
                        zip(matrix["labels"], matrix["matrix"])],
                       numeric=set(range(1, len(matrix["labels"]) + 1)))
    bins = _table("calibration", ["confidence bin %", "rows", "mean confidence %",
                                  "accuracy %"],
                  [[f"{100 * b['low']:.1f}–{100 * b['high']:.1f}", str(b["n"]),
                    _pct(b["confidence"]), _pct(b["accuracy"])]
                   for b in report["calibration"]["bins"]],
                  numeric={0, 1, 2, 3})
    if errors:
        wrong = _table("errors", ["id", "text", "topic", "gold", "predicted", "probability %"],
                       [[r["id"], r["text"], r["topic"], r["gold"], r["predicted"],
                         _pct(r["probability"])] for r in errors], numeric={5})
    else:
        wrong = "<p>The model got every row right.</p>"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        '<p class="meta">' + "<br>".join(m for m in meta if m) + "</p>",
        "<h2>Overall</h2>",
        "<p>F_avg is the SemEval-2016 stance metric: the mean F1 of <i>favor</i> and "
        "<i>against</i> over all rows pooled. ECE is the expected calibration error of the "
        "predicted label's probability.</p>",
        overall,
        "<h2>Plots</h2>",
        figures,
        "<h2>Per topic</h2>",
        per_topic,
        "<h2>Confusion matrix</h2>",
        "<p>Rows are gold labels, columns predictions.</p>",
        confusion,
        "<h2>Calibration</h2>",
        f"<p>ECE: {_pct(report['calibration']['ece'])}%. A well calibrated model is right about "
        "as often as its probability says.</p>",
        bins,
        f"<h2>The {N_ERRORS} most confident errors</h2>",
        "<p>Rows the model got wrong, by the probability of its (wrong) label, highest "
        "first.</p>",
        wrong,
        "</body>",
        "</html>",
        "",
    ])
