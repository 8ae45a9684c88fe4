"""Bylines read from page structure: label elements, headline blocks, listings, credits.

Each page is small and hand-written, shaped like a kind of markup seen on real sites
(never copied from them); the names are invented.
"""

import json

import pytest

from innercircle.extract.bylines import parse_author_field
from innercircle.extract.name_shape import without_title
from innercircle.extract.page import extract_page

URL = "https://news.example.com/2024/05/01/story.html"
TEXT = "<p>" + "Some real article text about things that happened. " * 6 + "</p>"


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (
        f"<!doctype html><html lang='{lang}'><head><title>A story | Example News</title>"
        f"{head}</head><body>{body}</body></html>"
    )


def authors(html: str, url: str = URL) -> list[str]:
    return [b.name for b in extract_page(html, url).authors if b.kind == "person"]


def test_label_element_then_the_name_in_the_next_element():
    body = (
        "<h1>A story</h1><div><span class='x1'>By</span><span>"
        "<a href='/staff/orla-penhallow'>Orla Penhallow</a></span></div>" + TEXT
    )
    assert authors(page(body)) == ["Orla Penhallow"]


def test_label_element_climbs_to_the_next_block():
    body = (
        "<h1>A story</h1><div class='names'><div class='field'><p class='label'><strong>By"
        "</strong></p></div><!-- x --><div class='field'><p>Orla Penhallow</p></div></div>" + TEXT
    )
    assert authors(page(body)) == ["Orla Penhallow"]


def test_label_with_colon_and_the_name_in_its_tail_with_an_agency_code():
    body = "<h1>Ein Bericht</h1><div><h5>Autor: </h5>Tamsin Quellbrunn/SP-X</div>" + TEXT
    assert authors(page(body, lang="de")) == ["Tamsin Quellbrunn"]


@pytest.mark.parametrize(
    "meta_box",
    [
        "<dl><dt>Auteur</dt><dd><a href='/staff/orla-penhallow/'>Orla Penhallow</a></dd>"
        "<dt>Publié</dt><dd>1 mai 2024</dd></dl>",
        "<table><tr><th>Auteur :</th><td>Orla Penhallow</td></tr></table>",
    ],
)
def test_a_label_term_then_the_name_in_its_definition_or_cell(meta_box):
    body = f"<h1>Un récit</h1>{meta_box}" + TEXT
    assert authors(page(body, lang="fr")) == ["Orla Penhallow"]


def test_a_byline_block_under_the_headline_counts_even_when_classed_like_a_teaser():
    body = (
        "<h1>A story</h1><div class='teaser-small__metadata'><p class='byline__author'>"
        "VON <a href='/autoren/x'>ORLA PENHALLOW</a> am 21. April 2020</p></div>" + TEXT
    )
    assert authors(page(body)) == ["Orla Penhallow"]


def test_the_same_teaser_far_from_the_headline_stays_out():
    teaser = (
        "<div class='teaser-small__metadata'><p class='byline__author'>"
        "VON <a href='/autoren/x'>ORLA PENHALLOW</a> am 21. April 2020</p></div>"
    )
    assert authors(page("<h1>A story</h1>" + TEXT * 3 + teaser)) == []


def test_byline_block_named_by_data_testid():
    body = (
        "<h1>A story</h1>" + TEXT + "<div data-testid='prism-byline'><span>"
        "<a href='/about/newsteam/ossian-brandt'>Ossian Brandt</a></span></div>"
    )
    assert authors(page(body)) == ["Ossian Brandt"]


@pytest.mark.parametrize(
    ("line", "lang"),
    [
        ("<em>Ein Interview von <strong>Marta Quellbrunn</strong> mit "
         "<strong>Orla Penhallow</strong>.</em>", "de"),
        ("An interview by Marta Quellbrunn with Orla Penhallow", "en"),
    ],
)
def test_an_interview_is_written_by_its_interviewer_not_the_one_interviewed(line, lang):
    body = f"<h1>A conversation</h1><p>{line}</p>" + TEXT
    assert authors(page(body, lang=lang)) == ["Marta Quellbrunn"]


