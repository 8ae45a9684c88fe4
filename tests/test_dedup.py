"""Near-duplicate detection: one story reposted on several sites is one cluster."""

from datetime import datetime, timedelta

from innercircle.dedup import Doc, cluster_documents, cluster_rows, shingles, signature, similarity

STORY = (
    "Grid operators in three states signed contracts for four gigawatt hours of storage this "
    "week, the largest order so far. Ada Broad, who runs the storage practice at a utility, "
    "said the price per kilowatt hour fell by a third in eighteen months. Regulators still "
    "have to approve the interconnection queue reforms that make the projects bankable."
)
OTHER = (
    "Heat pump sales overtook gas boilers for the first year in the northern markets, driven "
    "by rebates and a cold winter. Installers say the bottleneck is now trained staff rather "
    "than equipment, and several trade schools have doubled their apprenticeship places."
)
T0 = datetime(2025, 3, 1)


def test_a_reposted_story_is_one_cluster_named_after_the_earliest_copy():
    docs = [
        Doc(
            "copy-b",
            STORY + " This story originally appeared on Grid Weekly.",
            T0 + timedelta(hours=7),
        ),
        Doc("original", STORY, T0),
        Doc("copy-c", "Reposted. " + STORY, T0 + timedelta(hours=14)),
        Doc("unrelated", OTHER, T0),
    ]
    clusters = cluster_documents(docs)
    assert clusters == {
        "original": "original",
        "copy-b": "original",
        "copy-c": "original",
        "unrelated": "unrelated",
    }
    rows = {r["doc_id"]: r for r in cluster_rows(docs)}
    assert rows["original"]["canonical"] and not rows["copy-b"]["canonical"]
    assert rows["copy-c"]["cluster_size"] == 3 and rows["unrelated"]["cluster_size"] == 1


def test_the_result_does_not_depend_on_input_order():
    docs = [Doc(f"d{i}", STORY, T0) for i in range(5)] + [Doc("x", OTHER, T0)]
    assert cluster_documents(docs) == cluster_documents(list(reversed(docs)))
    assert set(cluster_documents(docs).values()) == {"d0", "x"}  # same date: smallest id


def test_two_stories_built_from_the_same_phrases_stay_apart():
    a = "Analysts at a bank expect real-time payments volumes to double by next year. " + STORY
    b = "Analysts at a bank expect real-time payments volumes to double by next year. " + OTHER
    assert similarity(signature(shingles(a)), signature(shingles(b))) < 0.5
    assert cluster_documents([Doc("a", a, T0), Doc("b", b, T0)]) == {"a": "a", "b": "b"}


def test_short_texts_are_never_merged():
    docs = [Doc("a", "Jane Doe is a partner.", T0), Doc("b", "Jane Doe is a partner.", T0)]
    assert cluster_documents(docs) == {"a": "a", "b": "b"}
