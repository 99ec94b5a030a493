"""The worked example of docs/real_speech.md: six 2022 speeches scored sentence by sentence.

    python benchmarks/worked_example.py ../shared/ungd > docs/real_speech_answers.tsv

Segments the 2022 General Debate speeches of Ukraine, Russia, the United States, China, India
and Brazil (the folder is an argument: the raw speeches stay outside the project) with the
dataset's segmenter, scores every sentence on every topic with the bundled model, and prints
one tab-separated row per (sentence, topic) that got a stance: the sentence id, the topic, the
model's answer and probability, and the label in ``datasets/ungd_stance.csv`` where the sentence
is there (these six speeches are all in its test split), else empty. The rows with no label
were read by a reviewer (``docs/real_speech.md`` says how).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "datasets" / "ungd"))

import stance  # noqa: E402
from build import TEST_SPEECHES, segment  # noqa: E402


def main(
    speeches: Annotated[Path, typer.Argument(help="The folder of the UN General Debate "
                                             "speeches, e.g. ../shared/ungd.",
                                             exists=True, file_okay=False)],
) -> None:
    """Print the stance answers of the bundled model on six 2022 speeches."""
    model = stance.load_model()
    with open(ROOT / "datasets" / "ungd_stance.csv", newline="", encoding="utf-8") as handle:
        gold = {(r["speech"], r["text"], r["topic"]): r["stance"] for r in csv.DictReader(handle)}
    topics = list(model.topics_)
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["id", "topic", "answer", "probability", "label", "text"])
    total = 0
    for speech in sorted(TEST_SPEECHES):
        path = speeches / "2022" / f"{speech}.txt"
        sentences = segment(path.read_text(encoding="utf-8"))
        total += len(sentences)
        pairs = np.array([(s, t) for s in sentences for t in topics], dtype=object)
        proba = model.predict_proba(pairs)
        answers = model.classes_[proba.argmax(1)]
        for row in np.flatnonzero(answers != "none"):
            n, topic = divmod(int(row), len(topics))
            text = sentences[n]
            writer.writerow([f"{speech}-{n + 1:04d}", topics[topic], answers[row],
                             f"{proba[row].max():.2f}", gold.get((speech, text, topics[topic]), ""),
                             text])
    print(f"{len(TEST_SPEECHES)} speeches, {total} sentences", file=sys.stderr)


if __name__ == "__main__":
    typer.run(main)
