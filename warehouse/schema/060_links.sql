-- Outbound links and the sources they suggest. Public interface: columns are only added.

-- The links in each article's main text (not navigation, sidebars, comments or ads):
-- where the industry's writers send their readers. Rewritten with the document.
CREATE TABLE IF NOT EXISTS document_links (
    doc_id         VARCHAR NOT NULL,       -- the linking document (documents.doc_id)
    position       INTEGER NOT NULL,       -- 0 = first link of the main text
    url            VARCHAR NOT NULL,       -- the target, absolute, without #fragment
    host           VARCHAR NOT NULL,       -- the target's host, lowercase, without www.
    anchor         VARCHAR,                -- the link's visible text
    PRIMARY KEY (doc_id, position)
);

-- Sites an industry does not read yet, scored from the evidence it already has: which of
-- its sources link there, which of its ranked voices write there or call it home.
-- Replaced every run; feed checks are reused for a week (checked_at).
CREATE TABLE IF NOT EXISTS source_suggestions (
    industry          VARCHAR NOT NULL,    -- the industry it is suggested to
    rank              INTEGER NOT NULL,    -- 1 = best candidate of the industry
    host              VARCHAR NOT NULL,    -- the suggested site, lowercase, without www.
    url               VARCHAR NOT NULL,    -- what `innercircle sources accept` adds (feed if found)
    score             DOUBLE NOT NULL,     -- linking_sources + voices + 0.5 × recency
                                           -- + 0.1 × ln(1 + links)
    linking_sources   INTEGER NOT NULL,    -- distinct source hosts of the industry linking there
    links             INTEGER NOT NULL,    -- links from the industry's documents
    voices            INTEGER NOT NULL,    -- ranked voices writing there or listing it as home
    last_linked_at    TIMESTAMP,           -- newest linking document
    recency           DOUBLE,              -- 0.5 ^ (days since last linked / half-life)
    feed_url          VARCHAR,             -- the feed found (NULL: none, or not checked)
    feed_status       VARCHAR NOT NULL,    -- 'found' | 'none' | 'refused' | 'unchecked'
    feed_note         VARCHAR,             -- why there is no feed (robots, blocked address, ...)
    evidence_sources  VARCHAR[] NOT NULL,  -- the linking source hosts
    evidence_voices   VARCHAR[] NOT NULL,  -- "Name (how)" of the voices found there
    sample_links      VARCHAR[] NOT NULL,  -- a few linked URLs
    checked_at        TIMESTAMP,           -- when the feed check ran
    suggested_at      TIMESTAMP NOT NULL,  -- when this run suggested it (UTC)
    PRIMARY KEY (industry, host)
);

-- The last feed check of each candidate host, refused ones included, so a night asks a
-- candidate's site at most once a week (source_suggestions only keeps suggestable ones).
CREATE TABLE IF NOT EXISTS suggestion_feed_checks (
    host           VARCHAR PRIMARY KEY,    -- the candidate site, lowercase, without www.
    feed_url       VARCHAR,                -- the feed found (NULL: none)
    feed_status    VARCHAR NOT NULL,       -- 'found' | 'none' | 'refused'
    feed_note      VARCHAR,                -- as in source_suggestions
    checked_at     TIMESTAMP NOT NULL      -- when the check ran (UTC)
);
