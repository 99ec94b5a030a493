"""Scoring (text, topic) pairs with a fitted model's linear weights.

:class:`MatrixScorer` builds the feature matrix and multiplies. :class:`FastScorer` (for hashed
features) computes the same scores straight from the hashed n-grams:

building a sparse feature matrix costs more than the scoring itself, so each n-gram occurrence
gathers its weights (already multiplied by its idf) from dense tables, and the
occurrences of a text are summed in one ``np.add.reduceat``; the word and character sums are
then divided by their norms. The result equals ``classifier.decision_function(features)``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._hashed import HashedTopicFeatures, topic_columns
from ._hashing import CHAR, WORD, bucket

BATCH = 4096  # texts hashed at once: bounds the memory of one call


def _dense(coef) -> np.ndarray:
    coef = coef.toarray() if sp.issparse(coef) else np.asarray(coef)
    return coef if coef.shape[0] > 1 else np.vstack([np.zeros_like(coef), coef])


def _rows(table: np.ndarray) -> np.ndarray:
    """A (n, 4) float32 table as a 1-D array of n complex128 items (see ``_gather``)."""
    return np.ascontiguousarray(table, dtype=np.float32).view(np.complex128).ravel()


def _gather(rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Rows ``index`` of a table made by :func:`_rows`, as a (len(index), 4) float32 array."""
    return rows[index].view(np.float32).reshape(-1, 4)


