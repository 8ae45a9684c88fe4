"""The nightly HTML report, in a real browser: headless Chromium opens the page the
sample-web run wrote (from disk, offline), the table of voices renders, and the
rank-over-time charts once there is a second snapshot; at 420 px nothing runs off the page
sideways; nothing is fetched from the network, and no error reaches the console.

The screenshot is left in ``artifacts/report/`` (git-ignored, like the UI test's: a test run
changes no tracked file). Needs a Chromium binary
(Debian: ``apt-get install chromium``); skipped without one.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.ui_driver import Browser, find_chromium

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "report"
CHROMIUM = find_chromium()

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium on PATH (Debian: apt-get install chromium)"
    ),
]


class RecordingBrowser(Browser):
    """A :class:`Browser` that keeps the console errors, uncaught exceptions and network
    requests it sees go by (the driver's ``call`` skips events)."""

    def __enter__(self) -> RecordingBrowser:
        self.events: list[dict] = []
        super().__enter__()
        self.call("Log.enable")
        self.call("Network.enable")
        return self

    def call(self, method: str, timeout_s: float = 30.0, **params) -> dict:
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout_s
        while True:
            reply = json.loads(self._ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def errors(self) -> list[dict]:
        return [
            e for e in self.events
            if e["method"] == "Runtime.exceptionThrown"
            or (e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
            or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
        ]

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"]


def test_the_report_renders_offline_with_its_table_and_charts(sample_run, tmp_path):
    first_run = sample_run.warehouse.parent / "reports" / "fintech.html"
    assert first_run.exists()
    later = _report_after_a_second_snapshot(sample_run, tmp_path)
    with RecordingBrowser(CHROMIUM, tmp_path / "chromium-profile") as browser:
        browser.set_viewport(1500, 1100)
        # The sample run is a first run without a focus: no chart of a lone dot, no column
        # of dashes, and no "none" newcomers that would read as "nothing changed".
        text = _open(browser, first_run)
        assert "First run: nothing to compare yet" in text and "No focus stated" in text
        assert _count(browser, "#voices tbody tr") > 0 and _count(browser, "svg.spark") == 0
        assert "Relevance" not in _headers(browser) and "Beats" in _headers(browser)
        # The sample web's ranking is of a past day: the page says which, beside "generated".
        assert "from the evidence published up to 20" in text
        # One snapshot later, every voice has its chart.
        _open(browser, later)
        rows = _count(browser, "#voices tbody tr")
        charts = browser.evaluate(
            "[...document.querySelectorAll('#voices svg.spark')]"
            ".filter(s => s.getBoundingClientRect().width > 0).length")
        drawn = browser.evaluate(
            "[...document.querySelectorAll('#voices svg.spark circle')]"
            ".filter(c => c.getBoundingClientRect().height > 0).length")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.screenshot(ARTIFACTS / "fintech-report.png")
        # On a phone each voice is a card: nothing runs off the page sideways.
        browser.set_viewport(420, 900)
        _open(browser, later)
        assert browser.evaluate("document.documentElement.scrollWidth") <= 420
        assert browser.evaluate(
            "getComputedStyle(document.querySelector('#voices thead')).display") == "none"
        browser.screenshot(ARTIFACTS / "fintech-report-420px.png")
        errors = browser.errors()
        requests = browser.requests()
    assert rows > 0 and charts == rows and drawn == rows
    assert not errors, errors
    # The pages themselves were loaded, and nothing came from the web.
    assert requests and all(u.startswith("file://") for u in requests), requests


def _report_after_a_second_snapshot(sample_run, tmp_path: Path) -> Path:
    """The fintech report as the next night would write it, had every voice been ranked a
    week before too (written from a copy of the sample run's warehouse)."""
    import shutil
    from datetime import datetime

    from innercircle import warehouse
    from innercircle.report import write_reports

    copy = tmp_path / "innercircle.duckdb"
    shutil.copy(sample_run.warehouse, copy)
    with warehouse.connect(copy) as con:
        con.execute("""INSERT INTO voice_history BY NAME
                       SELECT snapshot_date - 7 AS snapshot_date, industry, person_id,
                              rank + 1 AS rank, score, name FROM voice_history""")
        write_reports(con, ["fintech"], tmp_path / "reports", datetime(2026, 1, 1))
    return tmp_path / "reports" / "fintech.html"


def _open(browser: RecordingBrowser, page: Path) -> str:
    """Load ``page`` and wait until it is whole; its text."""
    browser.goto(page.as_uri())
    browser.wait_for_text("inner circle", "Ranked voices", "Newcomers")
    # The headings show while the page is still being read: count once it is whole (a
    # loaded machine counted 17 rows, then 77 charts).
    deadline = time.monotonic() + 30
    while browser.evaluate("document.readyState") != "complete":
        assert time.monotonic() < deadline, "the report never finished loading"
        time.sleep(0.1)
    return browser.text()


def _count(browser: RecordingBrowser, selector: str) -> int:
    return browser.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")


def _headers(browser: RecordingBrowser) -> list[str]:
    return browser.evaluate("[...document.querySelectorAll('#voices th')].map(t => t.textContent)")
