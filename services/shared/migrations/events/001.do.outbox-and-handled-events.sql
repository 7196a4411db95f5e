-- The event tables every service schema gets (the migration runner sets search_path).

-- The outbox: each event a service appends, committed in the same transaction as the change it
-- describes, so an event exists if and only if the change does. The relay hands committed rows
-- to the job queue (pg-boss) and sets published_at; claimed_until is its lease on a row, so a
-- relay that dies mid-batch leaves the rows to another one after the lease.
CREATE TABLE event_outbox (
  seq bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  event_type text NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  -- [{reference, versionId}]: the resources the change wrote, at the versions it produced.
  changes jsonb NOT NULL,
  -- The changed resources themselves, when the event carries them; PHI, never logged.
  resources jsonb,
  occurred_at timestamptz NOT NULL,
  claimed_until timestamptz,
  published_at timestamptz
);
CREATE INDEX event_outbox_unpublished_idx ON event_outbox (seq) WHERE published_at IS NULL;
CREATE INDEX event_outbox_aggregate_idx ON event_outbox (aggregate_type, aggregate_id, seq);

-- The events this service's consumers have handled, written in the same transaction as the
-- consumer's effect: a redelivered event finds its row and changes nothing.
CREATE TABLE handled_event (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- The newest version of each resource a consumer has applied: events may arrive out of order
-- (retries, several workers), and an older version must never overwrite a newer one.
CREATE TABLE consumed_version (
  consumer text NOT NULL,
  reference text NOT NULL,
  version_id bigint NOT NULL,
  PRIMARY KEY (consumer, reference)
);
