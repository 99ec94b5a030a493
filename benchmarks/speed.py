"""Prediction throughput, training time and peak memory, against a reference pipeline.

    python benchmarks/speed.py [--sizes 10000 100000 1000000] [--predict 50000]
                               [--stream 1000000] [--startup]
    python benchmarks/speed.py --model-only [--model DIR]   # the bundled (or another) model

Every figure is measured in a fresh process (so ``ru_maxrss`` is that measurement's peak) on
synthetic statements of tweet length (about 180 characters) built from the bundled dataset's
words. Prediction compares, in the same run: the reference pipeline (scikit-learn
``TfidfVectorizer`` word 1-3 + char 2-5 n-grams, one ``LinearSVC``), ``StanceClassifier()``
(default) and ``StanceClassifier(**PRESETS["fast"])``, each the best of three runs, on one
thread and with ``n_jobs=-1`` (one thread per CPU, in the same process).
Training is timed for the default and the fast preset at 10,000 statements (both fit the whole feature matrix with newton-cg) and for
the ``large`` preset (hashed features streamed through SGD) at every size. Streaming file
scoring (``stance predict -i FILE -o OUT`` with a fast model) is measured on a CSV of
``--stream`` statements, and so is the wall time of one ``stance predict "..."`` with the
bundled model. ``--model-only`` measures one saved model (the bundled one by default): the
start-up of ``stance predict "..."``, its scoring speed on ``--predict`` statements (one thread,
best of three) and its size on disk.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent / "datasets" / "negotiation_stance.csv"
REPEAT = 3  # prediction is timed this many times; the best run counts


def synthetic(n: int, seed: int = 0):
    """``n`` labelled (text, topic) pairs of tweet length (about 180 characters).

    Each is a statement of the bundled dataset followed by words drawn from other statements
    with the same topic and label, so that the labels stay learnable at any size.
    """
    import stance

    data = stance.load_dataset(DATA)
    rng = np.random.default_rng(seed)
    pools = {}
    for text, topic, label in zip(data.text, data.topic, data.y):
        pools.setdefault((topic, label), []).extend(text.split())
    rows = rng.integers(0, len(data), n)
    texts = []
    for i in rows:
        words = data.text[i].split()[:20]
        pool = pools[data.topic[i], data.y[i]]
        while sum(map(len, words)) + len(words) < 180:
            words.append(pool[rng.integers(len(pool))])
        texts.append(" ".join(words))
    X = np.column_stack([np.array(texts, dtype=object), data.topic[rows]])
    return X, data.y[rows]


def measure(what: str, n: int) -> dict:
    """Run one measurement in this process; print a JSON line."""
    import stance

    if what == "stream":
        return stream(n)
    if what.startswith("predict-model"):
        model = stance.load_model(what.partition(":")[2] or None)
        X, _ = synthetic(n, seed=1)
        model.predict(X[:100])
        seconds = float("inf")
        for _ in range(REPEAT):
            start = time.perf_counter()
            model.predict(X)
            seconds = min(seconds, time.perf_counter() - start)
        return {"what": what, "n": n, "seconds": seconds, "per_second": n / seconds}
    X_train, y_train = synthetic(min(n, 20000) if what.startswith("predict") else n)
    start = time.perf_counter()
    if what == "predict-reference":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.svm import LinearSVC

        model = make_pipeline(make_union(TfidfVectorizer(ngram_range=(1, 3)),
                                         TfidfVectorizer(analyzer="char_wb",
                                                         ngram_range=(2, 5))),
                              LinearSVC()).fit(X_train[:, 0], y_train)
        predict = lambda X: model.predict(X[:, 0])  # noqa: E731
    else:
        parts = what.split("-")  # e.g. predict-fast, or predict-fast-threads (n_jobs=-1)
        model = stance.StanceClassifier(**stance.PRESETS[parts[1]]).fit(X_train, y_train)
        if parts[-1] == "threads":
            model.set_params(n_jobs=-1)
        if what.startswith("train"):
            return {"what": what, "n": n, "seconds": time.perf_counter() - start,
                    "peak_mb": peak_mb()}
        predict = model.predict
    X, _ = synthetic(n, seed=1)
    predict(X[:100])  # warm up (lazy tables)
    seconds = float("inf")
    for _ in range(REPEAT):  # the best of a few runs: this shared machine's timings vary
        start = time.perf_counter()
        predict(X)
        seconds = min(seconds, time.perf_counter() - start)
    return {"what": what, "n": n, "seconds": seconds, "per_second": n / seconds,
            "peak_mb": peak_mb()}


def stream(n: int) -> dict:
    """Score a CSV of ``n`` statements from disk to disk with a saved fast model."""
    import stance

    folder = Path(tempfile.mkdtemp())
    model = folder / "model"
    source = folder / "statements.csv"
    X, y = synthetic(20000)
    stance.save_model(stance.StanceClassifier(**stance.PRESETS["fast"]).fit(X, y), model)
    with open(source, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "topic"])
        for start in range(0, n, 100_000):
            X, _ = synthetic(min(100_000, n - start), seed=start + 1)
            writer.writerows((start + i, text, topic) for i, (text, topic) in enumerate(X))
    before = peak_mb()
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "stance",
                          "predict", "-i", str(source), "-o", str(folder / "scored.csv"),
                          "-m", str(model)], capture_output=True, text=True, check=True)
    seconds, kb = out.stderr.strip().splitlines()[-1].split()
    rows = sum(1 for _ in open(folder / "scored.csv", encoding="utf-8")) - 1
    shutil.rmtree(folder)
    return {"what": "stream", "n": n, "rows_out": rows, "seconds": float(seconds),
            "per_second": n / float(seconds), "peak_mb": int(kb) / 1024,
            "generator_peak_mb": before}


def startup(model: str | None = None) -> float:
    """Best wall time of three ``stance predict "..."`` runs with the bundled (or a) model."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "stance", "predict", "Lift the sanctions now.",
                        "-t", "sanctions_relief"] + (["-m", model] if model else []),
                       check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(what: str, n: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", what, str(n)], check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--predict", type=int, default=50_000)
    parser.add_argument("--stream", type=int, default=1_000_000)
    parser.add_argument("--startup", action="store_true",
                        help="only measure the start-up of one `stance predict \"...\"`")
    parser.add_argument("--model-only", action="store_true",
                        help="only measure one saved model: start-up, speed, size")
    parser.add_argument("--model", help="the model directory for --model-only (default: the "
                                         "bundled model)")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]))))
        return
    if args.model_only:
        import stance

        folder = Path(args.model) if args.model else stance.bundled_model_path()
        size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
        print(f"  {folder}: {size / 1e6:.1f} MB on disk", flush=True)
        print(f"  stance predict \"...\" start-up: {startup(args.model):.2f} s wall", flush=True)
        r = run(f"predict-model:{args.model or ''}", args.predict)
        print(f"  predict, one thread: {r['per_second']:,.0f} statements/s")
        return
    print(f"  stance predict \"...\" start-up: {startup():.2f} s wall", flush=True)
    if args.startup:
        return
    ref = run("predict-reference", args.predict)
    for name in ("predict-default", "predict-fast", "predict-default-threads",
                 "predict-fast-threads"):
        r = run(name, args.predict)
        print(f"  {name}: {r['per_second']:,.0f} statements/s, "
              f"{r['per_second'] / ref['per_second']:.1f}x the reference "
              f"({ref['per_second']:,.0f}/s)")
    for n in args.sizes:
        for name in ("train-default", "train-fast", "train-large"):
            if name != "train-large" and n > 10_000:
                continue
            r = run(name, n)
            print(f"  {name} on {n:,} statements: {r['seconds']:.1f} s, peak "
                  f"{r['peak_mb']:,.0f} MB")
    if args.stream:
        r = run("stream", args.stream)
        print(f"  stance predict -i FILE -o OUT (fast model), {r['n']:,} statements: "
              f"{r['seconds']:.1f} s, {r['per_second']:,.0f} statements/s, peak "
              f"{r['peak_mb']:,.0f} MB, {r['rows_out']:,} rows out")


if __name__ == "__main__":
    main()
