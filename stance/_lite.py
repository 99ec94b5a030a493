"""A numpy-only copy of a vocabulary model's scorer, for a fast ``stance predict "..."``.

Importing scikit-learn (which unpickling a model needs) takes a second or more; scoring a few
statements takes milliseconds. So ``save_model`` also writes ``scorer.npz`` for models with
TF-IDF features: the vocabularies, idf weights and the linear weights as plain arrays (no
pickle: it is read with ``allow_pickle=False``). :class:`LiteModel` scores from it with numpy
alone, reproducing scikit-learn's analyzers (lower-casing, ``(?u)\\b\\w\\w+\\b`` word tokens,
``char_wb`` character n-grams), sublinear tf, idf and l2 normalisation, and the model's gate
and temperatures; a test checks it against the full model.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from ._analyzers import char_grams, word_grams

FILE = "scorer.npz"


def export(model, path: str | Path) -> Path | None:
    """Write ``model``'s scorer to ``path`` (a ``.npz`` file); None if it has no vocabulary."""
    import scipy.sparse as sp

    from ._features import TopicFeatures

    features = model.features_
    if not isinstance(features, TopicFeatures):
        return None
    arrays: dict[str, np.ndarray] = {}
    for name, vectorizer in features.vectorizer_.transformer_list:
        terms = [""] * len(vectorizer.vocabulary_)
        for term, column in vectorizer.vocabulary_.items():
            terms[column] = term
        arrays[f"{name}_terms"] = _text(terms)
        arrays[f"{name}_idf"] = np.asarray(vectorizer.idf_, dtype=np.float32)
        arrays[f"{name}_ngram"] = np.array(vectorizer.ngram_range)
    arrays["parts"] = _text([name for name, _ in features.vectorizer_.transformer_list])

    def dense(classifier) -> tuple[np.ndarray, np.ndarray]:
        coef = classifier.coef_
        coef = coef.toarray() if sp.issparse(coef) else np.asarray(coef)
        return coef.astype(np.float32), np.asarray(classifier.intercept_, np.float64)

    arrays["coef"], arrays["intercept"] = dense(model.classifier_)
    if model.relevance_ is not None:
        arrays["relevance_coef"], arrays["relevance_intercept"] = dense(model.relevance_)
    blocks = features.block_columns_ if features.topic_copies else []
    arrays["block_columns"] = np.concatenate(blocks or [np.empty(0)]).astype(np.int64)
    arrays["block_offsets"] = np.cumsum([0] + [len(b) for b in blocks]).astype(np.int64)
    arrays["topics"] = _text(list(model.topics_))
    arrays["classes"] = _text(list(model.classes_))
    arrays["settings"] = np.array([
        float(features.sublinear_tf), float(features.topic_copies), model.unseen_none_bias,
        getattr(model, "temperature_", 1.0), getattr(model, "relevance_temperature_", 1.0)])
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return Path(path)


def _text(values: list[str]) -> np.ndarray:
    """Strings as the UTF-8 bytes of a JSON list (any character survives; no pickle)."""
    return np.frombuffer(json.dumps([str(v) for v in values]).encode("utf-8"), np.uint8)


def _strings(array: np.ndarray) -> list[str]:
    return json.loads(array.tobytes().decode("utf-8"))