def test_the_writer_named_after_a_line_break_at_the_end_of_a_one_block_text():
    text = "Das Gericht gab der Klage statt. " * 12
    body = (
        f"<h1>Ein Urteil</h1><div class='text'>{text}<br/><br/>Quelle: Agentur<br/>"
        "Autor: <a href='/anwalt/'>Rechtsanwalt</a> Marta Quellbrunn</div>"
    )
    assert authors(page(body, lang="de")) == ["Marta Quellbrunn"]


def test_a_bare_by_after_a_line_break_is_running_text():
    text = "Das Gericht gab der Klage statt. " * 12
    body = f"<h1>Ein Urteil</h1><div class='text'>{text}<br/>von Marta Quellbrunn gelesen</div>"
    assert authors(page(body, lang="de")) == []


@pytest.mark.parametrize(
    ("name", "lang", "expected"),
    [
        ("Rechtsanwalt Marta Quellbrunn", "de", "Marta Quellbrunn"),
        ("Senator Marta Quellbrunn", "en", "Marta Quellbrunn"),
        ("Marta Anna Quellbrunn", "de", "Marta Anna Quellbrunn"),
        ("Quellbrunn Marta Anna", "de", "Quellbrunn Marta Anna"),
    ],
)
def test_a_title_before_a_full_name_is_not_part_of_it(name, lang, expected):
    assert without_title(name, (lang,)) == expected


def test_byline_element_named_byline():
    body = "<div><byline>Von Ossian Brandt, dpa</byline>" + TEXT + "</div>"
    assert authors(page(body, lang="de")) == ["Ossian Brandt"]


def test_interface_text_in_an_author_block_does_not_end_the_search():
    body = (
        "<div class='author-nav'>Zur Artikelübersicht</div><h1>Ein Bericht</h1>"
        "<p class='byline'>Von Tamsin Quellbrunn am 3. Mai 2021</p>" + TEXT
    )
    assert authors(page(body, lang="de")) == ["Tamsin Quellbrunn"]


def test_co_authors_before_a_line_break_and_not_the_place_after_it():
    body = (
        "<h1>Ein Bericht</h1><p>Von <strong><a href='https://a.example'>Orla Penhallow</a>"
        "</strong> und <strong><a href='https://b.example'>Ossian Brandt</a></strong>"
        "<br/>Nairobi / Kenia</p>" + TEXT
    )
    assert authors(page(body, lang="de")) == ["Orla Penhallow", "Ossian Brandt"]


def test_every_itemprop_name_of_one_author_element():
    body = (
        "<div itemprop='author' itemscope itemtype='http://schema.org/Person'>"
        "<span itemprop='name'>Orla Penhallow</span><span itemprop='name'>Ossian Brandt"
        "</span></div><h1>A story</h1>" + TEXT
    )
    assert authors(page(body)) == ["Orla Penhallow", "Ossian Brandt"]


def test_many_rel_author_links_in_a_listing_keep_only_the_articles_own():
    teaser = (
        "<div><h3><a href='/other-{i}'>Other story {i}</a></h3><div>May 3 by "
        "<a rel='author' href='/author/{slug}/'>{name}</a></div></div>"
    )
    others = "".join(
        teaser.format(i=i, slug=n.lower().replace(" ", "-"), name=n)
        for i, n in enumerate(["Ossian Brandt", "Tamsin Quellbrunn", "Edda Vormwald"])
    )
    body = (
        "<h1>A story</h1><div>Monday by <a rel='author' href='/author/orla-penhallow/'>"
        "Orla Penhallow</a></div>" + TEXT * 3 + others
    )
    assert authors(page(body)) == ["Orla Penhallow"]


