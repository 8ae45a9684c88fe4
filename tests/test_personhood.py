"""Person or not: language routing, refusals at extraction, and corpus-level exclusions.

Examples of use of :mod:`innercircle.personhood`, :mod:`innercircle.vocabulary` and the
language-aware :class:`~innercircle.extract.people.PersonFinder`.
"""

import pytest

from innercircle import personhood, vocabulary
from innercircle.errors import ModelLoadError
from innercircle.extract.people import (
    PersonFinder,
    language_models,
    models_signature,
    trim_span,
    trim_title,
)
from innercircle.resolve import AliasStats, NameContext, resolve_names
from innercircle.settings import Settings

GERMAN = (
    "Doch wenn Sie den Umgang mit der Art und Weise betrachten, wird es schwierig. "
    "Der Umgang mit Daten ist wichtig, sagte Jane Doch am Montag in Berlin. "
    "Wenn Sie mehr wissen wollen, lesen Sie weiter."
)


def test_german_text_is_never_read_by_the_english_model(finder):
    declared, undeclared = finder.analyse([GERMAN, GERMAN], ["de", None])
    for result in (declared, undeclared):
        assert result.language == "de"
        assert result.model is None  # no German model configured: no NER at all
        assert result.mentions == [] and not result.labels
    # The old behaviour, for contrast: the English model on German text finds "people".
    [forced] = finder.analyse([GERMAN])  # languages=None: the caller says English
    assert forced.model == finder.model_name


def test_a_language_mapping_sends_french_to_the_french_model():
    models = {"en": Settings().spacy_model, "fr": "fr_core_news_sm"}
    try:
        finder = PersonFinder(models=models)
        assert set(finder._nlp) == {"en"}  # the French model loads on its first document
        french = "Le président Emmanuel Macron a rencontré Angela Merkel à Paris mardi."
        [result] = finder.analyse([french], ["fr"])
    except ModelLoadError as exc:
        pytest.skip(f"spaCy model not installed: {exc}")
    assert result.model == "fr_core_news_sm" and result.language == "fr"
    assert "Emmanuel Macron" in [m.name for m in result.mentions]
    assert set(finder._nlp) == {"en", "fr"}
    assert models_signature(models) == f"en={models['en']},fr=fr_core_news_sm"


def test_models_setting(monkeypatch):
    # INNERCIRCLE_SPACY_MODEL names the English model; INNERCIRCLE_SPACY_MODELS the others.
    monkeypatch.setenv("INNERCIRCLE_SPACY_MODELS", "en=en_x, FR-fr=fr_y")
    monkeypatch.setenv("INNERCIRCLE_SPACY_MODEL", "en_z")
    assert language_models() == {"en": "en_z", "fr": "fr_y"}
    monkeypatch.delenv("INNERCIRCLE_SPACY_MODELS")
    monkeypatch.delenv("INNERCIRCLE_SPACY_MODEL")
    assert language_models() == {"en": Settings().spacy_model}
    assert language_models("en_a", "de=de_b") == {"en": "en_a", "de": "de_b"}
    # The run reads the setting as the check before it does (one parser): an item that is
    # not lang=model is an error in both, never skipped by one and refused by the other.
    with pytest.raises(ValueError, match="'fr_y' is not lang=model"):
        language_models("en_a", "de=de_b, fr_y")
    with pytest.raises(ValueError, match="'french' is not a language code"):
        language_models("en_a", "french=fr_y")  # documents carry "fr": it would never match


def test_doch_never_joins_jane_doch_across_documents(finder):
    # Across documents: the bare word is unresolved and excluded, never Jane Doch.
    r = resolve_names(
        [
            AliasStats("jane doch", "Jane Doch", mentions=1, documents=1),
            AliasStats("doch", "Doch", mentions=66, documents=66),
        ]
    )
    assert "doch" not in r.aliases and "doch" in r.unresolved
    assert personhood.exclusion_reason(NameContext("doch", "Doch")) == "single word"
    # Inside one document that names her in full, the short form is joined.
    [mentions] = finder.find_people(
        ["Jane Doch runs the lab. Later that day, the board heard from Doch again."]
    )
    assert {m.name for m in mentions} == {"Jane Doch"}


def _doc_with_people(lang: str, text: str, names: list[str]):
    """A spaCy doc of a blank ``lang`` pipeline whose PERSON entities are ``names``, in
    order: extraction judged without a trained model of that language."""
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    spans, at = [], 0
    for name in names:
        at = text.index(name, at)
        spans.append(doc.char_span(at, at + len(name), label="PER"))
        at += len(name)
    doc.ents = spans
    return doc


