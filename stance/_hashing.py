"""Word and character n-grams of a whole batch of texts, hashed with numpy in a few passes.

Instead of a Python loop per n-gram (scikit-learn's analyzers), the batch is lower-cased, joined
and turned into one array of code points; each n-gram length is then one vectorised rolling hash
over the whole batch. Word n-grams follow scikit-learn's default tokens (runs of two or more word
characters); character n-grams follow its ``char_wb`` analyzer (n-grams inside each
whitespace-separated word padded with one space on each side), so the counts are the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

_M = np.uint64(0x100000001B3)                   # rolling-hash multiplier (odd: invertible)
_M_INV = np.uint64(pow(int(_M), -1, 1 << 64))
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)           # splitmix64 finaliser constants
_MIX2 = np.uint64(0x94D049BB133111EB)
_SPACES = np.zeros(0x10000, dtype=bool)
_SPACES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F,
         0x205F, 0x3000, *range(0x2000, 0x200B)]] = True  # what str.split() splits on
_WORD = np.array([chr(i).isalnum() or i == 0x5F for i in range(0x10000)], dtype=bool)
_WORD[0xD800:0xE000] = False
WORD, CHAR = 0, 1


_K = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: multiply, keep the top bits


def mix(h: np.ndarray, seed: int) -> np.ndarray:
    """Scramble 64-bit hashes (xor a salt, multiply by an odd constant); use the top bits."""
    return (h ^ np.uint64(seed * 0xD6E8FEB86659FD93 % (1 << 64))) * _K


def bucket(h: np.ndarray, bits: int) -> np.ndarray:
    """The top ``bits`` bits of mixed hashes, as bucket numbers (int64, ready to index with)."""
    return (h >> np.uint64(64 - bits)).view(np.int64)


@dataclass
class Grams:
    """The occurrences of one n-gram length in a batch, in text order.

    ``hashes[offsets[i]:offsets[i + 1]]`` are the mixed 64-bit hashes of the n-grams of text
    ``i`` (see :func:`bucket`); with ``positions=True``, ``start`` holds where each begins in the
    joined, lower-cased batch (for explanations).
    """

    kind: int
    n: int
    hashes: np.ndarray   # uint64
    offsets: np.ndarray  # int64, one more than the number of texts
    start: np.ndarray | None = None


def code_points(texts) -> tuple[np.ndarray, np.ndarray, str]:
    """Lower-case and join the texts with one space; return code points, starts and the string."""
    lowered = [text.lower() for text in texts]
    lengths = np.fromiter(map(len, lowered), dtype=np.int64, count=len(lowered))
    joined = " ".join(lowered)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) if len(lengths) else lengths
    return codes, starts, joined


def ngrams(texts, *, word_ngram_range=(1, 2), char_ngram_range=(2, 5),
           positions: bool = False, scrambled: bool = False) -> Iterator[Grams]:
    """Yield the hashed n-grams of every text, one n-gram length at a time.

    The rolling hashes are polynomials in the code points, so short strings with small
    integer relations between their code points can share a hash; ``scrambled=True`` rolls
    :func:`fmix` of each code point instead, which leaves no such structure (for exact
    vocabulary lookups; hashed features keep the default, with which they were trained).

    Examples
    --------
    >>> [(g.kind, g.n, g.offsets.tolist()) for g in ngrams(["No truce", "Lift the sanctions"],
    ...                                                     char_ngram_range=None)]
    [(0, 1, [0, 2, 5]), (0, 2, [0, 1, 3])]
    """
    codes, starts, _ = code_points(texts)
    value = fmix if scrambled else (lambda c: c)
    if word_ngram_range is not None:
        yield from _word_ngrams(codes, starts, *word_ngram_range, positions, value)
    if char_ngram_range is not None:
        yield from _char_ngrams(codes, starts, *char_ngram_range, positions, value)


def fmix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of 64-bit integers with full avalanche."""
    h = np.asarray(h, dtype=np.uint64)
    h = h ^ (h >> np.uint64(30))
    h = h * _MIX1
    h = h ^ (h >> np.uint64(27))
    h = h * _MIX2
    return h ^ (h >> np.uint64(31))


