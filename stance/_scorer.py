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
from ._hashing import _M, _MIX1, CHAR, WORD, bucket, fmix, mix, ngrams

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


def _in_batches(score, texts, topics, n_classes: int, gate: bool, n_threads: int, dtype):
    """Score ``texts`` ``BATCH`` at a time with ``score(texts, topics)``, on up to
    ``n_threads`` threads (numpy releases the GIL for most of the work); rows stay in order."""
    logits = np.zeros((len(texts), n_classes), dtype=dtype)
    about = np.zeros(len(texts), dtype=dtype) if gate else None
    parts = [slice(start, start + BATCH) for start in range(0, len(texts), BATCH)]

    def run(part):
        out = score(texts[part], topics[part])
        logits[part] = out[0]
        if about is not None:
            about[part] = out[1]

    if n_threads > 1 and len(parts) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(n_threads, len(parts))) as pool:
            list(pool.map(run, parts))
    else:
        for part in parts:
            run(part)
    return logits, about


def threads(n_jobs) -> int:
    """scikit-learn's ``n_jobs``: None means 1, -1 every CPU, -2 all but one, ..."""
    import os

    if n_jobs is None:
        return 1
    cpus = os.cpu_count() or 1
    return max(1, cpus + 1 + n_jobs if n_jobs < 0 else n_jobs)