def test_a_photo_credit_link_in_a_byline_block_is_not_the_author():
    body = (
        "<h1>A story</h1><p class='byline'>Story by Orla Penhallow</p>" + TEXT + "<div class"
        "='image-author'><a href='https://commons.example.org/wiki/File:Mouse.jpg'>Ossian "
        "Brandt</a></div>"
    )
    assert authors(page(body)) == ["Orla Penhallow"]


def test_a_name_read_twice_is_one_name():
    head = (
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "author": "Orla Penhallow Orla Penhallow"})
        + "</script>"
    )
    body = "<h1>A story</h1>" + TEXT + "<aside>About Orla Penhallow</aside>"
    assert authors(page(body, head)) == ["Orla Penhallow"]


def personal_site(publisher: dict) -> str:
    post = {
        "@type": "BlogPosting",
        "author": {"@type": "Person", "name": "Margaret Penhallow"},
        "publisher": publisher,
    }
    head = (
        '<meta property="og:site_name" content="Margaret Penhallow">'
        f'<script type="application/ld+json">{json.dumps(post)}</script>'
    )
    body = "<h1>A post</h1><p class='byline'>By Margaret Penhallow</p>" + TEXT
    return page(body, head)


def test_a_personal_site_named_after_its_author():
    """Its schema says a person publishes it; JSON-LD and the byline name its owner."""
    html = personal_site({"@id": "https://penhallow.example/#/schema/person/1"})
    assert authors(html, "https://penhallow.example/post/") == ["Margaret Penhallow"]


def test_a_site_published_by_an_organisation_is_not_its_author():
    html = personal_site({"@type": "Organization", "name": "Margaret Penhallow"})
    assert authors(html, "https://penhallow.example/post/") == []


def test_a_site_name_that_is_not_a_persons_stays_out_even_when_repeated():
    ORG = "Presse Nordstadt"  # noqa: N806
    head = (
        '<meta property="og:site_name" content="Presse Nordstadt">'
        '<meta name="author" content="Presse Nordstadt">'
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "author": {"@type": "Person", "name": ORG}})
        + "</script>"
    )
    assert (
        authors(
            page("<h1>Ein Bericht</h1>" + TEXT, head, "de"), "https://presse-nordstadt.example/a/"
        )
        == []
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Orla Penhallow, MA", ["Orla Penhallow"]),
        ("Orla Penhallow, PhD, MPH", ["Orla Penhallow"]),
        ("Penhallow, O., Brandt, O. B.", ["O. Penhallow", "O. B. Brandt"]),
        ("Jack Ma", ["Jack Ma"]),
    ],
)
def test_degrees_after_a_comma_are_not_initials(raw, expected):
    assert [b.name for b in parse_author_field(raw)] == expected


INSTITUTION = "organisation"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bundesamt für Wasser und Boden", [("Bundesamt für Wasser und Boden", INSTITUTION)]),
        ("Office of Roads, Rivers and Rails", [("Office of Roads, Rivers and Rails", INSTITUTION)]),
        ("Ana de la Cruz and John Roe", [("Ana de la Cruz", "person"), ("John Roe", "person")]),
        ("Jane Doe in London and John Roe", [("Jane Doe", "person"), ("John Roe", "person")]),
    ],
)
def test_an_institutions_name_is_not_split_into_people(raw, expected):
    assert [(b.name, b.kind) for b in parse_author_field(raw)] == expected


def test_dotted_initials_and_a_surname_are_a_names_shape():
    from innercircle.extract.name_shape import looks_like_person_name

    assert looks_like_person_name("J.R. Stone")
    assert looks_like_person_name("A. B. Miller")
    assert not looks_like_person_name("J. The")
    assert not looks_like_person_name("Read More")


