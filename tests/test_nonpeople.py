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


def test_a_byline_of_common_words_is_no_person_unless_the_text_says_so():
    # A section or the publisher signing fills the author field as readily as a writer.
    byline = NameContext("quick note", "Quick Note", authored=2)
    assert personhood.exclusion_reason(byline) == "common words"
    # German words are read as German where the byline's documents are German ...
    german = NameContext("rezept des tages", "Rezept des Tages", 1)
    assert personhood.exclusion_reason(german) is None  # judged in English alone
    german.languages = ("de",)
    assert personhood.exclusion_reason(german) == "common words"
    # ... and a byline the text uses as a person, or that opens with a given name of any
    # list, is a person's.
    said = NameContext(
        "quick note", "Quick Note", authored=1,
        sentences=[("Quick Note", "“No,” said Quick Note, the drummer.", True)],
    )
    assert personhood.exclusion_reason(said) is None
    for name in ("Will Power", "Mark Page", "Hope Little"):
        ctx = NameContext(" ".join(name.lower().split()), name, authored=1, languages=("en",))
        assert personhood.exclusion_reason(ctx) is None, name


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
            ("Tessa Wren", "Tessa Wren was a hit series in the nineties.", False),
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


def test_a_character_of_a_film_or_novel_is_no_person():
    character = NameContext(
        "orla finch",
        "Orla Finch",
        sentences=[
            ("Orla Finch", "Orla Finch, the reluctant heroine of the novel The Salt Road, "
             "never finds the map.", False),
            ("Orla Finch", "Our rollout went a little like Orla Finch in the TV series "
             "Harbour Lights: late, but it landed.", False),
            ("Orla Finch", "Everyone remembers Orla Finch shouting at the tide.", False),
        ],
    )
    assert personhood.exclusion_reason(character) == "fiction context"
    # An actor plays a character and is a person: quoted, or the text says "she".
    actor = NameContext(
        "orla finch",
        "Orla Finch",
        sentences=[
            *character.sentences[:2],
            ("Orla Finch", "Orla Finch said the part changed how she saw the sea.", False),
            ("Orla Finch", "“It was hard work,” Orla Finch told us.", True),
        ],
    )
    assert personhood.exclusion_reason(actor) is None
    # A funding round is no series with characters; a writer of a novel writes.
    investor = NameContext(
        "orla finch",
        "Orla Finch",
        sentences=[
            ("Orla Finch", "Orla Finch in the Series B round put in the most.", False),
            ("Orla Finch", "Orla Finch in the series A of Acme Pay was the lead.", False),
        ],
    )
    assert personhood.fiction_reason(investor) is None
    novelist = NameContext("orla finch", "Orla Finch", authored=2,
                           sentences=character.sentences)
    assert personhood.fiction_reason(novelist) is None


def test_news_words_for_stories_do_not_make_a_person_a_character():
    # Each pair reads like a character's cues at a glance, and each is a real person's.
    pairs = [
        ("Orla Finch in a series of posts on Sunday said the deal was dead.",
         "Orla Finch in a series of interviews laid out the roadmap."),
        ("Orla Finch, the central villain of the Voltex saga, resigned.",
         "Orla Finch, the hero of the series against Boston, scored 41."),
        ("Orla Finch in the video games industry is a legend.",
         "Orla Finch in the film industry raised prices."),
        ("Regulators portrayed Orla Finch as a reckless trader.",
         "Orla Finch played by the rules for twenty years."),
        ("The characters Orla Finch praised were all engineers.",
         "Two characters Orla Finch hired left in May."),
        ("Orla Finch in the Series AA round put in $2m.",
         "Orla Finch from the Series Seed round led again."),
        ("Orla Finch, the narrator of the documentary film Blue Coast, is 92.",
         "Orla Finch in the series Founders Unfiltered talks about startups."),
    ]
    for first, second in pairs:
        person = NameContext("orla finch", "Orla Finch",
                             sentences=[("Orla Finch", first, False),
                                        ("Orla Finch", second, False)])
        assert personhood.fiction_reason(person) is None, (first, second)


