"""Why the model decided: each n-gram's exact share of a decision score, and a topic's
strongest n-grams.

A statement's score for a label is a sum over its features of ``value * weight``, plus the
label's intercept. An n-gram of the statement enters twice (once in the block shared by all
topics, once in its topic's own block) with the same TF-IDF value, so its contribution is
``value * (shared weight + topic weight)``. The topic's indicator feature adds one more term.
The contributions plus the intercept equal the score the model computes.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._analyzers import char_grams, word_grams
from ._errors import StanceError
from ._topics import unknown_topic
from ._features import TopicFeatures
from ._hashed import HashedTopicFeatures, topic_columns
from ._hashing import CHAR, WORD, bucket

def explain(model, text: str, topic: str) -> dict:
    """Explain the model's decision on one statement and topic.

    Parameters
    ----------
    model : StanceClassifier
        A fitted model.
    text : str
        The statement.
    topic : str
        A topic the model knows.

    Returns
    -------
    dict
        ``label`` (the predicted label), ``probabilities`` (label to probability),
        ``relevance`` (the probability that the statement is about the topic; 1.0 without a
        relevance model), ``score`` (the label's decision score), ``intercept`` and
        ``contributions``: one dict per feature of the statement with ``feature``, ``kind``
        (word, char or topic), ``value``, ``weight`` and ``contribution`` (``value *
        weight``), largest contribution first. ``intercept`` plus the contributions equals
        ``score``. (A model trained on two labels has one score: there, ``score`` is the
        log-odds of the predicted label against the other, and the weights are signed
        accordingly.)

    Examples
    --------
    >>> import stance
    >>> model = stance.load_model()  # doctest: +SKIP
    >>> why = stance.explain(model, "Lift the sanctions now.", "sanctions_relief")  # doctest: +SKIP
    >>> why["label"], why["contributions"][0]["feature"]  # doctest: +SKIP
    ('favor', 'lift')
    """
    if not isinstance(text, str) or not isinstance(topic, str):
        raise StanceError("explain takes one statement and one topic, both strings.")
    index = _known_topic(model, topic)
    X = np.array([[text, topic]], dtype=object)
    proba = model.predict_proba(X)[0]
    label_at = int(np.argmax(proba))
    label = model.classes_[label_at]
    coef, intercept = _weights(model.classifier_)
    features = model.features_
    if isinstance(features, HashedTopicFeatures):
        entries = _hashed_entries(features, text, index)
    else:
        entries = _vocabulary_entries(features, text, index)
    totals: dict[tuple[str, str], list] = {}
    for kind, name, value, columns in entries:
        weight = float(sum(coef[label_at, c] for c in columns))
        slot = totals.setdefault((kind, name), [0.0, weight, 0.0])
        slot[0] += value
        slot[2] += value * weight
    contributions = [{"feature": name, "kind": kind, "value": value, "weight": weight,
                      "contribution": contribution}
                     for (kind, name), (value, weight, contribution) in totals.items()]
    contributions.sort(key=lambda c: -c["contribution"])
    scores = model.decision_function(X)[0]
    score = float(scores[label_at])
    if len(scores) == 2:  # two labels: the log-odds against the other one
        score = float(scores[label_at] - scores[1 - label_at])
    return {"text": text, "topic": topic, "label": label,
            "probabilities": dict(zip(model.classes_.tolist(), proba.tolist())),
            "relevance": float(model.relevance(X)[0]), "score": score,
            "intercept": float(intercept[label_at]), "contributions": contributions}


def top_features(model, topic: str, *, top: int = 10) -> dict:
    """The n-grams with the largest weights for each label of a topic.

    An n-gram's weight for a topic is its shared weight plus its weight in the topic's own
    block. Needs a model with a vocabulary (``features="tfidf"``): hashed features do not keep
    the n-grams' text (use :func:`explain` on statements instead).

    Parameters
    ----------
    model : StanceClassifier
        A fitted model.
    topic : str
        A topic the model knows.
    top : int, default=10
        How many n-grams to list per label.

    Returns
    -------
    dict
        Label to a list of ``{"feature", "kind", "weight"}``, largest weight first.

    Examples
    --------
    >>> import stance
    >>> stance.top_features(stance.load_model(), "ceasefire", top=3)["favor"]  # doctest: +SKIP
    [{'feature': 'ceasefire now', 'kind': 'word', 'weight': 4.1}, ...]
    """
    index = _known_topic(model, topic)
    features = model.features_
    if not isinstance(features, TopicFeatures):
        raise StanceError("this model hashes its n-grams and keeps no vocabulary, so it cannot "
                          "list its strongest n-grams; use `stance explain` on statements, or a "
                          "model trained with the default preset.")
    if not isinstance(top, (int, np.integer)) or top < 1:
        raise StanceError(f"top={top!r} must be a whole number >= 1.")
    coef, _ = _weights(model.classifier_)
    nb = features.n_text_features_
    weights = coef[:, :nb].copy()
    if features.topic_copies:
        columns = features.block_columns_[index]
        start = nb + sum(len(c) for c in features.block_columns_[:index])
        weights[:, columns] += coef[:, start:start + len(columns)]
    names = _names(features)
    out = {}
    for row, label in enumerate(model.classes_):
        best = np.argsort(-weights[row], kind="stable")[:top]
        out[label] = [{"feature": names[j][1], "kind": names[j][0],
                       "weight": float(weights[row, j])} for j in best]
    return out


def _known_topic(model, topic: str) -> int:
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model)
    index = int(model.features_.topic_index([topic])[0])
    if index < 0:
        raise StanceError(unknown_topic(topic, model.topics_, "Explanations need a topic the "
                                                              "model was trained on."))
    return index


def _weights(classifier) -> tuple[np.ndarray, np.ndarray]:
    """Dense weights (one row per class, binary models expanded) and intercepts."""
    coef = classifier.coef_
    coef = coef.toarray() if sp.issparse(coef) else np.asarray(coef)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64).ravel()
    if coef.shape[0] == 1:  # two labels: the log-odds of each label against the other
        coef = np.vstack([-coef, coef])
        intercept = np.array([-intercept[0], intercept[0]])
    return coef.astype(np.float64), intercept


def _names(features: TopicFeatures) -> list[tuple[str, str]]:
    """(kind, n-gram) of every shared column of a vocabulary model."""
    names: list[tuple[str, str]] = []
    for part, vectorizer in features.vectorizer_.transformer_list:
        names.extend((part, gram) for gram in vectorizer.get_feature_names_out())
    return names


def _vocabulary_entries(features: TopicFeatures, text: str, index: int):
    """(kind, n-gram, value, columns) of each n-gram of ``text``, for a vocabulary model."""
    shared = features.shared([text])
    parts = [(part, len(v.vocabulary_)) for part, v in features.vectorizer_.transformer_list]
    bounds = np.cumsum([0] + [size for _, size in parts])
    inverse = [None] * len(parts)
    nb = features.n_text_features_
    block = features.block_columns_[index] if features.topic_copies else None
    block_start = nb + sum(len(c) for c in features.block_columns_[:index]) \
        if features.topic_copies else 0
    for column, value in zip(shared.indices.tolist(), shared.data.tolist()):
        part = int(np.searchsorted(bounds, column, side="right") - 1)
        if inverse[part] is None:
            vocabulary = features.vectorizer_.transformer_list[part][1].vocabulary_
            inverse[part] = {j: g for g, j in vocabulary.items()}
        columns = [column]
        if block is not None:
            at = int(np.searchsorted(block, column))
            if at < len(block) and block[at] == column:
                columns.append(block_start + at)
        yield parts[part][0], inverse[part][column - bounds[part]], value, columns
    if features.topic_copies:
        yield "topic", f"[topic: {features.topics_[index]}]", 1.0, \
            [nb + sum(len(c) for c in features.block_columns_) + index]


def _hashed_entries(features: HashedTopicFeatures, text: str, index: int):
    """(kind, n-gram, value, columns) of each n-gram occurrence of ``text``, hashed model."""
    occurrences = []
    norms = {WORD: 0.0, CHAR: 0.0}
    for grams in features._ngrams([text]):
        buckets = bucket(grams.hashes, features.n_bits)
        weight = features.idf_[buckets]
        norms[grams.kind] += float(np.sum(weight.astype(np.float64) ** 2))
        names = _gram_names(text, grams.kind, grams.n, features)
        if len(names) != len(buckets):  # cannot happen when counts equal scikit-learn's
            names = [f"#{b}" for b in buckets.tolist()]
        occurrences.append((grams.kind, names, buckets, weight))
    nb = features.n_text_features_
    for kind, names, buckets, weight in occurrences:
        values = weight / np.float32(np.sqrt(norms[kind]))
        topic = nb + topic_columns(buckets, index, features.topic_bits) \
            if features.topic_copies else None
        for i, (name, b, value) in enumerate(zip(names, buckets.tolist(), values.tolist())):
            columns = [b] if topic is None else [b, int(topic[i])]
            yield ("word" if kind == WORD else "char"), name, value, columns
    if features.topic_copies:
        yield "topic", f"[topic: {features.topics_[index]}]", 1.0, \
            [nb + (1 << features.topic_bits) + index]


def _gram_names(text: str, kind: int, n: int, features) -> list[str]:
    """The n-grams of length ``n`` in the order the hashing yields them."""
    if kind == WORD:
        return word_grams(text.lower(), n, n)
    return char_grams(text.lower(), *features.char_ngram_range, only=n)
