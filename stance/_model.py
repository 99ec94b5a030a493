"""The stance classifier: topic-aware TF-IDF features and a linear model."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._calibration import fit_gated_temperatures, gated_proba
from ._errors import StanceError, StanceWarning
from ._features import TopicFeatures, split_pairs
from ._hashed import HashedTopicFeatures
from ._scorer import scorer, threads
from ._labels import LABELS, normalize_stance
from ._params import check_params
from ._topics import unknown_topic

_SGD_CHUNK = 20_000  # statements hashed per SGD step
_SGD_CACHE = 200_000  # up to this many statements, features are built once for all epochs

#: Named sets of parameters: ``StanceClassifier(**PRESETS["fast"])``, ``stance train --preset``.
PRESETS: dict[str, dict] = {
    "default": {},
    "fast": {"features": "hashed", "char_ngram_range": (3, 5), "n_bits": 18},
    "large": {"features": "hashed", "char_ngram_range": (3, 5), "solver": "sgd"},
}


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Classify the stance of statements toward topics: favor, against or none.

    The input ``X`` is an array-like of (text, topic) pairs, so one model serves every topic.
    Features are hashed word and character TF-IDF n-grams shared by all topics plus a copy for
    each topic (see :class:`TopicFeatures`); the classifier is a multinomial logistic regression.

    Parameters
    ----------
    features : {"tfidf", "hashed"}, default="tfidf"
        "tfidf": TF-IDF over a vocabulary of the training n-grams (:class:`TopicFeatures`),
        the most accurate. "hashed": n-grams hashed into a fixed number of buckets, no
        vocabulary (:class:`HashedTopicFeatures`): bounded memory however much text it sees,
        and prediction many times faster, at some cost in accuracy (see ``PRESETS["fast"]``).
    word_ngram_range : tuple of int or None, default=(1, 2)
        Word n-gram lengths; None leaves word n-grams out.
    char_ngram_range : tuple of int or None, default=(2, 5)
        Character n-gram lengths, within word boundaries; None leaves them out.
    min_df : int, default=1
        With "tfidf": ignore n-grams found in fewer training statements.
    sublinear_tf : bool, default=True
        With "tfidf": use 1 + log(tf) term frequencies.
    n_bits : int, default=20
        With "hashed": n-grams are hashed into ``2**n_bits`` buckets (topic-specific copies into
        twice as many).
    topic_copies : bool, default=True
        Learn topic-specific weights beside the shared ones.
    topic_blocks : {"all", "stance"}, default="all"
        With "tfidf": learn a topic-specific weight for the n-grams seen with the topic in any
        training row ("all"), or only in rows labelled ``favor`` or ``against`` ("stance"; see
        :class:`TopicFeatures`). The bundled model uses "stance": it learns from 30,000
        background sentences and keeps the size of a model trained on synthetic data alone.
    C : float, default=10.0
        Inverse regularisation strength of the logistic regression.
    class_weight : "balanced" or None, default="balanced"
        Weight classes inversely to their frequency.
    off_topic : int, default=0
        Learn which topics a statement is about. Each training statement is paired with up to
        this many topics it is not labelled on (drawn with ``random_state``); a relevance model
        over the topic-specific features learns to tell these pairs from the labelled ones, and
        its probability ``r`` that the statement is about the topic gates the stance:
        P(favor) = r * P(favor | about it), likewise against, and P(none) takes the rest. Use
        it when a statement's missing topics are topics it does not touch, so that scoring a
        statement on every topic answers ``none`` for the topics it is not about. 0 disables it.
    relevance_C : float, default=100.0
        Inverse regularisation strength of the relevance model (with ``off_topic`` > 0).
    none_bias : float, default=0.0
        Added to the ``none`` score of every pair after fitting (to the stance model's
        intercept, so every way of scoring sees it). A positive bias makes the model answer a
        stance only when its evidence is stronger: real texts mostly take no side, and the
        bundled model's bias is chosen by cross-validation on real speech.
    unseen_none_bias : float, default=-2.5
        A topic not seen in ``fit`` is scored by averaging the scores the statement gets on
        every known topic, plus this bias on ``none``: without topic-specific evidence the
        model otherwise answers ``none`` for nearly everything. The default was chosen by
        leave-one-topic-out cross-validation on the SemEval-2016 training tweets (F_avg 23.9
        with 0, 42.8 with -2.5 on the held-out topics).
    solver : {"newton-cg", "sgd"}, default="newton-cg"
        "newton-cg" fits the logistic regression on the whole feature matrix (exact, for up to
        a few hundred thousand statements). "sgd" streams: it hashes a chunk of statements at
        a time and updates a logistic-loss SGD model (averaged), so memory stays bounded for
        millions of statements; it needs ``features="hashed"`` and ``off_topic=0``.
    epochs : int, default=3
        Passes over the data with ``solver="sgd"``.
    max_iter : int, default=1000
        Iteration limit of the newton-cg solver.
    calibration : {None, "temperature"}, default=None
        "temperature": after fitting, fit a temperature ``T`` for the stance scores (and one
        for the relevance gate's score, with ``off_topic`` > 0) on out-of-fold scores
        (``calibration_cv`` folds grouped by statement, each fitting a copy of this model;
        with ``off_topic`` > 0 the held-out statements are also scored on every topic they are
        not labelled on, counted as ``none``); probabilities are then ``softmax(scores / T)``,
        so that a probability of 0.8 is right about 80% of the time. Without a relevance
        gate it never changes the predicted label; with one, either temperature can move a
        row between ``none`` and a stance. It costs ``calibration_cv`` extra fits (``stance train --calibrate``).
    calibration_cv : int, default=3
        Folds for ``calibration``.
    unseen_topic : {"warn", "error", "ignore"}, default="warn"
        What to do when asked about a topic not seen in ``fit``: predict from the shared features
        and warn (or stay silent), or raise a :class:`StanceError` listing the known topics.
    n_jobs : int or None, default=None
        Threads scoring batches of 4,096 statements in ``predict`` and ``predict_proba``
        (None: one; -1: one per CPU), with the hashed and the vocabulary scorers. The results
        do not depend on it.
    random_state : int or None, default=None
        Seed for drawing the off-topic pairs (``off_topic``); the solver is deterministic.

    Attributes
    ----------
    classes_ : ndarray of str
        The labels, in the order of the columns of ``predict_proba``.
    topics_ : ndarray of str
        The topics seen in ``fit``.
    features_ : TopicFeatures
        The fitted feature extractor.
    classifier_ : LogisticRegression
        The fitted stance model (its ``coef_`` stored sparse).
    relevance_ : LogisticRegression or None
        The relevance model over the topic-specific features (None when ``off_topic=0``).
    temperature_, relevance_temperature_ : float
        The calibration temperatures of the stance scores and of the relevance gate (1.0
        without ``calibration``).

    Examples
    --------
    >>> X = [("Lift the sanctions now.", "sanctions_relief"),
    ...      ("Keep every sanction in place.", "sanctions_relief"),
    ...      ("The talks resume on Monday.", "sanctions_relief")]
    >>> model = StanceClassifier().fit(X, ["favor", "against", "none"])
    >>> model.predict([("Lift the sanctions now.", "sanctions_relief")])
    array(['favor'], dtype=object)
    """

    def __init__(self, *, features="tfidf", word_ngram_range=(1, 2), char_ngram_range=(2, 5),
                 min_df=1, sublinear_tf=True, n_bits=20, topic_copies=True, topic_blocks="all",
                 C=10.0,
                 class_weight="balanced",
                 off_topic=0, relevance_C=100.0, none_bias=0.0, unseen_none_bias=-2.5,
                 solver="newton-cg",
                 epochs=3, max_iter=1000, calibration=None, calibration_cv=3,
                 unseen_topic="warn", n_jobs=None, random_state=None):
        self.features = features
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.n_bits = n_bits
        self.topic_copies = topic_copies
        self.topic_blocks = topic_blocks
        self.C = C
        self.class_weight = class_weight
        self.off_topic = off_topic
        self.relevance_C = relevance_C
        self.none_bias = none_bias
        self.unseen_none_bias = unseen_none_bias
        self.solver = solver
        self.epochs = epochs
        self.max_iter = max_iter
        self.calibration = calibration
        self.calibration_cv = calibration_cv
        self.unseen_topic = unseen_topic
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None) -> StanceClassifier:
        """Fit the model on (text, topic) pairs ``X`` and labels ``y``; return ``self``.

        ``sample_weight`` (one non-negative number per row, default 1) weighs the rows in the
        stance model, e.g. to give two sources of data the weight you choose.
        """
        check_params(self.get_params())
        texts, topics = split_pairs(X)
        labels = _labels(y)
        if len(labels) != len(texts):
            raise StanceError(f"X has {len(texts)} rows but y has {len(labels)} labels.")
        weights = _sample_weight(sample_weight, len(labels))
        if len(set(labels)) < 2:
            raise StanceError(f"Training needs at least two different labels; got only "
                              f"{sorted(set(labels))}. Add rows with other stances.")
        pairs = np.column_stack([texts, topics])
        extra = _off_topic_pairs(texts, topics, self.off_topic,
                                 check_random_state(self.random_state))
        common = {"word_ngram_range": self.word_ngram_range,
                  "char_ngram_range": self.char_ngram_range, "topic_copies": self.topic_copies}
        if self.features == "tfidf":
            self.features_ = TopicFeatures(min_df=self.min_df, sublinear_tf=self.sublinear_tf,
                                           topic_blocks=self.topic_blocks, **common)
        else:
            self.features_ = HashedTopicFeatures(n_bits=self.n_bits, topic_bits=self.n_bits + 1,
                                                 **common)
        if self.solver == "sgd":
            self.classifier_ = self._fit_sgd(pairs, labels, weights)
            self.relevance_ = None
        else:
            self._fit_newton(pairs, extra, labels, weights)
        self.classes_ = self.classifier_.classes_.astype(object)
        _shift_none(self.classifier_, self.classes_, self.none_bias)
        self.topics_ = self.features_.topics_
        self._scorer = None
        self.temperature_ = self.relevance_temperature_ = 1.0
        if self.calibration == "temperature":
            self.temperature_, self.relevance_temperature_ = self._fit_temperature(pairs,
                                                                                   labels)
        return self

    def _fit_temperature(self, pairs, labels) -> tuple[float, float]:
        """Fit the temperatures on out-of-fold scores (folds grouped by statement)."""
        from sklearn.base import clone
        from sklearn.model_selection import GroupKFold

        groups = pairs[:, 0]
        folds = min(int(self.calibration_cv), len(set(groups)))
        if folds < 2:
            return 1.0, 1.0
        copy = clone(self).set_params(calibration=None, unseen_topic="ignore")
        truth, scores, about, labelled = [], [], [], []
        for fit_rows, held_out in GroupKFold(n_splits=folds).split(pairs, labels, groups):
            if len(set(labels[fit_rows])) < 2:
                return 1.0, 1.0
            fold = clone(copy).fit(pairs[fit_rows], labels[fit_rows])
            scored, gold = pairs[held_out], labels[held_out]
            labelled.append(np.ones(len(held_out), dtype=bool))
            if self.off_topic and "none" in self.classes_:
                other = _off_topic_pairs(scored[:, 0], scored[:, 1], len(self.topics_),
                                         np.random.RandomState(0))
                scored = np.concatenate([scored, other])
                gold = np.concatenate([gold, np.full(len(other), "none", dtype=object)])
                labelled.append(np.zeros(len(other), dtype=bool))
            s, a = fold._logits(scored)
            columns = [list(fold.classes_).index(c) if c in fold.classes_ else None
                       for c in self.classes_]
            scores.append(np.column_stack([s[:, c] if c is not None else np.full(len(s), -50.0)
                                           for c in columns]))
            about.append(np.full(len(s), 50.0) if a is None else a)
            truth.append(gold)
        gate = None if self.relevance_ is None else np.concatenate(about)
        # the labelled pairs and the off-topic pairs weigh the same in all
        labelled = np.concatenate(labelled)
        weights = np.where(labelled, 1.0 / max(labelled.sum(), 1),
                           1.0 / max((~labelled).sum(), 1))
        return fit_gated_temperatures(np.concatenate(truth), np.concatenate(scores), gate,
                                      self.classes_, weights=weights)

    def _fit_newton(self, pairs, extra, labels, weights) -> None:
        Z = self.features_.fit_transform(
            np.concatenate([pairs, extra]),
            np.concatenate([labels, np.full(len(extra), "none", dtype=object)]))
        self.classifier_ = _fit_compact(LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=self.max_iter, solver="newton-cg",
        ), Z[:len(pairs)], labels, weights)
        self.relevance_ = None
        if len(extra):
            about = np.r_[np.ones(len(pairs), dtype=int), np.zeros(len(extra), dtype=int)]
            self.relevance_ = _fit_compact(LogisticRegression(
                C=self.relevance_C, max_iter=self.max_iter, solver="newton-cg",
            ), self._topic_part(Z), about)

    def _fit_sgd(self, pairs, labels, sample_weight) -> SGDClassifier:
        self.features_.fit(pairs)
        classes, counts = np.unique(labels, return_counts=True)
        weights = None
        if self.class_weight == "balanced":
            weights = dict(zip(classes, len(labels) / (len(classes) * counts)))
        rng = check_random_state(self.random_state)
        model = SGDClassifier(loss="log_loss", alpha=1.0 / (self.C * len(labels)),
                              class_weight=weights, average=True, n_jobs=-1,
                              random_state=rng.randint(1 << 30))
        order = rng.permutation(len(labels))
        chunks = [order[start:start + _SGD_CHUNK] for start in range(0, len(labels), _SGD_CHUNK)]
        # keep the chunks' features between epochs when they fit in memory, else rebuild them
        cached = len(labels) <= _SGD_CACHE and [self.features_.transform(pairs[rows])
                                               for rows in chunks]
        for _ in range(self.epochs):
            for i in rng.permutation(len(chunks)):
                Z = cached[i] if cached else self.features_.transform(pairs[chunks[i]])
                model.partial_fit(Z, labels[chunks[i]], classes=classes,
                                  sample_weight=None if sample_weight is None
                                  else sample_weight[chunks[i]])
        model.sparsify()
        return model

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: never change the live model
        state.pop("_scorer", None)  # rebuilt from the weights on first use
        return state

    def __setstate__(self, state):
        # a model saved before a parameter existed gets that parameter's default
        import inspect

        defaults = {name: p.default for name, p in
                    inspect.signature(type(self).__init__).parameters.items()
                    if p.kind is p.KEYWORD_ONLY}
        super().__setstate__({**defaults, **state})

    def decision_function(self, X) -> np.ndarray:
        """Return the stance model's scores, shape (n_samples, n_classes), columns as ``classes_``.

        Their softmax gives the probabilities before the relevance gate (see ``off_topic``);
        ``predict_proba`` and ``predict`` include the gate.
        """
        return self._logits(X)[0]

    def predict_proba(self, X) -> np.ndarray:
        """Return label probabilities, shape (n_samples, n_classes); each row sums to 1."""
        scores, about = self._logits(X)
        none = list(self.classes_).index("none") if "none" in self.classes_ else None
        return gated_proba(scores, about, none, getattr(self, "temperature_", 1.0),
                           getattr(self, "relevance_temperature_", 1.0))

    def relevance(self, X) -> np.ndarray:
        """Return the probability that each statement is about its topic.

        It is 1.0 without a relevance model (``off_topic=0``) and for topics not seen in fit.
        """
        about = self._logits(X)[1]
        if about is None:
            return np.ones(len(split_pairs(X)[0]))
        return expit(about / getattr(self, "relevance_temperature_", 1.0))

    def _logits(self, X) -> tuple[np.ndarray, np.ndarray | None]:
        """Stance logits and the relevance logit (None without a gate; inf for unseen topics)."""
        check_is_fitted(self)
        texts, topics = split_pairs(X)
        self._check_topics(topics)
        if getattr(self, "_scorer", None) is None:
            self._scorer = scorer(self)
        self._scorer.threads = threads(getattr(self, "n_jobs", None))
        index = self.features_.topic_index(topics)
        scores, about = self._scorer.scores(texts, index)
        unseen = index < 0
        if unseen.any() and self.topic_copies:
            scores[unseen] = np.mean([
                self._scorer.scores(texts[unseen], np.full(unseen.sum(), t))[0]
                for t in range(len(self.topics_))], axis=0)
            if "none" in self.classes_:
                scores[unseen, list(self.classes_).index("none")] += self.unseen_none_bias
        return scores.astype(np.float64), None if about is None else about.astype(np.float64)

    def _topic_part(self, Z):
        return Z[:, self.features_.n_text_features_:]

    def predict(self, X) -> np.ndarray:
        """Return the most likely label of each (text, topic) pair."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _check_topics(self, topics) -> None:
        unseen = sorted(set(topics.tolist()) - set(self.topics_.tolist()))
        if not unseen or self.unseen_topic == "ignore":
            return
        known = ", ".join(self.topics_)
        if self.unseen_topic == "error":
            raise StanceError(" ".join(
                unknown_topic(topic, self.topics_, "") for topic in unseen).rstrip()
                + " Pass unseen_topic='warn' to score them from the shared features.")
        warnings.warn(f"Topic(s) {', '.join(map(repr, unseen))} were not seen in training; "
                      f"predicting from the features shared by all topics. Known topics: {known}.",
                      StanceWarning, stacklevel=3)


def _shift_none(classifier, classes, bias: float) -> None:
    """Add ``bias`` to the ``none`` score of a fitted linear classifier, in its intercept."""
    if not bias or "none" not in classes:
        return
    intercept = np.array(classifier.intercept_, dtype=np.float64)
    if len(intercept) == 1:  # two labels: one score, that of classes[1]
        intercept[0] += bias if classes[1] == "none" else -bias
    else:
        intercept[list(classes).index("none")] += bias
    classifier.intercept_ = intercept


def _sample_weight(sample_weight, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=np.float64).ravel()
    if len(weights) != n or not np.all(np.isfinite(weights)) or (weights < 0).any():
        raise StanceError(f"sample_weight must hold one finite number >= 0 per row ({n}); got "
                          f"{len(weights)} values" + ("" if len(weights) != n else
                                                      ", some negative or not finite") + ".")
    return weights


def _fit_compact(classifier: LogisticRegression, Z, y, sample_weight=None
                 ) -> LogisticRegression:
    """Fit on the columns that occur in ``Z`` only, then spread the weights back out.

    Most hashed columns never occur in the training data; their weights would stay zero, but
    the solver would still carry them (and be several times slower).
    """
    Z = sp.csr_matrix(Z)
    active = np.unique(Z.indices)
    position = np.zeros(Z.shape[1], dtype=np.int64)
    position[active] = np.arange(len(active))
    compact = sp.csr_matrix((Z.data, position[Z.indices], Z.indptr),
                            shape=(Z.shape[0], len(active)))
    classifier.fit(compact, y, sample_weight=sample_weight)
    coef = np.asarray(classifier.coef_)
    rows = np.repeat(np.arange(coef.shape[0]), len(active))
    classifier.coef_ = sp.csr_matrix((coef.ravel(), (rows, np.tile(active, coef.shape[0]))),
                                     shape=(coef.shape[0], Z.shape[1]))
    classifier.n_features_in_ = Z.shape[1]
    return classifier


def _off_topic_pairs(texts, topics, k: int, rng) -> np.ndarray:
    """Pair each statement with up to ``k`` topics it is not labelled on, drawn at random."""
    if not k:
        return np.empty((0, 2), dtype=object)
    labelled: dict[str, set] = {}
    for text, topic in zip(texts, topics):
        labelled.setdefault(text, set()).add(topic)
    every = sorted(set(topics))
    extra = []
    for text, own in labelled.items():
        others = [t for t in every if t not in own]
        for topic in rng.permutation(others)[:k] if others else []:
            extra.append((text, topic))
    return np.array(extra, dtype=object).reshape(-1, 2)


def _labels(y) -> np.ndarray:
    if isinstance(y, str):
        raise StanceError("y must be a sequence of labels, not a single string.")
    out = np.empty(len(y), dtype=object)
    for i, value in enumerate(y):
        label = normalize_stance(value)
        if label is None:
            raise StanceError(f"y[{i}] = {value!r} is not a stance label. Use one of: "
                              f"{', '.join(LABELS)}.")
        out[i] = label
    return out