def test_a_byline_opening_with_a_stop_word_of_its_language_is_no_name():
    """Rarer function words than the frequency bar ("unsere", "our") open noun phrases,
    never a name; a given name that is also a stop word elsewhere stays a name."""
    from innercircle.extract.name_shape import looks_like_person_name

    assert not looks_like_person_name("Unsere Frischen Produkte", ("de",))
    assert not looks_like_person_name("Wenn Sie", ("de",))
    assert not looks_like_person_name("Whatever Happened", ("en",))
    assert looks_like_person_name("Uwe Brandtner", ("de",))  # "uwe": Dutch for "your"
    assert looks_like_person_name("Anders Holmqvist", ("de",))  # "anders": "otherwise"
    assert looks_like_person_name("Holger Unsere", ("de",))  # the first word decides
    # a given name somewhere that is a stop word here is no honorific's name
    assert not looks_like_person_name("Toutes les Actualités", ("fr",))
    assert not looks_like_person_name("Weitere Artikel von Redaktion", ("de",))
    assert not looks_like_person_name("Meine Sarah", ("de",))


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("Lei Wang", "it"), ("Po Chen", "it"), ("Hui Chen", "fr"), ("Na Li", "fr"),
        ("Vu Duc Dam", "fr"), ("Lang Ping", "de"), ("Thanh Nguyen", "vi"),
        ("Pani Anna Nowak", "pl"), ("Pan Jan Kowalski", "pl"), ("Ibu Sri Mulyani", "id"),
    ],
)
def test_names_whose_first_word_is_also_a_stop_word_stay_names(name, language):
    """Name syllables ("Lei": Italian "she"), names of some locale ("Lang") and
    honorifics before a given name ("Pani": Polish "Mrs") are stop words too."""
    from innercircle.extract.name_shape import looks_like_person_name

    assert looks_like_person_name(name, (language,))


def test_an_initials_byline_in_a_byline_block_after_a_by_label():
    body = (
        "<h1>A story</h1><div data-testid='prism-byline'><span>By</span><span>"
        "<a href='/about/newsteam/x'>K.L. Table</a></span></div>" + TEXT
    )
    assert authors(page(body)) == ["K.L. Table"]


def test_the_site_is_known_by_its_declared_address_when_served_from_another():
    head = (
        '<meta property="og:url" content="https://www.nordstadtkurier.example/a/1">'
        '<meta name="author" content="Nordstadt Kurier">'
    )
    html = page("<h1>A story</h1>" + TEXT, head)
    assert authors(html, "http://127.0.0.9:8000/a/1") == []


def test_a_byline_inside_a_teaser_card_link_is_the_other_articles():
    teaser = (
        "<ul><li><a href='/2024/05/02/other.html'><h3>Another story entirely</h3>"
        "<p>What happened elsewhere, in a sentence or two of summary.</p>"
        "<h6>By Orla Penhallow</h6></a></li></ul>"
    )
    assert authors(page("<h1>A story</h1>" + TEXT + teaser)) == []
    byline = "<p class='byline'>By <a href='/people/tamsin'>Tamsin Quillfeather</a></p>"
    assert authors(page("<h1>A story</h1>" + byline + TEXT + teaser)) == ["Tamsin Quillfeather"]


def _blog_post(title: str, author: str) -> str:
    return (
        f"<div class='post hentry'><h3 class='entry-title'>{title}</h3>{TEXT}"
        f"<div class='post-footer'><span class='post-author vcard'>Posted by "
        f"<span class='fn'>{author}</span></span></div></div>"
    )


def test_the_pages_one_entry_is_the_article_inside_a_block_classed_widget():
    # A blog platform names every section a widget, the main column too.
    body = "<div class='widget Blog'>" + _blog_post("A story", "Orla Penhallow") + "</div>"
    assert authors(page(body)) == ["Orla Penhallow"]


def test_the_one_blog_post_is_the_article_when_the_blogs_name_is_the_h1():
    # The blog's name is the page's <h1>, the post's title an hAtom entry-title below it.
    post = _blog_post("A story", "Orla Penhallow")
    assert authors(page(f"<h1>Orla's Notebook</h1><div class='widget Blog'>{post}</div>")) == [
        "Orla Penhallow"
    ]


def test_entries_in_a_widget_of_a_listing_stay_out():
    posts = _blog_post("A story", "Orla Penhallow") + _blog_post("Another", "Tamsin Quillfeather")
    assert authors(page("<h1>Recent posts</h1><div class='widget'>" + posts + "</div>")) == []


