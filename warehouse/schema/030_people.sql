-- Resolution and ranking tables.

-- One row per resolved person. person_id is stable across runs for the same person.
CREATE TABLE IF NOT EXISTS people (
    person_id      VARCHAR PRIMARY KEY,    -- stable across runs for the same person
    name           VARCHAR NOT NULL,       -- display name (the fullest common form)
    name_key       VARCHAR NOT NULL,       -- as mentions.name_key: lowercase, ASCII-folded
    aliases        INTEGER NOT NULL,       -- name forms that resolve to them (person_aliases)
    documents      INTEGER NOT NULL,       -- documents with a mention of them
    profiles       VARCHAR[] NOT NULL,     -- profile links from author pages
    first_seen     TIMESTAMP,              -- published_at of the earliest of those documents
    last_seen      TIMESTAMP               -- published_at of the latest of those documents
);

-- Every surface form (normalised key) and the person it resolves to.
CREATE TABLE IF NOT EXISTS person_aliases (
    alias_key      VARCHAR PRIMARY KEY,    -- joins mentions.name_key
    alias          VARCHAR NOT NULL,       -- the most common way it is written
    person_id      VARCHAR NOT NULL,       -- the person it resolves to (people.person_id)
    mentions       INTEGER NOT NULL,       -- mentions written with this key
    documents      INTEGER NOT NULL,       -- documents with such a mention
    hosts          VARCHAR[] NOT NULL,     -- where it was seen
    rule           VARCHAR NOT NULL        -- why it maps there: 'exact', 'variant', 'middle_name',
                                           -- 'nickname', 'initial', 'profile' (a shared profile link)
);

-- The inner circle: one row per (industry, person), ranked. Signals are kept as columns
-- so analysts can re-weight them in SQL.
CREATE TABLE IF NOT EXISTS recurring_voices (
    industry          VARCHAR NOT NULL,    -- as in sources.industry
    rank              INTEGER NOT NULL,    -- 1 = most influential in the industry
    person_id         VARCHAR NOT NULL,    -- people.person_id, or its split_person_id here
    name              VARCHAR NOT NULL,    -- people.name
    score             DOUBLE NOT NULL,     -- influence: Σ weight × ln(1 + signal) × the
                                           -- single-source, named-only and recency factors
                                           -- (README: How the score works)
    authored_docs     INTEGER NOT NULL,    -- documents the person wrote
    mentioned_docs    INTEGER NOT NULL,    -- documents that mention the person (not as author)
    quoted_docs       INTEGER NOT NULL,    -- documents that quote the person
    distinct_sources  INTEGER NOT NULL,    -- distinct sites carrying the person (breadth)
    citing_authors    INTEGER NOT NULL,    -- distinct authors who mention the person
    distinct_weeks    INTEGER NOT NULL,    -- ISO weeks in which the person appears
    max_source_share  DOUBLE NOT NULL,     -- share of evidence from the single biggest site
    first_seen        TIMESTAMP,           -- the date of their earliest counted evidence
    last_seen         TIMESTAMP,           -- the date of their latest counted evidence
    reasons           VARCHAR NOT NULL,    -- the score explained in words
    ranked_at         TIMESTAMP NOT NULL,  -- the time the ranking is as of
    PRIMARY KEY (industry, person_id)
);

-- A dated snapshot of each run's ranking, for trends.
CREATE TABLE IF NOT EXISTS voice_history (
    snapshot_date     DATE NOT NULL,       -- the run's day (its Dagster partition)
    industry          VARCHAR NOT NULL,    -- as in recurring_voices
    person_id         VARCHAR NOT NULL,    -- as in recurring_voices
    rank              INTEGER NOT NULL,    -- as in recurring_voices that day
    score             DOUBLE NOT NULL,     -- as in recurring_voices that day
    PRIMARY KEY (snapshot_date, industry, person_id)
);

-- Signals added after the first release (existing warehouses get them on the next run).
ALTER TABLE recurring_voices ADD COLUMN IF NOT EXISTS distinct_documents INTEGER DEFAULT 0;
                                       -- stories naming the person, syndicated copies counted once
ALTER TABLE recurring_voices ADD COLUMN IF NOT EXISTS centrality DOUBLE DEFAULT 0;
                                       -- PageRank on the author -> mentioned graph of the industry (1 = average)
