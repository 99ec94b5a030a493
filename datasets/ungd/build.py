"""Build the real-statement dataset from the UN General Debate speeches.

    pip install ".[dataset]"
    python datasets/ungd/build.py sentences ../shared/ungd   # segment, select, split, batches
    python datasets/ungd/build.py assemble                   # labels -> datasets/ungd_stance.csv
    python datasets/ungd/build.py agreement                  # Cohen's kappa of the two annotators

``sentences`` reads the raw speeches (``YEAR/ISO_SESSION_YEAR.txt``, kept outside the project),
splits them into sentences with sentencex, and writes three files beside this script:

- ``sentences.csv``: the war-related sentences to label: every 2022 sentence that names the
  war, a party, a topic word or a word that in 2022 often means the war (``WAR_2022``: war,
  weapons, talks, referendums, ...; so 2022 sentences about other wars are labelled too, as
  hard ``none`` cases), and every 2014-2021 sentence that names the war or a party;
- ``../ungd_background.csv``: sentences that touch neither, ``none`` on every topic without
  hand labels; each is paired with one topic drawn at random (``Dataset.complete`` pairs it
  with all ten);
- ``annotation/batches/*.tsv``: the sentences to label, shuffled across speeches so that an
  annotator never reads a sentence beside its neighbours (``a1``-``a7``: every sentence once;
  ``b1``: a random sample for the second annotator; ``background_check``: 200 background
  sentences, half of them with a topic word, read to check that none takes a stance).

Every step is deterministic: a rerun on the same speeches writes the same bytes.
``assemble`` joins the annotators' labels (``annotation/labels``) with the adjudication
(``annotation/adjudication.tsv``) into ``datasets/ungd_stance.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from pathlib import Path
from typing import Annotated

import typer

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "ungd_stance.csv"
BACKGROUND = HERE.parent / "ungd_background.csv"
TOPICS = ["ceasefire", "peace_talks", "sanctions_relief", "nato_membership",
          "security_guarantees", "territorial_concessions", "military_aid", "arms_limits",
          "security_architecture", "frozen_assets"]

# Words that name the war, its places or its parties: a sentence with one of them is war-related.
WAR = re.compile(
    r"\b(ukrain\w*|russia\w*|crimea\w*|donbas+|donetsk|luhansk|lugansk|kherson|zaporizh\w*|"
    r"kyiv|kiev|kremlin|moscow|nato|north atlantic|minsk|sevastopol|mariupol|bucha|zelensk\w*|"
    r"putin|mh17|black sea|grain (deal|initiative)|novorossi\w*|"
    r"(war|conflict) (in|on) (europe|the european continent|the heart of europe))\b", re.I)
# Words of the ten topics and of war in general: in 2022 such a sentence may be about the war.
TOPIC = re.compile(
    r"\b(sanction\w*|cease-?fire\w*|cessation of hostilities|truce|negotiat\w*|peace talks|"
    r"territorial integrity|annex\w*|security guarantee\w*|security architecture|"
    r"european security|indivisib\w+ security|osce|neutral\w*|frozen assets|reparation\w*|"
    r"(arms|weapons?) deliver\w*|military (aid|assistance)|demilitari\w*|coercive measures|"
    r"the war\b|this war|invasion|aggression)", re.I)
# A line that ends without closing punctuation continues on the next line.
WRAPPED_END = re.compile(r"[^.!?:;\"”’)\]]$")
# More words that, in 2022, often mean the war without naming it (added after the worked
# example found stances in 2022 sentences the first selection missed).
WAR_2022 = re.compile(
    r"\b(weapons?|arms|armaments?|talks|referend\w*|occup\w*|aggressor|liberat\w*|"
    r"mobili[sz]\w*|nuclear power plant|grain|fertili[sz]er\w*|peace formula|veto|war|"
    r"european continent)\b", re.I)
# The topic of the review pass, and the sentences it reads.
REVIEWED = "territorial_concessions"
TERRITORY = re.compile(r"annex|territorial integrity|occup|borders|crimea|referend", re.I)
# The share of speeches (by a hash of their id) that form the test split.
TEST_SHARE = 25
# The speeches of the worked example (docs/real_speech.md) are held out for testing.
TEST_SPEECHES = {f"{iso}_77_2022" for iso in ("UKR", "RUS", "USA", "CHN", "IND", "BRA")}
BACKGROUND_SIZE = 30_000
HARD_BACKGROUND_SIZE = 3_000
FIELDS = ["id", "speech", "iso", "country", "year", "region", "split", "text"]

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.split("\n\n")[0])


@app.callback()
def _main() -> None:
    """Build the real-statement dataset from the UN General Debate speeches."""


def segment(text: str) -> list[str]:
    """Split a speech into sentences with sentencex, one line of text each.

    Some speeches (most of 2014) are wrapped at a fixed width: a line that does not end a
    sentence (no closing punctuation) is joined to the next one before segmenting, and a word
    hyphenated across the break is joined back.
    """
    import sentencex

    paragraphs, current = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if WRAPPED_END.search(current) is None:
            paragraphs.append(current)
            current = ""
    paragraphs.append(current)
    sentences = []
    for paragraph in paragraphs:
        for sentence in sentencex.segment("en", paragraph):
            sentence = " ".join(sentence.split())
            if len(sentence) >= 3 and any(c.isalpha() for c in sentence):
                sentences.append(sentence)
    return sentences


def split_of(speech: str) -> str:
    """``test`` for a fixed quarter of the speeches (by hash of their id), else ``train``."""
    digest = int(hashlib.sha256(speech.encode()).hexdigest(), 16)
    return "test" if speech in TEST_SPEECHES or digest % 100 < TEST_SHARE else "train"


def _regions(isos: list[str]) -> dict[str, tuple[str, str]]:
    """(continent, UN sub-region) of each ISO3 code, from country_converter's own table."""
    import country_converter

    table = Path(country_converter.__file__).with_name("country_data.tsv")
    with open(table, newline="", encoding="utf-8") as handle:
        known = {row["ISO3"]: (row["continent"], row["UNregion"])
                 for row in csv.DictReader(handle, delimiter="\t")}
    return {iso: ("Europe", "European Union") if iso == "EU" else known.get(iso, ("Other", "Other"))
            for iso in isos}