def test_a_common_word_of_the_documents_language_is_never_joined_as_a_surname():
    # Issue 9, item 5: the German "Doch" ("but") opening a sentence is not Jane Doch, even
    # in a document that names her in full; in German a capital is no evidence anywhere.
    from innercircle.extract.people import _analyse

    german = _doc_with_people(
        "de",
        "Jane Doch leitet das Labor. Doch der Vorstand wartet. Er fragte Doch nicht.",
        ["Jane Doch", "Doch", "Doch"],
    )
    found = _analyse(german, "de")
    assert [(m.surface, m.name) for m in found.mentions] == [("Jane Doch", "Jane Doch")]
    assert found.labels[("doch", "PERSON", "common word")] == 2  # refused, with its reason
    rows = personhood.extraction_refusals(
        [(k, k.title(), r, n, 1) for (k, _label, r), n in found.labels.items() if r],
        taken={m.name.lower() for m in found.mentions},
    )
    assert [(r["name_key"], r["reason"]) for r in rows] == [("doch", "common word")]
    # English: "Long" opening a sentence is the word; written capitalised inside a sentence
    # of a document that names Jane Long, it is her surname.
    english = _doc_with_people(
        "en",
        "Jane Long runs the lab. Long meetings bore the board. The board heard from Long.",
        ["Jane Long", "Long", "Long"],
    )
    mentions = _analyse(english, "en").mentions
    assert [(m.start, m.name) for m in mentions] == [(0, "Jane Long"), (75, "Jane Long")]


def test_a_common_word_is_not_a_name_by_itself():
    assert vocabulary.is_common_word("Doch", "de")
    assert vocabulary.is_common_word("More", "en")
    assert not vocabulary.is_common_word("Doch", "en")
    assert not vocabulary.is_common_word("Will", "en")  # also a given name: other evidence decides


def test_a_release_that_adds_features_is_a_products_not_a_persons_words():
    # "adds" is speech only with what is said after it, as person_evidence reads it.
    product = NameContext(
        "nora desk",
        "Nora Desk",
        sentences=[
            ("Nora Desk", "The latest release of Nora Desk adds better reporting.", False),
            ("Nora Desk", "Nora Desk adds support for single sign-on.", False),
            ("Nora Desk", "The update fixes bugs, adds Nora Desk support and more.", False),
            ("Nora Desk", "Teams using Nora Desk reported fewer failures.", False),
            ("Nora Desk", "Teams using Nora Desk cut their backlog.", False),
        ],
    )
    assert personhood.exclusion_reason(product) == "product context"
    person = NameContext(
        "nora desk",
        "Nora Desk",
        sentences=[
            *product.sentences[2:],
            ("Nora Desk", "Nora Desk added that the backlog was the real problem.", False),
            ("Nora Desk", "“It is early,” added Nora Desk.", False),
            ("Nora Desk", "Nora Desk noted: the numbers are small.", False),
        ],
    )
    assert personhood.exclusion_reason(person) is None


def test_a_product_launched_is_excluded_with_its_reason():
    jasper = NameContext(
        "jasper ai",
        "Jasper AI",
        sentences=[
            ("Jasper AI", "Jasper AI launched a new writing assistant for marketers.", False),
            ("Jasper AI", "Teams using Jasper AI report faster drafts.", False),
            ("Jasper AI", "Jasper AI's pricing starts at 39 dollars a month.", False),
        ],
    )
    assert personhood.exclusion_reason(jasper) == "product context"
    quoted = NameContext(
        "jasper lane",
        "Jasper Lane",
        sentences=[
            ("Jasper Lane", "Jasper Lane launched a new podcast on Monday.", False),
            ("Jasper Lane", "\u201cIt took a year,\u201d said Jasper Lane.", True),
            ("Jasper Lane", "Jasper Lane, a former editor, said she would continue.", False),
        ],
    )
    assert personhood.exclusion_reason(quoted) is None


def test_the_models_labels_over_the_corpus_decide_an_unclear_name():
    ctx = NameContext("morgan stanley", "Morgan Stanley", sentences=[])
    assert personhood.exclusion_reason(ctx, {"ORG": 7, "PERSON": 2}) == "labelled ORG"
    assert personhood.exclusion_reason(ctx, {"ORG": 1, "PERSON": 0}) is None  # too little
    assert personhood.exclusion_reason(ctx, {"ORG": 2, "PERSON": 5}) is None
    writer = NameContext("morgan stanley", "Morgan Stanley", authored=1)
    assert personhood.exclusion_reason(writer, {"ORG": 7}) is None  # a byline is a person


REFERENCES = (
    "Results are shown in Supplementary Fig. 3.\n"
    "1. Lee H, Roger A., Smith JA. Gene expression atlas. Nucleic Acids Res. 2019;47:D1.\n"
    "Meet Jane Doe, who leads the lab. Zum Download."
)


def test_citations_captions_and_buttons_are_not_mentions(finder):
    [result] = finder.analyse([REFERENCES])
    names = [m.name for m in result.mentions]
    assert "Lee H" not in names and "Roger A." not in names and "Smith JA" not in names
    assert not vocabulary.is_citation_style("Jasper AI")
    assert names == ["Jane Doe"]  # "Meet" trimmed
    assert vocabulary.is_citation_style("Lee H") and vocabulary.is_citation_style("Roger A.")
    assert not vocabulary.is_citation_style("H. Lee") and not vocabulary.is_citation_style("Lee")
    refused = {(k, r) for (k, label, r), _ in result.labels.items() if r}
    assert refused  # the refused spans are still counted, with their reasons