def test_a_pronoun_after_another_name_is_that_names():
    films = [
        ("Tessa Wren", "The eight Tessa Wren films had a fine cast.", False),
        ("Tessa Wren", "I saw every Tessa Wren movie twice.", False),
        ("Wren", "The Wren franchise made billions.", False),
    ]
    author = ("Tessa Wren", "Tessa Wren felt real, as if Orla Finch knew she had one.", False)
    work = NameContext("tessa wren", "Tessa Wren", sentences=[*films, author])
    assert personhood.exclusion_reason(work) == "product context"
    person = ("Tessa Wren", "Tessa Wren said she had seen them all.", False)
    kept = NameContext("tessa wren", "Tessa Wren", sentences=[*films, person])
    assert personhood.exclusion_reason(kept) is None


def test_a_person_described_with_a_work_noun_stays_a_person():
    # The noun only describes the head noun after it ("games designer"), a negation says
    # what the name is not, and "X and the Board" is no title.
    for sentence in (
        "Tessa Wren is not a typical games designer.",
        "Tessa Wren is a film producer in Leeds.",
        "Tessa Wren and the Board agreed on a budget.",
        "Tessa Wren, the CEO of Harbor, spoke first.",
    ):
        ctx = NameContext("tessa wren", "Tessa Wren", sentences=[("Tessa Wren", sentence, 0)] * 3)
        assert personhood.exclusion_reason(ctx) is None, sentence


def _name_words(*org_names, people=()):
    from innercircle.extract.names import name_key
    from innercircle.name_words import NameWords

    return NameWords.from_keys(
        [(name_key(n), False) for n in org_names] + [(name_key(n), True) for n in people]
    )


def test_a_word_the_corpus_uses_in_organisations_names_makes_an_organisation():
    # Clubs, telecoms and products: what the model labels the other names holding the word
    # says "United", "Telecom" and "Pro" are organisation words - no list names them.
    corpus = _name_words(
        "Leeds United", "United Airlines", "Ashby United FC", "Skyline Telecom Group",
        "Northern Telecom", "Telecom Italia", "NoteBook Pro", "Camera Pro Max", "Pro Tools",
        people=["Kestrel United", "Pinecrest Telecom", "Jane Doe", "Jane Gray"],
    )
    for name in ("Kestrel United", "Pinecrest Telecom", "Quill Pro"):
        ctx = NameContext(" ".join(name.lower().split()), name)
        assert personhood.exclusion_reason(ctx, {}, corpus) == "organisation word", name
        assert personhood.exclusion_reason(ctx) is None  # no corpus, no evidence
    # A person's word, a lower-case particle, or a text that says "person" keeps the name.
    kept = _name_words(
        "Morgan Stanley", "JP Morgan", "Morgan Motor Company", "Banco de Chile",
        "Universidad de Chile", "Museo de Arte",
        people=["Jane Morgan", "Morgan Lee", "Ian Morgan", "Luis de Soto"],
    )
    for name in ("Jane Morgan", "Luis de Soto"):
        ctx = NameContext(" ".join(name.lower().split()), name)
        assert personhood.exclusion_reason(ctx, {}, kept) is None, name
    said = NameContext(
        "harbor united",
        "Harbor United",
        sentences=[("Harbor United", "\u201cNo,\u201d said Harbor United, the drummer.", True)],
    )
    assert personhood.exclusion_reason(said, {}, corpus) is None
    writer = NameContext(
        "kestrel united",
        "Kestrel United",
        sentences=[("Kestrel United", "Kestrel United, author of The Long Field.", False)],
    )
    assert personhood.exclusion_reason(writer, {}, corpus) is None


