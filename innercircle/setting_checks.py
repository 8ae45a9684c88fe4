"""Checks of the settings against the machine, made before a run starts.

:meth:`innercircle.settings.Settings.check_values` holds each value to its rule; these
check what a value points at: the warehouse files (DuckDB databases this user may open)
and their folder, the feeds, reports and lake folders (each exists or can be made, and
can be written), the spaCy models. Without them a typo'd model name fails the NER step
after the whole crawl, and a warehouse or output folder that cannot be written fails with
a traceback; with them ``innercircle run`` stops at once with one line naming the variable
(exit code 2). :meth:`~innercircle.settings.Settings.validate` runs them all, except on
the machine that only submits a Celery run: the steps, and what they need, are on the
workers.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from innercircle.settings import SettingError, parse_spacy_models


def not_duckdb(path: Path) -> SettingError:
    """The one line for a warehouse setting that points at some other kind of file."""
    return SettingError(
        f"INNERCIRCLE_WAREHOUSE: {path} is not a DuckDB database; move it away or point "
        "INNERCIRCLE_WAREHOUSE at another file"
    )


def a_folder(path: Path) -> SettingError:
    """The one line for a warehouse setting that names a folder, not a file."""
    return SettingError(
        f"INNERCIRCLE_WAREHOUSE: {path} is a folder; name the warehouse file, e.g. "
        f"{path / 'innercircle.duckdb'}"
    )


def cannot_open(path: Path, read_only: bool) -> SettingError:
    """The one line for a warehouse file this user may not open (DuckDB's "Permission
    denied"): it is a real file, so the advice is about its permissions, not moving it."""
    needs = "read" if read_only else "read and write"
    return SettingError(
        f"INNERCIRCLE_WAREHOUSE: {path} cannot be read (permission denied: this user may "
        f"not {needs} it); fix its permissions or point INNERCIRCLE_WAREHOUSE at another file"
    )


def check_warehouse(public: Path) -> None:
    """The warehouse files are DuckDB databases where they exist, and their folder exists
    or can be made, and can be written (the run writes the working file beside ``public``
    and replaces ``public`` with a copy)."""
    from innercircle.warehouse import check_opens, working_path

    setting = f"INNERCIRCLE_WAREHOUSE={public}"
    for path in (public, working_path(public)):
        if path.is_dir():
            raise a_folder(path)
        if path.exists():
            check_opens(path)
    check_folder(setting, public.parent)


def check_folder(setting: str, folder: Path) -> None:
    """``folder`` exists or can be made (its nearest existing ancestor is a folder one can
    write in); nothing is created here. ``setting`` opens the message, e.g.
    ``INNERCIRCLE_REPORTS_DIR=/srv/reports``."""
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise SettingError(f"{setting}: {existing} is a file, not a folder")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise SettingError(f"{setting}: cannot write in {existing} (read-only)")


#: How long the check before a run waits for a remote lake (a store out of reach can
#: make its client retry for minutes).
LAKE_ANSWER_S = 20.0


class _NoAnswer(Exception):
    """The lake gave no answer in time (unlike a client's own quick time-out)."""


def _answers_within(location: str, seconds: float) -> None:
    """Ask the lake whether its folder exists, in a daemon thread (a client stuck in its
    retries must not keep the process alive); its error, or :class:`_NoAnswer`, is raised."""
    import threading

    from innercircle import lake

    outcome: list[BaseException | None] = []

    def ask() -> None:
        try:
            lake.path(location).exists()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome.append(exc)

    thread = threading.Thread(target=ask, name="lake-check", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise _NoAnswer
    if outcome[0] is not None:
        raise outcome[0]


def check_lake(location: str) -> None:
    """The lake (``INNERCIRCLE_LAKE``) can be used from this machine: a folder as
    :func:`check_folder` has it; a URL (``s3://…``) of a filesystem fsspec knows, whose
    package is installed, and that answers (asked whether the folder exists: nothing is
    created). Otherwise every step that hands data over would fail, one traceback each."""
    setting = f"INNERCIRCLE_LAKE={location}"
    if "://" not in location:
        check_folder(setting, Path(location))
        return
    try:
        _answers_within(location, LAKE_ANSWER_S)
    except _NoAnswer:
        raise SettingError(
            f"{setting}: did not answer within {LAKE_ANSWER_S:g} s (network, credentials?)"
        ) from None
    except ImportError as exc:
        raise SettingError(f"{setting}: {exc} (pip install it on every machine)") from None
    except ValueError as exc:  # an unknown protocol
        raise SettingError(f"{setting}: {exc}; use a folder, s3://… or gs://…") from None
    except Exception as exc:  # noqa: BLE001 - any failure to reach it is the same to a user
        raise SettingError(f"{setting}: cannot be reached ({type(exc).__name__}: {exc})") from None


#: Ports of the brokers Celery speaks to, where the URL names none.
_BROKER_PORTS = {"redis": 6379, "rediss": 6379, "amqp": 5672, "pyamqp": 5672, "amqps": 5671}


def check_broker(url: str, timeout_s: float = 3.0) -> None:
    """The Celery broker answers on its port, and a Redis broker answers a PING with the
    URL's credentials: a run submitted to a broker that is down failed after retrying for
    ~20 s with ~300 lines of traceback, one whose password is wrong after 23 s with 150
    ("Retry limit exceeded"). A URL whose scheme this does not know is left to Celery."""
    import socket
    from urllib.parse import urlsplit

    setting = f"INNERCIRCLE_CELERY_BROKER={url}"  # SettingError masks its password
    parts = urlsplit(url)
    default = _BROKER_PORTS.get(parts.scheme)
    if default is None:
        return
    try:
        host, port = parts.hostname or "127.0.0.1", parts.port or default
    except ValueError:
        raise SettingError(f"{setting}: its port is not a number from 1 to 65535") from None
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except OSError as exc:
        raise SettingError(
            f"{setting}: nothing answers at {host}:{port} ({exc.strerror or exc}); "
            "start the broker (README: Scaling out)"
        ) from None
    if parts.scheme in ("redis", "rediss"):
        _ping_redis(setting, url, timeout_s)


def _ping_redis(setting: str, url: str, timeout_s: float) -> None:
    """PING the Redis at ``url``, logging in as the URL says: a wrong or missing password
    is one line here, not Celery's retries."""
    try:
        import redis
    except ImportError:
        raise SettingError(
            f"{setting}: the redis package is not installed (pip install -e '.[celery]')"
        ) from None
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
    try:
        client.ping()
    except redis.exceptions.AuthenticationError as exc:
        from urllib.parse import urlsplit

        if urlsplit(url).password is None:
            raise SettingError(
                f"{setting}: the broker asks for a password and the URL gives none; give it "
                "as redis://:PASSWORD@host:port/0"
            ) from None
        raise SettingError(f"{setting}: the broker refused the URL's password ({exc})") from None
    except redis.exceptions.TimeoutError:
        raise SettingError(
            f"{setting}: its port answers but no Redis replied to a PING within {timeout_s:g} s"
        ) from None
    except redis.exceptions.RedisError as exc:
        raise SettingError(f"{setting}: {type(exc).__name__}: {exc}") from None
    finally:
        client.close()


def is_installed_model(name: str) -> bool:
    """Can ``spacy.load(name)`` find it: an installed package, a model folder, or
    ``blank:xx``? Asked without importing spaCy or the model. A folder is taken as
    spaCy takes it: ``~`` is not expanded (no shell does it in a systemd unit either)."""
    if name.startswith("blank:") or Path(name).is_dir():
        return True
    if not name.isidentifier():
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def check_spacy_models(english: str, others: str) -> None:
    """``INNERCIRCLE_SPACY_MODEL`` is installed, and ``INNERCIRCLE_SPACY_MODELS`` is a
    ``lang=model,...`` list of installed models."""
    if not is_installed_model(english):
        raise SettingError(
            f"INNERCIRCLE_SPACY_MODEL={english} is not an installed spaCy model "
            f"({_how_to_install(english)})"
        )
    try:
        models = parse_spacy_models(others)
    except ValueError as exc:
        raise SettingError(f"INNERCIRCLE_SPACY_MODELS={others}: {exc}") from None
    for lang, model in models.items():
        if not is_installed_model(model):
            raise SettingError(
                f"INNERCIRCLE_SPACY_MODELS={others}: {model} ({lang}) is not an installed "
                f"spaCy model ({_how_to_install(model)})"
            )


def _how_to_install(model: str) -> str:
    if model.startswith("~"):
        return f"spaCy does not expand '~': give the folder as {Path(model).expanduser()}"
    return f"pip install it, or `python -m spacy download {model}`"
