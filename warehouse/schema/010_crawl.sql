-- Crawl stage tables: what we were asked to read, what we fetched, and how it went.
-- Public interface: columns are only ever added, never renamed or dropped.

-- One row per (industry, kind, url) listed in the sources file. Replaced every run.
CREATE TABLE IF NOT EXISTS sources (
    industry    VARCHAR NOT NULL,          -- the industry it is listed under
    kind        VARCHAR NOT NULL,          -- 'feed' | 'site' | 'author'
    url         VARCHAR NOT NULL,          -- as written in the sources file
    host        VARCHAR NOT NULL,          -- the URL's host, lowercase
    PRIMARY KEY (industry, kind, url)
);

-- Every HTTP request the crawler made, with its outcome, and every one it chose not to
-- make (outcome 'skipped', error_class the reason: host_backoff, dead_feed, feed_budget,
-- host_budget). Append-only.
CREATE TABLE IF NOT EXISTS crawl_log (
    run_id        VARCHAR NOT NULL,        -- the Dagster run that made (or skipped) the request
    stage         VARCHAR NOT NULL,        -- 'feeds' | 'articles' | 'author_pages'
    url           VARCHAR NOT NULL,        -- the URL asked for
    final_url     VARCHAR,                 -- where it ended, after redirects
    host          VARCHAR,                 -- the final URL's host, lowercase
    status        INTEGER,                 -- HTTP status, NULL when no response
    outcome       VARCHAR NOT NULL,        -- 'ok' | 'not_modified' | 'http_error' | 'error' | 'skipped'
    bytes         BIGINT NOT NULL,         -- bytes on the wire
    elapsed_ms    DOUBLE NOT NULL,         -- time taken, retries and their waits included
    from_cache    BOOLEAN NOT NULL,        -- true for a 304 Not Modified
    attempts      INTEGER NOT NULL,        -- tries made (0 when skipped)
    error_class   VARCHAR,                 -- the error in a word ('timeout', ...), or why skipped
    error_message VARCHAR,                 -- the error in words (its first 500 characters)
    fetched_at    TIMESTAMP NOT NULL       -- when it was logged (UTC)
);

-- Conditional-GET state per URL, so unchanged pages cost a 304 and no parsing.
CREATE TABLE IF NOT EXISTS http_cache (
    url            VARCHAR PRIMARY KEY,    -- the URL asked for
    final_url      VARCHAR,                -- where it ended, after redirects
    etag           VARCHAR,                -- the ETag sent back as If-None-Match
    last_modified  VARCHAR,                -- the Last-Modified sent back as If-Modified-Since
    status         INTEGER,                -- HTTP status of the last answer
    content_hash   VARCHAR,                -- sha256 of the body (NULL after a 304)
    redirect_to    VARCHAR,                -- target of a permanent redirect (301/308)
    fetched_at     TIMESTAMP NOT NULL      -- when the last answer came (UTC)
);

-- The last good body of each fetched URL, gzip-compressed, so extraction can be
-- re-run with better code without crawling again.
CREATE TABLE IF NOT EXISTS raw_pages (
    url            VARCHAR PRIMARY KEY,    -- the URL asked for
    content_type   VARCHAR,                -- the Content-Type header
    content_hash   VARCHAR NOT NULL,       -- sha256 of the decoded body
    body_gzip      BLOB NOT NULL,          -- the body, gzip-compressed
    fetched_at     TIMESTAMP NOT NULL      -- when it was fetched (UTC)
);

-- Feeds read for each source: listed feeds, and feeds autodiscovered from sites.
CREATE TABLE IF NOT EXISTS feeds (
    source_url     VARCHAR NOT NULL,       -- the URL in the sources file
    feed_url       VARCHAR NOT NULL,       -- the feed actually read ('' when none was found)
    via            VARCHAR NOT NULL,       -- 'listed' | 'autodiscovered' | 'fallback_path'
    title          VARCHAR,                -- the feed's title
    site_link      VARCHAR,                -- the site the feed links to
    format         VARCHAR,                -- as parsed: 'rss20', 'atom10', ... or 'json'
    entries        INTEGER NOT NULL,       -- entries in the feed when last read
    status         VARCHAR NOT NULL,       -- 'ok' | 'not_modified' | 'warning' | 'error'
                                           -- | 'skipped' | 'dead' (not fetched)
    error          VARCHAR,                -- why it could not be read, or the parser's warning
    checked_at     TIMESTAMP NOT NULL,     -- when this run read it (UTC)
    PRIMARY KEY (source_url, feed_url)
);

