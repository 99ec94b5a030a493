"""The model card: a short README.md written next to every saved model."""

from __future__ import annotations


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.2f}"


def _figures(evaluation: dict | None) -> list[str]:
    if not evaluation:
        return ["No held-out evaluation was recorded for this model."]
    lines = [
        f"Held-out evaluation ({evaluation.get('description', 'held-out rows')}), in percent:",
        "",
        "| topic | n | F_avg | macro-F1 | accuracy |",
        "|---|---|---|---|---|",
    ]
    rows = [("**all**", evaluation)] + sorted(evaluation.get("per_topic", {}).items())
    for name, s in rows:
        lines.append(f"| {name} | {s['n']} | {_pct(s['f_avg'])} | {_pct(s['macro_f1'])} | "
                     f"{_pct(s['accuracy'])} |")
    return lines


def model_card(metadata: dict) -> str:
    """Render the model card (Markdown) from a model's metadata."""
    data = metadata.get("training_data") or {}
    topics = metadata.get("topics", {})
    topic_lines = [f"- `{t}`" + (f": for or against {q}" if q else "") for t, q in topics.items()]
    params = ", ".join(f"{k}={v!r}" for k, v in sorted(metadata.get("params", {}).items()))
    versions = ", ".join(f"{k} {v}" for k, v in metadata.get("versions", {}).items())
    return "\n".join([
        "# Stance model",
        "",
        "A `stance` model: it reads a statement and tells, for a topic, whether the statement is",
        "for it (`favor`), against it (`against`), or takes no stance (`none`). It measures what a",
        "statement says, never whether it is right.",
        "",
        "## Intended uses",
        "",
        "Tracking positions in public statements (speeches, communiqués, interviews, posts, news)",
        "on the topics below, as an aid to human reading: sorting, counting, finding statements",
        "to read. Load it with `stance.load_model(DIR)` or `stance predict --model DIR`.",
        "",
        "## Limitations",
        "",
        "- A linear model over word and character n-grams: it misses sarcasm, long-range",
        "  context and world knowledge, and it is only as good as its training data.",
        "- Figures below come from held-out rows of the training source; text from other",
        "  sources, periods or languages will usually score lower.",
        "- Topics not seen in training are scored from shared features only (less reliable).",
        "- `model.joblib` is a pickle: load only models you trust. `load_model` checks its",
        "  SHA-256 against `metadata.json` before loading.",
        "",
        "## Topics",
        "",
        *topic_lines,
        "",
        "## Training data",
        "",
        f"File `{data.get('file')}`, {data.get('rows')} rows, {data.get('statements')} statements,"
        f" SHA-256 `{data.get('sha256')}`." if data else "Not recorded.",
        "",
        "## Evaluation results",
        "",
        *_figures(metadata.get("evaluation")),
        "",
        "## Details",
        "",
        f"- Estimator: `{metadata.get('estimator')}` ({params})",
        f"- Labels: {', '.join(metadata.get('classes', []))}",
        f"- Saved {metadata.get('created')} with {versions}",
        "",
    ])
