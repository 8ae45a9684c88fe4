-- Extraction stage tables: readable documents and the people named in them.

-- One row per readable document: an article page, an author page, or a feed entry whose
-- page could not be had (its content or summary; replaced by the page once fetched).
CREATE TABLE IF NOT EXISTS documents (
    doc_id         VARCHAR PRIMARY KEY,    -- stable: derived from the URL
    url            VARCHAR NOT NULL,       -- the article or author page URL
    host           VARCHAR NOT NULL,       -- the site: what "distinct sources" counts
    kind           VARCHAR NOT NULL,       -- 'article' | 'feed_entry' | 'author_page'
    title          VARCHAR,                -- the page's title (the entry's for a feed_entry)
    published_at   TIMESTAMP,              -- page date, else feed entry's (published, else updated), else first fetch; never after the fetch; NULL for author pages
    content_hash   VARCHAR NOT NULL,       -- of the raw page (of the entry for feed_entry): unchanged hash, no re-extraction
    text_chars     INTEGER NOT NULL,       -- length of text, in characters
    text           VARCHAR,                -- main text only (no navigation, footers, comments)
    byline         VARCHAR[] NOT NULL,     -- author names found on the page or in the feed
    byline_origin  VARCHAR,                -- where the byline came from: 'page' | 'feed' | 'author_page'
    extracted_at   TIMESTAMP NOT NULL      -- when this version was extracted (UTC)
);

-- Which industries each document counts for (through the sources that led to it).
CREATE TABLE IF NOT EXISTS document_industries (
    doc_id         VARCHAR NOT NULL,       -- documents.doc_id
    industry       VARCHAR NOT NULL,       -- an industry of a source that led to it
    source_url     VARCHAR NOT NULL,       -- that source (sources.url)
    PRIMARY KEY (doc_id, industry, source_url)
);

-- A person named in a document: as an author (byline) or mentioned in the text.
CREATE TABLE IF NOT EXISTS mentions (
    mention_id     VARCHAR PRIMARY KEY,    -- stable: derived from doc, role, name and position
    doc_id         VARCHAR NOT NULL,       -- documents.doc_id
    name           VARCHAR NOT NULL,       -- normalised name (in-document short forms expanded)
    name_key       VARCHAR NOT NULL,       -- lowercase, ASCII-folded; joins person_aliases.alias_key
    surface        VARCHAR NOT NULL,       -- as written
    role           VARCHAR NOT NULL,       -- 'author' | 'mentioned'
    origin         VARCHAR NOT NULL,       -- 'feed' | 'page' | 'author_page' | 'ner'
    quoted         BOOLEAN NOT NULL,       -- the person is quoted ("...", said Name)
    snippet        VARCHAR,                -- the sentence (trimmed) that names the person
    content_hash   VARCHAR NOT NULL        -- of the document version this came from
);

-- Which version of each document the mentions were extracted from: an unchanged
-- document is never sent through NER again.
CREATE TABLE IF NOT EXISTS mention_extractions (
    doc_id         VARCHAR PRIMARY KEY,    -- documents.doc_id
    content_hash   VARCHAR NOT NULL,       -- the version extracted (documents.content_hash)
    mentions       INTEGER NOT NULL,       -- mentions found in it
    model          VARCHAR NOT NULL,       -- spaCy model per language, 'en=…,fr=…' (one changed
                                           -- or added: the document is read again)
    extracted_at   TIMESTAMP NOT NULL      -- when it was extracted (UTC)
);

-- Columns added after the first release (existing warehouses get them on the next run).
ALTER TABLE documents ADD COLUMN IF NOT EXISTS language VARCHAR;
                                       -- ISO 639-1 detected from the text (py3langid, <html lang> as tie-breaker); NULL when unsure
