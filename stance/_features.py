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


class TopicBlocks(TransformerMixin, BaseEstimator):
    """The layout both feature sets share: a block of text features shared by all topics, a
    block specific to each row's topic, and a one-hot indicator of the topic.

    Subclasses provide ``shared(texts)`` (one row per text) and ``_topic_block(shared, index)``.
    """

    def topic_index(self, topics) -> np.ndarray:
        """Return the index of each topic in ``topics_``, or -1 for a topic not seen in fit."""
        check_is_fitted(self, "topics_")
        lookup = {topic: i for i, topic in enumerate(self.topics_)}
        return np.array([lookup.get(topic, -1) for topic in topics], dtype=np.int64)

    def transform(self, X) -> sp.csr_matrix:
        texts, topics = split_pairs(X)
        return self.transform_index(texts, self.topic_index(topics))

    def transform_index(self, texts, index: np.ndarray) -> sp.csr_matrix:
        """Features of ``texts`` on the topics ``index`` (positions in ``topics_``, -1: unseen)."""
        check_is_fitted(self, "topics_")
        unique: dict[str, int] = {}
        inverse = [unique.setdefault(text, len(unique)) for text in texts]
        return self._assemble(self.shared(list(unique))[inverse], index)

    def _assemble(self, shared: sp.csr_matrix, index: np.ndarray) -> sp.csr_matrix:
        if not self.topic_copies:
            return shared
        return sp.hstack([shared, self._topic_block(shared, index), self._indicator(index)],
                         format="csr")

    def _indicator(self, index: np.ndarray) -> sp.csr_matrix:
        rows = np.flatnonzero(index >= 0)
        return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, index[rows])),
                             shape=(len(index), len(self.topics_)))


class TopicFeatures(TopicBlocks):
    """Shared word and character TF-IDF features plus a per-topic copy of them.

    Each row gets three blocks: the TF-IDF features of its text (shared by all topics), the same
    features placed in the block of the row's topic (zero elsewhere; a topic's block holds only
    the n-grams seen with that topic in training), and a one-hot indicator of the topic. A linear model over them learns what holds for every topic and what is specific to
    one ("frustratingly easy" domain adaptation). A topic not seen in ``fit`` gets only the shared
    block.

    Parameters
    ----------
    word_ngram_range : tuple of int or None, default=(1, 2)
        The word n-gram lengths; None leaves word n-grams out.
    char_ngram_range : tuple of int or None, default=(2, 5)
        The character n-gram lengths (within word boundaries); None leaves them out.
    min_df : int, default=1
        Ignore n-grams found in fewer statements.
    sublinear_tf : bool, default=True
        Use 1 + log(tf) instead of raw counts.
    topic_copies : bool, default=True
        Add the per-topic copies and the topic indicator.
    topic_blocks : {"all", "stance"}, default="all"
        Which n-grams a topic's block holds: those seen with the topic in any training row
        ("all"), or only in rows labelled ``favor`` or ``against`` ("stance", needs ``y`` in
        ``fit``). "stance" keeps the topic-specific weights for the evidence of a side, and a
        model trained on many sentences labelled ``none`` on every topic several times smaller.

    Attributes
    ----------
    vectorizer_ : FeatureUnion
        The fitted word and character vectorizers.
    topics_ : ndarray of str
        The topics seen in ``fit``, sorted.
    n_text_features_ : int
        The size of the shared block.
    block_columns_ : list of ndarray
        For each topic, the shared-feature columns seen with it in training: the columns of its
        block.

    Examples
    --------
    >>> X = [("Lift the sanctions.", "sanctions_relief"), ("No truce now.", "ceasefire")]
    >>> features = TopicFeatures().fit(X)
    >>> features.transform(X).shape[0]
    2
    """

    def __init__(self, *, word_ngram_range=(1, 2), char_ngram_range=(2, 5), min_df=1,
                 sublinear_tf=True, topic_copies=True, topic_blocks="all"):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.topic_copies = topic_copies
        self.topic_blocks = topic_blocks

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None) -> sp.csr_matrix:
        """Fit the vectorizers and the topic blocks on ``X`` (and ``y``, with
        ``topic_blocks="stance"``) and return its features."""
        texts, topics = split_pairs(X)
        if self.topic_blocks not in ("all", "stance"):
            raise StanceError(f"topic_blocks={self.topic_blocks!r} is not valid. Use 'all' or "
                              f"'stance'.")
        if self.topic_blocks == "stance" and (y is None or len(y) != len(texts)):
            raise StanceError("topic_blocks='stance' needs the labels: pass y, one per row, to "
                              "fit.")
        common = {"sublinear_tf": self.sublinear_tf, "min_df": self.min_df, "dtype": np.float32}
        parts = []
        if self.word_ngram_range is not None:
            parts.append(("word", TfidfVectorizer(ngram_range=tuple(self.word_ngram_range),
                                                  **common)))
        if self.char_ngram_range is not None:
            parts.append(("char", TfidfVectorizer(analyzer="char_wb",
                                                  ngram_range=tuple(self.char_ngram_range),
                                                  **common)))
        if not parts:
            raise StanceError("word_ngram_range and char_ngram_range are both None: keep at "
                              "least one kind of n-gram.")
        unique = list(dict.fromkeys(texts))  # each statement once, in order
        fitted = []
        for name, vectorizer in parts:
            try:
                fitted.append((name, vectorizer.fit(unique)))
            except ValueError as error:  # no n-gram of this kind in the training texts
                if "empty vocabulary" not in str(error) and "no terms remain" not in str(error):
                    raise
        if not fitted:
            raise StanceError(f"the {len(unique)} training statement(s) hold no n-gram that "
                              f"occurs in at least min_df={self.min_df} of them: there is "
                              f"nothing to learn from. Add statements with real text, or "
                              f"lower min_df.")
        self.vectorizer_ = FeatureUnion(fitted)
        self.topics_ = np.array(sorted(set(topics)), dtype=object)
        self.n_text_features_ = sum(len(v.vocabulary_) for _, v in self.vectorizer_.transformer_list)
        shared = self.vectorizer_.transform(texts).tocsr()
        index = self.topic_index(topics)
        # A topic's block holds only the n-grams seen with that topic in training: the others
        # could never get a weight, and leaving them out makes fitting faster.
        seen = index if self.topic_blocks == "all" else np.where(
            np.isin(np.asarray(y, dtype=object), ["favor", "against"]), index, -1)
        self.block_columns_ = [np.unique(shared[seen == t].indices).astype(np.int32)
                               for t in range(len(self.topics_))]
        return self._assemble(shared, index)

    def shared(self, texts) -> sp.csr_matrix:
        """The shared block of ``texts``: one row per text."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(texts).tocsr()

    def _topic_block(self, shared: sp.csr_matrix, index: np.ndarray) -> sp.csr_matrix:
        sizes = [len(cols) for cols in self.block_columns_]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        row_of = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
        topic_of = index[row_of]
        column = np.full(len(shared.indices), -1, dtype=np.int64)
        for t, cols in enumerate(self.block_columns_):
            entries = np.flatnonzero(topic_of == t)
            if not len(entries) or not len(cols):
                continue
            pos = np.minimum(np.searchsorted(cols, shared.indices[entries]), len(cols) - 1)
            hit = cols[pos] == shared.indices[entries]
            column[entries[hit]] = offsets[t] + pos[hit]
        keep = column >= 0
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row_of[keep],
                                                            minlength=shared.shape[0]))])
        return sp.csr_matrix((shared.data[keep], column[keep], indptr),
                             shape=(shared.shape[0], int(offsets[-1])))
