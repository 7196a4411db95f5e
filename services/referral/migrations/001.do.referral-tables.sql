-- The referral service's own tables, beside the FHIR resource store in the same schema (the
-- migration runner sets search_path). Every row here is written in the same transaction as the
-- ServiceRequest and Task versions it describes.

-- One row per referral: its ServiceRequest and the Task that tracks it. Status changes lock this
-- row, so two changes of one referral are applied one after the other.
CREATE TABLE referral (
  id text PRIMARY KEY,
  task_id text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every lifecycle transition: who, when, why, from and to, and the Task version it produced.
-- Kept as rows rather than derived from Task versions because the Task carries no "who", and a
-- history read should not have to diff versions.
CREATE TABLE referral_transition (
  seq bigserial PRIMARY KEY,
  referral_id text NOT NULL REFERENCES referral (id),
  task_version integer NOT NULL,
  from_status text,
  to_status text NOT NULL,
  reason text,
  actor jsonb NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX referral_transition_referral_idx ON referral_transition (referral_id, seq);

-- The outbox: one event per change, committed with the change itself, so an event exists if
-- and only if the change does. published_at stays null until a relay delivers it.
CREATE TABLE outbox_event (
  seq bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  event_type text NOT NULL,
  referral_id text NOT NULL,
  resources jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  published_at timestamptz
);
CREATE INDEX outbox_event_unpublished_idx ON outbox_event (seq) WHERE published_at IS NULL;

-- Idempotency-Key of createReferral: the key (per client), a hash of the body it came with and
-- the referral it created. The primary key makes a second referral for one key impossible.
CREATE TABLE idempotency_key (
  client_id text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  referral_id text NOT NULL REFERENCES referral (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, idempotency_key)
);