def _table(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    out = table[np.minimum(codes, 0xFFFF)]
    high = np.flatnonzero(codes > 0xFFFF)
    if len(high):  # outside the Basic Multilingual Plane: rare, so looked up one by one
        if table is _WORD:
            values, inverse = np.unique(codes[high], return_inverse=True)
            word = np.array([chr(c).isalnum() for c in values.tolist()], dtype=bool)
            out[high] = word[inverse]
        else:
            out[high] = False  # no whitespace lies beyond U+FFFF
    return out


_POWERS: dict[int, np.ndarray] = {}


def _powers(base: np.uint64, count: int) -> np.ndarray:
    """base**0, base**1, ... (mod 2**64), at least ``count`` of them (cached, grown by doubling)."""
    have = _POWERS.get(int(base))
    if have is None or len(have) < count:
        size = max(count, 2 * len(have) if have is not None else 1 << 16)
        out = np.full(size, base, dtype=np.uint64)
        out[0] = 1
        have = _POWERS[int(base)] = np.cumprod(out, dtype=np.uint64)
    return have


def _word_ngrams(codes, starts, lo: int, hi: int, positions: bool,
                 value=lambda c: c) -> Iterator[Grams]:
    word = _table(_WORD, codes)
    edge = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    first, end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    long = end - first >= 2
    first, end = first[long], end[long]
    # Polynomial hash of codes[first:end] from prefix sums of codes * M**position, brought back
    # to position 0 by M**-first.
    prefix = np.concatenate([[np.uint64(0)], np.cumsum(value(codes.astype(np.uint64))
                                                        * _powers(_M, len(codes))[:len(codes)])])
    tokens = (prefix[end] - prefix[first]) * _powers(_M_INV, len(codes))[first]
    token_offsets = np.searchsorted(first, starts)
    owner = np.repeat(np.arange(len(starts)), np.diff(np.append(token_offsets, len(first))))
    for n in range(lo, hi + 1):
        count = max(len(tokens) - n + 1, 0)
        h = tokens[:count].copy()
        for k in range(1, n):
            h = h * _M + tokens[k:k + count]
        keep = owner[:count] == owner[n - 1:n - 1 + count]  # all n tokens in one text
        kept = np.flatnonzero(keep)
        yield Grams(WORD, n, mix(h[kept], 100 + n),
                    np.searchsorted(owner[kept], np.arange(len(starts) + 1)),
                    first[kept] if positions else None)


def _char_ngrams(codes, starts, lo: int, hi: int, positions: bool,
                 value=lambda c: c) -> Iterator[Grams]:
    space = _table(_SPACES, codes)
    # one padded word at a time: a run of spaces acts as one space, and the texts are padded
    keep = ~(space & np.concatenate([[True], space[:-1]]))
    kept_at = np.flatnonzero(keep)
    kept = codes[kept_at]
    space = space[kept_at]
    kept[space] = 32
    chars = value(np.concatenate([[32], kept, [32]]).astype(np.uint64))
    space = np.concatenate([[True], space, [True]])
    # Text i's n-grams start at or after the space before its first character: chars index
    # boundary[i], the number of kept code points before the text starts.
    boundary = np.searchsorted(kept_at, starts)
    where = np.concatenate([[-1], kept_at, [len(codes)]]) if positions else None
    h = chars.copy()
    inner = np.ones(len(chars), dtype=bool)  # no space strictly inside the n-gram so far
    for n in range(1, hi + 1):
        if n == 1:
            ok = ~space
        else:
            h = h[:-1] * _M + chars[n - 1:]
            if n > 2:
                inner = inner[:-1] & ~space[n - 2:]
            ok = inner[:len(h)]
            if n == 2:  # never two spaces (an empty text, or padding after a trailing space)
                ok = ok & ~(space[:-1] & space[1:])
        if n < lo:
            continue
        begin = np.flatnonzero(ok)
        offsets = np.append(np.searchsorted(begin, boundary), len(begin))
        yield Grams(CHAR, n, mix(h[begin], 200 + n), offsets,
                    where[begin] if positions else None)