def test_refused_names_reach_excluded_names_with_their_reason():
    rows = personhood.extraction_refusals(
        [
            ("lee h", "Lee H", "citation style", 4, 2),
            ("lee h", "Lee H", "reference or caption", 1, 1),
            ("jane doe", "Jane Doe", "reference or caption", 1, 1),
        ],
        taken={"jane doe"},
    )
    assert rows == [
        {
            "name_key": "lee h",
            "name": "Lee H",
            "reason": "citation style",
            "mentions": 4,
            "documents": 2,
        }
    ]
    assert personhood.exclusion_reason(NameContext("camera zoom", "Camera Zoom")) == (
        "interface text"
    )


def test_nickname_pairs_from_the_dataset_merge():
    # "Trish" -> "Patricia" was not in the old hand table; the nicknames dataset has it.
    r = resolve_names(
        [
            AliasStats("patricia kim", "Patricia Kim", mentions=3, documents=3),
            AliasStats("trish kim", "Trish Kim", mentions=1, documents=1),
            AliasStats("bob lee", "Bob Lee", mentions=1, documents=1),
            AliasStats("bobby lee", "Bobby Lee", mentions=1, documents=1),
            AliasStats("robert lee", "Robert Lee", mentions=2, documents=2),
        ]
    )
    assert r.aliases["trish kim"].rule == "nickname"
    assert r.aliases["trish kim"].person_id == r.aliases["patricia kim"].person_id
    lee = {r.aliases[k].person_id for k in ("bob lee", "bobby lee", "robert lee")}
    assert len(lee) == 1 and r.people[lee.pop()].name == "Robert Lee"
    assert vocabulary.formal_names("trish") == {"patricia"}


def test_spans_are_cut_to_the_name():
    def trimmed(text, fn=trim_span, *args):
        a, b = fn(text, 0, len(text), *args)
        return text[a:b]

    assert trimmed("Afridi 88\nC. Cairns") == "Afridi"  # a name never crosses a line
    assert trimmed("Astle 9-0-53-1") == "Astle"  # nor runs into a number
    assert trimmed("Mr. Smith's") == "Smith"
    assert trimmed("Prime Minister Jane Doe", trim_title, "en") == "Jane Doe"
    assert trimmed("Mary Anne Smith", trim_title, "en") == "Mary Anne Smith"  # given name
    assert trimmed("Minister Doe", trim_title, "en") == "Minister Doe"  # two words: kept


def test_a_document_without_a_model_keeps_its_byline_and_is_counted(finder):
    from innercircle.stages.extraction import extract_people

    docs = [
        {
            "doc_id": "de1",
            "text": GERMAN,
            "byline": ["Jane Doe"],
            "byline_origin": "page",
            "content_hash": "h1",
            "language": "de",
        },
        {
            "doc_id": "en1",
            "text": "Jane Doe met John Smith in London.",
            "byline": [],
            "byline_origin": None,
            "content_hash": "h2",
            "language": None,
        },
    ]
    found = extract_people(docs, finder)
    assert [
        (m["doc_id"], m["name"], m["role"]) for m in found.mentions if m["doc_id"] == "de1"
    ] == [("de1", "Jane Doe", "author")]
    assert found.read_as == {"de1": ("de", False), "en1": ("en", True)}
    assert found.without_ner_model == 1
    assert {r["name_key"] for r in found.entity_labels if r["doc_id"] == "en1"} >= {
        "jane doe",
        "john smith",
    }


def test_a_person_the_model_often_labels_org_stays_when_the_text_says_person():
    said = NameContext(
        "morgan stanley",
        "Morgan Stanley",
        sentences=[("Morgan Stanley", "\u201cNo,\u201d said Morgan Stanley, the painter.", True)],
    )
    assert personhood.exclusion_reason(said, {"ORG": 7, "PERSON": 2}) is None


def test_a_byline_is_read_in_the_language_of_its_documents(tmp_path):
    # The same words under two German pages and one English one: only the German reading
    # makes "Rezept des Tages" ordinary words; "Jana Hoff" stays a writer.
    from innercircle import warehouse
    from innercircle.stages.ranking import resolve_people

    with warehouse.connect(tmp_path / "w.duckdb") as con:
        for i, (lang, byline) in enumerate(
            [("de", "Rezept des Tages"), ("de", "Jana Hoff"), ("en", "Lead Story")]
        ):
            con.execute(
                "INSERT INTO documents (doc_id, url, host, kind, content_hash, text_chars, "
                "byline, extracted_at, language) VALUES (?, ?, 'h', 'article', 'c', 0, [?], "
                "now(), ?)",
                [f"d{i}", f"http://h/{i}", byline, lang],
            )
            con.execute(
                "INSERT INTO mentions VALUES (?, ?, ?, lower(?), ?, 'author', 'page', false, "
                "NULL, 'c')",
                [f"m{i}", f"d{i}", byline, byline, byline],
            )
        resolve_people(con)
        excluded = dict(con.execute("SELECT name, reason FROM excluded_names").fetchall())
    assert excluded == {
        "Rezept des Tages": "common words",
        "Lead Story": "common words",
    }