def scorer(model):
    """The scorer for a fitted model: from hashed n-grams where it can, by matrix otherwise."""
    if isinstance(model.features_, HashedTopicFeatures):
        return FastScorer(model)
    if VocabularyScorer.supports(model.features_):
        try:
            return VocabularyScorer(model)
        except ValueError:  # weight table too large, or two terms sharing a hash
            pass
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
        self.threads = 1  # set by the model before each call (its n_jobs)
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
            self.indicator = coef[:self.n_classes, nb + tb:].T
            if relevance is not None:
                self.relevance = (relevance_weights[tb:],
                                  float(np.asarray(relevance.intercept_).ravel()[0]))

    def scores(self, texts, topics: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Stance logits (n, n_classes) and relevance logits (n,) or None, for (text, topic).

        ``topics`` holds topic indices (-1: not seen in fit, scored from the shared block).
        """
        return _in_batches(self._batch, texts, topics, self.n_classes,
                           self.relevance is not None, self.threads, np.float32)

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


class VocabularyScorer:
    """Score (text, topic index) pairs of a TF-IDF vocabulary model without scikit-learn's
    Python analyzers.

    Every vocabulary term is hashed once, as the batch's n-grams are hashed (character n-grams
    by :func:`ngrams`, word n-grams by combining its word hashes); a batch's n-grams are looked
    up in a direct-mapped table of the term hashes, counted per (text, term) with one sort, and
    turned into the same TF-IDF values as scikit-learn (float32 sublinear tf times idf,
    l2-normalised per kind). Each (text, term) then gathers one row of weights already summed
    for its topic (shared plus topic-specific, and the relevance weight). The scores equal
    :class:`MatrixScorer`'s (a test checks them).
    """

    _TABLE_BITS = 20
    _MAX_TABLE_BYTES = 512 << 20

    def __init__(self, model):
        features = model.features_
        self.threads = 1  # set by the model before each call (its n_jobs)
        self.parts = []
        offset = 0
        for name, vectorizer in features.vectorizer_.transformer_list:
            kind = WORD if vectorizer.analyzer == "word" else CHAR
            terms = [""] * len(vectorizer.vocabulary_)
            for term, column in vectorizer.vocabulary_.items():
                terms[column] = term
            self.parts.append((kind, tuple(vectorizer.ngram_range),
                               _TermTable(term_hashes(terms, kind), self._TABLE_BITS),
                               np.asarray(vectorizer.idf_, dtype=np.float32), offset,
                               len(terms)))
            offset += len(terms)
        self.n_text = offset
        self.sublinear = features.sublinear_tf
        coef = _dense(model.classifier_.coef_).astype(np.float64)
        self.intercept = np.asarray(model.classifier_.intercept_, dtype=np.float64)
        if self.intercept.size == 1:
            self.intercept = np.array([0.0, self.intercept[0]])
        relevance = None if model.relevance_ is None else \
            _dense(model.relevance_.coef_)[1].astype(np.float64)
        self.gate = relevance is not None
        self.relevance_intercept = 0.0 if relevance is None else \
            float(np.asarray(model.relevance_.intercept_).ravel()[0])
        # Row t * n_text + column: the stance weights (shared plus topic t's) and the relevance
        # weight of a text column on topic t; the last n_text rows: shared weights only.
        topics = len(features.topics_) if features.topic_copies else 0
        C = coef.shape[0]
        if (topics + 1) * offset * (C + 1) * 8 > self._MAX_TABLE_BYTES:
            raise ValueError("the per-topic weight table would be too large")
        table = np.zeros((topics + 1, offset, C + 1))
        table[:, :, :C] = coef[:, :offset].T
        self.indicator = np.zeros((topics + 1, C + 1))
        if topics:
            blocks = features.block_columns_
            start = offset
            for t, block in enumerate(blocks):
                table[t, block, :C] += coef[:, start:start + len(block)].T
                if relevance is not None:
                    table[t, block, C] = relevance[start - offset:start - offset + len(block)]
                start += len(block)
            self.indicator[:topics, :C] = coef[:, start:start + topics].T
            if relevance is not None:
                self.indicator[:topics, C] = relevance[start - offset:start - offset + topics]
        self.table = table.reshape(-1, C + 1)
        self.n_topics = topics

    @staticmethod
    def supports(features) -> bool:
        """Whether the features are the analyzers the batch hashing reproduces."""
        for _, vectorizer in getattr(features, "vectorizer_").transformer_list:
            lo = vectorizer.ngram_range[0]
            default = (vectorizer.lowercase and vectorizer.preprocessor is None
                       and vectorizer.tokenizer is None and vectorizer.stop_words is None
                       and vectorizer.strip_accents is None and vectorizer.norm == "l2"
                       and vectorizer.use_idf)
            if not default or not (
                    (vectorizer.analyzer == "word" and lo >= 1
                     and vectorizer.token_pattern == r"(?u)\b\w\w+\b")
                    or (vectorizer.analyzer == "char_wb" and 2 <= lo <= 3)):
                return False
        return True

    def scores(self, texts, topics: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Stance logits (n, n_classes) and relevance logits (n,) or None, for (text, topic).

        ``topics`` holds topic indices (-1: not seen in fit, scored from the shared block).
        """
        return _in_batches(self._batch, texts, np.asarray(topics), len(self.intercept),
                           self.gate, self.threads, np.float64)

    def _values(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text, column, TF-IDF value) of every term of ``texts``, ordered by text."""
        owners, columns, values = [], [], []
        for kind, ngram_range, table, idf, offset, size in self.parts:
            found = [text * size + term for term, text in
                     (table.find(hashes, text) for hashes, text in
                      _batch_ngrams(texts, kind, ngram_range))]
            pairs = np.sort(np.concatenate(found)) if found else np.empty(0, np.int64)
            if not len(pairs):
                continue
            first = np.flatnonzero(np.concatenate([[True], pairs[1:] != pairs[:-1]]))
            tf = np.diff(np.append(first, len(pairs))).astype(np.float32)
            if self.sublinear:
                tf = np.log(tf) + np.float32(1)
            text, term = np.divmod(pairs[first], size)
            value = tf * idf[term]
            # as scikit-learn: float32 squares summed in float64, in column order
            norm = np.sqrt(np.bincount(text, (value * value).astype(np.float64),
                                       minlength=len(texts)))
            owners.append(text)
            columns.append(offset + term)
            values.append((value / norm[text]).astype(np.float32).astype(np.float64))
        if not owners:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
        text = np.concatenate(owners)
        if len(owners) == 1:
            return text, columns[0], values[0]
        order = np.argsort(text, kind="stable")
        return text[order], np.concatenate(columns)[order], np.concatenate(values)[order]

    def _batch(self, texts, topics):
        unique: dict[str, int] = {}
        owner = np.array([unique.setdefault(t, len(unique)) for t in texts], dtype=np.int64)
        text, column, value = self._values(list(unique))
        if len(unique) == len(texts):  # no text twice: each entry belongs to one row
            inverse = np.empty(len(texts), dtype=np.int64)
            inverse[owner] = np.arange(len(texts))
            row, entry = inverse[text], slice(None)
        else:  # each row takes the entries of its text: ranges of the (text-ordered) entries
            starts = np.searchsorted(text, np.arange(len(unique) + 1))
            lengths = (starts[1:] - starts[:-1])[owner]
            row = np.repeat(np.arange(len(texts)), lengths)
            entry = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths,
                                                         lengths) \
                + np.repeat(starts[:-1][owner], lengths)
        topic = np.where(topics >= 0, topics, self.n_topics) if self.n_topics else \
            np.zeros(len(texts), dtype=np.int64)
        weights = self.table[topic[row] * self.n_text + column[entry]] * value[entry][:, None]
        sums = np.column_stack([np.bincount(row, weights[:, c], minlength=len(texts))
                                for c in range(weights.shape[1])]) + self.indicator[topic]
        C = len(self.intercept)
        logits = sums[:, :C] + self.intercept
        about = None
        if self.gate:  # unseen topics: no gate
            about = np.where(topics >= 0, sums[:, C] + self.relevance_intercept, np.inf)
        return logits, about


class _TermTable:
    """Find 64-bit term hashes: a direct-mapped table on their top bits, and a sorted array
    for the few terms that share a slot."""

    def __init__(self, keys: np.ndarray, bits: int):
        if len(np.unique(keys)) != len(keys):
            raise ValueError("two vocabulary terms share a hash")
        self.bits = bits
        slot = bucket(keys, bits)
        order = np.argsort(slot, kind="stable")
        first = np.ones(len(keys), dtype=bool)
        first[1:] = slot[order][1:] != slot[order][:-1]
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.terms = np.full(1 << bits, -1, dtype=np.int64)
        self.keys[slot[order][first]] = keys[order][first]
        self.terms[slot[order][first]] = order[first]
        self.crowded = np.zeros(1 << bits, dtype=bool)
        self.crowded[slot[order][~first]] = True
        rest = order[~first]
        sort = np.argsort(keys[rest])
        self.rest_keys, self.rest_terms = keys[rest][sort], rest[sort]

    def find(self, hashes: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The term of each hash found, and its owner."""
        slot = bucket(hashes, self.bits)
        hit = (self.keys[slot] == hashes) & (self.terms[slot] >= 0)
        term, owner = self.terms[slot[hit]], owners[hit]
        crowded = ~hit & self.crowded[slot]
        if crowded.any() and len(self.rest_keys):
            some = hashes[crowded]
            at = np.minimum(np.searchsorted(self.rest_keys, some), len(self.rest_keys) - 1)
            found = self.rest_keys[at] == some
            term = np.concatenate([term, self.rest_terms[at[found]]])
            owner = np.concatenate([owner, owners[crowded][found]])
        return term, owner


