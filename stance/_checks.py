"""Check a labelled dataset against the rules the bundled dataset promises to keep."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ._dataset import Dataset
from ._errors import StanceError

PROFILES = ("bundled", "basic")
SPLITS = ("train", "dev", "test")
OFFICIAL_VOICES = ("russian_official", "ukrainian_official", "us_official", "european_official",
                   "chinese_or_global_south")
HARD_TAGS = ("negation", "sarcasm", "conditional")


@dataclass
class Check:
    """One rule: what it asks, the figure found, and whether the figure meets it."""

    rule: str
    figure: str
    passed: bool | None  # None: not applicable to this dataset (a column is missing)


@dataclass
class DatasetReport:
    """The result of :func:`check_dataset`: every rule checked, and summary figures."""

    source: str | None
    checks: list[Check] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no applicable rule is broken."""
        return all(c.passed is not False for c in self.checks)

    def add(self, rule: str, figure: str, passed: bool | None) -> None:
        self.checks.append(Check(rule, figure, passed))


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def _tags(data: Dataset) -> list[set[str]]:
    column = data.extra.get("phenomena")
    if column is None:
        return []
    return [{t for t in str(v or "").split(";") if t.strip()} for v in column]


def near_duplicate_pairs(texts: list[str], *, threshold: float = 0.7,
                         block: int = 2000) -> list[tuple[int, int, float]]:
    """Return pairs (i, j, jaccard) of texts whose word 3-gram Jaccard similarity >= threshold.

    Examples
    --------
    >>> near_duplicate_pairs(["we will never accept this deal", "we will never accept this deal!",
    ...                       "something else entirely here"])
    [(0, 1, 1.0)]
    """
    vocab: dict[tuple, int] = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        words = re.findall(r"\w+", text.lower())
        grams = {tuple(words[k:k + 3]) for k in range(len(words) - 2)}
        for gram in grams:
            rows.append(i)
            cols.append(vocab.setdefault(gram, len(vocab)))
    m = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                      shape=(len(texts), len(vocab)))
    sizes = np.asarray(m.sum(axis=1)).ravel()
    pairs = []
    for start in range(0, len(texts), block):
        inter = (m[start:start + block] @ m.T).tocoo()
        i, j, v = inter.row + start, inter.col, inter.data
        keep = i < j
        i, j, v = i[keep], j[keep], v[keep]
        jac = v / (sizes[i] + sizes[j] - v)
        for a, b, s in zip(i[jac >= threshold], j[jac >= threshold], jac[jac >= threshold]):
            pairs.append((int(a), int(b), round(float(s), 3)))
    return sorted(pairs)


def check_dataset(data: Dataset, *, profile: str = "bundled") -> DatasetReport:
    """Check a labelled dataset and return every figure with its rule.

    The ``basic`` profile checks integrity only: valid labels (enforced on loading), no exact or
    near-duplicate statements, no statement in two splits, each statement's metadata consistent.
    The ``bundled`` profile adds the size and balance rules of the bundled dataset (see
    ``datasets/README.md``): at least 3,000 rows and 2,000 statements, each topic at least 250
    rows with every label at least 20%, and the rules on voices, registers, phenomena, lengths,
    multi-topic statements and split sizes.

    Examples
    --------
    >>> import stance
    >>> report = stance.check_dataset(stance.load_dataset("datasets/negotiation_stance.csv"))
    >>> report.ok
    True
    """
    if profile not in PROFILES:
        raise StanceError(f"Unknown profile {profile!r}. Use one of: {', '.join(PROFILES)}.")
    report = DatasetReport(source=data.source)
    groups = data.groups
    first = {g: i for i, g in reversed(list(enumerate(groups.tolist())))}
    statements = sorted(first, key=first.get)
    n_st = len(statements)
    texts = [data.text[first[g]] for g in statements]
    report.figures.update(rows=len(data), statements=n_st, topics=len(data.topics))

    norm = Counter(re.sub(r"\s+", " ", t.strip().lower()) for t in texts)
    exact = sum(c - 1 for c in norm.values() if c > 1)
    report.add("no two statements with the same text", f"{exact} duplicates", exact == 0)
    near = near_duplicate_pairs(texts)
    report.figures["near_duplicates"] = [(statements[a], statements[b], s) for a, b, s in near]
    near_statements = len({statements[a] for a, _, _ in near} | {statements[b] for _, b, _ in near})
    report.add("near duplicates (word 3-gram Jaccard >= 0.7) < 1% of statements",
               f"{len(near)} pairs, {_pct(near_statements, n_st):.2f}% of statements",
               _pct(near_statements, n_st) < 1.0)
    _check_consistency(report, data)
    if profile == "bundled":
        _check_shape(report, data, statements, first, texts)
    return report


def _per_statement(data: Dataset, column: str):
    values = data.extra.get(column)
    if values is None:
        return None
    seen: dict[str, set] = {}
    for g, v in zip(data.groups.tolist(), values.tolist()):
        seen.setdefault(g, set()).add(v)
    return seen


