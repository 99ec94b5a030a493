"""SemEval-2016 Task 6 with the library's default settings.

    python benchmarks/semeval2016.py ../shared/benchmarks/semeval2016 [--ablation] [--no-record]

Fits ``StanceClassifier()`` (default settings, or ``--preset fast``/``large``) on ``train.csv``,
scores ``test.csv`` (subtask A) and ``test_taskB.csv`` (subtask B, the topic "Donald Trump",
unseen in training), prints F_avg, macro-F1 and per-topic figures and the fit time, and appends
a row to the results table in ``benchmarks/README.md``. ``--ablation`` also fits the defaults
with one component removed at a time and prints F_avg by 5-fold cross-validation on the training
split (grouped by tweet) and on the test split.
"""

from __future__ import annotations

import argparse
import subprocess
import time
import warnings
from datetime import date
from pathlib import Path


import stance

README = Path(__file__).resolve().parent / "README.md"
MARKER = "<!-- semeval2016 results: new rows are appended above this line -->"
ABLATIONS = {
    "defaults": {},
    "no topic copies": {"topic_copies": False},
    "no class weighting": {"class_weight": None},
    "word n-grams 1 only (not 1-2)": {"word_ngram_range": (1, 1)},
    "no character n-grams": {"char_ngram_range": None},
    "raw term frequency (not sublinear)": {"sublinear_tf": False},
}


def fit(train: stance.Dataset, **params) -> tuple[stance.StanceClassifier, float]:
    start = time.perf_counter()
    model = stance.StanceClassifier(random_state=0, **params).fit(train.X, train.y)
    return model, time.perf_counter() - start


def score(model, data: stance.Dataset) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stance.StanceWarning)  # Donald Trump is unseen
        return stance.evaluate(model, data)


def commit() -> str:
    """The current commit, marked ``+changes`` when the work tree differs from it."""
    def git(*args):
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              cwd=README.parent, check=True).stdout.strip()
    try:
        return git("rev-parse", "--short", "HEAD") + ("+changes" if git("status", "--porcelain")
                                                       else "")
    except (OSError, subprocess.CalledProcessError):
        return "-"


def record(row: str) -> None:
    text = README.read_text(encoding="utf-8")
    README.write_text(text.replace(MARKER, f"{row}\n{MARKER}"), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="folder with train.csv and test.csv")
    parser.add_argument("--ablation", action="store_true", help="also run the ablations")
    parser.add_argument("--preset", default="default", choices=sorted(stance.PRESETS),
                        help="parameter preset to fit (default: the library defaults)")
    parser.add_argument("--no-record", action="store_true", help="do not touch README.md")
    args = parser.parse_args()
    train = stance.load_dataset(args.directory / "train.csv")
    test = stance.load_dataset(args.directory / "test.csv")
    trump = stance.load_dataset(args.directory / "test_taskB.csv")
    model, seconds = fit(train, **stance.PRESETS[args.preset])
    a, b = score(model, test), score(model, trump)
    print(f"SemEval-2016 subtask A test ({a['n']} tweets): F_avg {100 * a['f_avg']:.2f}, "
          f"macro-F1 {100 * a['macro_f1']:.2f}, accuracy {100 * a['accuracy']:.2f}")
    for topic, s in a["per_topic"].items():
        print(f"  {topic:34} n={s['n']:4d}  F_avg {100 * s['f_avg']:6.2f}  "
              f"macro-F1 {100 * s['macro_f1']:6.2f}")
    print(f"Subtask B, Donald Trump, unseen topic ({b['n']} tweets): F_avg "
          f"{100 * b['f_avg']:.2f}, macro-F1 {100 * b['macro_f1']:.2f}")
    print(f"Fit time on {len(train)} tweets: {seconds:.1f} s")
    if not args.no_record:
        record(f"| {date.today()} | {stance.__version__} | {commit()} | {args.preset} | "
               f"{100 * a['f_avg']:.2f} | "
               f"{100 * a['macro_f1']:.2f} | {100 * b['f_avg']:.2f} | {seconds:.1f} |")
    if args.ablation:
        ablate(train, test)


def ablate(train: stance.Dataset, test: stance.Dataset) -> None:
    print(f"\n{'configuration':38} {'CV F_avg (train)':>16} {'test F_avg':>10}")
    for name, params in ABLATIONS.items():
        cv = stance.cross_validate(stance.StanceClassifier(random_state=0, **params), train,
                                   n_splits=5, random_state=0)
        model, _ = fit(train, **params)
        print(f"{name:38} {100 * cv['pooled']['f_avg']:16.2f} "
              f"{100 * score(model, test)['f_avg']:10.2f}", flush=True)


if __name__ == "__main__":
    main()
