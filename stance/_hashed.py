"""Hashed topic-aware features: TF-IDF n-grams without a vocabulary, for speed and scale."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from ._errors import StanceError
from ._features import TopicBlocks, split_pairs
from ._hashing import CHAR, WORD, bucket, ngrams


CHUNK = 20_000  # texts hashed at once when fitting


def topic_columns(buckets: np.ndarray, topic: int, bits: int) -> np.ndarray:
    """The column, in the topic-specific block, of shared-block ``buckets`` for ``topic``.

    Fibonacci hashing: multiply by an odd constant of the topic, keep the top ``bits`` bits.
    """
    factor = np.uint64((0x9E3779B97F4A7C15 * (2 * topic + 1)) % (1 << 64) | 1)
    shifted = (buckets.astype(np.uint64, copy=False) + np.uint64(1)) * factor
    return (shifted >> np.uint64(64 - bits)).view(np.int64)


class HashedTopicFeatures(TopicBlocks):
    """Hashed word and character TF-IDF features shared by all topics, plus a copy per topic.

    The ``features="hashed"`` option of :class:`StanceClassifier` (its ``fast`` preset): no
    vocabulary, so memory stays bounded however much text it sees, and prediction runs through
    :class:`FastScorer` without building feature matrices. It scores lower than
    :class:`TopicFeatures` (see ``benchmarks/README.md``).

    Each row gets three blocks: the features of its text (shared by all topics), the same
    features hashed into a block specific to the row's topic, and a one-hot indicator of the
    topic. A linear model over them learns what holds for every topic and what is specific to
    one ("frustratingly easy" domain adaptation). A topic not seen in ``fit`` gets only the
    shared block.

    N-grams are hashed into ``2**n_bits`` buckets (no vocabulary is stored), weighted by
    raw count times idf, and scaled so that the word block and the character block each have
    unit norm counted over n-gram occurrences. The same numbers come out of
    :meth:`transform` (a sparse matrix, for fitting) and of the fast scorer used for prediction.

    Parameters
    ----------
    word_ngram_range : tuple of int or None, default=(1, 2)
        The word n-gram lengths (tokens of two or more word characters); None leaves them out.
    char_ngram_range : tuple of int or None, default=(2, 5)
        The character n-gram lengths, within words padded by a space; None leaves them out.
    n_bits : int, default=20
        The shared block has ``2**n_bits`` columns.
    topic_bits : int, default=21
        The topic-specific block has ``2**topic_bits`` columns, shared by all topics.
    topic_copies : bool, default=True
        Add the topic-specific block and the topic indicator.

    Attributes
    ----------
    idf_ : ndarray of float32, shape (2**n_bits,)
        The inverse document frequency of each bucket, counted over the training statements.
    topics_ : ndarray of str
        The topics seen in ``fit``, sorted.
    n_text_features_ : int
        The size of the shared block.

    Examples
    --------
    >>> X = [("Lift the sanctions.", "sanctions_relief"), ("No truce now.", "ceasefire")]
    >>> features = HashedTopicFeatures().fit(X)
    >>> features.transform(X).shape
    (2, 3145730)
    """

    def __init__(self, *, word_ngram_range=(1, 2), char_ngram_range=(2, 5), n_bits=20,
                 topic_bits=21, topic_copies=True):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.n_bits = n_bits
        self.topic_bits = topic_bits
        self.topic_copies = topic_copies

    def _ngrams(self, texts, positions: bool = False):
        if self.word_ngram_range is None and self.char_ngram_range is None:
            raise StanceError("word_ngram_range and char_ngram_range are both None: keep at "
                              "least one kind of n-gram.")
        return ngrams(texts, word_ngram_range=self.word_ngram_range,
                      char_ngram_range=self.char_ngram_range, positions=positions)

    def fit(self, X, y=None):
        texts, topics = split_pairs(X)
        unique = list(dict.fromkeys(texts))  # each statement once
        frequency = np.zeros(1 << self.n_bits, dtype=np.int64)
        for start in range(0, len(unique), CHUNK):  # bounded memory on any number of texts
            chunk = unique[start:start + CHUNK]
            for grams in self._ngrams(chunk):
                buckets = bucket(grams.hashes, self.n_bits)
                owners = np.repeat(np.arange(len(chunk)), np.diff(grams.offsets))
                # count each (statement, bucket) once: document frequency
                pairs = np.sort(owners * (1 << self.n_bits) + buckets)
                if not len(pairs):  # no n-gram of this kind (e.g. only one-letter words)
                    continue
                first = np.concatenate([[True], pairs[1:] != pairs[:-1]])
                frequency += np.bincount(pairs[first] & ((1 << self.n_bits) - 1),
                                         minlength=1 << self.n_bits)
        self.idf_ = (np.log((1 + len(unique)) / (1 + frequency)) + 1).astype(np.float32)
        self.topics_ = np.array(sorted(set(topics)), dtype=object)
        self.n_text_features_ = 1 << self.n_bits
        return self

    def shared(self, texts) -> sp.csr_matrix:
        """The shared block of ``texts``: one row per text."""
        check_is_fitted(self, "idf_")
        rows, cols, vals = [], [], []
        norms = {WORD: np.zeros(len(texts)), CHAR: np.zeros(len(texts))}
        parts = []
        for grams in self._ngrams(texts):
            buckets = bucket(grams.hashes, self.n_bits)
            owners = np.repeat(np.arange(len(texts)), np.diff(grams.offsets))
            weight = self.idf_[buckets]
            norms[grams.kind] += np.bincount(owners, weight.astype(np.float64) ** 2,
                                             minlength=len(texts))
            parts.append((grams.kind, owners, buckets, weight))
        for kind, owners, buckets, weight in parts:
            norm = np.sqrt(norms[kind])
            rows.append(owners)
            cols.append(buckets)
            vals.append(weight / norm[owners].astype(np.float32))
        matrix = sp.csr_matrix((np.concatenate(vals or [np.empty(0, np.float32)]),
                                (np.concatenate(rows or [np.empty(0, np.int64)]),
                                 np.concatenate(cols or [np.empty(0, np.int64)]))),
                               shape=(len(texts), self.n_text_features_), dtype=np.float32)
        return matrix  # a repeated n-gram stays as repeated entries: products sum them

    def _topic_block(self, shared: sp.csr_matrix, index: np.ndarray) -> sp.csr_matrix:
        counts = np.diff(shared.indptr)
        topic_of = np.repeat(index, counts)
        columns = np.zeros(len(shared.indices), dtype=np.int64)
        for t in range(len(self.topics_)):
            entries = topic_of == t
            columns[entries] = topic_columns(shared.indices[entries], t, self.topic_bits)
        keep = topic_of >= 0  # an unseen topic has no topic-specific features
        indptr = np.concatenate([[0], np.cumsum(counts * (index >= 0))])
        return sp.csr_matrix((shared.data[keep], columns[keep], indptr),
                             shape=(shared.shape[0], 1 << self.topic_bits))
