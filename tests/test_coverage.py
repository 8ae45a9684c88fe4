"""`innercircle who QUERY`: which documents match a query (innercircle/coverage.py)."""

from innercircle.coverage import matching_documents


def test_a_german_text_is_read_with_german_stop_words():
    docs = [
        ("speicher", "Der Speicher im Keller hält den Strom der Anlage über Nacht.", "de"),
        ("other", "Die Frage, wer der Käufer der Anlage ist, und wann der Vertrag "
                  "unterschrieben wird, bleibt offen. Der Termin steht.", "de"),
    ]
    # "der" is a German stop word: only the text about the store matches
    assert list(matching_documents("der Speicher", docs)) == ["speicher"]
    assert matching_documents("der und die", docs) == {}


def test_an_english_text_keeps_the_english_stop_words():
    docs = [
        ("a", "The battery storage market grew again this year.", "en"),
        ("b", "The market for the wind turbines is the same as before.", None),
    ]
    assert list(matching_documents("the storage", docs)) == ["a"]


def test_content_words_in_a_languages_stop_list_are_still_found():
    """spaCy's Italian list holds "governo" and "lavoro"; a search keeps them."""
    docs = [("it1", "Il governo ha approvato il decreto sul lavoro.", "it"),
            ("it2", "La squadra ha vinto la partita di ieri sera.", "it")]
    assert list(matching_documents("governo", docs)) == ["it1"]
    assert list(matching_documents("lavoro", docs)) == ["it1"]



def test_an_elided_article_is_no_part_of_the_word_it_is_written_onto():
    docs = [("it1", "Il calo dell'inflazione continua.", "it")]
    assert list(matching_documents("inflazione", docs)) == ["it1"]
