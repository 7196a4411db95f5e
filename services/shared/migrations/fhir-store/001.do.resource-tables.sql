-- The generic FHIR resource store. Each service applies these tables in its own schema (the
-- migration runner sets search_path), so one service never reads another's resources.

-- Current version of every resource; a deleted resource keeps its row with deleted = true so
-- that read answers 410 Gone and the id is never reused.
CREATE TABLE resource (
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content jsonb,
  PRIMARY KEY (resource_type, id)
);
CREATE INDEX resource_last_updated_idx ON resource (resource_type, last_updated, id) WHERE NOT deleted;

-- Every version ever written, including the current one and deletions (content is null).
CREATE TABLE resource_version (
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content jsonb,
  PRIMARY KEY (resource_type, id, version_id)
);

-- Search index rows, one table per search parameter type. They describe the current version
-- only and are rewritten on every update, so a search is an index lookup, not a scan.
CREATE TABLE search_token (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  system text,
  code text NOT NULL
);
CREATE INDEX search_token_lookup_idx ON search_token (resource_type, param, code, system);
CREATE INDEX search_token_resource_idx ON search_token (resource_type, id);

CREATE TABLE search_reference (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  target text NOT NULL
);
CREATE INDEX search_reference_lookup_idx ON search_reference (resource_type, param, target);
CREATE INDEX search_reference_resource_idx ON search_reference (resource_type, id);

-- A date value is the range it covers: 2024-03 covers the whole of March.
CREATE TABLE search_date (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  low timestamptz NOT NULL,
  high timestamptz NOT NULL
);
CREATE INDEX search_date_low_idx ON search_date (resource_type, param, low);
CREATE INDEX search_date_high_idx ON search_date (resource_type, param, high);
CREATE INDEX search_date_resource_idx ON search_date (resource_type, id);

-- normalized is lower-cased without accents, for the default starts-with match; value is kept
-- as written for :exact.
CREATE TABLE search_string (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value text NOT NULL,
  normalized text NOT NULL
);
CREATE INDEX search_string_prefix_idx ON search_string (resource_type, param, normalized text_pattern_ops);
CREATE INDEX search_string_exact_idx ON search_string (resource_type, param, value);
CREATE INDEX search_string_resource_idx ON search_string (resource_type, id);