def _combine(h: np.ndarray, token: np.ndarray) -> np.ndarray:
    """Extend word n-gram hashes by one token hash (order-sensitive, no structured collisions
    such as the rolling hash's "at once" = "are one")."""
    return fmix(h * _MIX1 + token)


def _batch_ngrams(texts: list[str], kind: int, ngram_range):
    """(hash, text) of every n-gram occurrence of ``texts``, one n-gram length at a time.

    Character n-grams are :func:`ngrams`'; word n-grams combine its word hashes with
    :func:`_combine`, so that distinct n-grams never share a hash in practice.
    """
    lo, hi = ngram_range
    if kind == CHAR:
        for grams in ngrams(texts, word_ngram_range=None, char_ngram_range=ngram_range,
                            scrambled=True):
            yield grams.hashes, np.repeat(np.arange(len(texts)), np.diff(grams.offsets))
        return
    unigrams = next(ngrams(texts, word_ngram_range=(1, 1), char_ngram_range=None,
                           scrambled=True))
    tokens = unigrams.hashes
    owner = np.repeat(np.arange(len(texts)), np.diff(unigrams.offsets))
    for n in range(lo, hi + 1):
        count = max(len(tokens) - n + 1, 0)
        h = tokens[:count]
        for k in range(1, n):
            h = _combine(h, tokens[k:k + count])
        keep = owner[:count] == owner[n - 1:n - 1 + count]  # all n tokens in one text
        yield h[keep], owner[:count][keep]


def term_hashes(terms: list[str], kind: int) -> np.ndarray:
    """The hash of each vocabulary term, as :func:`_batch_ngrams` hashes it in a text."""
    if kind == WORD:
        split = [term.split(" ") for term in terms]
        unique = sorted({token for tokens in split for token in tokens})
        single = dict(zip(unique, _rolling_hashes(unique, WORD)))
        out = np.empty(len(terms), dtype=np.uint64)
        for n in {len(tokens) for tokens in split}:
            rows = [i for i, tokens in enumerate(split) if len(tokens) == n]
            h = np.array([single[split[i][0]] for i in rows], dtype=np.uint64)
            for k in range(1, n):
                h = _combine(h, np.array([single[split[i][k]] for i in rows], dtype=np.uint64))
            out[rows] = h
        return out
    return _rolling_hashes(terms, CHAR)


def _rolling_hashes(terms: list[str], kind: int) -> np.ndarray:
    """The mixed 64-bit hash of each term, as ``ngrams(..., scrambled=True)`` hashes it."""
    M, mask = int(_M), (1 << 64) - 1
    every = sorted({ch for term in terms for ch in term})
    scrambled = dict(zip(every, fmix(np.array([ord(ch) for ch in every],
                                              dtype=np.uint64)).tolist()))
    raw = np.empty(len(terms), dtype=np.uint64)
    seeds = np.empty(len(terms), dtype=np.int64)
    for i, term in enumerate(terms):
        h = 0
        if kind == WORD:  # token hash: codes weighted M**0, M**1, ...; n-gram: fold with M
            tokens = term.split(" ")
            for token in tokens:
                t, power = 0, 1
                for ch in token:
                    t = (t + scrambled[ch] * power) & mask
                    power = power * M & mask
                h = (h * M + t) & mask
            seeds[i] = 100 + len(tokens)
        else:  # rolling hash of the characters, first one weighted highest
            for ch in term:
                h = (h * M + scrambled[ch]) & mask
            seeds[i] = 200 + len(term)
        raw[i] = h
    out = np.empty(len(terms), dtype=np.uint64)
    for seed in np.unique(seeds):
        rows = seeds == seed
        out[rows] = mix(raw[rows], int(seed))
    return out
