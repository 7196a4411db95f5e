-- Requests a service's REST API received with an Idempotency-Key (src/rest/idempotency-keys.ts):
-- per client and key, the hash of the body the key came with and what the first request
-- produced (e.g. the id of the resource it created), so that a retry is answered with it. A key
-- expires IDEMPOTENCY_KEY_TTL_HOURS after created_at; a scheduled job deletes expired ones.
CREATE TABLE idempotent_request (
  client_id text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  result text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, idempotency_key)
);
CREATE INDEX idempotent_request_created_idx ON idempotent_request (created_at);
