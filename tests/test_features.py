import numpy as np
import pytest

from stance import StanceError, TopicFeatures
from stance._features import split_pairs


def test_each_row_gets_shared_block_its_topic_copy_and_indicator():
    X = [("lift sanctions", "a"), ("keep sanctions", "b"), ("lift sanctions", "new")]
    features = TopicFeatures().fit(X[:2])
    Z = features.transform(X).toarray()
    d = features.n_text_features_
    a_cols, b_cols = features.block_columns_
    assert Z.shape == (3, d + len(a_cols) + len(b_cols) + 2)
    shared = Z[:, :d]
    assert np.allclose(shared[0], shared[2])
    block_a, block_b = Z[:, d:d + len(a_cols)], Z[:, d + len(a_cols):-2]
    assert np.allclose(block_a[0], shared[0, a_cols]) and not block_b[0].any()
    assert np.allclose(block_b[1], shared[1, b_cols]) and not block_a[1].any()
    assert Z[:, -2:].tolist() == [[1, 0], [0, 1], [0, 0]]
    assert not Z[2, d:].any()  # an unseen topic gets the shared block only


def test_a_topic_block_keeps_only_ngrams_seen_with_that_topic():
    features = TopicFeatures().fit([("lift sanctions", "a"), ("keep sanctions", "b")])
    Z = features.transform([("keep sanctions", "a")]).toarray()[0]
    d = features.n_text_features_
    a_cols = features.block_columns_[0]
    keep = features.vectorizer_.transformer_list[0][1].vocabulary_["keep"]
    assert keep not in a_cols  # "keep" was only seen with topic b
    assert np.allclose(Z[d:d + len(a_cols)], Z[a_cols])
    assert np.count_nonzero(Z[d:d + len(a_cols)]) < np.count_nonzero(Z[:d])


def test_fit_transform_equals_fit_then_transform():
    X = [("lift sanctions now", "a"), ("no truce", "b"), ("lift sanctions now", "b")]
    assert np.allclose(TopicFeatures().fit_transform(X).toarray(),
                       TopicFeatures().fit(X).transform(X).toarray())


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


def test_stance_blocks_hold_only_the_ngrams_of_rows_that_take_a_side():
    X = [("Lift the sanctions now.", "sanctions_relief"),
         ("The weather in Geneva was mild.", "sanctions_relief"),
         ("No truce now.", "ceasefire")]
    y = ["favor", "none", "against"]
    every = TopicFeatures(word_ngram_range=(1, 1), char_ngram_range=None).fit(X, y)
    sided = TopicFeatures(word_ngram_range=(1, 1), char_ngram_range=None,
                          topic_blocks="stance").fit(X, y)
    vocabulary = sided.vectorizer_.transformer_list[0][1].vocabulary_
    words = {column: word for word, column in vocabulary.items()}
    relief = list(sided.topics_).index("sanctions_relief")
    assert {words[c] for c in sided.block_columns_[relief]} == {"lift", "the", "sanctions", "now"}
    assert len(every.block_columns_[relief]) > len(sided.block_columns_[relief])
    assert sided.transform(X).shape[1] < every.transform(X).shape[1]


def test_stance_blocks_need_the_labels():
    with pytest.raises(StanceError, match="topic_blocks='stance' needs the labels"):
        TopicFeatures(topic_blocks="stance").fit([("No truce.", "ceasefire")])
    with pytest.raises(StanceError, match="topic_blocks='some' is not valid"):
        TopicFeatures(topic_blocks="some").fit([("No truce.", "ceasefire")], ["against"])
