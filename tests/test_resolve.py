"""Name variants resolve to one person; different people who share a surname stay apart."""

from innercircle.resolve import AliasStats, resolve_names


def stats(key: str, display: str, docs: int = 1) -> AliasStats:
    return AliasStats(key=key, display=display, mentions=docs, documents=docs)


def names_by_key(resolution) -> dict[str, str]:
    return {k: resolution.people[a.person_id].name for k, a in resolution.aliases.items()}


def test_honorific_middle_initial_and_surname_variants_are_one_person():
    r = resolve_names([stats("jane q doe", "Jane Q. Doe", 2), stats("jane doe", "Jane Doe", 5),
                       stats("doe", "Doe")])
    assert len(r.people) == 1
    assert set(names_by_key(r).values()) == {"Jane Doe"}


def test_people_sharing_a_surname_stay_apart_and_the_bare_surname_is_unresolved():
    r = resolve_names([stats("maria chen", "Maria Chen"), stats("david chen", "David Chen"),
                       stats("chen", "Chen")])
    assert len(r.people) == 2
    assert "chen" in r.unresolved
    assert "chen" not in r.aliases


def test_nickname_and_initial_join_the_formal_name_when_it_is_seen():
    r = resolve_names([stats("robert kim", "Robert Kim", 3), stats("bob kim", "Bob Kim"),
                       stats("r kim", "R. Kim")])
    assert len(r.people) == 1
    person = next(iter(r.people.values()))
    assert person.name == "Robert Kim"
    assert r.aliases["bob kim"].rule == "nickname"
    assert r.aliases["r kim"].rule == "initial"


def test_a_nickname_alone_is_not_turned_into_a_formal_name():
    r = resolve_names([stats("bob lee", "Bob Lee")])
    assert [p.name for p in r.people.values()] == ["Bob Lee"]


def test_conflicting_middle_initials_are_different_people():
    r = resolve_names([stats("john a smith", "John A. Smith", 3),
                       stats("john b smith", "John B. Smith", 1), stats("john smith", "John Smith")])
    assert len(r.people) == 2
    assert r.aliases["john smith"].person_id == r.aliases["john a smith"].person_id


def test_an_initial_that_fits_two_people_is_left_unresolved():
    r = resolve_names([stats("robert kim", "Robert Kim"), stats("rachel kim", "Rachel Kim"),
                       stats("r kim", "R. Kim")])
    assert "r kim" in r.unresolved


def test_person_ids_are_stable_across_runs_even_when_the_display_form_changes():
    first = resolve_names([stats("jane doe", "Jane Doe", 2)])
    (pid,) = first.people
    previous = {k: a.person_id for k, a in first.aliases.items()}
    # Next night a fuller form becomes the best attested one.
    second = resolve_names([stats("jane doe", "Jane Doe", 2), stats("jane q doe", "Jane Q. Doe", 9)],
                           previous)
    assert list(second.people) == [pid]
    # And a run from scratch is deterministic.
    assert resolve_names([stats("jane doe", "Jane Doe", 2)]).people.keys() == first.people.keys()
