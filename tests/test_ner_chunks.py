"""Texts go to the NER workers in chunks bounded by count and by characters: a worker's
memory peaks with the batch spaCy holds at once, so long texts travel in smaller chunks."""

from innercircle.extract import ner_pool
from innercircle.extract.ner_pool import CHUNK, CHUNK_CHARS, chunk_length, split_chunks


def test_short_texts_travel_sixteen_at_a_time():
    texts = ["Jane Doe said so."] * 40
    assert [len(c) for c in split_chunks(texts, str)] == [CHUNK, CHUNK, 8]


def test_long_texts_are_cut_by_characters_and_a_huge_one_goes_alone():
    quarter = "x" * (CHUNK_CHARS // 4)
    assert chunk_length([quarter] * 10) == 4  # a fifth would pass CHUNK_CHARS
    huge = "y" * (2 * CHUNK_CHARS)
    assert split_chunks([huge, "a", "b", huge], str) == [[huge], ["a", "b"], [huge]]


def test_split_chunks_keeps_every_item_in_order():
    lengths = [10, CHUNK_CHARS, 5, 7, CHUNK_CHARS // 2, CHUNK_CHARS // 2, 3] * 5
    items = list(range(len(lengths)))
    chunks = split_chunks(items, lambda i: "z" * lengths[i])
    assert [i for c in chunks for i in c] == items
    assert all(len(c) == 1 or sum(lengths[i] for i in c) <= CHUNK_CHARS for c in chunks)


def test_read_ahead_sends_a_long_chunk_before_it_has_sixteen_texts(monkeypatch):
    """A buffer of long texts goes out once it passes the character bound."""
    sent: list[list[str]] = []
    finder = ner_pool.PooledPersonFinder.__new__(ner_pool.PooledPersonFinder)
    finder._pool = object()  # only read_ahead's bookkeeping runs here
    finder._ahead_texts = 0
    finder._ahead_buffer = []
    monkeypatch.setattr(finder, "_send_ahead", lambda items: sent.append([t for t, _ in items]),
                        raising=False)
    half = "w" * (CHUNK_CHARS // 2)
    assert finder.read_ahead([half, half, half], ["en"] * 3)
    assert sent == [[half, half]]  # the third waits for more texts
    assert [t for t, _ in finder._ahead_buffer] == [half]
