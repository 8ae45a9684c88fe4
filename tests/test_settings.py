"""Settings are declared once (innercircle/settings.py), reach the Dagster resources, are
validated before a run, and the README's settings table says what the code does."""

import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from innercircle.settings import SETTINGS, SettingError, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_settings_rows() -> list[tuple[str, str, str]]:
    section = README.read_text("utf-8").split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(INNERCIRCLE_\w+)` \| (.*?) \| (.*) \|$", section, flags=re.M)


def test_the_readme_settings_table_lists_every_setting_with_its_default_and_meaning():
    declared = [(s.env, s.shown_default, s.meaning) for s in SETTINGS]
    assert readme_settings_rows() == declared


def every_setting_changed(tmp_path: Path) -> Settings:
    """Settings in which every value differs from its default."""
    return Settings(
        sources_path=tmp_path / "s.yaml",
        warehouse_path=tmp_path / "w.duckdb",
        allow_private_networks=True,
        spacy_model="xx_test_model",
        spacy_models="fr=xx_test_fr",
        user_agent="test-agent/1",
        host_rate=7.5,
        host_connections=5,
        parallel_hosts=9,
        fetch_timeout_s=33.0,
        max_bytes=4242,
        retries=6,
        respect_robots=False,
        top_n=77,
        half_life_days=45.0,
        as_of=datetime(2025, 5, 6),
        crawl_shards=4,
        parse_during_crawl=False,
        feed_articles_per_night=7,
        host_requests_per_night=99,
        max_failed_feed_share=0.5,
        feeds_dir=tmp_path / "feeds-here",
        reports_dir=tmp_path / "reports-here",
        suggest_top=13,
        suggest_auto_accept=3,
        ner_shards=3,
        ner_processes=5,
        ner_max_chars=5000,
        lake="s3://bucket/lake",
        executor="celery",
        celery_broker="redis://broker.example:6379/1",
    )


def test_every_setting_reaches_a_resource_the_assets_use(tmp_path):
    from assets.resources import resources_for

    changed = every_setting_changed(tmp_path)
    defaults = Settings()
    for s in SETTINGS:  # every field above differs from its default
        assert getattr(changed, s.field) != getattr(defaults, s.field), s.field
    resources = resources_for(changed)
    seen = {
        (name, field): value
        for name, resource in resources.items()
        for field, value in resource.model_dump().items()
    }
    values = set(map(str, seen.values()))
    # How the job is executed is not a resource: it reaches the Celery executor's config.
    from pipelines.definitions import celery_run_config

    executor = celery_run_config(changed)["execution"]["config"]
    values.add(executor["broker"])
    for s in SETTINGS:
        if s.field == "executor":  # chooses the runner: see the test below
            continue
        value = getattr(changed, s.field)
        shown = {
            "warehouse_path": str(tmp_path / "w.work.duckdb"),  # the run writes the working copy
            "as_of": "2025-05-06T00:00:00",
        }.get(s.field, str(value))
        assert shown in values, (s.env, shown)


def project_fields(resource: type) -> list[str]:
    """The config fields a resource class of ours declares (not those Dagster's own base
    classes bring, such as DuckDBResource's ``connection_config``)."""
    return [
        name
        for cls in reversed(resource.__mro__)
        if cls.__module__ == "assets.resources"
        for name in getattr(cls, "__annotations__", {})
        if name in resource.model_fields
    ]


def test_every_resource_field_names_the_variable_that_sets_it(tmp_path):
    """The UI shows a resource's config by field name (``per_host_rate``, not
    ``INNERCIRCLE_HOST_RATE``): each field's description names the variable a user sets,
    and setting that variable is what changes the field."""
    from assets.resources import resources_for

    by_env = {s.env: s for s in SETTINGS}
    changed, defaults = every_setting_changed(tmp_path), Settings()
    described = 0
    for name, resource in resources_for(defaults).items():
        for field in project_fields(type(resource)):
            description = type(resource).model_fields[field].description or ""
            env = re.match(r"(INNERCIRCLE_\w+): \S", description)
            assert env and env.group(1) in by_env, (name, field, description)
            setting = by_env[env.group(1)]
            one = defaults.replace(**{setting.field: getattr(changed, setting.field)})
            assert getattr(resources_for(one)[name], field) != getattr(resource, field), (
                f"{name}.{field} names {setting.env}, which does not set it"
            )
            described += 1
    assert described >= 30  # every resource of ours was looked at


def test_the_executor_setting_chooses_the_celery_runner(tmp_path, monkeypatch):
    import pipelines.runner as runner

    chosen = []
    monkeypatch.setattr(runner, "run_on_celery", lambda s, *rest: chosen.append(s.executor))
    runner.run_nightly(Settings(executor="celery", warehouse_path=tmp_path / "w.duckdb"))
    assert chosen == ["celery"]
    monkeypatch.undo()
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with pytest.raises(SettingError, match="DAGSTER_HOME"):
        runner.run_on_celery(Settings(executor="celery"))
    with pytest.raises(SettingError, match="^INNERCIRCLE_EXECUTOR="):
        Settings.from_env({"INNERCIRCLE_EXECUTOR": "spark"})


def test_values_are_parsed_and_a_bad_one_names_its_variable():
    settings = Settings.from_env(
        {"INNERCIRCLE_TOP_N": "12", "INNERCIRCLE_RESPECT_ROBOTS": "off",
         "INNERCIRCLE_AS_OF": "2026-01-31T10:00:00+01:00", "INNERCIRCLE_HOST_RATE": " "}
    )
    assert settings.top_n == 12 and settings.respect_robots is False
    assert settings.as_of == datetime(2026, 1, 31, 9)
    assert settings.host_rate == Settings().host_rate  # blank keeps the default
    for env, value in (
        ("INNERCIRCLE_TOP_N", "many"),
        ("INNERCIRCLE_HOST_RATE", "fast"),
        ("INNERCIRCLE_AS_OF", "yesterday"),
        ("INNERCIRCLE_ALLOW_PRIVATE_NETWORKS", "perhaps"),
        ("INNERCIRCLE_USER_AGENT", "me\r\nX-Evil: 1"),  # would be sent as a header
    ):
        with pytest.raises(SettingError, match=f"^{env}="):
            Settings.from_env({env: value})


def test_validation_names_the_setting_before_a_run(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  fintech:\n    feeds: [https://a.example/feed]\n")
    ok = Settings(sources_path=sources)
    ok.validate()
    today = datetime(2026, 3, 1, 12)
    cases = {
        "INNERCIRCLE_SOURCES": ok.replace(sources_path=tmp_path / "missing.yaml"),
        "INNERCIRCLE_AS_OF": ok.replace(as_of=datetime(2026, 3, 2)),
        "INNERCIRCLE_CRAWL_SHARDS": ok.replace(crawl_shards=0),
        "INNERCIRCLE_TOP_N": ok.replace(top_n=0),
    }
    for env, settings in cases.items():
        with pytest.raises(SettingError, match=f"^{env}"):
            settings.validate(today)
    ok.replace(as_of=datetime(2026, 3, 1, 23)).validate(today)  # today is a partition
    # The daily snapshots start on FIRST_DAY: a date before it is no partition either.
    with pytest.raises(SettingError, match="^INNERCIRCLE_AS_OF=0001-01-01T00:00:00 is before"):
        ok.replace(as_of=datetime(1, 1, 1)).validate(today)
    ok.replace(as_of=datetime(2024, 1, 1)).validate(today)
    with pytest.raises(SettingError, match=f"^INNERCIRCLE_SOURCES={tmp_path} is a folder"):
        ok.replace(sources_path=tmp_path).validate(today)


def _valid(tmp_path) -> Settings:
    sources = tmp_path / "sources.yaml"
    sources.write_text("industries:\n  fintech:\n    feeds: [https://a.example/feed]\n")
    return Settings(sources_path=sources, warehouse_path=tmp_path / "wh" / "w.duckdb")


def test_a_warehouse_path_that_cannot_hold_the_warehouse_is_refused_before_a_run(tmp_path):
    ok = _valid(tmp_path)
    ok.validate()  # a folder that does not exist yet is made by the run
    assert not (tmp_path / "wh").exists()  # ... not by the check
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    not_duckdb = tmp_path / "old.duckdb"
    not_duckdb.write_text("id,name\n1,Jane Doe\n")
    for warehouse, says in (
        (a_file / "w.duckdb", f"{a_file} is a file, not a folder"),
        (tmp_path, f"{tmp_path} is a folder; name the warehouse file"),
        (not_duckdb, f"{not_duckdb} is not a DuckDB database"),
    ):
        with pytest.raises(SettingError, match="^INNERCIRCLE_WAREHOUSE") as raised:
            ok.replace(warehouse_path=warehouse).validate()
        assert says in str(raised.value)
    assert not_duckdb.read_text() == "id,name\n1,Jane Doe\n"  # nothing lost


def test_a_working_file_that_is_not_duckdb_is_refused_too(tmp_path):
    ok = _valid(tmp_path)
    (tmp_path / "wh").mkdir()
    (tmp_path / "wh" / "w.work.duckdb").write_bytes(b"")
    with pytest.raises(SettingError, match="w.work.duckdb is not a DuckDB database"):
        ok.validate()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_warehouse_in_a_read_only_folder_is_refused(tmp_path):
    ok = _valid(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    with pytest.raises(SettingError, match="cannot write in .*locked"):
        ok.replace(warehouse_path=locked / "w.duckdb").validate()


def test_a_warehouse_in_a_read_only_folder_is_refused_even_when_run_as_root(tmp_path,
                                                                          monkeypatch):
    ok = _valid(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # What os.access says to a user who is not root (root may write anywhere)
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
        Path(path) != locked and real_access(path, mode, **kw)))
    with pytest.raises(SettingError, match=f"^INNERCIRCLE_WAREHOUSE=.*: cannot write in {locked}"):
        ok.replace(warehouse_path=locked / "w.duckdb").validate()
    ok.validate()  # the warehouse's own folder is still fine


def _needs_servers() -> None:
    """Skip unless the local Redis and PostgreSQL servers can be started here."""
    from tests import services

    if why := services.missing():
        pytest.skip(why)


def _no_instance_check(monkeypatch) -> None:
    """Stand in for the Dagster instance (PostgreSQL) a test about something else does not
    start: the check that it opens (run by the runner before a Celery run) is tested on its
    own below."""
    from pipelines import runner

    monkeypatch.setattr(runner, "check_instance", lambda home: None)


def test_a_celery_run_checks_on_the_submitting_machine_only_what_it_reads_there(
    tmp_path, monkeypatch
):
    from tests import services

    _needs_servers()
    _no_instance_check(monkeypatch)
    ok = _valid(tmp_path)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    # The folders and models are the workers' (README "Scaling out"), not this machine's;
    # the broker it submits to is this machine's business.
    with services.redis_server() as broker:
        workers_own = ok.replace(executor="celery", warehouse_path=a_file / "w.duckdb",
                                 reports_dir=a_file, feeds_dir=a_file,
                                 lake=str(a_file / "lake"),
                                 spacy_model="en_core_web_on_the_workers",
                                 celery_broker=broker)
        workers_own.validate()
    # now nothing listens there
    with pytest.raises(SettingError, match="^INNERCIRCLE_CELERY_BROKER=redis://.* nothing answers"):
        workers_own.validate()
    with services.redis_server() as broker:
        workers_own = workers_own.replace(celery_broker=broker)
        with pytest.raises(SettingError, match="^INNERCIRCLE_WAREHOUSE=.* is a file, not a folder"):
            workers_own.replace(executor="in_process").validate()  # in process: all are here
        with pytest.raises(SettingError, match="^INNERCIRCLE_SOURCES=.*: no such file"):
            workers_own.replace(sources_path=tmp_path / "nope.yaml").validate()
        with pytest.raises(SettingError, match="^INNERCIRCLE_HOST_RATE=-1"):
            workers_own.replace(host_rate=-1.0).validate()


def test_a_broker_that_refuses_the_url_s_password_is_one_line_before_a_run(
    tmp_path, monkeypatch
):
    from tests import services

    _needs_servers()
    _no_instance_check(monkeypatch)
    celery = _valid(tmp_path).replace(executor="celery")
    with services.redis_server(password="opspass-s3cret") as broker:
        celery.replace(celery_broker=broker).validate()  # the right password
        wrong = broker.replace("opspass-s3cret", "guessed")
        with pytest.raises(SettingError) as raised:
            celery.replace(celery_broker=wrong).validate()
        assert re.fullmatch(r"INNERCIRCLE_CELERY_BROKER=redis://:\*\*\*@127\.0\.0\.1:\d+/0: "
                            r"the broker refused the URL's password \(.*\)", str(raised.value))
        none = broker.replace(":opspass-s3cret@", "")
        with pytest.raises(SettingError, match="asks for a password and the URL gives none"):
            celery.replace(celery_broker=none).validate()


def test_a_url_setting_s_password_is_never_shown(tmp_path):
    from innercircle.settings import masked
    from tests.services import free_port

    celery = _valid(tmp_path).replace(executor="celery")
    down = f"redis://:opspass-s3cret@127.0.0.1:{free_port()}/0"  # nothing answers there
    with pytest.raises(SettingError) as raised:
        celery.replace(celery_broker=down).validate()
    assert str(raised.value).startswith("INNERCIRCLE_CELERY_BROKER=redis://:***@127.0.0.1:")
    assert "s3cret" not in str(raised.value)
    with pytest.raises(SettingError) as raised:  # a lake's credentials likewise
        _valid(tmp_path).replace(lake="ftp://crawler:s3cret@127.0.0.1:1/lake").validate()
    assert str(raised.value).startswith("INNERCIRCLE_LAKE=ftp://crawler:***@127.0.0.1:1/lake: ")
    assert "s3cret" not in str(raised.value)
    assert masked("postgresql+psycopg2://dagster:p%40ss@db:5432/dagster") == (
        "postgresql+psycopg2://dagster:***@db:5432/dagster")
    assert masked("rediss://h:6380/0?password=s3cret&ssl_cert_reqs=none") == (
        "rediss://h:6380/0?password=***&ssl_cert_reqs=none")
    assert masked("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    # a password holding "@" unencoded is masked whole; a port before a query with "@" is kept
    assert masked("redis://:p@ss@host:6379/0") == "redis://:***@host:6379/0"
    assert masked("http://h:8080?u=@bob") == "http://h:8080?u=@bob"


def test_the_runs_config_names_the_broker_s_variable_instead_of_its_password(monkeypatch):
    import json

    from pipelines.definitions import celery_run_config

    # The run config is stored with the run in the instance and shown in the Dagster UI.
    url = "redis://:opspass-s3cret@broker.example:6379/0"
    monkeypatch.setenv("INNERCIRCLE_CELERY_BROKER", url)
    executor = celery_run_config(Settings.from_env())["execution"]["config"]
    assert "s3cret" not in json.dumps(executor)
    assert executor["broker"] == executor["backend"] == {"env": "INNERCIRCLE_CELERY_BROKER"}
    plain = "redis://broker.example:6379/0"  # nothing to hide: the URL itself
    monkeypatch.setenv("INNERCIRCLE_CELERY_BROKER", plain)
    assert celery_run_config(Settings.from_env())["execution"]["config"]["broker"] == plain


def _home(tmp_path, yaml: str | None) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    if yaml is not None:
        (home / "dagster.yaml").write_text(yaml)
    return home


def test_a_celery_run_refuses_an_instance_the_workers_cannot_share_or_open(
    tmp_path, monkeypatch
):
    from pipelines.instance_checks import check_instance
    from tests.services import free_port

    celery_yaml = (README.parent / "deploy" / "celery" / "dagster.yaml").read_text()
    with pytest.raises(SettingError, match="^DAGSTER_HOME is not set"):
        check_instance(None)
    # A home without dagster.yaml keeps runs in SQLite, on this machine only: the run went
    # on there without a word, the workers' steps recorded nowhere it looked.
    home = _home(tmp_path, None)
    with pytest.raises(SettingError, match=f"^DAGSTER_HOME={home}: it has no dagster.yaml and "
                                           "keeps runs in SQLite"):
        check_instance(str(home))
    home = _home(tmp_path, (README.parent / "dagster.yaml").read_text())  # the in-process one
    with pytest.raises(SettingError, match=f"^DAGSTER_HOME={home}: its dagster.yaml keeps runs "
                                           "in SQLite"):
        check_instance(str(home))
    home = _home(tmp_path, celery_yaml)
    for key, value in {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(free_port()),
                       "DAGSTER_PG_USER": "dagster", "DAGSTER_PG_DB": "dagster"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("DAGSTER_PG_PASSWORD", raising=False)
    with pytest.raises(SettingError, match=r"^DAGSTER_PG_PASSWORD is not set \(DAGSTER_HOME="):
        check_instance(str(home))
    monkeypatch.setenv("DAGSTER_PG_PASSWORD", "opspass-s3cret")
    with pytest.raises(SettingError) as raised:  # nothing listens on that port
        check_instance(str(home))
    assert re.fullmatch(f"DAGSTER_HOME={home}: the instance's PostgreSQL database cannot be "
                        r"opened \(connection to server .* Connection refused.*\); check .*",
                        str(raised.value))


def test_a_celery_run_opens_the_instance_s_postgresql_with_its_password(tmp_path, monkeypatch):
    from pipelines.instance_checks import check_instance
    from tests import services

    _needs_servers()
    home = _home(tmp_path, (README.parent / "deploy" / "celery" / "dagster.yaml").read_text())
    with services.postgres_cluster(password="opspass-s3cret") as pg:
        for key, value in pg.env().items():
            monkeypatch.setenv(key, value)
        check_instance(str(home))
        monkeypatch.setenv("DAGSTER_PG_PASSWORD", "guessed")
        with pytest.raises(SettingError) as raised:
            check_instance(str(home))
    assert "password authentication failed" in str(raised.value)
    assert str(raised.value).startswith(f"DAGSTER_HOME={home}: ")
    assert "guessed" not in str(raised.value) and "\n" not in str(raised.value)


def test_spacy_models_that_are_not_installed_are_refused_before_a_run(tmp_path):
    ok = _valid(tmp_path)
    ok.replace(spacy_models="fr=fr_core_news_sm, en=blank:en").validate()
    for changes, env, says in (
        ({"spacy_model": "en_core_web_typo"}, "INNERCIRCLE_SPACY_MODEL=", "not an installed"),
        ({"spacy_models": "fr=fr_no_such_model"}, "INNERCIRCLE_SPACY_MODELS=",
         "fr_no_such_model (fr) is not an installed"),
        ({"spacy_models": "fr_core_news_sm"}, "INNERCIRCLE_SPACY_MODELS=", "is not lang=model"),
        # spacy.load("~/model") does not expand ~, so the check does not either
        ({"spacy_model": "~"}, "INNERCIRCLE_SPACY_MODEL=~ ",
         f"spaCy does not expand '~': give the folder as {Path.home()}"),
    ):
        with pytest.raises(SettingError, match=f"^{env}") as raised:
            ok.replace(**changes).validate()
        assert says in str(raised.value)


def test_dagster_commands_name_the_variable_of_a_value_out_of_range():
    from pipelines.definitions import build_resources

    # What `INNERCIRCLE_HOST_RATE=-1 dagster dev` loads the code location with.
    with pytest.raises(SettingError, match="^INNERCIRCLE_HOST_RATE=-1.0 must be above 0$"):
        build_resources(Settings.from_env({"INNERCIRCLE_HOST_RATE": "-1"}))


def test_a_sources_file_whose_lists_are_all_empty_is_refused_before_a_run(tmp_path):
    placeholder = tmp_path / "placeholder.yaml"  # parses: import-opml and accept fill it later
    placeholder.write_text("industries:\n  fintech:\n    feeds: []\n    focus: payments\n")
    with pytest.raises(SettingError, match="^INNERCIRCLE_SOURCES=.* lists no source"):
        _valid(tmp_path).replace(sources_path=placeholder).validate()


def test_output_folders_that_cannot_be_written_are_refused_before_a_run(tmp_path, monkeypatch):
    from innercircle import setting_checks

    ok = _valid(tmp_path)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    for changes, env in (
        ({"feeds_dir": a_file / "feeds"}, "INNERCIRCLE_FEEDS_DIR"),
        ({"reports_dir": a_file}, "INNERCIRCLE_REPORTS_DIR"),
        ({"lake": str(a_file / "lake")}, "INNERCIRCLE_LAKE"),
    ):
        with pytest.raises(SettingError, match=f"^{env}=.*: {a_file} is a file, not a folder"):
            ok.replace(**changes).validate()
    # A remote lake is asked whether it answers (nothing is created), by a machine that runs
    # steps; a machine that only submits Celery runs leaves it to the workers.
    ok.replace(lake="memory://innercircle/lake").validate()
    monkeypatch.setattr(setting_checks, "check_broker", lambda broker: None)
    ok.replace(lake="s3://bucket/lake", executor="celery").validate()
    for lake, says in (
        ("ftp://127.0.0.1:1/lake", "cannot be reached (ConnectionRefusedError"),
        ("nosuch://host/lake", "Unsupported filesystem: 'nosuch'; use a folder, s3://"),
    ):
        with pytest.raises(SettingError, match=f"^INNERCIRCLE_LAKE={lake}: ") as raised:
            ok.replace(lake=lake).validate()
        assert says in str(raised.value)


def test_a_remote_lake_that_does_not_answer_is_refused_in_time(tmp_path, monkeypatch):
    import threading

    from innercircle import lake, setting_checks

    released = threading.Event()

    class Stuck:  # a store client retrying for minutes
        def exists(self) -> bool:
            released.wait(5)
            return True

    monkeypatch.setattr(lake, "path", lambda location, *parts: Stuck())
    monkeypatch.setattr(setting_checks, "LAKE_ANSWER_S", 0.2)
    try:
        with pytest.raises(SettingError, match="did not answer within 0.2 s"):
            _valid(tmp_path).replace(lake="s3://bucket/lake").validate()
    finally:
        released.set()


def test_the_fetch_policy_and_the_resources_default_to_the_settings_defaults():
    import pydantic

    from assets.resources import resources_for
    from innercircle.fetch import FetchPolicy

    assert FetchPolicy() == FetchPolicy.from_env(Settings())
    for name, built in resources_for(Settings()).items():
        if type(built).__module__ != "assets.resources":  # Dagster's own (the io manager)
            continue
        try:
            bare = type(built)()
        except pydantic.ValidationError:  # a field with no default (the warehouse file)
            continue
        assert bare.model_dump() == built.model_dump(), name
