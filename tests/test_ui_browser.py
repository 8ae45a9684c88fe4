"""The Dagster UI, in a real browser: after a nightly run into a temporary warehouse,
Dagster's webserver (what `make dev` serves) shows the instance that recorded it, and
headless Chromium finds the asset graph, the checks' results and the top-voices preview
where a user would look.

Screenshots are kept in ``artifacts/ui/`` (git-ignored). Needs a Chromium binary
(Debian: ``apt-get install chromium``); skipped without one.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from innercircle import warehouse
from pipelines.definitions import ALL_ASSETS, ASSET_KEYS
from tests.ui_driver import Browser, dagster_webserver, find_chromium

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "ui"
CHROMIUM = find_chromium()
ASSET_NAMES = [k.to_user_string() for k in ASSET_KEYS]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow(seconds=45),
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium on PATH (Debian: apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def nightly_run(sample_run, tmp_path_factory):
    """The session's nightly run against the sample web, in a copy of its DAGSTER_HOME
    (the repository's dagster.yaml and the run's events): what `make dev` would show after
    a night. A copy, because the webserver writes into its home while other test workers
    read the shared run's events."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # no screenshot left from an earlier run
    home = tmp_path_factory.mktemp("ui") / "dagster_home"
    shutil.copytree(sample_run.dagster_home, home)
    checks = defaultdict(dict)  # asset -> {check name: passed}
    for evaluation in sample_run.result.get_asset_check_evaluations():
        checks[evaluation.asset_key.to_user_string()][evaluation.check_name] = evaluation.passed
    assert {"recurring_voices", "mentions", "feeds", "articles"} <= set(checks), checks
    return {**sample_run.env, "DAGSTER_HOME": str(home)}, dict(checks)


@pytest.fixture(scope="module")
def ui(nightly_run) -> str:
    """Dagster's webserver over that instance; stopped, with its whole process group,
    when the module's tests are done."""
    env, _ = nightly_run
    log = Path(env["DAGSTER_HOME"]) / "dagster-webserver.log"
    with dagster_webserver(ROOT, env, log) as url:
        yield url


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One headless Chromium for the module's tests (each start took ~0.5 s and a second
    of CPU, and its cache keeps the UI's scripts compiled from one test to the next).
    Started once more, with a fresh profile, if the first start never shows a page: once,
    under the whole suite's load, Chromium's zygote died before its first page (2026-12-07),
    and the module's four tests all erred on that one start."""
    for attempt in (1, 2):
        browser = Browser(CHROMIUM, tmp_path_factory.mktemp("chromium") / "profile",
                          failure_dir=ARTIFACTS)
        try:
            browser.__enter__()  # closes what it started when it fails
            break
        except (TimeoutError, RuntimeError):
            if attempt == 2:
                raise
    try:
        yield browser
    finally:
        browser.__exit__(None, None, None)


@pytest.fixture
def browser(chromium):
    """The module's Chromium, on a blank page of its default size at each test's start."""
    chromium.goto("about:blank")
    chromium.set_viewport(*Browser.DEFAULT_SIZE)
    return chromium


def blocks(text: str, names: list[str]) -> dict[str, str]:
    """Split a page's text into the part that follows each name (up to the next name)."""
    starts = sorted((text.rfind(f"\n{name}\n"), name) for name in names)
    return {
        name: text[start : (starts[i + 1][0] if i + 1 < len(starts) else len(text))]
        for i, (start, name) in enumerate(starts)
    }


