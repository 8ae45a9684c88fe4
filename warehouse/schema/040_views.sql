-- Views for analysts. Recreated whenever the schema files change; safe to query any time.

-- Every resolved mention with its document, site and industry: the fact table behind the
-- ranking, and every view and profile of its evidence. Besides the mentions, a full name the
-- corpus knows as a byline counts as named (origin 'ner_label', no sentence) in a piece
-- where the NER model labelled that same string an organisation, product, work or place:
-- the small English model tags many unfamiliar names ORG, and a byline is stronger
-- evidence than its guess.
CREATE OR REPLACE VIEW mention_facts AS
SELECT di.industry,
       coalesce(ps.split_person_id, pa.person_id) AS person_id,
       m.mention_id,
       m.doc_id,
       m.role,
       m.origin,
       m.quoted,
       m.snippet,
       m.name       AS mentioned_as,
       d.url,
       d.host,
       d.kind       AS doc_kind,   -- 'article' | 'feed_entry' | 'author_page'
       d.title,
       d.published_at,
       coalesce(dc.cluster_id, m.doc_id) AS cluster_id,   -- near-duplicates share one
       coalesce(dc.canonical, true)      AS canonical      -- false for a repost of a story
FROM mentions m
JOIN person_aliases pa ON pa.alias_key = m.name_key
JOIN documents d ON d.doc_id = m.doc_id
JOIN (SELECT DISTINCT doc_id, industry FROM document_industries) di ON di.doc_id = m.doc_id
LEFT JOIN person_industry_splits ps ON ps.person_id = pa.person_id AND ps.industry = di.industry
LEFT JOIN document_clusters dc ON dc.doc_id = m.doc_id
UNION ALL
SELECT di.industry,
       coalesce(ps.split_person_id, pa.person_id) AS person_id,
       NULL         AS mention_id,
       e.doc_id,
       'mentioned'  AS role,
       'ner_label'  AS origin,
       false        AS quoted,
       NULL         AS snippet,
       e.name       AS mentioned_as,
       d.url,
       d.host,
       d.kind       AS doc_kind,
       d.title,
       d.published_at,
       coalesce(dc.cluster_id, e.doc_id) AS cluster_id,
       coalesce(dc.canonical, true)      AS canonical
FROM (SELECT doc_id, name_key, min(name) AS name FROM entity_labels
      WHERE refused = '' AND label IN ('EVENT', 'FAC', 'GPE', 'LOC', 'ORG', 'PRODUCT', 'WORK_OF_ART')
        AND contains(name_key, ' ')
        AND name_key IN (SELECT name_key FROM mentions WHERE role = 'author')
      GROUP BY doc_id, name_key) e
JOIN person_aliases pa ON pa.alias_key = e.name_key
JOIN documents d ON d.doc_id = e.doc_id AND d.kind IN ('article', 'feed_entry')
JOIN (SELECT DISTINCT doc_id, industry FROM document_industries) di ON di.doc_id = e.doc_id
LEFT JOIN person_industry_splits ps ON ps.person_id = pa.person_id AND ps.industry = di.industry
LEFT JOIN document_clusters dc ON dc.doc_id = e.doc_id;

-- Why is this person ranked: the documents and sentences behind each ranked voice.
-- Reposts of a story are listed (counted = false) but counted once, with their original.
CREATE OR REPLACE VIEW voice_evidence AS
SELECT v.industry, v.rank, v.person_id, v.name,
       f.role, f.quoted, f.host AS source, f.url, f.title, f.published_at, f.snippet,
       f.doc_id, f.cluster_id, f.canonical AS counted, f.mentioned_as,
       f.doc_kind   -- 'article' | 'feed_entry' (page out of reach) | 'author_page'
FROM recurring_voices v
JOIN mention_facts f ON f.industry = v.industry AND f.person_id = v.person_id;

-- Fetch outcomes per run and stage, for a quick health check.
CREATE OR REPLACE VIEW crawl_summary AS
SELECT run_id, stage,
       count(*)                                        AS requests,
       count(*) FILTER (WHERE outcome = 'ok')          AS ok,
       count(*) FILTER (WHERE outcome = 'not_modified') AS not_modified,
       count(*) FILTER (WHERE outcome = 'http_error')  AS http_errors,
       count(*) FILTER (WHERE outcome = 'error')       AS errors,
       sum(bytes)                                      AS bytes,
       count(DISTINCT host)                            AS hosts,
       min(fetched_at)                                 AS started_at
FROM crawl_log
GROUP BY run_id, stage;

-- Which sources carry the most ranked voices.
CREATE OR REPLACE VIEW source_reach AS
SELECT f.industry, f.host AS source,
       count(DISTINCT f.person_id) AS voices,
       count(DISTINCT f.doc_id)    AS documents
FROM mention_facts f
JOIN recurring_voices v ON v.industry = f.industry AND v.person_id = f.person_id
GROUP BY f.industry, f.host;

-- People ranked in more than one industry: who connects them.
CREATE OR REPLACE VIEW cross_industry_voices AS
SELECT person_id, any_value(name) AS name,
       count(*)                    AS industries,
       list(industry ORDER BY industry) AS industry_list,
       list(rank ORDER BY industry)     AS ranks
