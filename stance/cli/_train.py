"""``stance train``: fit a model on a labelled file, report held-out figures, save it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import command, err, out, print_json
from ._options import (DataPath, Encoding, Format, IdColumn, Json, StanceColumn, TextColumn,
                       TopicColumn, load)
from ._tables import scores_table


@command("train")
def train_cli(
    data: DataPath,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to write.")]
    = Path("model"),
    test_size: Annotated[float, typer.Option(
        min=0.0, max=0.9, help="Share of statements held out to report figures (0: none).")]
    = 0.2,
    seed: Annotated[int, typer.Option(help="Random seed for the split and the model.")] = 0,
    c: Annotated[float, typer.Option("--C", min=1e-6, help="Inverse regularisation strength.")]
    = 10.0,
    word_ngrams: Annotated[tuple[int, int], typer.Option(help="Word n-gram lengths (min max).")]
    = (1, 2),
    char_ngrams: Annotated[tuple[int, int], typer.Option(
        help="Character n-gram lengths (min max).")] = (2, 5),
    min_df: Annotated[int, typer.Option(min=1, help="Drop n-grams seen in fewer statements.")]
    = 1,
    topic_copies: Annotated[bool, typer.Option(
        help="Learn topic-specific weights beside the shared ones.")] = True,
    balanced: Annotated[bool, typer.Option(help="Weight classes by inverse frequency.")] = True,
    text_column: TextColumn = "text",
    topic_column: TopicColumn = "topic",
    stance_column: StanceColumn = "stance",
    id_column: IdColumn = "id",
    input_format: Format = None,
    encoding: Encoding = "utf-8",
    json: Json = False,
) -> None:
    """Train a model on DATA, report figures on held-out statements, and save it.

    The held-out statements are scored by a model fitted on the rest; the saved model is then
    refitted on all rows.
    """
    from .._persist import save_model
    from .._training import train

    dataset = load(data, text_column, topic_column, stance_column, id_column, input_format,
                   encoding)
    err.print(f"Read {len(dataset)} rows, {len(set(dataset.groups.tolist()))} statements, "
              f"{len(dataset.topics)} topics from {data}")
    with err.status("Training") as status:
        result = train(dataset, test_size=test_size, random_state=seed,
                       progress=lambda message: status.update(message),
                       C=c, word_ngram_range=word_ngrams, char_ngram_range=char_ngrams,
                       min_df=min_df, topic_copies=topic_copies,
                       class_weight="balanced" if balanced else None)
    save_model(result.model, output, data=dataset, evaluation=result.evaluation)
    err.print(f"Saved the model to {output}")
    if json:
        print_json({"model": str(output), "evaluation": result.evaluation})
    elif result.evaluation:
        out.print(scores_table(result.evaluation, f"Held-out figures ({result.evaluation['n']} "
                                                  f"rows)"))
