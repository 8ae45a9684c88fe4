"""Non-people that real pages put among the names: reference lines, title lists, phrases,
brands, works and acronyms (issue 9). Made-up examples of each shape, and the people of
the same shapes that must stay."""


from innercircle import personhood, vocabulary
from innercircle.extract.people import refusal
from innercircle.resolve import NameContext


def _refused(result) -> dict[str, str]:
    return {key: reason for (key, _label, reason), _n in result.labels.items() if reason}


def test_reference_lines_written_without_dots_are_not_mentions():
    for line in (
        "Halvorsen KT, Brandt OL, Mercer PJ (2004) Thermal limits in small mammals.",
        "Quigley RD (2011) How cold is cold?",
        "J Therm Biol 31: 412–419.",
        "↑ 4.0 4.1 Tessa Wren and the Glass Orchard, Chapter 9",
    ):
        assert vocabulary.in_reference_context(line), line
    for prose in (
        "Tessa Wren told the committee in 2011 that the plan would fail.",
        "The meeting ran from 10:30-11:00 and Tessa Wren chaired it.",
        "Officials in the US, the UK and France agreed.",
    ):
        assert not vocabulary.in_reference_context(prose), prose


def test_a_reference_line_does_not_refuse_the_paragraph_after_it(finder):
    [result] = finder.analyse(
        [
            "↑ 2.0 2.1 Orla Finch and the Winter Gate, Chapter 4\n"
            "The new wing opened on Monday, said Maren Holt."
        ]
    )
    assert [m.name for m in result.mentions] == ["Maren Holt"]


def test_a_list_of_titles_is_not_prose(finder):
    titles = (
        "More recipes: Smoked Paprika Lentils, Charred Fennel Risotto, Roasted Shallot Tart, "
        "Crushed Walnut Cake, Honeyed Fig Salad, Grilled Apricot Galette and Burnt Butter "
        "Biscuits"
    )
    prose = (
        "A spokesman told reporters that Maren Holt won the vote over interim chair "
        "Tobias Engel and regional director Orla Finch after a long debate."
    )
    share, counted = _share(finder, titles)
    assert counted >= 8 and share >= 0.7
    share, counted = _share(finder, prose)
    assert share < 0.7
    [listed, said] = finder.analyse([titles, prose])
    assert not listed.mentions
    assert {m.name for m in said.mentions} >= {"Tobias Engel", "Orla Finch"}
    # The rule is for languages that do not capitalise every noun.
    assert refusal("Jan Holt", "x", "de", False, (0.9, 20)) is None
    assert refusal("Jan Holt", "x", "en", False, (0.9, 20)) == "heading or list"
    # A team sheet the model only half read: the given names are not title words.
    team = (
        "Harbor side: Maren Holt, Tobias Engel, Orla Finch, Jasper Quist, Nadia Brook, Ulrich "
        "Vane, Petra Sorel, Anders Kell, Mirela Dunst, Kasimir Rowe, Selma Quade, Ivo Thrane"
    )
    share, counted = _share(finder, team)
    assert share < 0.7, share


def _share(finder, text):
    from innercircle.extract.people import title_case_share

    doc = next(finder.nlp.pipe([text]))
    in_entity = {i for e in doc.ents for i in range(e.start, e.end)}
    return title_case_share(next(iter(doc.sents)), in_entity)


def test_a_possessive_inside_a_span_is_not_a_name():
    assert refusal("Lantern’s Night", "On Lantern’s Night we ate.", "en", False) == (
        "not a name shape"
    )
    assert refusal("Maren O'Holt", "Maren O'Holt spoke.", "en", False) is None


