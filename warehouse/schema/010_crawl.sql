-- Crawl stage tables: what we were asked to read, what we fetched, and how it went.
-- Public interface: columns are only ever added, never renamed or dropped.

-- One row per (industry, kind, url) listed in the sources file. Replaced every run.
CREATE TABLE IF NOT EXISTS sources (
    industry    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,          -- 'feed' | 'site' | 'author'
    url         VARCHAR NOT NULL,
    host        VARCHAR NOT NULL,
    PRIMARY KEY (industry, kind, url)
);

-- Every HTTP request the crawler made, with its outcome, and every one it chose not to
-- make (outcome 'skipped', error_class the reason: host_backoff, dead_feed, feed_budget,
-- host_budget). Append-only.
CREATE TABLE IF NOT EXISTS crawl_log (
    run_id        VARCHAR NOT NULL,
    stage         VARCHAR NOT NULL,        -- 'feeds' | 'articles' | 'author_pages'
    url           VARCHAR NOT NULL,
    final_url     VARCHAR,
    host          VARCHAR,
    status        INTEGER,                 -- HTTP status, NULL when no response
    outcome       VARCHAR NOT NULL,        -- 'ok' | 'not_modified' | 'http_error' | 'error' | 'skipped'
    bytes         BIGINT NOT NULL,         -- bytes on the wire
    elapsed_ms    DOUBLE NOT NULL,
    from_cache    BOOLEAN NOT NULL,        -- true for a 304 Not Modified
    attempts      INTEGER NOT NULL,
    error_class   VARCHAR,
    error_message VARCHAR,
    fetched_at    TIMESTAMP NOT NULL
);

-- Conditional-GET state per URL, so unchanged pages cost a 304 and no parsing.
CREATE TABLE IF NOT EXISTS http_cache (
    url            VARCHAR PRIMARY KEY,
    final_url      VARCHAR,
    etag           VARCHAR,
    last_modified  VARCHAR,
    status         INTEGER,
    content_hash   VARCHAR,
    redirect_to    VARCHAR,                -- target of a permanent redirect (301/308)
    fetched_at     TIMESTAMP NOT NULL
);

-- The last good body of each fetched URL, gzip-compressed, so extraction can be
-- re-run with better code without crawling again.
CREATE TABLE IF NOT EXISTS raw_pages (
    url            VARCHAR PRIMARY KEY,
    content_type   VARCHAR,
    content_hash   VARCHAR NOT NULL,       -- sha256 of the decoded body
    body_gzip      BLOB NOT NULL,
    fetched_at     TIMESTAMP NOT NULL
);

-- Feeds read for each source: listed feeds, and feeds autodiscovered from sites.
CREATE TABLE IF NOT EXISTS feeds (
    source_url     VARCHAR NOT NULL,       -- the URL in the sources file
    feed_url       VARCHAR NOT NULL,       -- the feed actually read ('' when none was found)
    via            VARCHAR NOT NULL,       -- 'listed' | 'autodiscovered' | 'fallback_path'
    title          VARCHAR,
    site_link      VARCHAR,
    format         VARCHAR,
    entries        INTEGER NOT NULL,
    status         VARCHAR NOT NULL,       -- 'ok' | 'not_modified' | 'warning' | 'error'
    error          VARCHAR,
    checked_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (source_url, feed_url)
);

-- Feed entries: the articles each feed announces, with the raw author fields.
CREATE TABLE IF NOT EXISTS feed_entries (
    feed_url       VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,       -- the article URL (absolute)
    title          VARCHAR,
    published_at   TIMESTAMP,
    updated_at     TIMESTAMP,
    raw_authors    VARCHAR[] NOT NULL,     -- author fields as the feed gives them
    feed_authors   VARCHAR[] NOT NULL,     -- feed-level authors (apply when the entry has none)
    first_seen_at  TIMESTAMP NOT NULL,
    last_seen_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (feed_url, url)
);
-- The entry's own text (its content, else its summary, markup removed): the document
-- when the article page cannot be had (feed_entry documents).
ALTER TABLE feed_entries ADD COLUMN IF NOT EXISTS content_text VARCHAR;
-- What tells the entry from the feed's others: its id, else its title and date. When an
-- entry's address changes (its link became shared, a proxy link gave way to the real one),
-- the feed's row under the old address is dropped. NULL in rows from before it was kept.
ALTER TABLE feed_entries ADD COLUMN IF NOT EXISTS entry_id VARCHAR;

-- Article pages and their fetch state (one row per article URL).
CREATE TABLE IF NOT EXISTS articles (
    url            VARCHAR PRIMARY KEY,
    final_url      VARCHAR,
    host           VARCHAR NOT NULL,
    status         INTEGER,
    outcome        VARCHAR NOT NULL,       -- as crawl_log.outcome, or 'skipped_unchanged'
    content_hash   VARCHAR,
    error          VARCHAR,
    fetched_at     TIMESTAMP NOT NULL
);

-- Author and profile pages listed as sources: identity evidence for resolution.
CREATE TABLE IF NOT EXISTS author_pages (
    url            VARCHAR PRIMARY KEY,
    host           VARCHAR NOT NULL,
    status         INTEGER,
    outcome        VARCHAR NOT NULL,
    name           VARCHAR,
    bio            VARCHAR,
    homepage       VARCHAR,
    profiles       VARCHAR[] NOT NULL,     -- social / profile links
    article_urls   VARCHAR[] NOT NULL,
    content_hash   VARCHAR,
    error          VARCHAR,
    fetched_at     TIMESTAMP NOT NULL
);

-- Hosts that cannot be reached (refused, reset, no DNS answer, time-outs, TLS errors) are
-- backed off across nights (1, 2, 4 … nights, up to 30 days).
CREATE TABLE IF NOT EXISTS host_health (
    host                  VARCHAR PRIMARY KEY,
    consecutive_failures  INTEGER NOT NULL,    -- runs in a row in which the host was unreachable
    last_error            VARCHAR,
    last_attempt_at       TIMESTAMP NOT NULL,
    last_success_at       TIMESTAMP,
    next_attempt_at       TIMESTAMP NOT NULL   -- requests to the host are skipped until then
);

-- Per-feed history, oldest first, so a feed that is gone (410, 404 twice) or failed
-- 14 nights in a row is marked dead and reported instead of retried every night.
CREATE TABLE IF NOT EXISTS feed_health (
    feed_url              VARCHAR PRIMARY KEY,
    history               VARCHAR[] NOT NULL,  -- HTTP status or error class per run (last 30)
    consecutive_failures  INTEGER NOT NULL,
    dead                  BOOLEAN NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
