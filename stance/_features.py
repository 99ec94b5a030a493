"""Topic-aware text features: shared TF-IDF n-grams plus a copy of them per topic."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from ._errors import StanceError


def split_pairs(X) -> tuple[np.ndarray, np.ndarray]:
    """Split model input into its texts and topics.

    ``X`` is an array-like of shape (n_samples, 2) whose rows are (text, topic) pairs.

    Examples
    --------
    >>> texts, topics = split_pairs([("Lift the sanctions.", "sanctions_relief")])
    >>> texts.tolist(), topics.tolist()
    (['Lift the sanctions.'], ['sanctions_relief'])
    """
    if isinstance(X, str):
        raise StanceError("Expected (text, topic) pairs, got a single string. Pass a list of "
                          "pairs: [(text, topic), ...].")
    arr = np.empty((len(X), 2), dtype=object)
    for i, row in enumerate(X):
        if isinstance(row, str) or len(row) != 2:
            raise StanceError(f"Row {i}: expected a (text, topic) pair, got {row!r}.")
        arr[i] = row
    for column, name in ((0, "text"), (1, "topic")):
        bad = [i for i, value in enumerate(arr[:, column]) if not isinstance(value, str)]
        if bad:
            raise StanceError(f"Row {bad[0]}: the {name} must be a string, got "
                              f"{arr[bad[0], column]!r}.")
    return arr[:, 0], arr[:, 1]


class TopicFeatures(TransformerMixin, BaseEstimator):
    """Shared word and character TF-IDF features plus a per-topic copy of them.

    Each row gets three blocks: the TF-IDF features of its text (shared by all topics), the same
    features placed in the block of the row's topic (zero elsewhere), and a one-hot indicator of
    the topic. A linear model over them learns what holds for every topic and what is specific to
    one ("frustratingly easy" domain adaptation). A topic not seen in ``fit`` gets only the shared
    block.

    Parameters
    ----------
    word_ngram_range : tuple of int, default=(1, 2)
        The word n-gram lengths.
    char_ngram_range : tuple of int, default=(2, 5)
        The character n-gram lengths (within word boundaries).
    min_df : int, default=1
        Ignore n-grams found in fewer statements.
    sublinear_tf : bool, default=True
        Use 1 + log(tf) instead of raw counts.
    topic_copies : bool, default=True
        Add the per-topic copies and the topic indicator.

    Attributes
    ----------
    vectorizer_ : FeatureUnion
        The fitted word and character vectorizers.
    topics_ : ndarray of str
        The topics seen in ``fit``, sorted.
    n_text_features_ : int
        The size of the shared block.

    Examples
    --------
    >>> X = [("Lift the sanctions.", "sanctions_relief"), ("No truce now.", "ceasefire")]
    >>> features = TopicFeatures().fit(X)
    >>> features.transform(X).shape[0]
    2
    """

    def __init__(self, *, word_ngram_range=(1, 2), char_ngram_range=(2, 5), min_df=1,
                 sublinear_tf=True, topic_copies=True):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.topic_copies = topic_copies

    def fit(self, X, y=None):
        texts, topics = split_pairs(X)
        common = {"sublinear_tf": self.sublinear_tf, "min_df": self.min_df, "dtype": np.float32}
        self.vectorizer_ = FeatureUnion([
            ("word", TfidfVectorizer(ngram_range=tuple(self.word_ngram_range), **common)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                     **common)),
        ])
        self.vectorizer_.fit(list(dict.fromkeys(texts)))  # each statement once, in order
        self.topics_ = np.array(sorted(set(topics)), dtype=object)
        self.n_text_features_ = sum(len(v.vocabulary_) for _, v in self.vectorizer_.transformer_list)
        return self

    def topic_index(self, topics) -> np.ndarray:
        """Return the index of each topic in ``topics_``, or -1 for a topic not seen in fit."""
        check_is_fitted(self)
        lookup = {topic: i for i, topic in enumerate(self.topics_)}
        return np.array([lookup.get(topic, -1) for topic in topics], dtype=np.int64)

    def transform(self, X) -> sp.csr_matrix:
        texts, topics = split_pairs(X)
        shared = self.vectorizer_.transform(texts).tocsr()
        if not self.topic_copies:
            return shared
        return sp.hstack([shared, *self._topic_blocks(shared, self.topic_index(topics))],
                         format="csr")

    def _topic_blocks(self, shared: sp.csr_matrix, index: np.ndarray):
        n, d = shared.shape
        k = len(self.topics_)
        counts = np.diff(shared.indptr) * (index >= 0)
        keep = np.repeat(index >= 0, np.diff(shared.indptr))
        offset = np.repeat(index, np.diff(shared.indptr))[keep].astype(np.int64) * d
        indptr = np.concatenate([[0], np.cumsum(counts)])
        copies = sp.csr_matrix((shared.data[keep], shared.indices[keep] + offset, indptr),
                               shape=(n, d * k))
        rows = np.flatnonzero(index >= 0)
        onehot = sp.csr_matrix((np.ones(len(rows), dtype=shared.dtype), (rows, index[rows])),
                               shape=(n, k))
        return copies, onehot