FROM recurring_voices
GROUP BY person_id
HAVING count(*) > 1;

-- The inner circle of each industry with the signals behind the score: its columns as they
-- always were (the reasons last), then every other column of recurring_voices but its
-- dates, so a signal added there (a row of SIGNALS and its ALTER TABLE above) shows here
-- too, after the others; the fractions rounded.
CREATE OR REPLACE VIEW inner_circle AS
SELECT industry, rank, person_id, name, round(score, 2) AS score,
       distinct_sources, distinct_documents, authored_docs, citing_authors, distinct_weeks,
       round(centrality, 2) AS centrality, round(recency, 2) AS recency, reasons,
       * EXCLUDE (industry, rank, person_id, name, score, distinct_sources,
                  distinct_documents, authored_docs, citing_authors, distinct_weeks,
                  centrality, recency, first_seen, last_seen, ranked_at, reasons)
         REPLACE (round(max_source_share, 2) AS max_source_share)
FROM recurring_voices;

-- Rank change per voice against the snapshots 7 and 30 days before the latest one
-- (the latest snapshot on or before that day). A positive change is a rise.
-- trend: 'new' (not ranked 30 days before), 'rising', 'falling' or 'steady' (over 30 days);
-- NULL comparisons when history does not reach that far back.
CREATE OR REPLACE VIEW voice_changes AS
WITH latest AS (
    SELECT industry, max(snapshot_date) AS d FROM voice_history GROUP BY industry
),
refs AS (
    SELECT l.industry, l.d,
           (SELECT max(h.snapshot_date) FROM voice_history h
            WHERE h.industry = l.industry AND h.snapshot_date <= l.d - INTERVAL 7 DAY)  AS d7,
           (SELECT max(h.snapshot_date) FROM voice_history h
            WHERE h.industry = l.industry AND h.snapshot_date <= l.d - INTERVAL 30 DAY) AS d30
    FROM latest l
)
SELECT r.industry, h.person_id, p.name, r.d AS snapshot_date, h.rank, round(h.score, 4) AS score,
       h7.rank  AS rank_7d_ago,  h7.rank  - h.rank AS change_7d,
       h30.rank AS rank_30d_ago, h30.rank - h.rank AS change_30d,
       CASE WHEN r.d30 IS NULL THEN NULL
            WHEN h30.rank IS NULL THEN 'new'
            WHEN h30.rank > h.rank THEN 'rising'
            WHEN h30.rank < h.rank THEN 'falling'
            ELSE 'steady' END AS trend
FROM refs r
JOIN voice_history h ON h.industry = r.industry AND h.snapshot_date = r.d
LEFT JOIN voice_history h7  ON h7.industry = r.industry AND h7.snapshot_date = r.d7
                           AND h7.person_id = h.person_id
LEFT JOIN voice_history h30 ON h30.industry = r.industry AND h30.snapshot_date = r.d30
                           AND h30.person_id = h.person_id
LEFT JOIN people p ON p.person_id = h.person_id;

-- Voices who dropped out: ranked 7 or 30 days before the latest snapshot, not in it;
-- named as people names them, else as their last snapshot did (merged since, or kept out
-- by a newer rule: see excluded_names).
CREATE OR REPLACE VIEW departed_voices AS
WITH latest AS (
    SELECT industry, max(snapshot_date) AS d FROM voice_history GROUP BY industry
)
SELECT h.industry, h.person_id,
       coalesce(any_value(p.name), arg_max(h.name, h.snapshot_date)) AS name,
       max(h.snapshot_date) AS last_ranked, arg_max(h.rank, h.snapshot_date) AS last_rank
FROM voice_history h
JOIN latest l ON l.industry = h.industry AND h.snapshot_date >= l.d - INTERVAL 30 DAY
LEFT JOIN people p ON p.person_id = h.person_id
WHERE NOT EXISTS (SELECT 1 FROM voice_history x WHERE x.industry = h.industry
                  AND x.snapshot_date = l.d AND x.person_id = h.person_id)
GROUP BY h.industry, h.person_id;

-- Newcomers: voices in the latest snapshot whose first snapshot in the industry came
-- after the industry's history began (so the very first run marks nobody new).
CREATE OR REPLACE VIEW voice_newcomers AS
WITH latest AS (
    SELECT industry, min(snapshot_date) AS first_d, max(snapshot_date) AS d
    FROM voice_history GROUP BY industry
),
firsts AS (
    SELECT industry, person_id, min(snapshot_date) AS first_ranked
    FROM voice_history GROUP BY industry, person_id
)
SELECT h.industry, h.person_id, p.name, h.rank, f.first_ranked,
       date_diff('day', f.first_ranked, l.d) AS days_in_circle
FROM latest l
JOIN voice_history h ON h.industry = l.industry AND h.snapshot_date = l.d
JOIN firsts f ON f.industry = h.industry AND f.person_id = h.person_id
LEFT JOIN people p ON p.person_id = h.person_id
WHERE f.first_ranked > l.first_d;