def _countries(folder: Path) -> dict[str, str]:
    with open(folder / "speakers.csv", newline="", encoding="utf-8") as handle:
        return {row["iso"]: row["country"] for row in csv.DictReader(handle)}


def _write(path: Path, rows: list[dict], fields: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@app.command()
def sentences(
    speeches: Annotated[Path, typer.Argument(help="The folder of the UN General Debate speeches "
                                             "(YEAR/ISO_SESSION_YEAR.txt), e.g. ../shared/ungd.",
                                             exists=True, file_okay=False)],
) -> None:
    """Segment the speeches, select the war-related and background sentences, write batches."""
    files = sorted(speeches.glob("[12][0-9][0-9][0-9]/*_*_*.txt"))
    if not files:
        raise typer.BadParameter(f"{speeches} holds no YEAR/ISO_SESSION_YEAR.txt files; give the "
                                 f"folder of the UN General Debate speeches.")
    countries = _countries(speeches)
    regions = _regions(sorted({f.stem.split("_")[0] for f in files}))
    war, plain, hard = [], [], []
    for path in files:
        speech = path.stem
        iso, _, year = speech.split("_")
        base = {"speech": speech, "iso": iso, "country": countries.get(iso, iso), "year": year,
                "region": regions[iso][0], "split": split_of(speech)}
        for n, text in enumerate(segment(path.read_text(encoding="utf-8")), 1):
            row = {"id": f"{speech}-{n:04d}", **base, "text": text}
            named, worded = bool(WAR.search(text)), bool(TOPIC.search(text))
            if named or (year == "2022" and (worded or WAR_2022.search(text))):
                war.append(row)
            elif not worded and year != "2022":
                plain.append(row)
            elif worded and regions[iso][0] != "Europe" and regions[iso][1] != "Northern America":
                hard.append(row)
    rng = random.Random(0)
    hard = rng.sample(hard, min(HARD_BACKGROUND_SIZE, len(hard)))
    background = sorted(rng.sample(plain, BACKGROUND_SIZE - len(hard)) + hard,
                        key=lambda r: r["id"])
    hard_ids = {r["id"] for r in hard}
    draw = random.Random(1)
    for row in background:
        row.update(kind="topic_word" if row["id"] in hard_ids else "plain",
                   topic=draw.choice(TOPICS), stance="none")
    _write(HERE / "sentences.csv", war, FIELDS)
    _write(BACKGROUND, background, ["id", "text", "topic", "stance"]
           + [f for f in FIELDS if f not in ("id", "text")] + ["kind"])
    check = (rng.sample([r for r in background if r["kind"] == "plain"], 100)
             + rng.sample([r for r in background if r["kind"] == "topic_word"], 100))
    rng.shuffle(check)
    _write_batch(HERE / "annotation" / "batches" / "background_check.tsv", check)
    test = sum(r["split"] == "test" for r in war)
    typer.echo(f"{len(files)} speeches: {len(war)} war-related sentences ({test} in test), "
               f"{len(background)} background sentences", err=True)


@app.command()
def batches(
    name: Annotated[str, typer.Argument(help="The batch name prefix, e.g. c: writes c1.tsv ...")],
    files: Annotated[int, typer.Option(help="How many batches for the first annotation.")] = 2,
    second: Annotated[int, typer.Option(help="How many sentences, first annotated or not, to "
                                           "sample for a second annotation (NAME-second.tsv).")]
    = 0,
) -> None:
    """Write annotation batches of the sentences that have no first annotation yet."""
    sentences = _read_sentences()
    first, second_done = _annotations()
    todo = [r for r in sentences if _key(r) not in first]
    rng = random.Random(name)
    rng.shuffle(todo)
    folder = HERE / "annotation" / "batches"
    for b in range(files if todo else 0):
        _write_batch(folder / f"{name}{b + 1}.tsv", todo[b::files])
    if second:
        pool = [r for r in sentences if _key(r) not in second_done]
        _write_batch(folder / f"{name}-second.tsv", rng.sample(pool, min(second, len(pool))))
    typer.echo(f"{len(todo)} sentences to annotate in {files} batches", err=True)


def _write_batch(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("id\tspeaker\ttext\n")
        for row in rows:
            handle.write(f"{row['id']}\t{row['country']}\t{row['text']}\n")


def _read_labels(path: Path) -> dict[str, dict[str, str]]:
    """An annotator's (or the adjudication's) labels: id -> {topic: favor/against}."""
    out = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 2):
            labels = {}
            for item in filter(None, (row["labels"] or "").split(";")):
                topic, _, label = item.partition(":")
                if topic not in TOPICS or label not in ("favor", "against"):
                    raise typer.BadParameter(f"{path}, line {n}: {item!r} is not topic:favor or "
                                             f"topic:against with one of the ten topic ids.")
                labels[topic] = label
            out[row["id"]] = labels
    return out


def _key(row: dict) -> tuple[str, str]:
    """A sentence is known by its speech and its text (ids change when segmentation does)."""
    return row["id"].rsplit("-", 1)[0], row["text"]


def _batch(name: str) -> dict[str, tuple[str, str]]:
    with open(HERE / "annotation" / "batches" / f"{name}.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row["id"]: _key(row) for row in rows}


def _is_review(name: str) -> bool:
    return name.startswith("review")


def _is_second(name: str) -> bool:
    return name == "b1" or name.endswith("-second")


def _annotations() -> tuple[dict, dict]:
    """The first and the second annotation of each sentence, by (speech, text)."""
    first: dict[tuple, dict[str, str]] = {}
    second: dict[tuple, dict[str, str]] = {}
    for path in sorted((HERE / "annotation" / "labels").glob("*.tsv")):
        if path.stem == "background_check" or _is_review(path.stem):
            continue
        keys = _batch(path.stem)
        target = second if _is_second(path.stem) else first
        target.update((keys[i], labels) for i, labels in _read_labels(path).items())
    return first, second


def _adjudication() -> dict[tuple, dict[str, str]]:
    """The adjudicated labels, by (speech, text) of the sentence in the batch they name."""
    path = HERE / "annotation" / "adjudication.tsv"
    with open(path, newline="", encoding="utf-8") as handle:
        batch_of = {row["id"]: row["batch"]
                    for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    batches = {name: _batch(name) for name in set(batch_of.values())}
    return {batches[batch_of[i]][i]: labels for i, labels in _read_labels(path).items()
            if not _is_review(batch_of[i])}


def _reviews() -> dict[tuple, str]:
    """The review's territorial_concessions label of each sentence it read (annotation/REVIEW_PROMPT.md)."""
    out = {}
    for path in sorted((HERE / "annotation" / "labels").glob("review*.tsv")):
        keys = _batch(path.stem)
        out.update((keys[i], labels.get(REVIEWED, "none"))
                   for i, labels in _read_labels(path).items())
    path = HERE / "annotation" / "adjudication.tsv"
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if _is_review(row["batch"]):
                label = row["labels"].partition(":")[2] if row["labels"] else "none"
                out[_batch(row["batch"])[row["id"]]] = label
    return out


def _read_sentences() -> list[dict]:
    with open(HERE / "sentences.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _pairs(labels: dict[str, str]) -> list[str]:
    return [labels.get(topic, "none") for topic in TOPICS]


@app.command()
def review() -> None:
    """Write the review batches: every sentence that TERRITORY matches, in two batches."""
    rows = [r for r in _read_sentences() if TERRITORY.search(r["text"])]
    random.Random("review").shuffle(rows)
    for b in range(2):
        _write_batch(HERE / "annotation" / "batches" / f"review{b + 1}.tsv", rows[b::2])
    typer.echo(f"{len(rows)} sentences to review", err=True)


@app.command()
def agreement() -> None:
    """Cohen's kappa between the first and the second annotation, and their disagreements."""
    import json

    from sklearn.metrics import cohen_kappa_score

    first, second = _annotations()
    current = {_key(r) for r in _read_sentences()}
    both = [k for k in second if k in first and k in current]
    a = [x for k in both for x in _pairs(first[k])]
    b = [x for k in both for x in _pairs(second[k])]
    stance = [(x, y) for x, y in zip(a, b) if "none" not in (x, y) or x != y]
    report = {
        "sentences": len(both),
        "pairs": len(a),
        "kappa": cohen_kappa_score(a, b),
        "agreement": sum(x == y for x, y in zip(a, b)) / len(a),
        "stance_pairs": len(stance),
        "stance_agreement": sum(x == y for x, y in stance) / max(len(stance), 1),
        "disagreeing_sentences": sorted(" | ".join(k) for k in both if first[k] != second[k]),
    }
    (HERE / "annotation" / "agreement.json").write_text(json.dumps(report, indent=2) + "\n")
    typer.echo(json.dumps(report, indent=2))


@app.command()
def assemble() -> None:
    """Join the sentences, the first annotation and the adjudication into ungd_stance.csv."""
    first, second = _annotations()
    adjudicated = _adjudication()
    reviewed = _reviews()
    sentences = _read_sentences()
    current = {_key(r) for r in sentences}
    undecided = sorted(k for k in second if k in first and k in current
                       and first[k] != second[k] and k not in adjudicated)
    if undecided:
        raise typer.BadParameter(f"{len(undecided)} disagreements are not adjudicated yet, e.g. "
                                 f"{undecided[0]}; add them to annotation/adjudication.tsv.")
    missing = [r["id"] for r in sentences if _key(r) not in first]
    if missing:
        raise typer.BadParameter(f"{len(missing)} sentences have no first annotation, e.g. "
                                 f"{missing[0]}; finish annotation/labels/a*.tsv.")
    rows = []
    for r in sentences:
        key = _key(r)
        labels, source = dict(first[key]), "single"
        if key in reviewed:
            labels.pop(REVIEWED, None)
            if reviewed[key] != "none":
                labels[REVIEWED] = reviewed[key]
        if key in adjudicated:
            labels, source = adjudicated[key], "adjudicated"
        elif key in second:
            source = "double"
        for topic in TOPICS:
            rows.append({"id": r["id"], "text": r["text"], "topic": topic,
                         "stance": labels.get(topic, "none"), "split": r["split"],
                         "speech": r["speech"], "iso": r["iso"], "country": r["country"],
                         "year": r["year"], "region": r["region"], "annotation": source})
    _write(OUT, rows, list(rows[0]))
    stances = sum(row["stance"] != "none" for row in rows)
    typer.echo(f"{OUT.name}: {len(sentences)} sentences x {len(TOPICS)} topics, "
               f"{stances} stance labels", err=True)


@app.command()
def counts() -> None:
    """Print the datasheet's tables (markdown): labels per topic and split, sentences per year
    and region."""
    from collections import Counter

    with open(OUT, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    labels = Counter((r["topic"], r["split"], r["stance"]) for r in rows)
    typer.echo("| topic | train favor / against | test favor / against |\n|---|---|---|")
    for topic in TOPICS:
        typer.echo(f"| {topic} | " + " | ".join(
            f"{labels[topic, split, 'favor']} / {labels[topic, split, 'against']}"
            for split in ("train", "test")) + " |")
    sentences = {r["id"]: r for r in rows}
    stance_of = Counter(r["id"] for r in rows if r["stance"] != "none")
    years = Counter((r["year"], r["split"]) for r in sentences.values())
    with_stance = Counter(r["year"] for i, r in sentences.items() if stance_of[i])
    typer.echo("\n| year | train sentences | test sentences | with a stance |\n|---|---|---|---|")
    for year in sorted({r["year"] for r in sentences.values()}):
        typer.echo(f"| {year} | {years[year, 'train']} | {years[year, 'test']} | "
                   f"{with_stance[year]} |")
    regions = Counter(r["region"] for r in sentences.values())
    region_stance = Counter(r["region"] for i, r in sentences.items() if stance_of[i])
    typer.echo("\n| region | sentences | with a stance |\n|---|---|---|")
    for region, n in regions.most_common():
        typer.echo(f"| {region} | {n} | {region_stance[region]} |")
    with open(BACKGROUND, newline="", encoding="utf-8") as handle:
        background = Counter((r["split"], r["kind"]) for r in csv.DictReader(handle))
    typer.echo("\nBackground: " + ", ".join(f"{k[0]} {k[1]} {n}"
                                            for k, n in sorted(background.items())))


if __name__ == "__main__":
    app()