def test_the_asset_graph_shows_every_asset_materialised_with_its_checks(ui, browser, nightly_run):
    """The global lineage shows the five groups; each group's graph shows every asset in it
    (a table written beside others, too) materialised, with its checks."""
    _, checks = nightly_run
    browser.set_viewport(3400, 1100)
    browser.goto(f"{ui}/asset-groups")
    browser.wait_for_text(
        "Global asset lineage", "crawl", "extraction", "ranking", "profiles", "publish")
    browser.screenshot(ARTIFACTS / "asset-graph.png")

    members = defaultdict(list)  # group -> [(definition, key)]
    for definition in ALL_ASSETS:
        for spec in definition.specs:
            members[spec.group_name].append((definition, spec.key.to_user_string()))
    assert set(members) == {"crawl", "extraction", "ranking", "profiles", "publish"}
    for group, assets in members.items():
        browser.set_viewport(3400, 3400)  # big enough for every node of a group, in full
        browser.goto(f"{ui}/locations/innercircle/asset-groups/{group}")
        text = browser.wait_for_text(
            *(f"\n{name}\n" for _, name in assets), "Materialized",
            absent=("Loading...",), timeout_s=60,
        )
        browser.screenshot(ARTIFACTS / f"asset-graph-{group}.png")
        shown = [n for n in [*ASSET_NAMES, "raw_pages", "feed_entries"] if f"\n{n}\n" in text]
        node = blocks(text, shown)  # each asset's node, as text
        for definition, name in assets:
            assert re.search(r"\nLatest event\n[^\n–]+ ago\n", node[name]), node[name]
            if definition.partitions_def is None:
                assert "\nMaterialized\n" in node[name], node[name]
            else:
                assert re.search(r"\nPartitions\n[^\n]*filled\n", node[name]), node[name]
            if name in checks:
                passed, total = map(int, re.search(r"(\d+) / (\d+) Passed", node[name]).groups())
                assert passed >= sum(checks[name].values()), node[name]
                assert total >= len(checks[name]), node[name]


def test_recurring_voices_shows_its_row_count_and_the_top_voices_preview(ui, browser, nightly_run):
    env, _ = nightly_run
    with warehouse.connect(Path(env["INNERCIRCLE_WAREHOUSE"]), read_only=True) as con:
        rows = warehouse.row_count(con, "recurring_voices")
        leaders = con.execute(
            "SELECT industry, name FROM recurring_voices WHERE rank = 1 ORDER BY industry"
        ).fetchall()
    assert rows > 0 and leaders

    browser.set_viewport(1600, 2400)  # tall enough for the whole preview
    browser.goto(f"{ui}/assets/recurring_voices")
    text = browser.wait_for_text(
        "Latest materialization", "Latest check results", "Row count", "top_voices"
    )
    assert re.search(rf"\nRow count\n{rows:,}\n", text), text

    browser.click("[Show Markdown]")
    header = "rank\tname\tscore\tbeats\tlatest piece\twhy"
    preview = browser.wait_for_text(*(name for _, name in leaders), header)
    browser.screenshot(ARTIFACTS / "recurring-voices-top-voices.png")
    for industry, name in leaders:
        assert re.search(rf"{industry}\n{header}\n1\t{re.escape(name)}\t", preview), (
            industry,
            name,
        )
    assert "carried by" in preview  # the score explained in words


def test_a_table_written_beside_others_is_an_asset_with_its_columns_and_row_count(
    ui, browser, nightly_run
):
    """``person_aliases`` is written by the ``people`` step with four other tables; it has
    its own page: the DDL's description and columns, and its own row count."""
    env, _ = nightly_run
    with warehouse.connect(Path(env["INNERCIRCLE_WAREHOUSE"]), read_only=True) as con:
        rows = warehouse.row_count(con, "person_aliases")
    assert rows > 0
    browser.set_viewport(1600, 2400)
    browser.goto(f"{ui}/assets/person_aliases")
    text = browser.wait_for_text(
        "Latest materialization", "Row count", "Every surface form", "alias_key", "rule"
    )
    browser.screenshot(ARTIFACTS / "person-aliases.png")
    assert re.search(rf"\nRow count\n{rows:,}\n", text), text


def test_each_asset_lists_its_checks_with_the_result_of_the_run(ui, browser, nightly_run):
    _, checks = nightly_run
    for asset, results in checks.items():
        browser.goto(f"{ui}/assets/{asset}?view=checks")
        # The list on the left: each check's full name, then its latest status (a WARN
        # check that did not pass is "Failed" too, with a warning icon).
        browser.wait_for_text(
            "Checks (",
            *(f"\n{check}\n{'Succeeded' if ok else 'Failed'}\n" for check, ok in results.items()),
        )
        browser.screenshot(ARTIFACTS / f"{asset}-checks.png")
