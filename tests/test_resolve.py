"""Name variants resolve to one person; different people who share a surname stay apart."""

from innercircle.resolve import AliasStats, NameContext, non_person_reason, resolve_names


def stats(key: str, display: str, docs: int = 1) -> AliasStats:
    return AliasStats(key=key, display=display, mentions=docs, documents=docs)


def names_by_key(resolution) -> dict[str, str]:
    return {k: resolution.people[a.person_id].name for k, a in resolution.aliases.items()}


def test_honorific_and_middle_initial_variants_are_one_person():
    r = resolve_names(
        [
            stats("jane q doe", "Jane Q. Doe", 2),
            stats("jane doe", "Jane Doe", 5),
            stats("doe", "Doe"),
        ]
    )
    assert len(r.people) == 1
    assert set(names_by_key(r).values()) == {"Jane Doe"}
    # A bare surname no longer joins across documents (it did, by rule surname_unique):
    # only extraction joins it, inside a document that names the person in full.
    assert "doe" in r.unresolved and "doe" not in r.aliases


def test_people_sharing_a_surname_stay_apart_and_the_bare_surname_is_unresolved():
    r = resolve_names(
        [
            stats("maria chen", "Maria Chen"),
            stats("david chen", "David Chen"),
            stats("chen", "Chen"),
        ]
    )
    assert len(r.people) == 2
    assert "chen" in r.unresolved
    assert "chen" not in r.aliases


def test_nickname_and_initial_join_the_formal_name_when_it_is_seen():
    r = resolve_names(
        [
            stats("robert kim", "Robert Kim", 3),
            stats("bob kim", "Bob Kim"),
            stats("r kim", "R. Kim"),
        ]
    )
    assert len(r.people) == 1
    person = next(iter(r.people.values()))
    assert person.name == "Robert Kim"
    assert r.aliases["bob kim"].rule == "nickname"
    assert r.aliases["r kim"].rule == "initial"


def test_a_nickname_alone_is_not_turned_into_a_formal_name():
    r = resolve_names([stats("bob lee", "Bob Lee")])
    assert [p.name for p in r.people.values()] == ["Bob Lee"]


def test_conflicting_middle_initials_are_different_people():
    r = resolve_names(
        [
            stats("john a smith", "John A. Smith", 3),
            stats("john b smith", "John B. Smith", 1),
            stats("john smith", "John Smith"),
        ]
    )
    assert len(r.people) == 2
    assert r.aliases["john smith"].person_id == r.aliases["john a smith"].person_id


def test_an_initial_that_fits_two_people_is_left_unresolved():
    r = resolve_names(
        [
            stats("robert kim", "Robert Kim"),
            stats("rachel kim", "Rachel Kim"),
            stats("r kim", "R. Kim"),
        ]
    )
    assert "r kim" in r.unresolved


def test_initials_join_only_a_name_that_writes_every_one_of_them():
    """"H.-X. Lin" (a biologist) is not "Hank Lin" (a case designer): the second initial
    is a name Hank Lin's forms never write. "T. J. Jones" joins "Thad J. Jones"."""
    r = resolve_names(
        [
            stats("hank lin", "Hank Lin", 3),
            stats("h x lin", "H.-X. Lin"),
            stats("thad j jones", "Thad J. Jones", 2),
            stats("t j jones", "T. J. Jones"),
            stats("h lin", "H. Lin"),
        ]
    )
    assert "h x lin" in r.unresolved
    assert r.aliases["t j jones"].person_id == r.aliases["thad j jones"].person_id
    assert r.aliases["h lin"].person_id == r.aliases["hank lin"].person_id


def test_person_ids_are_stable_across_runs_even_when_the_display_form_changes():
    first = resolve_names([stats("jane doe", "Jane Doe", 2)])
    (pid,) = first.people
    previous = {k: a.person_id for k, a in first.aliases.items()}
    # Next night a fuller form becomes the best attested one.
    second = resolve_names(
        [stats("jane doe", "Jane Doe", 2), stats("jane q doe", "Jane Q. Doe", 9)], previous
    )
    assert list(second.people) == [pid]
    # And a run from scratch is deterministic.
    assert resolve_names([stats("jane doe", "Jane Doe", 2)]).people.keys() == first.people.keys()


def test_a_shared_profile_link_joins_two_name_groups_and_keeps_one_id():
    forms = [stats("maria chen", "Maria Chen", 4), stats("maria chen lopez", "Maria Chen Lopez", 2)]
    assert len(resolve_names(forms).people) == 2  # different surnames, no evidence: apart
    profiles = {
        "maria chen": ["https://mastodon.example/@mchen"],
        "maria chen lopez": ["https://mastodon.example/@mchen/"],
    }
    r = resolve_names(forms, profiles=profiles)
    assert len(r.people) == 1
    assert r.aliases["maria chen lopez"].rule == "profile"
    (pid,) = r.people
    previous = {k: a.person_id for k, a in r.aliases.items()}
    again = resolve_names([*forms, stats("chen", "Chen")], previous, profiles)
    assert list(again.people) == [pid]


def test_different_profile_links_do_not_merge_people_who_share_a_surname():
    profiles = {
        "maria chen": ["https://mastodon.example/@maria"],
        "david chen": ["https://mastodon.example/@david"],
    }
    r = resolve_names(
        [stats("maria chen", "Maria Chen"), stats("david chen", "David Chen")], profiles=profiles
    )
    assert len(r.people) == 2


def org_context(display: str, sentences, authored: int = 0) -> NameContext:
    key = display.lower().replace("&", "and")
    return NameContext(
        key=key,
        display=display,
        authored=authored,
        sentences=[(display, s, quoted) for s, quoted in sentences],
    )


def test_names_the_text_treats_as_organisations_are_kept_out():
    fenwick = org_context(
        "Fenwick Hale",
        [
            ("Analysts at Fenwick Hale expect heat pumps volumes to double by next year.", False),
            ("Fenwick Hale declined to comment on its plans for offshore wind.", False),
            # extraction flags "according to" as a quote; the organisation cue wins
            ("According to a note from Fenwick Hale, adoption is ahead of schedule.", True),
        ],
    )
    assert non_person_reason(fenwick) == "organisation context"
    assert non_person_reason(org_context("Acme Capital", [])) == "organisation word"
    assert non_person_reason(org_context("Ernst & Young", [])) == "organisation word"


def test_people_named_in_business_context_stay_people():
    quoted = org_context(
        "Ada Broad",
        [
            ("A report from Ada Broad put the market at 9 billion dollars.", False),
            ("Analysts at Ada Broad expect growth.", False),
            ("\u201cIt will double,\u201d said Ada Broad.", True),
            ("Ada Broad, a partner at the fund, sees it differently.", False),
        ],
    )
    assert non_person_reason(quoted) is None
    writer = org_context(
        "Hale Writer", [("A note from Hale Writer on its plans.", False)] * 3, authored=2
    )
    assert non_person_reason(writer) is None
    # surnames that are also words for places stay people
    assert non_person_reason(org_context("Ines Park", [])) is None
    assert non_person_reason(org_context("Doris Day", [])) is None
