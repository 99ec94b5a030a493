"""``stance explain`` and ``stance features``: why the model decides as it does."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ._app import command, out, print_json
from ._options import ModelDir


class Shown(str, Enum):
    table = "table"
    json = "json"


TopicOption = Annotated[str, typer.Option("--topic", "-t", help="The topic (see `stance topics`).",
                                          show_default=False)]
Top = Annotated[int, typer.Option("--top", "-k", min=1, help="How many n-grams to show.")]
ShownFormat = Annotated[Shown, typer.Option("--format", "-f", help="table or json.")]


@command("explain")
def explain_cli(
    text: Annotated[str, typer.Argument(help="The statement.", show_default=False)],
    topic: TopicOption,
    model: ModelDir = None,
    top: Top = 10,
    format: ShownFormat = Shown.table,
) -> None:
    """Show the predicted label and the n-grams that pushed toward and against it.

    Each n-gram's contribution is its TF-IDF value times its weight for the label (shared plus
    topic-specific); the contributions plus the intercept add up to the label's decision
    score. With --format json, every contribution is listed.
    """
    from .._explain import explain
    from .._persist import load_model

    if not text.strip():
        raise typer.BadParameter("the statement is empty; give some text.")
    why = explain(load_model(model), text, topic)
    if format == Shown.json:
        print_json(why)
        return
    label, parts = why["label"], why["contributions"]
    probabilities = ", ".join(f"{k} {v:.3f}" for k, v in why["probabilities"].items())
    out.print(f"{escape(topic)}: [bold]{label}[/bold] ({probabilities}); about the topic: "
              f"{why['relevance']:.3f}")
    total = sum(c["contribution"] for c in parts)
    out.print(f"score for {label}: {why['score']:.4f} = intercept {why['intercept']:.4f} "
              f"+ {total:.4f} from {len(parts)} features")
    toward = [c for c in parts if c["contribution"] > 0][:top]
    against = [c for c in reversed(parts) if c["contribution"] < 0][:top]
    for title, rows in ((f"pushed toward {label}", toward), (f"pushed away from {label}",
                                                             against)):
        table = Table("feature", "kind", "value", "weight", "contribution", title=title,
                      title_justify="left")
        for c in rows:
            table.add_row(escape(repr(c["feature"])), c["kind"], f"{c['value']:.4f}",
                          f"{c['weight']:+.4f}", f"{c['contribution']:+.4f}")
        out.print(table)


@command("features")
def features_cli(
    topic: TopicOption,
    model: ModelDir = None,
    top: Top = 15,
    format: ShownFormat = Shown.table,
) -> None:
    """List the strongest n-grams for each label of a topic (shared plus topic weight)."""
    from .._explain import top_features
    from .._persist import load_model

    best = top_features(load_model(model), topic, top=top)
    if format == Shown.json:
        print_json(best)
        return
    table = Table(*(label for label in best), title=f"{escape(topic)}: strongest n-grams per label",
                  title_justify="left")
    for row in zip(*best.values()):
        table.add_row(*(escape(f"{g['feature']!r} {g['weight']:+.2f}") for g in row))
    out.print(table)
