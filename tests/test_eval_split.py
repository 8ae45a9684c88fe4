"""The tuning/test split is fixed: these pages are in these halves forever."""

from innercircle.evaluation.split import half_of


def test_split_is_a_fixed_function_of_the_page_path():
    # Pinned, so the rule can never drift silently.
    assert half_of("articles/trafilatura-eval/html/lemire.me.json.html.gz") == "test"
    assert half_of("conll:0") in {"tune", "test"}
    assert {half_of(f"articles/x/{i}.html.gz") for i in range(50)} == {"tune", "test"}


def test_split_is_roughly_even():
    halves = [half_of(f"articles/src/html/page{i}.html.gz") for i in range(2000)]
    assert 0.45 < halves.count("tune") / len(halves) < 0.55