def test_common_word_phrases_are_not_people_unless_the_text_says_so():
    assert vocabulary.is_common_phrase("Bottom Line")
    assert vocabulary.is_common_phrase("Error Handling")
    # A given name in any locale ("Todd", "Sean" are missing from nicknames), initials,
    # or a rare word: a name shape.
    assert vocabulary.is_given_name_anywhere("Todd") and not vocabulary.is_given_name("Todd")
    for name in ("Todd Orlando", "Sean Kent", "C. Jones", "Steve Jobs", "Maren Holt"):
        assert not vocabulary.is_common_phrase(name), name
    phrase = NameContext(
        "quick note",
        "Quick Note",
        sentences=[("Quick Note", "A Quick Note on ad blockers and what to do.", False)],
    )
    assert personhood.exclusion_reason(phrase) == "common words"
    said = NameContext(
        "quick note",
        "Quick Note",
        sentences=[("Quick Note", "\u201cNo,\u201d said Quick Note, the drummer.", True)],
    )
    assert personhood.exclusion_reason(said) is None
    assert personhood.exclusion_reason(NameContext("quick note", "Quick Note", authored=2)) is None


def test_brand_words_and_acronyms():
    for word in ("OneWeb", "PayPal", "RedMonk"):
        assert vocabulary.is_brand_word(word), word
    for word in ("McDonald", "MacArthur", "DeSantis", "LeBron", "MacLean", "Holt"):
        assert not vocabulary.is_brand_word(word), word
    assert personhood.exclusion_reason(NameContext("skyline oneweb", "Skyline OneWeb")) == (
        "brand word"
    )
    # An organisation's initials, even as a byline; initials of a person are dotted or two.
    assert personhood.exclusion_reason(NameContext("forschung wbf", "Forschung WBF", 3)) == (
        "acronym"
    )
    assert personhood.exclusion_reason(NameContext("tj holt", "TJ Holt", authored=3)) is None


def test_a_work_or_franchise_named_like_a_person():
    work = NameContext(
        "tessa wren",
        "Tessa Wren",
        sentences=[
            ("Tessa Wren", "I queued for every Tessa Wren movie as a child.", False),
            ("Wren", "The Wren franchise made billions.", False),
            ("Tessa Wren", "Tessa Wren is not a bad brand to extend.", False),
        ],
    )
    assert personhood.exclusion_reason(work) == "product context"
    author = NameContext(
        "tessa wren",
        "Tessa Wren",
        sentences=[
            ("Tessa Wren", "Tessa Wren's novels sold well.", False),
            ("Tessa Wren", "Tessa Wren said she would write another.", False),
        ],
    )
    assert personhood.exclusion_reason(author) is None


def test_organisation_words_of_clubs_telecoms_and_products():
    for name in ("Harbor United", "Skyline Telecom", "Pinecone REST API", "NoteBook Pro"):
        key = " ".join(name.lower().split())
        assert personhood.exclusion_reason(NameContext(key, name)) == "organisation word"


def test_a_dateline_opens_a_line_and_is_not_a_person():
    from innercircle.extract.people import is_dateline

    story = "Intro.\nKESTREL HOLLOW, NORTH COAST — The port reopened on Monday."
    at = story.index("KESTREL")
    assert is_dateline(story, at, at + len("KESTREL HOLLOW"))
    headline = "GOLF - NORDQVIST - leads after two rounds"
    at = headline.index("NORDQVIST")
    assert not is_dateline(headline, at, at + len("NORDQVIST"))  # not at the line's start
    prose = "Kestrel Hollow - the poet - spoke."
    assert not is_dateline(prose, 0, len("Kestrel Hollow"))  # not in capitals


def test_prose_that_only_looks_like_a_reference_is_not_one():
    # a supplier's address needs a capital state code; a page range two digits or more
    assert vocabulary.in_reference_context("Sigma (St Louis, MO, USA)")
    assert not vocabulary.in_reference_context("Jane Doe met him (Paris, in, France).")
    assert vocabulary.in_reference_context("Brain Res Rev 27: 89–118")
    assert not vocabulary.in_reference_context("The match ended 2: 3-1 for Jane Doe")
