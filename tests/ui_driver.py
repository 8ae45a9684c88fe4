"""Helpers for the browser test of the Dagster UI: Dagster's webserver in its own
process group, and headless Chromium driven over the DevTools protocol.

Chromium is the system's (Debian's ``chromium``); the protocol is spoken over a websocket
with the ``websockets`` package, so no browser download and no WebDriver are needed.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from websockets.sync.client import connect

from tests.processes import process_table

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Headless, and nothing that reaches out to the network by itself.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
)


#: Run a program with SIGINT and SIGTERM at their defaults. A shell's background job starts
#: with SIGINT ignored, and dagster maps SIGTERM onto SIGINT's handler, so without this
#: the webserver would ignore the SIGTERM that stops it.
_EXEC_WITH_DEFAULT_SIGNALS = (
    "import os, signal, sys\n"
    "for sig in (signal.SIGINT, signal.SIGTERM): signal.signal(sig, signal.SIG_DFL)\n"
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def find_chromium() -> str | None:
    """The Chromium binary: ``$CHROMIUM`` if set, else the first of the usual names on PATH."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process_group(proc: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Stop the process group ``proc`` leads: SIGTERM, then SIGKILL for whatever is left."""
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        if _group_gone(proc, wait_s):
            return


def _group_gone(proc: subprocess.Popen, wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while True:
        proc.poll()  # reap the leader, or its zombie keeps the group alive
        if not _runs_in_group(proc.pid):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def _runs_in_group(pgid: int) -> bool:
    """Whether a process of the group still runs. One that exited and waits to be reaped
    (a zombie: once the leader is gone, its children are init's to reap) runs nothing;
    on this machine init reaps them a second or so late, and every stop waited for that."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    if not Path("/proc/self/stat").exists():  # no /proc: only the signal can tell
        return True
    return any(p.group == pgid and p.state != "Z" for p in process_table())


def _tail(path: Path, chars: int = 6000) -> str:
    try:
        return path.read_text("utf-8", errors="replace")[-chars:]
    except OSError as exc:
        return f"(no log: {exc})"


@contextlib.contextmanager
def dagster_webserver(
    cwd: Path, env: Mapping[str, str], log_path: Path, timeout_s: float = 90.0
) -> Iterator[str]:
    """Run Dagster's webserver on 127.0.0.1, over the code location that ``cwd``'s
    pyproject.toml names, as `make dev` serves it, and yield its base URL once it answers.
    The server and its code server are stopped on the way out.

    Without `dagster dev`'s daemon: the tests read a finished run, and the daemon (with a
    code server of its own and its sensors' ticks) doubled the processes' CPU (8.8 s
    against 4.0 s in the first 20 s after the server answered, 2026-12-07)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _EXEC_WITH_DEFAULT_SIGNALS,
            str(Path(sys.executable).parent / "dagster-webserver"),
            *("-h", "127.0.0.1", "-p", str(port)),
        ],
        cwd=cwd,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so all of it can be stopped
    )
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"the webserver exited with {proc.returncode}:\n{_tail(log_path)}")
            if _answers(f"{url}/server_info"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the webserver did not answer on {url} in {timeout_s:.0f}s:\n{_tail(log_path)}"
                )
            time.sleep(0.1)
        yield url
    finally:
        # Briefly: a graceful shutdown takes seconds (its code server winds down), and
        # what it would flush goes to the test's throwaway instance.
        stop_process_group(proc, grace_s=1.0)
        log.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


