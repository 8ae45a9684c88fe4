"""A baseline's recorded figures (innercircle/evaluation/recorded_baseline.py): written and
read back whole, and set aside for a fresh measurement, with a warning saying how to
record them again, once what computed them or the data differ. The gates that use them:
tests/test_extraction_gate.py, test_per_gate.py."""

import pytest

from innercircle.evaluation import recorded_baseline


def made(data: bytes = b"page one") -> dict:
    return recorded_baseline.record(
        {"tool": "1.0"}, recorded_baseline.digest([data]), {"all": {"f1": 0.5}},
        [[1, 0, 2], [3, 1, 0]], "a tool's figures on two pages",
    )


def test_a_record_reads_back_as_written_one_item_a_line(tmp_path):
    path = tmp_path / "record.json"
    recorded_baseline.write(path, made())
    assert recorded_baseline.read(path) == made()
    assert "\n    [3, 1, 0]\n" in path.read_text()


def test_a_record_stands_for_the_same_versions_and_data():
    same = recorded_baseline.digest([b"page one"])
    assert recorded_baseline.stale(made(), {"tool": "1.0"}, same, "r.json", "redo") is None


def test_another_version_or_other_data_is_told_apart_with_the_command_to_record_again():
    same = recorded_baseline.digest([b"page one"])
    newer = recorded_baseline.stale(made(), {"tool": "1.1"}, same, "r.json", "redo it")
    assert newer == ("r.json: it was measured with tool 1.0, tool 1.1 is installed; "
                     "record it again: redo it")
    other = recorded_baseline.digest([b"page two"])
    both = recorded_baseline.stale(made(), {"tool": "1.1"}, other, "r.json", "redo it")
    assert "tool 1.1 is installed; the data it was measured on differ" in both


def test_the_digest_follows_the_parts_and_their_order():
    digest = recorded_baseline.digest
    assert digest([b"a", b"b"]) != digest([b"b", b"a"])
    assert digest([b"ab"]) != digest([b"a", b"b"])  # each part hashed on its own


def test_the_sample_is_every_sixteenth_item_from_the_first():
    assert recorded_baseline.sample(list(range(40))) == [0, 16, 32]


def test_a_record_that_stands_is_used_and_nothing_is_measured(tmp_path):
    path = tmp_path / "record.json"
    recorded_baseline.write(path, made())
    same = recorded_baseline.digest([b"page one"])

    def measure():
        raise AssertionError("measured although the record stands")

    used, why = recorded_baseline.recorded_or_measured(path, {"tool": "1.0"}, same, "redo", measure)
    assert (used, why) == (made(), None)


def test_a_stale_record_is_measured_again_with_a_warning_saying_how_to_record_it(tmp_path):
    path = tmp_path / "record.json"
    recorded_baseline.write(path, made())
    same = recorded_baseline.digest([b"page one"])
    fresh = made(b"measured now")
    with pytest.warns(UserWarning, match="tool 1.1 is installed; record it again: redo it"):
        used, why = recorded_baseline.recorded_or_measured(
            path, {"tool": "1.1"}, same, "redo it", lambda: fresh)
    assert used == fresh and "tool 1.0" in why
