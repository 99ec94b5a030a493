import numpy as np
import pytest

from stance import StanceError, TopicFeatures
from stance._features import split_pairs


def test_each_row_gets_shared_block_its_topic_copy_and_indicator():
    X = [("lift sanctions", "a"), ("lift sanctions", "b"), ("lift sanctions", "new")]
    features = TopicFeatures().fit(X[:2])
    Z = features.transform(X).toarray()
    d = features.n_text_features_
    assert Z.shape == (3, d * 3 + 2)
    shared = Z[:, :d]
    assert np.allclose(shared[0], shared[1]) and np.allclose(shared[0], shared[2])
    assert np.allclose(Z[0, d:2 * d], shared[0]) and not Z[0, 2 * d:3 * d].any()
    assert np.allclose(Z[1, 2 * d:3 * d], shared[1]) and not Z[1, d:2 * d].any()
    assert list(Z[:, -2:].tolist()) == [[1, 0], [0, 1], [0, 0]]
    assert not Z[2, d:].any()  # an unseen topic gets the shared block only


def test_without_topic_copies_only_shared_features():
    X = [("lift sanctions", "a"), ("no truce", "b")]
    features = TopicFeatures(topic_copies=False).fit(X)
    assert features.transform(X).shape == (2, features.n_text_features_)


@pytest.mark.parametrize("X, match", [
    ("just a string", "got a single string"),
    ([("text only",)], r"Row 0: expected a \(text, topic\) pair"),
    ([("x", None)], "Row 0: the topic must be a string"),
])
def test_input_must_be_text_topic_pairs(X, match):
    with pytest.raises(StanceError, match=match):
        split_pairs(X)