def test_a_given_name_that_is_a_common_word_counts_where_the_corpus_uses_it_as_one():
    # "Page", "Will", "Hope" are in name lists and are ordinary words: the first word of a
    # phrase of common words is a given name only where the corpus uses it as one.
    import duckdb

    from innercircle.name_words import word_casing

    con = duckdb.connect()
    con.execute("CREATE TABLE documents (text VARCHAR)")
    con.execute(
        "INSERT INTO documents VALUES ('Page Views rose. The page loads fast; every page counts.'),"
        "('Jane Wells wrote it. Hope Street is closed. We hope so.'), ('')"
    )
    casing = word_casing(con, ["page", "jane", "hope", "absent"])
    assert casing == {"page": 2 / 3, "jane": 0.0, "hope": 0.5}

    page = NameContext(
        "page views", "Page Views", sentences=[("Page Views", "Page Views rose.", False)]
    )
    corpus = _name_words("Page Six Media", people=["Page Views", "Jane Doe"])
    corpus.lower_share = casing
    assert vocabulary.is_given_name_anywhere("Page") and not corpus.is_given_name_here("page views")
    assert personhood.exclusion_reason(page, {}, corpus) == "common words"
    assert personhood.exclusion_reason(page) is None  # the name lists alone: kept
    # Another person called Page, or a word the texts keep capitalised, is a given name.
    people = _name_words(people=["Page Views", "Page Holt"])
    people.lower_share = casing
    assert personhood.exclusion_reason(page, {}, people) is None
    assert corpus.is_given_name_here("jane morgan") and not corpus.is_given_name_here("hope street")
    assert vocabulary.is_common_phrase("Will Power", first_is_given=False)
    assert not vocabulary.is_common_phrase("Will Power", first_is_given=True)


def test_the_corpus_evidence_is_read_from_the_warehouse():
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE entity_labels (doc_id VARCHAR, name_key VARCHAR, name VARCHAR,"
        " label VARCHAR, refused VARCHAR, n INTEGER)"
    )
    con.execute("CREATE TABLE documents (text VARCHAR)")
    rows = [
        ("d1", "leeds united", "ORG", ""),
        ("d2", "united airlines", "ORG", ""),
        ("d3", "ashby united", "ORG", ""),
        ("d3", "ashby united", "ORG", ""),  # a second document: still one name
        ("d4", "kestrel united", "PERSON", ""),
        ("d5", "united", "GPE", ""),  # one word: says nothing about names
        ("d6", "united way", "NORP", ""),  # too vague a label to count
        ("d7", "page views", "PERSON", ""),
        ("d7", "page holt", "PERSON", "citation style"),  # refused spans do not count
    ]
    for doc, key, label, refused in rows:
        con.execute(
            "INSERT INTO entity_labels VALUES (?, ?, ?, ?, ?, 1)", [doc, key, key, label, refused]
        )
    con.execute("INSERT INTO documents VALUES ('Page Views fell; the page is slow.')")
    names = [NameContext(k, k.title()) for k in ("page views", "kestrel united")]
    corpus = personhood.name_words(con, names)
    assert (corpus.other["united"], corpus.person["united"]) == (3, 1)
    assert corpus.given_name_uses("page views") == 0 and corpus.lower_share == {"page": 0.5}
    assert personhood.exclusions(names, {}, corpus) == {
        "page views": "common words",
        "kestrel united": "organisation word",
    }


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


def test_a_typographic_apostrophe_does_not_end_the_noun_phrase():
    """"the company’s best-known face" (a curly apostrophe, as news sites write it)
    describes a person exactly as "the company's best-known face" does: no product cue."""
    for apostrophe in ("'", "’"):
        sentences = [
            (name, f"{name}, the company{apostrophe}s best-known face, arrived late.", False)
            for name in ("Tessa Wren", "Wren", "Tessa Wren")
        ]
        ctx = NameContext("tessa wren", "Tessa Wren", sentences=sentences)
        assert personhood.product_reason(ctx) is None, apostrophe


def test_a_surname_after_a_given_name_the_corpus_writes_in_lower_case_keeps_it_a_name():
    """The corpus writes "will" and "mark" in lower case nearly always; before a surname of
    the name lists they are still given names, so "Will Smith" is no common phrase; with no
    surname after it the corpus's lower case still decides."""
    from innercircle.name_words import NameWords

    words = NameWords(lower_share={"will": 0.95, "smith": 0.0, "street": 0.9})
    assert words.is_given_name_here("will smith")
    assert not words.is_given_name_here("will street")  # a surname the texts write as a word
    assert not words.is_given_name_here("will handling")  # no surname
    assert not NameWords(lower_share={"will": 0.95}).is_given_name_here("will smith")  # unread
