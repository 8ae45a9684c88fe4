"""Feed author fields, as real feeds write them."""

import pytest

from innercircle.extract.bylines import entry_authors, parse_author_field


def names(raw):
    return [(b.name, b.kind) for b in parse_author_field(raw)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jane@example.com (Jane Doe)", [("Jane Doe", "person")]),
        ("Jane Doe <jane@example.com>", [("Jane Doe", "person")]),
        ("Ann Lee, Bob Ray and Cy Young",
         [("Ann Lee", "person"), ("Bob Ray", "person"), ("Cy Young", "person")]),
        ("Ann Lee & Bob Ray", [("Ann Lee", "person"), ("Bob Ray", "person")]),
        ("Ann Lee; Bob Ray", [("Ann Lee", "person"), ("Bob Ray", "person")]),
        ("Lee, A. B., Ray, C.", [("A. B. Lee", "person"), ("C. Ray", "person")]),
        ("Li, Z., Ma, L.", [("Z. Li", "person"), ("L. Ma", "person")]),
        # A surname in capitals is a surname, not a run of initials ("LAP" "ALU").
        ("LAPALU, N., SIMON, A., Lu, A., Plaumann, P.-L.",
         [("N. Lapalu", "person"), ("A. Simon", "person"), ("A. Lu", "person"),
          ("P.-L. Plaumann", "person")]),
        # ... however short: dotted initials after the comma make "LI" and "KIM" surnames,
        # and "Y." is an initial, not the Spanish "y" ("MA" opening a pair is no degree).
        ("LI, N., WU, J., SIMON, A.",
         [("N. Li", "person"), ("J. Wu", "person"), ("A. Simon", "person")]),
        ("KIM, J. H., LEE, S.", [("J. H. Kim", "person"), ("S. Lee", "person")]),
        ("LI, N.; MA, Y.", [("N. Li", "person"), ("Y. Ma", "person")]),
        ("Jane Doe, MA", [("Jane Doe", "person")]),
        ("Doe, Jane", [("Jane Doe", "person")]),
        ("Doe, Jane Q.", [("Jane Q. Doe", "person")]),
        # Dutch and German sorted forms move the surname's particle behind the given name.
        ("Jong, Michiel de", [("Michiel de Jong", "person")]),
        ("Jane Doe, CNN", [("Jane Doe", "person"), ("CNN", "organisation")]),
        # ... while a longer list keeps its two-word surnames ("Le Roux, JJ").
        ("Le Roux, JJ, Smith, AB", [("JJ Le Roux", "person"), ("AB Smith", "person")]),
        # A forum's user names: letters and digits in one word are an account, not a firm.
        ("c1ph4", [("c1ph4", "handle")]),
        ("Bo2man", [("Bo2man", "handle")]),
        ("WDR2", [("WDR2", "organisation")]),
        ("/u/some_user", [("u/some_user", "handle")]),
        ("@someone", [("@someone", "handle")]),
        ("Associated Press", [("Associated Press", "organisation")]),
        ("HDblog.it", [("HDblog.it", "organisation")]),  # a site's name ...
        ("J.Smith", [("J.Smith", "person")]),  # ... but not initials glued to a surname
        ("John St.Clair", [("John St.Clair", "person")]),
        ("Reuters Staff", [("Reuters Staff", "organisation")]),
        ("DealPost Team", [("DealPost Team", "organisation")]),
        ("Editorial Board", [("Editorial Board", "organisation")]),
        ("Acme Media GmbH & Co KG", [("Acme Media GmbH & Co KG", "organisation")]),
        ("Tom Hart in New York", [("Tom Hart", "person")]),
        ("Ann Lee Environment editor", [("Ann Lee", "person")]),
        ("Ann Lee, Senior Reporter", [("Ann Lee", "person")]),
        ("Klaas Berg, Tom Weg und Jan Lund",
         [("Klaas Berg", "person"), ("Tom Weg", "person"), ("Jan Lund", "person")]),
        ('Ann "Annie Mae" Lee', [("Ann Annie Mae Lee", "person")]),
    ],
)
def test_parse_author_field(raw, expected):
    assert names(raw) == expected


@pytest.mark.parametrize(
    "raw", ["noreply@blogger.com", "admin", "unknown", "", "   ", "https://example.com/me",
            "info@example.org (info@example.org)"],
)
def test_placeholders_dropped(raw):
    assert parse_author_field(raw) == []


def test_email_is_kept_with_the_name():
    [b] = parse_author_field("jane@example.com (Jane Doe)")
    assert b.email == "jane@example.com"


def test_entry_authors_falls_back_to_feed_level():
    assert [b.name for b in entry_authors([], ["Feed Owner"])] == ["Feed Owner"]
    assert [b.name for b in entry_authors(["Ann Lee"], ["Feed Owner"])] == ["Ann Lee"]
    assert [b.name for b in entry_authors(["noreply@blogger.com"], ["Feed Owner"])] == [
        "Feed Owner"
    ]
    assert [b.name for b in entry_authors(["Ann Lee", "Ann Lee"], [])] == ["Ann Lee"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lifestyle writer", []),  # a role where the name should be
        ("Senior Reporter", []),
        ("Jonathan Head", [("Jonathan Head", "person")]),  # a surname that is a job word
    ],
)
def test_a_role_alone_names_no_one(raw, expected):
    assert names(raw) == expected
