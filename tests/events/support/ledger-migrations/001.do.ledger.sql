-- A consumer's effects, for tests: one row per time a consumer's effect ran. No unique key on
-- purpose: an effect that ran twice shows as two rows.
CREATE TABLE effect (
  seq bigserial PRIMARY KEY,
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  aggregate_id text NOT NULL
);

-- A projection kept by version: the newest state a consumer saw of each resource.
CREATE TABLE projection (
  reference text PRIMARY KEY,
  version_id bigint NOT NULL,
  status text NOT NULL
);
