-- Views for analysts. Recreated on every connection that writes; safe to query any time.

-- Every resolved mention with its document, site and industry: the fact table behind the ranking.
CREATE OR REPLACE VIEW mention_facts AS
SELECT di.industry,
       pa.person_id,
       m.mention_id,
       m.doc_id,
       m.role,
       m.origin,
       m.quoted,
       m.snippet,
       m.name       AS mentioned_as,
       d.url,
       d.host,
       d.kind       AS doc_kind,
       d.title,
       d.published_at
FROM mentions m
JOIN person_aliases pa ON pa.alias_key = m.name_key
JOIN documents d ON d.doc_id = m.doc_id
JOIN (SELECT DISTINCT doc_id, industry FROM document_industries) di ON di.doc_id = m.doc_id;

-- Why is this person ranked: the documents and sentences behind each ranked voice.
CREATE OR REPLACE VIEW voice_evidence AS
SELECT v.industry, v.rank, v.person_id, v.name,
       f.role, f.quoted, f.host AS source, f.url, f.title, f.published_at, f.snippet
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