@pytest.mark.parametrize("code, expected", [("TQ", []), ("T. Q.", []), ("Li Wu", ["Li Wu"])])
def test_an_editors_initials_alone_are_no_author(code, expected):
    body = f"<h1>A story</h1><p class='byline'>By <a href='/author/tq/'>{code}</a></p>" + TEXT
    assert authors(page(body)) == expected


def test_a_page_naming_no_author_gets_none_whatever_names_its_text_holds():
    body = (
        "<h1>A story</h1><div class='text'>"
        + TEXT
        + "<p>More on <a href='/autoren/tamsin-quellbruenn-6841'>Tamsin Quellbrünn</a>, "
        "said Orla Penhallow.</p>"
        + TEXT
        + "</div>"
    )
    assert authors(page(body, lang="de")) == []


def test_a_writer_signing_below_the_text_is_its_author():
    # The weakest evidence, read only when nothing above the text names anyone.
    body = "<h1>A story</h1><div class='text'>" + TEXT + TEXT
    signed = body + "<p><b><i>Orla Penhallow</i></b></p></div>"
    assert authors(page(signed, lang="de")) == ["Orla Penhallow"]
    byline = "<p class='byline'>By <a href='/people/tamsin'>Tamsin Quillfeather</a></p>"
    signed_and_bylined = signed.replace("<h1>A story</h1>", "<h1>A story</h1>" + byline)
    assert authors(page(signed_and_bylined, lang="de")) == ["Tamsin Quillfeather"]


@pytest.mark.parametrize("block", ["author-info", "author-box", "author-info-block"])
def test_an_author_info_block_under_the_headline_is_the_byline(block):
    body = (
        f"<h1>A story</h1><div class='{block}'><a href='/bio?id=8'>Orla Penhallow</a>"
        "<span>News</span></div>" + TEXT
    )
    assert authors(page(body)) == ["Orla Penhallow"]


@pytest.mark.parametrize(
    "byline, expected",
    [
        ("Quellmark Deutschland", []),  # the site's own name and its edition
        ("Orla Penhallow", ["Orla Penhallow"]),
    ],
)
def test_a_byline_opening_with_the_sites_name_is_the_site(byline, expected):
    body = f"<h1>A story</h1><div class='author-info'>{byline}</div>" + TEXT
    assert authors(page(body), url="https://www.quellmark.de/projekte/1") == expected


def test_a_child_named_by_data_testid_holds_the_name_in_a_byline_block():
    # The block's whole text runs the name into its role; the child named "…name" is the name.
    body = (
        "<h1>A story</h1>" + TEXT + "<div class='byline'>"
        "<span data-testid='author-name'>Ossian Brandt</span> "
        "<span data-testid='author-role'>Energy desk, Berlin</span></div>"
    )
    assert authors(page(body)) == ["Ossian Brandt"]


def test_a_post_classed_with_its_writers_slug_is_no_byline_block():
    # Blog platforms class every post "author-<slug>"; the post holds its headline, its
    # text and its links, and only the byline inside it names the writer.
    body = (
        "<div class='site-title'>Example travel blog</div>"
        "<article class='entry hentry author-orla-penhallow tag-coast'>"
        "<h2 class='entry-title'>A week by the sea</h2>"
        "<div class='meta'><span class='author'><a href='/?author=17'>Orla Penhallow</a>"
        "</span></div>" + TEXT + "<p>We stayed at the <a href='https://hotel.example/'>Harbour"
        " View Hotel</a> and ate at <a href='https://fish.example/'>Tamsin Quellbrunn</a>'s.</p>"
        "</article>"
    )
    assert authors(page(body)) == ["Orla Penhallow"]