class Browser:
    """One headless Chromium tab, driven over the Chrome DevTools Protocol."""

    DEFAULT_SIZE = (1600, 1000)

    def __init__(
        self,
        binary: str,
        profile_dir: Path,
        width: int = DEFAULT_SIZE[0],
        height: int = DEFAULT_SIZE[1],
        failure_dir: Path | None = None,
    ):
        self.binary = binary
        self.profile_dir = profile_dir
        self.size = (width, height)
        #: Where a screenshot of the page goes when a wait times out.
        self.failure_dir = failure_dir
        self._ids = itertools.count(1)
        self._proc: subprocess.Popen | None = None
        self._ws = None

    def __enter__(self) -> Browser:
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            [
                self.binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self.profile_dir}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",  # Chromium picks; it writes DevToolsActivePort
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.profile_dir / "chromium.log").open("wb"),
            start_new_session=True,
        )
        try:
            self._ws = connect(self._page_websocket(), max_size=None, open_timeout=30)
            self.call("Page.enable")
            self.call("Runtime.enable")
            self.set_viewport(*self.size)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                self._ws.send(json.dumps({"id": 0, "method": "Browser.close"}))
                self._ws.close()
            self._ws = None
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            stop_process_group(self._proc, grace_s=5.0)  # and any helper left behind
            self._proc = None

    def _page_websocket(self, timeout_s: float = 30.0) -> str:
        active = self.profile_dir / "DevToolsActivePort"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"chromium exited with {self._proc.returncode}:\n"
                    f"{_tail(self.profile_dir / 'chromium.log')}"
                )
            lines = active.read_text().split() if active.exists() else []
            if lines:
                with contextlib.suppress(OSError, ValueError):
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{lines[0]}/json/list", timeout=2
                    ) as resp:
                        pages = [t for t in json.load(resp) if t["type"] == "page"]
                    if pages:
                        return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise TimeoutError(
            f"chromium's DevTools did not come up in {timeout_s:.0f}s:\n"
            f"{_tail(self.profile_dir / 'chromium.log')}"
        )

    def call(self, method: str, timeout_s: float = 30.0, **params) -> dict:
        """Send one DevTools command and return its result (events on the way are skipped)."""
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout_s
        while True:
            reply = json.loads(self._ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def set_viewport(self, width: int, height: int) -> None:
        self.size = (width, height)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def goto(self, url: str) -> None:
        result = self.call("Page.navigate", url=url)
        if result.get("errorText"):
            raise RuntimeError(f"could not load {url}: {result['errorText']}")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def text(self) -> str:
        """What a reader sees: the page's rendered text."""
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def wait_for_text(
        self, *needles: str, timeout_s: float = 30.0, absent: tuple[str, ...] = ()
    ) -> str:
        """Poll the rendered text until every needle is in it (and none of ``absent``, e.g.
        a "Loading..." placeholder); return that text."""
        deadline = time.monotonic() + timeout_s
        while True:
            text = self.text()
            missing = [n for n in needles if n not in text]
            missing += [f"(absent) {a}" for a in absent if a in text]
            if not missing:
                return text
            if time.monotonic() > deadline:
                shot = ""
                if self.failure_dir is not None:
                    path = self.failure_dir / f"timeout-{int(time.time() * 1000)}.png"
                    with contextlib.suppress(Exception):
                        shot = f" (screenshot: {self.screenshot(path)})"
                raise AssertionError(
                    f"not on the page after {timeout_s:.0f}s{shot}: {missing}\n"
                    f"--- page text ---\n{text[:4000]}"
                )
            time.sleep(0.1)

    def click(self, label: str) -> None:
        """Click the button or link whose text is ``label``, or the icon-only button whose
        icon is named ``label`` (Dagster's icons carry their name as aria-label)."""
        clicked = self.evaluate(
            "(label => { const el = [...document.querySelectorAll('button, a, [role=button]')]"
            "  .find(b => b.innerText.trim() === label ||"
            "    (!b.innerText.trim() && b.querySelector(`[aria-label='${label}']`)));"
            " if (el) el.click(); return Boolean(el); })"
            f"({json.dumps(label)})"
        )
        if not clicked:
            raise AssertionError(
                f"nothing to click named {label!r} on {self.evaluate('location.href')}"
            )

    def press(self, code: str, key: str, *, alt: bool = False) -> None:
        """Type one key, e.g. ``press("KeyE", "e", alt=True)`` for a keyboard shortcut."""
        for kind in ("keyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                code=code,
                key=key,
                modifiers=1 if alt else 0,
                windowsVirtualKeyCode=ord(key.upper()) if len(key) == 1 else 0,
            )

    def wait_for_animations(self, timeout_s: float = 5.0) -> None:
        """Let fades and slides finish (a dialog mid-fade makes a murky screenshot)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.evaluate(
            "document.getAnimations().some(a => a.playState === 'running')"
        ):
            time.sleep(0.1)

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        self.wait_for_animations()
        params: dict = {"format": "png"}
        if full_page:
            width, height = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params.update(
                captureBeyondViewport=True,
                clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            )
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path