ALTER TABLE recurring_voices ADD COLUMN IF NOT EXISTS recency DOUBLE;
                                       -- 0.5 ^ (days since last seen / half-life); NULL when never dated
ALTER TABLE recurring_voices ADD COLUMN IF NOT EXISTS syndicated_copies INTEGER DEFAULT 0;
                                       -- reposts of the same story not counted again
ALTER TABLE recurring_voices ADD COLUMN IF NOT EXISTS person_docs INTEGER;
                                       -- documents in which the name acts as a person (writes,
                                       -- is quoted or speaks, has a job title, is he/she);
                                       -- NULL when none could tell; 0 halves the score
ALTER TABLE voice_history ADD COLUMN IF NOT EXISTS name VARCHAR;
                                       -- the voice's name that day, so a voice that later
                                       -- leaves people (merged, or kept out by a newer rule)
                                       -- is still named; NULL in snapshots made before it

-- Near-duplicate documents (the same story reposted on several sites), found by MinHash
-- over word shingles. A cluster counts once in the ranking; its earliest copy is canonical
-- and names it. Replaced every run.
CREATE TABLE IF NOT EXISTS document_clusters (
    doc_id         VARCHAR PRIMARY KEY,    -- documents.doc_id
    cluster_id     VARCHAR NOT NULL,       -- the doc_id of the canonical (earliest) copy
    canonical      BOOLEAN NOT NULL,       -- true for the earliest copy (the one counted)
    cluster_size   INTEGER NOT NULL        -- documents in the cluster (1 = not syndicated)
);

-- Names extraction took for people that resolution keeps out of the ranking
-- (organisations, places, products). Replaced every run.
CREATE TABLE IF NOT EXISTS excluded_names (
    name_key       VARCHAR PRIMARY KEY,    -- joins mentions.name_key
    name           VARCHAR NOT NULL,       -- the most common way it is written
    reason         VARCHAR NOT NULL,       -- e.g. 'corporate suffix', 'organisation context'
    mentions       INTEGER NOT NULL,       -- mentions of it
    documents      INTEGER NOT NULL        -- documents with such a mention
);

-- A name resolved to one person, but seen in industries that share no evidence (no site,
-- profile link or citing author in common): in those industries it is someone else.
-- mention_facts applies these; the best-attested industries keep the original person_id.
CREATE TABLE IF NOT EXISTS person_industry_splits (
    person_id        VARCHAR NOT NULL,     -- as resolved from the name
    industry         VARCHAR NOT NULL,     -- an industry where the name is someone else
    split_person_id  VARCHAR NOT NULL,     -- who the name is in this industry
    PRIMARY KEY (person_id, industry)
);

-- How the NER model labelled each name-like entity string in each document (PERSON, ORG,
-- PRODUCT, WORK_OF_ART, GPE, ...; other models' PER is stored as PERSON). Resolution sums
-- it over the corpus to ask whether a string is a person (innercircle.personhood), so
-- incremental runs only replace the rows of the documents they read again (with their
-- mentions). A PERSON span that extraction refused as a mention keeps its reason.
CREATE TABLE IF NOT EXISTS entity_labels (
    doc_id         VARCHAR NOT NULL,       -- documents.doc_id
    name_key       VARCHAR NOT NULL,       -- name_key() of the trimmed span
    name           VARCHAR NOT NULL,       -- the span as written
    label          VARCHAR NOT NULL,       -- the model's label: PERSON, ORG, PRODUCT, ...
    refused        VARCHAR NOT NULL,       -- '' or why a PERSON span is not a mention, e.g. 'citation style'
    n              INTEGER NOT NULL,       -- spans with this key and label in the document
    PRIMARY KEY (doc_id, name_key, label, refused)
);

-- The language each document was read as, and whether a model existed for it.
-- documents.language is detected at extraction (ISO 639-1, NULL when unknown); declared
-- here too so that NER can read it whichever schema file adds it first.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS language VARCHAR;
ALTER TABLE mention_extractions ADD COLUMN IF NOT EXISTS language VARCHAR;
                                       -- the language NER read the document as (NULL: unknown)
ALTER TABLE mention_extractions ADD COLUMN IF NOT EXISTS ner BOOLEAN DEFAULT true;
                                       -- false: no model for its language, bylines only
