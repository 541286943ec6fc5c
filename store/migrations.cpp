#include "store/migrations.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"

namespace jtai::store {

namespace {

// Migration N (1-based) is kMigrations[N-1].
const std::vector<const char*> kMigrations = {
    // 1: the initial schema.
    R"sql(
CREATE TABLE authorities (
  urn           INTEGER PRIMARY KEY,          -- Ofsted provider URN
  name          TEXT NOT NULL,                -- as Ofsted spells it on the listing
  provider_path TEXT NOT NULL,                -- e.g. /provider/44/80426
  first_seen    TEXT NOT NULL,
  last_seen     TEXT NOT NULL
);

CREATE TABLE publications (
  id           INTEGER PRIMARY KEY,
  urn          INTEGER NOT NULL REFERENCES authorities(urn),
  file_id      TEXT NOT NULL UNIQUE,          -- the <id> of /v1/file/<id>
  url          TEXT NOT NULL,
  kind         TEXT NOT NULL,                 -- jtai, focused_visit, ilacs, area_send, joint_area_review, other
  title        TEXT NOT NULL,                 -- the link's nonvisual text
  published_on TEXT,                          -- ISO date from <time>
  first_seen   TEXT NOT NULL,
  last_seen    TEXT NOT NULL,
  gone_since   TEXT                           -- set when the site stops listing it; never deleted
);
CREATE INDEX publications_urn ON publications(urn);
CREATE INDEX publications_kind ON publications(kind);

CREATE TABLE files (
  id             INTEGER PRIMARY KEY,
  publication_id INTEGER NOT NULL UNIQUE REFERENCES publications(id),
  path           TEXT NOT NULL,               -- relative to the data directory
  sha256         TEXT NOT NULL,
  size           INTEGER NOT NULL,
  fetched_at     TEXT NOT NULL
);
CREATE INDEX files_sha256 ON files(sha256);

-- Parsed PDF layout (lines with font and position), so rules can be re-run
-- without parsing the PDF again.
CREATE TABLE layouts (
  sha256         TEXT NOT NULL,
  layout_version INTEGER NOT NULL,
  data           BLOB NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (sha256, layout_version)
);

CREATE TABLE extractions (
  id                  INTEGER PRIMARY KEY,
  publication_id      INTEGER NOT NULL REFERENCES publications(id),
  sha256              TEXT NOT NULL,
  rules_version       TEXT NOT NULL,
  extracted_at        TEXT NOT NULL,
  is_current          INTEGER NOT NULL DEFAULT 1,   -- the one the exports use
  kind                TEXT NOT NULL,                -- jtai | not_jtai | error
  reason              TEXT,                         -- for not_jtai / error
  letter_date         TEXT,
  inspection_start    TEXT,
  inspection_end      TEXT,
  theme               TEXT,
  theme_phrase        TEXT,
  deep_dive           TEXT,
  headline_findings   TEXT,
  no_priority_actions INTEGER NOT NULL DEFAULT 0,
  warnings            TEXT NOT NULL DEFAULT '[]',   -- JSON array
  report_json         TEXT NOT NULL,                -- the whole record, as `jtai extract` prints it
  UNIQUE (publication_id, rules_version)
);
CREATE UNIQUE INDEX extractions_current ON extractions(publication_id) WHERE is_current = 1;

CREATE TABLE findings (
  extraction_id INTEGER NOT NULL REFERENCES extractions(id) ON DELETE CASCADE,
  section       TEXT NOT NULL CHECK (section IN ('priority_action', 'improvement', 'strength', 'case_study')),
  position      INTEGER NOT NULL,               -- 1-based within the section
  title         TEXT,                           -- case studies only
  text          TEXT NOT NULL,
  PRIMARY KEY (extraction_id, section, position)
);

CREATE TABLE runs (
  id               INTEGER PRIMARY KEY,
  command          TEXT NOT NULL,               -- crawl | refresh | reextract
  site             TEXT,
  started_at       TEXT NOT NULL,
  ended_at         TEXT,
  status           TEXT NOT NULL CHECK (status IN ('running', 'ok', 'suspect', 'failed')),
  pid              INTEGER,
  authorities_seen INTEGER NOT NULL DEFAULT 0,
  jtai_seen        INTEGER NOT NULL DEFAULT 0,
  requests         INTEGER NOT NULL DEFAULT 0,
  bytes            INTEGER NOT NULL DEFAULT 0,
  downloads        INTEGER NOT NULL DEFAULT 0,
  new_letters      INTEGER NOT NULL DEFAULT 0,
  extracted        INTEGER NOT NULL DEFAULT 0,
  changed_findings INTEGER NOT NULL DEFAULT 0,
  errors           INTEGER NOT NULL DEFAULT 0,
  messages         TEXT NOT NULL DEFAULT '[]',  -- JSON array of error / suspect reasons
  summary          TEXT
);

CREATE TABLE http_cache (
  url           TEXT PRIMARY KEY,
  etag          TEXT,
  last_modified TEXT,
  status        INTEGER,
  fetched_at    TEXT NOT NULL
);
)sql",
    // 2: Report v2 - the JTAI round and the focus compared across years; each
    // finding's sub-heading and each case study's kind. Rows stored before
    // stay NULL until `jtai reextract` rewrites them.
    R"sql(
ALTER TABLE extractions ADD COLUMN round TEXT;     -- id from rules/rounds.toml
ALTER TABLE extractions ADD COLUMN focus TEXT;     -- canonical theme compared across years
ALTER TABLE findings ADD COLUMN subheading TEXT;   -- per-agency or per-topic sub-heading in the letter
ALTER TABLE findings ADD COLUMN kind TEXT;         -- case studies: highly effective practice | area for improvement | area for priority action
)sql",
    // 3: the crawler's selector fallback chains: which selector of each chain
    // in rules/site.toml matched, per run (JSON, see crawler/rule_usage.hpp).
    R"sql(
ALTER TABLE runs ADD COLUMN selectors TEXT NOT NULL DEFAULT '{}';
)sql",

    // 4: agencies on findings, and the full-text index `jtai search` reads.
    // search_items holds the items of every CURRENT jtai extraction: its headline
    // findings (section 'headline') and its findings rows; Store keeps it in step
    // whenever an extraction is saved (crawl, reextract, refresh after a rule change).
    // search_fts is an FTS5 index over it, kept in step by the triggers.
    R"sql(
