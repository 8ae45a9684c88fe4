"""Throwaway Redis and PostgreSQL servers for the Celery test, from Debian's packages.

Each starts on a free 127.0.0.1 port in a temporary directory and is stopped by the PID
it was started with. PostgreSQL refuses to run as root, so as root the cluster is made
and run as the ``postgres`` user the Debian package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def pg_bin() -> Path | None:
    """The directory holding initdb, postgres and createdb: Debian's
    /usr/lib/postgresql/N/bin (newest N), else the one on PATH."""
    needed = ("initdb", "pg_ctl", "postgres", "createdb")
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb")).parent))
    for found in candidates:
        if all((Path(found) / name).exists() for name in needed):
            return Path(found)
    return None


def missing() -> str | None:
    """Why the services cannot start here, or None."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (apt-get install redis-server; .ci/run does)"
    if pg_bin() is None:
        return "PostgreSQL's initdb/pg_ctl are not installed (apt-get install postgresql)"
    if os.geteuid() == 0 and _user_id("postgres") is None:
        return "running as root and there is no 'postgres' user to run PostgreSQL as"
    return None


def _user_id(name: str) -> tuple[int, int] | None:
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a process started with ``start_new_session=True`` and its children, by its PID
    (the session's process group has that id)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)


@contextlib.contextmanager
def redis_server(password: str | None = None) -> Iterator[str]:
    """A Redis with no persistence, asking for ``password`` when given; yields its URL
    (with the password in it)."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", *(["--requirepass", password] if password else [])],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        wait_for_port(port)
        yield f"redis://{':' + password + '@' if password else ''}127.0.0.1:{port}/0"
    finally:
        stop(proc)


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    db: str
    password: str = ""

    def env(self) -> dict[str, str]:
        """The DAGSTER_PG_* variables deploy/celery/dagster.yaml reads."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port),
                "DAGSTER_PG_USER": self.user, "DAGSTER_PG_PASSWORD": self.password,
                "DAGSTER_PG_DB": self.db}


@contextlib.contextmanager
def postgres_cluster(password: str | None = None) -> Iterator[Postgres]:
    """A fresh cluster (127.0.0.1 only) with an empty ``dagster`` database: trust auth, or
    with ``password`` the ``postgres`` user's password asked over TCP."""
    bin_dir = pg_bin()
    assert bin_dir is not None
    root = Path(tempfile.mkdtemp(prefix="innercircle-pg-"))
    data = root / "data"
    as_user: dict = {}
    if os.geteuid() == 0:
        uid, gid = _user_id("postgres")
        os.chown(root, uid, gid)
        as_user = {"user": uid, "group": gid, "extra_groups": []}
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, **as_user)

    auth = ["--auth=trust"]
    client_env = dict(os.environ)
    if password:
        secret = root / "pwfile"
        secret.write_text(password + "\n")
        if as_user:
            os.chown(secret, as_user["user"], as_user["group"])
        auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={secret}"]
        client_env["PGPASSWORD"] = password
    server = None
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", *auth,
            "--no-sync", "-E", "UTF8")
        server = subprocess.Popen(
            [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
             "-k", str(root), "-c", "fsync=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            **as_user,
        )
        wait_for_port(port)
        deadline = time.monotonic() + 30
        while True:  # the port opens before the server accepts connections
            done = subprocess.run(
                [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
                 "postgres", "dagster"], capture_output=True, env=client_env, **as_user,
            )
            if done.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(done.stderr.decode())
            time.sleep(0.3)
        yield Postgres("127.0.0.1", port, "postgres", "dagster", password or "")
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(root, ignore_errors=True)
