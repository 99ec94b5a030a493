"""scikit-learn's word and ``char_wb`` analyzers as plain functions over lower-cased text.

They yield the n-gram strings that ``TfidfVectorizer(ngram_range=...)`` and
``TfidfVectorizer(analyzer="char_wb", ...)`` count, in the same order, for scoring without
scikit-learn (:mod:`stance._lite`) and for naming hashed n-grams (:mod:`stance._explain`).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


def word_grams(lowered: str, lo: int, hi: int) -> list[str]:
    """Word n-grams of lengths ``lo`` to ``hi``, by length then position.

    Examples
    --------
    >>> word_grams("no truce now", 1, 2)
    ['no', 'truce', 'now', 'no truce', 'truce now']
    """
    tokens = _TOKEN.findall(lowered)
    return [" ".join(tokens[i:i + n]) for n in range(lo, hi + 1)
            for i in range(len(tokens) - n + 1)]


def char_grams(lowered: str, lo: int, hi: int, *, only: int | None = None) -> list[str]:
    """Character n-grams within each space-padded word (a word shorter than ``n`` once), by
    word, then length, then position; ``only`` keeps those counted at that length.

    Examples
    --------
    >>> char_grams("no", 2, 5)
    [' n', 'no', 'o ', ' no', 'no ', ' no ']
    """
    out = []
    for word in _SPACES.sub(" ", lowered).split():
        padded = f" {word} "
        for n in range(lo, hi + 1):
            if only is None or n == only:
                out.extend(padded[i:i + n] for i in range(max(len(padded) - n + 1, 1)))
            if len(padded) <= n:
                break
    return out