class LiteModel:
    """Score (text, topic) pairs from ``scorer.npz``: ``classes_``, ``topics_`` and
    ``predict_proba`` like :class:`StanceClassifier` (vocabulary models only).

    Examples
    --------
    >>> model = LiteModel("models/scorer.npz")  # doctest: +SKIP
    >>> model.predict_proba([("Lift the sanctions now.", "sanctions_relief")])  # doctest: +SKIP
    array([[0.10, 0.78, 0.11]])
    """

    def __init__(self, path: str | Path):
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        self.parts = []
        offset = 0
        for name in _strings(arrays["parts"]):
            terms = _strings(arrays[f"{name}_terms"])
            self.parts.append((name, dict(zip(terms, range(offset, offset + len(terms)))),
                               arrays[f"{name}_idf"], tuple(arrays[f"{name}_ngram"]), offset))
            offset += len(terms)
        self.n_text = offset
        self.coef = arrays["coef"].astype(np.float64)
        self.intercept = arrays["intercept"]
        if self.coef.shape[0] == 1:  # binary: scores (0, s)
            self.coef = np.vstack([np.zeros_like(self.coef), self.coef])
            self.intercept = np.array([0.0, self.intercept[0]])
        self.relevance = None
        if "relevance_coef" in arrays:
            self.relevance = (arrays["relevance_coef"][0].astype(np.float64),
                              float(arrays["relevance_intercept"][0]))
        self.block_columns = arrays["block_columns"]
        self.block_offsets = arrays["block_offsets"]
        self.topics_ = np.array(_strings(arrays["topics"]), dtype=object)
        self.classes_ = np.array(_strings(arrays["classes"]), dtype=object)
        sublinear, copies, bias, temperature, relevance_temperature = arrays["settings"]
        self.sublinear, self.copies = bool(sublinear), bool(copies)
        self.bias, self.temperature = float(bias), float(temperature)
        self.relevance_temperature = float(relevance_temperature)
        self._index = {topic: i for i, topic in enumerate(self.topics_)}

    def predict_proba(self, X) -> np.ndarray:
        """Label probabilities of (text, topic) pairs, columns as ``classes_``."""
        rows = [self._proba(str(text), str(topic)) for text, topic in X]
        return np.array(rows).reshape(-1, len(self.classes_))

    def _features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The shared TF-IDF columns and values of ``text`` (float32, l2-normalised per part)."""
        lowered = text.lower()
        columns, values = [], []
        for name, vocabulary, idf, (lo, hi), offset in self.parts:
            grams = (word_grams if name == "word" else char_grams)(lowered, lo, hi)
            counts = Counter(g for g in grams if g in vocabulary)
            if not counts:
                continue
            cols = np.array([vocabulary[g] for g in counts], dtype=np.int64)
            tf = np.array(list(counts.values()), dtype=np.float32)
            if self.sublinear:
                tf = np.log(tf) + np.float32(1)
            tfidf = tf * idf[cols - offset]
            tfidf /= np.sqrt(np.sum(tfidf * tfidf, dtype=np.float32), dtype=np.float32)
            order = np.argsort(cols)
            columns.append(cols[order])
            values.append(tfidf[order])
        if not columns:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        return np.concatenate(columns), np.concatenate(values)

    def _scores(self, columns, values, t: int) -> tuple[np.ndarray, float | None]:
        v = values.astype(np.float64)
        scores = self.coef[:, columns] @ v + self.intercept
        about = None
        if self.copies:
            block = self.block_columns[self.block_offsets[t]:self.block_offsets[t + 1]]
            pos = np.minimum(np.searchsorted(block, columns), max(len(block) - 1, 0))
            hit = block[pos] == columns if len(block) else np.zeros(len(columns), bool)
            topic_cols = self.n_text + self.block_offsets[t] + pos[hit]
            indicator = self.n_text + self.block_offsets[-1] + t
            scores = scores + self.coef[:, topic_cols] @ v[hit] + self.coef[:, indicator]
            if self.relevance is not None:
                weights, intercept = self.relevance
                about = float(weights[topic_cols - self.n_text] @ v[hit]
                              + weights[indicator - self.n_text] + intercept)
        return scores, about

    def _proba(self, text: str, topic: str) -> np.ndarray:
        columns, values = self._features(text)
        t = self._index.get(topic, -1)
        if t >= 0:
            scores, about = self._scores(columns, values, t)
        else:  # an unseen topic: the average over the known topics, leaning away from none
            scores = np.mean([self._scores(columns, values, k)[0]
                              for k in range(len(self.topics_))], axis=0) if self.copies \
                else self._scores(columns, values, 0)[0]
            if "none" in self.classes_ and self.copies:
                scores[list(self.classes_).index("none")] += self.bias
            about = None
        scores = scores / self.temperature
        proba = np.exp(scores - scores.max())
        proba /= proba.sum()
        if about is not None and "none" in self.classes_:
            r = 1.0 / (1.0 + np.exp(-about / self.relevance_temperature))
            proba = proba * r
            proba[list(self.classes_).index("none")] += 1.0 - r
        return proba