def _check_consistency(report: DatasetReport, data: Dataset) -> None:
    for column in ("split", "voice", "register"):
        seen = _per_statement(data, column)
        if seen is None:
            report.add(f"each statement in one {column}", f"no {column} column", None)
            continue
        mixed = sum(len(v) > 1 for v in seen.values())
        report.add(f"each statement in one {column}", f"{mixed} statements in several",
                   mixed == 0)
    splits = data.extra.get("split")
    if splits is not None:
        bad = sorted(set(splits.tolist()) - set(SPLITS))
        report.add("split is one of train/dev/test", f"other values: {bad}" if bad else "ok",
                   not bad)


def _check_shape(report, data, statements, first, texts) -> None:
    n, n_st = len(data), len(statements)
    report.add("at least 3,000 rows", f"{n} rows", n >= 3000)
    report.add("at least 2,000 statements", f"{n_st} statements", n_st >= 2000)
    per_topic = {}
    for topic in data.topics:
        labels = Counter(data.y[data.topic == topic].tolist())
        total = sum(labels.values())
        shares = {k: _pct(labels[k], total) for k in ("favor", "against", "none")}
        per_topic[topic] = {"rows": total, **{k: labels[k] for k in shares}}
        report.add(f"topic {topic}: at least 250 rows, each label >= 20%",
                   f"{total} rows, " + ", ".join(f"{k} {v:.0f}%" for k, v in shares.items()),
                   total >= 250 and min(shares.values()) >= 20)
    report.figures["per_topic"] = per_topic
    topics_per = Counter(data.groups.tolist())
    multi = _pct(sum(c >= 2 for c in topics_per.values()), n_st)
    report.add("at least 20% of statements on two or more topics", f"{multi:.1f}%", multi >= 20)
    lengths = [len(t.split()) for t in texts]
    median = float(np.median(lengths)) if lengths else 0.0
    report.add("median length 15-40 words", f"{median:g} words (min {min(lengths, default=0)}, "
               f"max {max(lengths, default=0)})", 15 <= median <= 40)
    _check_metadata_shares(report, data, statements, first)
    _check_tags(report, data)
    _check_split_sizes(report, data, statements, first)


def _share_of_statements(data, statements, first, column):
    values = data.extra.get(column)
    if values is None:
        return None
    counts = Counter(values[first[g]] for g in statements)
    return {k: _pct(v, len(statements)) for k, v in counts.most_common()}


def _check_metadata_shares(report, data, statements, first) -> None:
    voices = _share_of_statements(data, statements, first, "voice")
    if voices is None:
        report.add("voices: each <= 30%, each official voice >= 8%", "no voice column", None)
    else:
        report.figures["voices"] = voices
        low = [v for v in OFFICIAL_VOICES if voices.get(v, 0) < 8]
        report.add("voices: each <= 30%, each official voice >= 8%",
                   ", ".join(f"{k} {v:.1f}%" for k, v in voices.items()),
                   max(voices.values()) <= 30 and not low)
    registers = _share_of_statements(data, statements, first, "register")
    if registers is None:
        report.add("registers: each >= 10%", "no register column", None)
    else:
        report.figures["registers"] = registers
        report.add("registers: each >= 10%",
                   ", ".join(f"{k} {v:.1f}%" for k, v in registers.items()),
                   min(registers.values()) >= 10)


def _check_tags(report, data) -> None:
    tags = _tags(data)
    if not tags:
        report.add("at least 30% of rows tagged with a phenomenon", "no phenomena column", None)
        return
    tagged = _pct(sum(bool(t) for t in tags), len(tags))
    report.add("at least 30% of rows tagged with a phenomenon", f"{tagged:.1f}%", tagged >= 30)
    pairs = Counter((tag, label) for ts, label in zip(tags, data.y.tolist()) for tag in ts)
    report.figures["phenomena"] = {f"{t}/{label}": c for (t, label), c in sorted(pairs.items())}
    missing = [f"{t}/{label}" for t in HARD_TAGS for label in ("favor", "against")
               if not pairs[(t, label)]]
    report.add("favor and against both appear with negation, sarcasm, conditional",
               ", ".join(f"{t}: {pairs[(t, 'favor')]}/{pairs[(t, 'against')]}"
                         for t in HARD_TAGS) + " (favor/against)", not missing)


def _check_split_sizes(report, data, statements, first) -> None:
    shares = _share_of_statements(data, statements, first, "split")
    if shares is None:
        report.add("test >= 20% and dev >= 10% of statements", "no split column", None)
        return
    report.figures["splits"] = shares
    report.add("test >= 20% and dev >= 10% of statements",
               ", ".join(f"{k} {shares.get(k, 0):.1f}%" for k in SPLITS),
               shares.get("test", 0) >= 20 and shares.get("dev", 0) >= 10)
