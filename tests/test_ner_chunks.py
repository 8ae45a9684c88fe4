"""Texts go to the NER workers in chunks bounded by count and by characters: a worker's
memory peaks with the batch spaCy holds at once, so long texts travel in smaller chunks."""

from concurrent.futures import Future

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


class RecordingExecutor:
    """Stands in for the worker pool: records each chunk sent and answers it at once."""

    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def submit(self, fn, chunk):
        texts, _languages = chunk
        self.sent.append(list(texts))
        done: Future = Future()
        done.set_result([f"read {t[:1]}" for t in texts])
        return done

    def shutdown(self, wait: bool = True) -> None:
        pass


def test_read_ahead_sends_a_long_chunk_before_it_has_sixteen_texts():
    """A buffer of long texts goes out once it passes the character bound; the rest waits
    for more texts, and goes out whole when the step asks for its results."""
    from innercircle.settings import Settings

    # the installed model (the pool checks it); its workers are never started here
    finder = ner_pool.PooledPersonFinder(Settings().spacy_model, processes=2)
    finder._pool.shutdown()
    finder._pool = pool = RecordingExecutor()
    half = "w" * (CHUNK_CHARS // 2)
    assert finder.read_ahead([half, half, half], ["en"] * 3)
    assert pool.sent == [[half, half]]  # the third waits for more texts
    assert finder.analyse([half, half, half], ["en"] * 3) == ["read w"] * 3
    assert pool.sent == [[half, half], [half]]  # each text read once, none again
