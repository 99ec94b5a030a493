"""Score a model on real speech: the UN General Debate test split, every sentence on every topic.

    python benchmarks/real.py                    # the bundled model
    python benchmarks/real.py --model DIR        # another model directory
    python benchmarks/real.py --json out.json    # also write the figures as JSON

Prints, for the real test split (sentences of speeches no training sentence came from, each
paired with all ten topics): F_avg over all pairs, the precision and recall of the stance
answers (``favor``/``against``, exact label) and the false stance answers per 100 sentences;
the same false-answer rate on the background test split (sentences that do not touch the war);
and the synthetic test split both ways (labelled rows; every statement on every topic).
The figures come from ``train.test_figures``, the function ``python train.py`` stores in the
model's metadata.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import stance  # noqa: E402
from train import load_sources, test_figures  # noqa: E402


def main(
    model: Annotated[Path | None, typer.Option(help="A model directory (default: the bundled "
                                                    "model).")] = None,
    data: Annotated[Path, typer.Option(help="The folder of the datasets.")] = ROOT / "datasets",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the figures here.")]
    = None,
) -> None:
    """Print the model's figures on the real, background and synthetic test splits."""
    fitted = stance.load_model(model) if model else stance.load_model()
    figures = test_figures(fitted, load_sources(data))
    real, background = figures, figures["background"]
    answers = real["stance_answers"]
    print(f"Real test split: {real['sentences']} sentences x 10 topics = {real['n']} pairs, "
          f"{int(sum(real['confusion_matrix']['matrix'][i][j] for i in (0, 1) for j in (0, 1, 2)))}"
          f" gold stance labels")
    print(f"  F_avg {100 * real['f_avg']:.2f}   precision of stance answers "
          f"{answers['precision']:.2f}   recall {answers['recall']:.2f}   "
          f"stance answers {answers['answers']}, false {answers['false']} "
          f"({real['false_stance_per_100']:.2f} per 100 sentences)")
    print("  per topic F_avg: " + ", ".join(
        f"{t} {100 * s['f_avg']:.1f}" for t, s in real["per_topic"].items()))
    print(f"Background test split: {background['sentences']} sentences x 10 topics: "
          f"{background['stance_answers']['false']} false stance answers "
          f"({background['false_stance_per_100']:.2f} per 100 sentences)")
    for key, title in (("synthetic", "labelled rows"),
                       ("synthetic_all_topics", "every statement on every topic")):
        s = figures[key]
        print(f"Synthetic test split, {title} ({s['n']} rows): F_avg {100 * s['f_avg']:.2f}, "
              f"macro-F1 {100 * s['macro_f1']:.2f}, accuracy {100 * s['accuracy']:.2f}")
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    typer.run(main)