-- Feed entries: the articles each feed announces, with the raw author fields.
CREATE TABLE IF NOT EXISTS feed_entries (
    feed_url       VARCHAR NOT NULL,       -- the feed announcing it
    url            VARCHAR NOT NULL,       -- the article URL (absolute)
    title          VARCHAR,                -- the entry's title
    published_at   TIMESTAMP,              -- the entry's published date, as the feed gives it
    updated_at     TIMESTAMP,              -- the entry's updated date, as the feed gives it
    raw_authors    VARCHAR[] NOT NULL,     -- author fields as the feed gives them
    feed_authors   VARCHAR[] NOT NULL,     -- feed-level authors (apply when the entry has none)
    first_seen_at  TIMESTAMP NOT NULL,     -- when a run first read it in this feed
    last_seen_at   TIMESTAMP NOT NULL,     -- when a run last read it in this feed
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
    url            VARCHAR PRIMARY KEY,    -- the article URL, as announced
    final_url      VARCHAR,                -- where it ended, after redirects
    host           VARCHAR NOT NULL,       -- the URL's host, lowercase
    status         INTEGER,                -- HTTP status, NULL when no response
    outcome        VARCHAR NOT NULL,       -- as crawl_log.outcome, or 'skipped_unchanged'
    content_hash   VARCHAR,                -- sha256 of the last good body
    error          VARCHAR,                -- why the last fetch failed (NULL when it did not)
    fetched_at     TIMESTAMP NOT NULL      -- when it was last asked for (UTC)
);

-- Author and profile pages listed as sources: identity evidence for resolution.
CREATE TABLE IF NOT EXISTS author_pages (
    url            VARCHAR PRIMARY KEY,    -- the page, as listed in the sources file
    host           VARCHAR NOT NULL,       -- the URL's host, lowercase
    status         INTEGER,                -- HTTP status, NULL when no response
    outcome        VARCHAR NOT NULL,       -- as crawl_log.outcome
    name           VARCHAR,                -- the author's name on the page
    bio            VARCHAR,                -- their bio on the page
    homepage       VARCHAR,                -- their own site, when the page links it
    profiles       VARCHAR[] NOT NULL,     -- social / profile links
    article_urls   VARCHAR[] NOT NULL,     -- articles the page lists (up to 50)
    content_hash   VARCHAR,                -- sha256 of the last good body
    error          VARCHAR,                -- why the last fetch failed (NULL when it did not)
    fetched_at     TIMESTAMP NOT NULL      -- when it was last asked for (UTC)
);

-- Hosts that cannot be reached (refused, reset, no DNS answer, time-outs, TLS errors) are
-- backed off across nights (1, 2, 4 … nights, up to 30 days).
CREATE TABLE IF NOT EXISTS host_health (
    host                  VARCHAR PRIMARY KEY, -- lowercase
    consecutive_failures  INTEGER NOT NULL,    -- runs in a row in which the host was unreachable
    last_error            VARCHAR,             -- its last failed night's error; NULL once reachable
    last_attempt_at       TIMESTAMP NOT NULL,  -- when a run last asked it anything
    last_success_at       TIMESTAMP,           -- when it last answered a run
    next_attempt_at       TIMESTAMP NOT NULL   -- requests to the host are skipped until then
);

-- Per-feed history, oldest first, so a feed that is gone (410, 404 twice) or failed
-- 14 nights in a row is marked dead and reported instead of retried every night.
CREATE TABLE IF NOT EXISTS feed_health (
    feed_url              VARCHAR PRIMARY KEY, -- the feed
    history               VARCHAR[] NOT NULL,  -- HTTP status or error class per run (last 30)
    consecutive_failures  INTEGER NOT NULL,    -- failed nights in a row, up to the last
    dead                  BOOLEAN NOT NULL,    -- gone (410, 404 twice) or 14 failed nights in a
                                               -- row: reported, no longer fetched
    updated_at            TIMESTAMP NOT NULL   -- when a run last fetched it
);