ALTER TABLE findings ADD COLUMN agency TEXT;                          -- from the item's subheading (rules/agencies.toml)
ALTER TABLE findings ADD COLUMN agencies TEXT NOT NULL DEFAULT '[]';  -- JSON array: agencies the text mentions

CREATE TABLE search_items (
  id            INTEGER PRIMARY KEY,
  extraction_id INTEGER NOT NULL REFERENCES extractions(id) ON DELETE CASCADE,
  section       TEXT NOT NULL,     -- headline | priority_action | improvement | strength | case_study
  position      INTEGER NOT NULL,  -- 1-based within the section
  title         TEXT,              -- case studies
  subheading    TEXT,
  text          TEXT NOT NULL,
  agency        TEXT,
  agencies      TEXT NOT NULL DEFAULT '[]',
  UNIQUE (extraction_id, section, position)
);

CREATE VIRTUAL TABLE search_fts USING fts5(
  text, title, subheading,
  content = 'search_items', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_items_insert AFTER INSERT ON search_items BEGIN
  INSERT INTO search_fts (rowid, text, title, subheading) VALUES (new.id, new.text, new.title, new.subheading);
END;
CREATE TRIGGER search_items_delete AFTER DELETE ON search_items BEGIN
  INSERT INTO search_fts (search_fts, rowid, text, title, subheading)
  VALUES ('delete', old.id, old.text, old.title, old.subheading);
END;

INSERT INTO search_items (extraction_id, section, position, text, agencies)
  SELECT id, 'headline', 1, headline_findings, COALESCE(json_extract(report_json, '$.headline_agencies'), '[]')
  FROM extractions WHERE is_current = 1 AND kind = 'jtai' AND COALESCE(headline_findings, '') != '';
INSERT INTO search_items (extraction_id, section, position, title, subheading, text)
  SELECT f.extraction_id, f.section, f.position, f.title, f.subheading, f.text
  FROM findings f JOIN extractions e ON e.id = f.extraction_id WHERE e.is_current = 1;
)sql",
    // 5 (issue 8): quarantined letters, and runs stopped by SIGTERM/SIGINT ('interrupted').
    R"sql(
