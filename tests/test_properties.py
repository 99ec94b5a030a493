"""Property and fuzz tests: any text, any topic, any file content.

- the numpy n-gram extraction counts what scikit-learn's analyzers count, for any Unicode text;
- a fitted model predicts on any Unicode text and any topic string without raising, and its
  probabilities are finite and sum to 1;
- the CSV and JSONL loaders, fed arbitrary bytes or mangled versions of a valid file, either
  return a valid dataset or raise ``DataError`` (a clean, one-line message), nothing else;
- batch scoring of such files yields one output row per record or a ``StanceError``.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

import stance
from stance import DataError, StanceError
from stance._hashing import CHAR, WORD, ngrams

# Text that stresses normalisation: control characters, right-to-left scripts and marks,
# combining characters, emoji, zero-width joiners, surrogates excluded (not valid in str I/O).
SPECIALS = ["\u200f", "\u202e", "\u200d", "\u0301", "\ufeff", "\x00", "\x1b", "\r", "\n",
            "\t", "\u00a0", "\u2028", "🙂", "👩‍👩‍👧", "ß", "İ", "ﬁ", "Σ", "שלום", "سلام"]
texts = st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
                           st.sampled_from(SPECIALS)), max_size=6).map("".join)
PROFILE = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROFILE
@given(st.lists(texts, min_size=1, max_size=5))
@example(["", "   ", "\x00", "İİ", "ﬁﬁ ﬁ"])
def test_ngram_counts_match_scikit_learn_for_any_text(batch):
    for kind, kw, reference in [
        (WORD, {"char_ngram_range": None}, CountVectorizer(ngram_range=(1, 2))),
        (CHAR, {"word_ngram_range": None},
         CountVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
    ]:
        counts = sum(np.diff(g.offsets) for g in ngrams(batch, **kw))
        try:
            expected = reference.fit(batch).transform(batch).sum(axis=1).A1
        except ValueError:  # scikit-learn refuses a batch without any n-gram
            expected = np.zeros(len(batch))
        assert np.asarray(counts).tolist() == expected.tolist()


@pytest.fixture(scope="module", params=["default", "fast"])
def fitted(request, corpus):
    return stance.StanceClassifier(**stance.PRESETS[request.param], unseen_topic="ignore",
                                   random_state=0).fit(corpus.X, corpus.y)


@PROFILE
@given(text=texts, topic=st.one_of(st.sampled_from(["ceasefire", "sanctions_relief"]),
                                   st.text(max_size=20)))
@example(text="", topic="ceasefire")
@example(text="\u202eecaep\u202c 🙂", topic="")
def test_predict_never_raises_and_probabilities_sum_to_one(fitted, text, topic):
    X = np.array([[text, topic], ["Lift the sanctions.", "sanctions_relief"]], dtype=object)
    proba = fitted.predict_proba(X)
    assert proba.shape == (2, 3)
    assert np.isfinite(proba).all() and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert set(fitted.predict(X)) <= {"favor", "against", "none"}


VALID_CSV = ("id,text,topic,stance\n1,Lift the sanctions now.,sanctions_relief,favor\n"
             '2,"Keep them, all of them.",sanctions_relief,against\n'
             "3,Talks resumed.,ceasefire,none\n").encode()
VALID_JSONL = ('{"id": 1, "text": "Lift the sanctions now.", "topic": "sanctions_relief", '
               '"stance": "favor"}\n{"id": 2, "text": "Talks resumed.", "topic": "ceasefire", '
               '"stance": "none"}\n').encode()


def mangled(valid: bytes):
    """``valid`` with random byte edits: insertions, deletions, replacements, cuts."""
    edit = st.tuples(st.sampled_from(["insert", "delete", "replace", "cut"]),
                     st.integers(0, len(valid)), st.binary(min_size=1, max_size=4))

    def apply(edits):
        data = bytearray(valid)
        for kind, at, blob in edits:
            at = min(at, len(data))
            if kind == "insert":
                data[at:at] = blob
            elif kind == "delete":
                del data[at:at + len(blob)]
            elif kind == "replace":
                data[at:at + len(blob)] = blob
            else:
                del data[at:]
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=4).map(apply)


def contents(valid: bytes):
    interesting = st.sampled_from([b"", b"\n", b"\xef\xbb\xbf", b'"', b"\x00", b"\xff\xfe",
                                   b"text\n", b"{}\n", b"[1]\n", b"null\n", b'{"text": 1}\n',
                                   b"text,topic,stance\n,,\n", b'{"text": "\\ud800"}\n'])
    return st.one_of(st.binary(max_size=200), mangled(valid), interesting)


@pytest.mark.parametrize("suffix, valid", [(".csv", VALID_CSV), (".jsonl", VALID_JSONL)])
@PROFILE
@given(data=st.data())
def test_loaders_give_a_dataset_or_a_clean_error(tmp_path, suffix, valid, data):
    content = data.draw(contents(valid))
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stance.StanceWarning)
        try:
            result = stance.load_dataset(path)
        except DataError as error:
            message = str(error)
            assert message and "\n" not in message and "Traceback" not in message
            assert "fuzz" in message  # names the file
            return
    assert len(result) > 0
    assert len(result.text) == len(result.topic) == len(result.y)
    assert all(isinstance(t, str) and t.strip() for t in result.text)
    assert set(result.y) <= {"favor", "against", "none"}


@pytest.mark.parametrize("suffix, valid", [(".csv", VALID_CSV), (".jsonl", VALID_JSONL)])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_batch_scoring_gives_a_row_per_record_or_a_clean_error(tmp_path, model, suffix, valid,
                                                               data):
    content = data.draw(contents(valid))
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    out = tmp_path / "out.jsonl"
    out.unlink(missing_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", stance.StanceWarning)
            n = stance.predict_file(path, out, model=model, allow_new_topics=True)
    except StanceError as error:
        assert str(error) and "\n" not in str(error)
        assert not out.exists()  # nothing that looks complete
        return
    assert n == len(out.read_text(encoding="utf-8").splitlines()) >= 1
