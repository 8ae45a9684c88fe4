"""A byline naming the publisher is no author: examples of use of
:mod:`innercircle.extract.publisher_bylines` and of :func:`extract_page`, which applies it."""

from innercircle.extract.page import extract_page
from innercircle.extract.publisher_bylines import names_the_publisher

PAGE = """<html><head><title>{title}</title>{head}</head><body><article>
<h1>Harbour cranes return</h1><p class="byline">By {byline}</p>
<p>The cranes came back to the harbour on Monday after a year away.</p>
</article></body></html>"""


def authors(byline: str, url: str = "https://example.org/a/1", title: str = "Cranes", head=""):
    page = PAGE.format(title=title, head=head, byline=byline)
    return [b.name for b in extract_page(page, url).authors]


def test_part_of_the_sites_name_in_the_title_is_the_publisher():
    title = "Harbour cranes return - Coastal Freight News"
    assert authors("Coastal Freight", title=title) == []
    assert authors("Mara Lindqvist", title=title) == ["Mara Lindqvist"]


def test_the_host_name_inside_a_longer_byline_is_the_publisher():
    assert authors("FC Hafen Kraniche", url="https://hafen-kraniche.de/news/1") == []


def test_the_publisher_in_json_ld_and_a_title_ending_in_double_colons():
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
          '{"@type": "Organization", "name": "Northern Quay Daily"}}</script>')
    assert authors("Northern Quay", head=ld) == []
    assert authors("Tide Table Blog", title="Cranes @ home :: Tide Table Blog ::") == []


def test_a_writer_named_in_the_sites_name_is_still_the_writer():
    # A personal site carries its writer's name: a given name opens the byline.
    assert names_the_publisher("Jane Doe", {"jane doe writes"}) is False
    # One shared word proves nothing; two make the byline part of the name.
    assert names_the_publisher("Freight Coast", {"coastal freight news"}) is False
    assert names_the_publisher("Coastal Freight", {"coastal freight news"}) is True


def test_a_title_ending_in_the_byline_names_the_writer_not_the_publisher():
    # "Headline | by Szczepan Twardoch": the title credits the writer, it is no site name.
    title = "Harbour cranes return | by Szczepan Twardoch"
    assert authors("Szczepan Twardoch", title=title) == ["Szczepan Twardoch"]


def test_a_personal_site_keeps_its_writer_whatever_the_given_name_lists_say():
    # The JSON-LD publisher is a person and two sources name them: the writer, even when
    # the byline holds the site's name and no list knows the given name.
    ld = ('<script type="application/ld+json">{"@type": "BlogPosting", '
          '"author": {"@type": "Person", "name": "Olumide Penhallow"}, '
          '"publisher": {"@type": "Person", "name": "Olumide Penhallow"}}</script>'
          '<meta property="og:site_name" content="Olumide Penhallow">')
    assert authors("Olumide Penhallow", head=ld) == ["Olumide Penhallow"]