-- A letter whose PDF made the sandboxed parser crash, time out or run out of
-- memory. It is not tried again until the program or rules version changes
-- (or --retry-failed); the exports list it among the known issues.
CREATE TABLE quarantine (
  publication_id  INTEGER PRIMARY KEY REFERENCES publications(id),
  sha256          TEXT NOT NULL,
  failure         TEXT NOT NULL,               -- crashed | timed_out | cpu_limit | out_of_memory | failed
  reason          TEXT NOT NULL,
  program_version TEXT NOT NULL,
  rules_version   TEXT NOT NULL,
  first_failed_at TEXT NOT NULL,
  last_failed_at  TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE runs_v2 (
  id               INTEGER PRIMARY KEY,
  command          TEXT NOT NULL,               -- crawl | refresh | reextract
  site             TEXT,
  started_at       TEXT NOT NULL,
  ended_at         TEXT,
  status           TEXT NOT NULL CHECK (status IN ('running', 'ok', 'suspect', 'failed', 'interrupted')),
  pid              INTEGER,
  authorities_seen INTEGER NOT NULL DEFAULT 0,
  jtai_seen        INTEGER NOT NULL DEFAULT 0,
  requests         INTEGER NOT NULL DEFAULT 0,
  bytes            INTEGER NOT NULL DEFAULT 0,
  downloads        INTEGER NOT NULL DEFAULT 0,
  new_letters      INTEGER NOT NULL DEFAULT 0,
  extracted        INTEGER NOT NULL DEFAULT 0,
  changed_findings INTEGER NOT NULL DEFAULT 0,
  errors           INTEGER NOT NULL DEFAULT 0,
  messages         TEXT NOT NULL DEFAULT '[]',  -- JSON array of error / suspect reasons
  summary          TEXT,
  selectors        TEXT NOT NULL DEFAULT '{}'   -- migration 3: the selector fallback chains used
);
INSERT INTO runs_v2 SELECT id, command, site, started_at, ended_at, status, pid, authorities_seen, jtai_seen,
  requests, bytes, downloads, new_letters, extracted, changed_findings, errors, messages, summary, selectors
  FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v2 RENAME TO runs;
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

int schema_version(Db& db) {
  auto st = db.prepare("PRAGMA user_version");
  return st.step() ? static_cast<int>(st.column_int(0)) : 0;
}

void migrate(Db& db) {
  int current = schema_version(db);
  if (current > latest_schema_version())
    throw Error("database " + db.path().string() + " has schema version " + std::to_string(current) +
                ", newer than this jtai understands (" + std::to_string(latest_schema_version()) +
                "); upgrade jtai");
  if (current == latest_schema_version()) return;
  Transaction tx(db);
  current = schema_version(db);  // another process may have migrated meanwhile
  for (int v = current + 1; v <= latest_schema_version(); ++v) {
    db.exec(kMigrations[static_cast<size_t>(v - 1)]);
    db.exec("PRAGMA user_version = " + std::to_string(v));
  }
  tx.commit();
}

}  // namespace jtai::store
