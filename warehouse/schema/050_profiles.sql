-- Knowing the inner circle: who each voice is, what they cover, how close they are to
-- the user's focus, and what they just published. Public interface: columns are only
-- ever added, never renamed or dropped.

-- One row per ranked voice (industry, person). Replaced every run, after the ranking.
CREATE TABLE IF NOT EXISTS voice_profiles (
    industry        VARCHAR NOT NULL,          -- as in recurring_voices
    person_id       VARCHAR NOT NULL,          -- as in recurring_voices
    name            VARCHAR NOT NULL,          -- as in recurring_voices
    rank            INTEGER NOT NULL,          -- as in recurring_voices
    score           DOUBLE NOT NULL,           -- the influence score, as in recurring_voices
    relevance       INTEGER,                   -- 0-100 against the industry's focus (100 = closest
                                               -- voice); NULL when the industry states no focus
    focus_similarity DOUBLE,                   -- the TF-IDF cosine behind relevance (0-1)
    beats           VARCHAR[] NOT NULL,        -- up to 8 phrases that set the voice apart (log-odds z)
    beat_weights    DOUBLE[] NOT NULL,         -- their weights (z-scores), same order
    writes_for      VARCHAR[] NOT NULL,        -- sites where they wrote, most pieces first
    carried_by      VARCHAR[] NOT NULL,        -- sites that name them in others' pieces
    latest          STRUCT(title VARCHAR, url VARCHAR, published_at TIMESTAMP, "role" VARCHAR)[] NOT NULL,
                                               -- their 5 latest pieces; role 'author' | 'quoted' | 'mentioned'
    homepage        VARCHAR,                   -- from their author page
    profiles        VARCHAR[] NOT NULL,        -- social / profile links (author pages, rel=me, sameAs)
    cites           STRUCT(person_id VARCHAR, name VARCHAR, documents INTEGER)[] NOT NULL,
                                               -- people they name most in what they write
    cited_by        STRUCT(person_id VARCHAR, name VARCHAR, documents INTEGER)[] NOT NULL,
                                               -- authors who name them most
    profiled_at     TIMESTAMP NOT NULL,        -- when the profiles were built (UTC)
    PRIMARY KEY (industry, person_id)
);

-- The focus each industry states in the sources file (`focus:`). Replaced every run.
CREATE TABLE IF NOT EXISTS industry_focus (
    industry        VARCHAR PRIMARY KEY,       -- as in sources.industry
    focus           VARCHAR NOT NULL           -- the industry's `focus:` in the sources file
);

-- When each document was first seen in an industry: what "new since the last run" means
-- for the Atom feeds and voice_activity. run counts up by one per profiles run.
CREATE TABLE IF NOT EXISTS document_arrivals (
    industry        VARCHAR NOT NULL,          -- as in document_industries
    doc_id          VARCHAR NOT NULL,          -- documents.doc_id
    run             INTEGER NOT NULL,          -- the first run to see it here (arrival_runs.run)
    noticed_at      TIMESTAMP NOT NULL,        -- when that run ran (arrival_runs.ran_at)
    PRIMARY KEY (industry, doc_id)
);

-- One row per run that recorded arrivals (also runs in which nothing arrived).
CREATE TABLE IF NOT EXISTS arrival_runs (
    run             INTEGER PRIMARY KEY,       -- counts up by one per profiles run
    ran_at          TIMESTAMP NOT NULL         -- when it ran (UTC)
);

-- The inner circle ranked by influence and by closeness to the focus, side by side:
-- focus_rank orders by relevance (then score); the score itself is never changed.
CREATE OR REPLACE VIEW inner_circle_for_focus AS
SELECT p.industry, p.rank, p.name, round(p.score, 2) AS score, p.relevance,
       rank() OVER (PARTITION BY p.industry ORDER BY p.relevance DESC NULLS LAST, p.score DESC)
           AS focus_rank,
       p.beats, p.writes_for, p.person_id, f.focus
FROM voice_profiles p
LEFT JOIN industry_focus f USING (industry);

-- What inner-circle members wrote or were named in, one row per (industry, document,
-- voice); is_new marks the documents first seen in the latest run (what the Atom feed lists).
CREATE OR REPLACE VIEW voice_activity AS
WITH latest AS (SELECT max(run) AS run FROM arrival_runs)
SELECT a.industry, a.run, a.noticed_at, a.run = l.run AS is_new,
       f.doc_id, any_value(f.url) AS url, any_value(f.title) AS title,
       any_value(f.published_at) AS published_at, any_value(f.host) AS source,
       v.person_id, v.name, v.rank,
       CASE WHEN bool_or(f.role = 'author') THEN 'author'
            WHEN bool_or(f.quoted) THEN 'quoted' ELSE 'mentioned' END AS "role",
       min(f.snippet) FILTER (WHERE f.role = 'mentioned') AS snippet
FROM document_arrivals a
CROSS JOIN latest l
JOIN mention_facts f ON f.industry = a.industry AND f.doc_id = a.doc_id
JOIN recurring_voices v ON v.industry = f.industry AND v.person_id = f.person_id
GROUP BY a.industry, a.run, a.noticed_at, l.run, f.doc_id, v.person_id, v.name, v.rank;