def test_the_name_a_byline_block_marks_wins_over_its_other_links():
    # The block's pop-up lists the writer's latest stories: links, but not names.
    block = (
        "<div class='story-author'><p class='author-name'>By <a href='/author/orla-penhallow'>"
        "Orla Penhallow</a></p><div class='author-popup'><p>Latest:</p>"
        "<a href='/2024/04/02/duet.html'>Tamsin Quellbrunn and Orrin Vale</a></div></div>"
    )
    assert authors(page("<h1>A story</h1>" + block + TEXT)) == ["Orla Penhallow"]


def test_first_and_last_name_parts_of_one_name_are_not_more_writers():
    block = (
        "<div class='byline'><address class='name'><a href='mailto:orla@news.example.com'>"
        "<span class='hidden-name'>Orla Penhallow</span>\n<span class='firstname'>Orla</span> "
        "<span class='lastname'>Penhallow</span></a></address></div>"
    )
    html = page("<h1>A story</h1>" + block + TEXT)
    assert [b.name for b in extract_page(html, URL).authors] == ["Orla Penhallow"]


@pytest.mark.parametrize(
    "line, lang, expected",
    [
        # A weekday's abbreviation before the date is the date's, not a third name.
        ("Von Tamsin Quellbrunn Fr, 30. August 2019", "de", ["Tamsin Quellbrunn"]),
        # Two texts glued without a space: the name, then the writer's role.
        ("By Orrin ValemoreBusiness reporter", "en", ["Orrin Valemore"]),
        ("By Orla PenhallowLifestyle writer", "en", ["Orla Penhallow"]),
        # A name credited in brackets with the pictures did not write the piece.
        ("by Orla Penhallow (reporting) and Orrin Vale (photography)", "en", ["Orla Penhallow"]),
        # ... and only that name: the writer before "and" stays.
        ("Orla Penhallow and Orrin Vale (photography)", "en", ["Orla Penhallow"]),
        ("By Orla Penhallow and Orrin Vale (Illustration)", "en", ["Orla Penhallow"]),
        ("Von Tamsin Quellbrunn und Orrin Vale (Fotos)", "de", ["Tamsin Quellbrunn"]),
        # The credit never runs across a conjunction the byline splitter knows (Swedish).
        ("Tamsin Quellbrunn och Orrin Vale (foto)", "sv", ["Tamsin Quellbrunn"]),
        # "von" after a given name is part of the name, not the label "by".
        ("Christoph von Quellbrunn", "de", ["Christoph von Quellbrunn"]),
    ],
)
def test_a_by_line_reads_the_writers_name_and_nothing_glued_to_it(line, lang, expected):
    body = f"<h1>A story</h1><p class='byline'>{line}</p>" + TEXT
    assert authors(page(body, lang=lang)) == expected


def test_an_outlet_glued_to_the_name_is_not_split_into_a_name_of_its_own():
    # Only a role after the seam splits it ("ValemoreBusiness reporter" above).
    body = "<h1>A story</h1><p class='byline'>By Orla Penhallow MarketWatch</p>" + TEXT
    names = authors(page(body))
    assert "Watch" not in names and "Orla Penhallow Market" not in names, names


def test_a_one_word_account_name_in_humps_stays_whole():
    body = "<h1>A story</h1><p>Posted by KleineGrueneMonster</p>" + TEXT
    assert [b.name for b in extract_page(page(body, lang="de"), URL).authors] == [
        "KleineGrueneMonster"
    ]


@pytest.mark.parametrize(
    "name, url",
    [
        ("<a href='/staff/orla-penhallow/'><span class='author-name'>Orla Penhallow</span></a>",
         "https://news.example.com/staff/orla-penhallow/"),
        ("<span class='author-name'><a href='mailto:orla@news.example.com'>Orla Penhallow</a>"
         "</span>", None),
    ],
)
def test_a_name_in_a_byline_block_keeps_the_link_to_its_writers_page(name, url):
    html = page(f"<h1>A story</h1><div class='byline'>{name}</div>" + TEXT)
    assert [(b.name, b.url) for b in extract_page(html, URL).authors] == [("Orla Penhallow", url)]