def _sum_by_text(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Sum the rows of ``values`` between consecutive ``offsets`` (empty ranges give 0)."""
    filled = offsets[:-1] < offsets[1:]
    sums = np.zeros((len(filled),) + values.shape[1:], dtype=values.dtype)
    if filled.any():  # reduceat over the non-empty ranges only: their starts increase
        sums[filled] = np.add.reduceat(values, offsets[:-1][filled], axis=0)
    return sums


def scorer(model):
    """The scorer for a fitted model: fast for hashed features, by matrix otherwise."""
    if isinstance(model.features_, HashedTopicFeatures):
        return FastScorer(model)
    return MatrixScorer(model)


class MatrixScorer:
    """Score (text, topic index) pairs through the feature matrix."""

    def __init__(self, model):
        self.model = model
        # float64 weights: the scores are exact sums of value * weight (see stance.explain)
        self.stance = _float64(model.classifier_)
        self.relevance = None if model.relevance_ is None else _float64(model.relevance_)

    def scores(self, texts, topics: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Stance logits (n, n_classes) and relevance logits (n,) or None, for (text, topic).

        ``topics`` holds topic indices (-1: not seen in fit, scored from the shared block).
        """
        model = self.model
        Z = model.features_.transform_index(texts, topics).astype(np.float64)
        logits = _dense_logits(_linear(Z, *self.stance))
        if self.relevance is None:
            return logits, None
        about = _linear(Z[:, model.features_.n_text_features_:], *self.relevance)
        return logits, np.where(topics >= 0, about.ravel(), np.inf)  # unseen topics: no gate


def _float64(classifier) -> tuple:
    coef = classifier.coef_
    coef = sp.csr_matrix(coef, dtype=np.float64) if sp.issparse(coef) else \
        np.asarray(coef, dtype=np.float64)
    return coef.T, np.asarray(classifier.intercept_, dtype=np.float64)


def _linear(Z, coef_t, intercept) -> np.ndarray:
    scores = Z @ coef_t
    scores = scores.toarray() if sp.issparse(scores) else np.asarray(scores)
    scores = scores + intercept
    return scores.ravel() if scores.shape[1] == 1 else scores


def _dense_logits(scores: np.ndarray) -> np.ndarray:
    return scores if scores.ndim == 2 else np.column_stack([np.zeros_like(scores), scores])


class FastScorer:
    """Score (text, topic index) pairs with a fitted :class:`StanceClassifier`'s weights."""

    def __init__(self, model):
        features = model.features_
        self.features = features
        nb = features.n_text_features_
        coef = _dense(model.classifier_.coef_).astype(np.float32)  # (classes, columns)
        self.n_classes = coef.shape[0]
        if self.n_classes != 3:
            coef = np.vstack([coef, np.zeros((3 - self.n_classes, coef.shape[1]), coef.dtype)])
        idf = features.idf_
        # Rows of 4 float32 gathered as one complex128 each: numpy gathers 1-D arrays of
        # 16-byte items many times faster than rows of a 2-D array.
        self.shared = _rows(np.column_stack([coef[:, :nb].T * idf[:, None], idf]))
        self.intercept = np.asarray(model.classifier_.intercept_, dtype=np.float32)
        if self.intercept.size == 1:
            self.intercept = np.array([0.0, self.intercept[0]], dtype=np.float32)
        self.topic = self.indicator = None
        self.relevance = None
        if features.topic_copies:
            tb = 1 << features.topic_bits
            relevance = model.relevance_
            relevance_weights = (_dense(relevance.coef_)[1].astype(np.float32)
                                 if relevance is not None else np.zeros(tb + len(
                                     features.topics_), dtype=np.float32))
            # one gather per occurrence fetches the stance weights and the relevance weight
            self.topic = _rows(np.column_stack([coef[:, nb:nb + tb].T, relevance_weights[:tb]]))
            self.indicator = coef[:, nb + tb:].T
            if relevance is not None:
                self.relevance = (relevance_weights[tb:],
                                  float(np.asarray(relevance.intercept_).ravel()[0]))

    def scores(self, texts, topics: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Stance logits (n, n_classes) and relevance logits (n,) or None, for (text, topic).

        ``topics`` holds topic indices (-1: not seen in fit, scored from the shared block).
        """
        logits = np.zeros((len(texts), self.n_classes), dtype=np.float32)
        about = np.zeros(len(texts), dtype=np.float32) if self.relevance is not None else None
        for start in range(0, len(texts), BATCH):
            part = slice(start, start + BATCH)
            out = self._batch(texts[part], topics[part])
            logits[part] = out[0]
            if about is not None:
                about[part] = out[1]
        return logits, about

    def _batch(self, texts, topics):
        # texts grouped by topic, so that a topic's texts are usually one contiguous range
        order = np.argsort(topics, kind="stable")
        unique: dict[str, int] = {}
        owner = np.empty(len(texts), dtype=np.int64)
        owner[order] = [unique.setdefault(texts[i], len(unique)) for i in order]
        n_unique, C = len(unique), self.n_classes
        wanted = sorted(set(topics.tolist()) - {-1}) if self.topic is not None else []
        needs = {}
        for t in wanted:
            need = np.zeros(n_unique, dtype=bool)
            need[owner[topics == t]] = True
            at = np.flatnonzero(need)
            contiguous = at[-1] - at[0] + 1 == len(at)
            needs[t] = (need, at[0] if contiguous else None, at[-1] + 1 if contiguous else None)
        sums = {kind: np.zeros((n_unique, 5)) for kind in (WORD, CHAR)}
        topic_sums = {(kind, t): np.zeros((n_unique, 4)) for kind in (WORD, CHAR)
                      for t in wanted}
        for grams in self.features._ngrams(list(unique)):
            buckets = bucket(grams.hashes, self.features.n_bits)
            gathered = _gather(self.shared, buckets)  # 3 weights x idf, idf
            idf = gathered[:, 3]
            sums[grams.kind][:, :4] += _sum_by_text(gathered, grams.offsets)
            sums[grams.kind][:, 4] += _sum_by_text(idf * idf, grams.offsets)
            counts = np.diff(grams.offsets)
            for t, (need, lo, hi) in needs.items():
                if lo is not None:  # one range of texts: a slice of the occurrences
                    a, b = grams.offsets[lo], grams.offsets[hi]
                    some, some_idf, offsets = buckets[a:b], idf[a:b], grams.offsets[lo:hi + 1] - a
                else:  # only the occurrences of the texts scored on this topic
                    mask = np.repeat(need, counts)
                    some, some_idf = buckets[mask], idf[mask]
                    offsets = np.concatenate([[0], np.cumsum(counts[need])])
                weights = _gather(self.topic, topic_columns(some, t, self.features.topic_bits))
                topic_sums[grams.kind, t][need] += _sum_by_text(weights * some_idf[:, None],
                                                                offsets)
        scale = {kind: np.divide(1.0, np.sqrt(sums[kind][:, 4]), out=np.zeros(n_unique),
                                 where=sums[kind][:, 4] > 0) for kind in (WORD, CHAR)}
        shared = sum(sums[kind][:, :C] * scale[kind][:, None] for kind in (WORD, CHAR))
        logits = shared[owner] + self.intercept
        about = None if self.relevance is None else np.full(len(texts), np.inf)
        for t in wanted:  # unseen topics (-1) keep the shared block only, and no gate
            rows = topics == t
            extra = sum(topic_sums[kind, t] * scale[kind][:, None] for kind in (WORD, CHAR))
            logits[rows] += extra[owner[rows], :C] + self.indicator[t]
            if about is not None:
                about[rows] = extra[owner[rows], 3] + self.relevance[0][t] + self.relevance[1]
        return logits, about
