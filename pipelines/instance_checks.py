"""The Dagster instance a Celery run is submitted to, checked before the run: its runs are
kept in PostgreSQL, its dagster.yaml's settings resolve, and the database opens. It reads
the instance's configuration the way Dagster does, so it lives in ``pipelines/``, beside
the runner that calls it (``innercircle/`` imports no Dagster)."""

from __future__ import annotations

import re
from pathlib import Path

from innercircle.settings import SettingError

#: Seconds the check before a Celery run waits for the instance's PostgreSQL.
INSTANCE_ANSWER_S = 5


def check_instance(home: str | None, timeout_s: float = INSTANCE_ANSWER_S) -> None:
    """``DAGSTER_HOME`` names the instance the workers share: its runs are kept in
    PostgreSQL (a home without dagster.yaml keeps them in SQLite on this machine, where no
    worker sees them, and the run went on there without a word), its dagster.yaml's
    settings resolve (an unset ``DAGSTER_PG_PASSWORD`` was a 57-line configuration error)
    and the database opens (``SELECT 1``, once, not Dagster's five retries and 200 lines
    of traceback for a server that is down or a wrong password)."""
    if not home:
        raise SettingError(
            "DAGSTER_HOME is not set; INNERCIRCLE_EXECUTOR=celery needs it to name the "
            "instance the workers share (copy deploy/celery/dagster.yaml there)"
        )
    setting = f"DAGSTER_HOME={home}"
    url = _postgres_url(setting, Path(home))
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    engine = sa.create_engine(url, poolclass=NullPool,
                              connect_args={"connect_timeout": max(1, round(timeout_s))})
    try:
        with engine.connect() as con:
            con.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        reason = " ".join(str(exc.orig or exc).split())  # psycopg2's lines, as one
        raise SettingError(
            f"{setting}: the instance's PostgreSQL database cannot be opened ({reason}); "
            "check the server and DAGSTER_PG_* (README: Scaling out)"
        ) from None
    finally:
        engine.dispose()


def _postgres_url(setting: str, home: Path) -> str:
    """The PostgreSQL URL of the instance in ``home`` (its password included: never
    shown), from its dagster.yaml as Dagster resolves it; a :class:`SettingError` when its
    runs are not kept in PostgreSQL or its settings do not resolve."""
    from dagster._config import process_config, resolve_to_config_type
    from dagster._core.errors import DagsterError
    from dagster._core.instance.ref import InstanceRef

    if not home.is_dir():
        raise SettingError(f"{setting}: no such folder (copy deploy/celery/dagster.yaml into it)")
    try:
        storage = InstanceRef.from_dir(str(home)).run_storage_data
    except (DagsterError, OSError, ValueError) as exc:
        raise SettingError(f"{setting}: its dagster.yaml cannot be read ({exc})") from None
    if not storage.module_name.startswith("dagster_postgres"):
        where = ("its dagster.yaml" if (home / "dagster.yaml").is_file()
                 else "it has no dagster.yaml and")
        raise SettingError(
            f"{setting}: {where} keeps runs in SQLite on this machine, where the Celery "
            "workers do not see them; copy deploy/celery/dagster.yaml there and set "
            "DAGSTER_PG_* (README: Scaling out)"
        )
    try:
        from dagster_postgres.utils import pg_url_from_config
    except ImportError:
        raise SettingError(
            f"{setting}: its runs are in PostgreSQL but dagster-postgres is not installed "
            "(pip install -e '.[celery]')"
        ) from None
    import importlib

    klass = getattr(importlib.import_module(storage.module_name), storage.class_name)
    result = process_config(resolve_to_config_type(klass.config_type()), storage.config_dict)
    if not result.success:
        message = result.errors[0].message
        unset = re.search(r'environment variable "([^"]+)" which is not set', message)
        if unset:
            raise SettingError(f"{unset[1]} is not set ({setting}: its dagster.yaml reads it)")
        raise SettingError(f"{setting}: its dagster.yaml's storage: {message.splitlines()[0]}")
    return pg_url_from_config(result.value)
