import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from stance._hashing import CHAR, WORD, ngrams

TEXTS = ["No truce,  now!", "Lift the sanctions ", "a", "", "   ", " Émigré naïve café 🙂 test",
         "x", "السلام عليكم", "tab\tand\nnewline"]


@pytest.mark.parametrize("kind, kw, reference", [
    (WORD, {"char_ngram_range": None}, CountVectorizer(ngram_range=(1, 2))),
    (CHAR, {"word_ngram_range": None}, CountVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
])
def test_counts_match_scikit_learn_analyzers(kind, kw, reference):
    counts = sum(np.diff(g.offsets) for g in ngrams(TEXTS, **kw))
    assert counts.tolist() == reference.fit(TEXTS).transform(TEXTS).sum(axis=1).A1.tolist()


def test_the_same_ngram_hashes_the_same_everywhere():
    first = {g.n: g for g in ngrams(["ab ab", "xx ab"], word_ngram_range=None,
                                    char_ngram_range=(3, 3))}[3]
    a = first.hashes[first.offsets[0]:first.offsets[1]]
    b = first.hashes[first.offsets[1]:first.offsets[2]]
    assert a[0] == a[2] == b[2]  # " ab" in both texts
    assert len(set(first.hashes.tolist())) == 4  # " ab", "ab ", " xx", "xx "


def test_positions_point_at_the_ngrams():
    texts = ["Peace now", "No"]
    joined = " ".join(t.lower() for t in texts)
    for g in ngrams(texts, positions=True):
        assert len(g.start) == len(g.hashes)
        if g.kind == WORD and g.n == 1:
            assert [joined[s:s + 2] for s in g.start] == ["pe", "no", "no"]
