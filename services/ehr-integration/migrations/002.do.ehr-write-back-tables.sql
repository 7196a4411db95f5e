-- Write-back (issue 13, items 5 and 6; docs/adr/0016): what each connection's EHR has been sent of
-- each PeerBridge resource, and how each connection's delivery is doing.

-- The EHR Task a referral came with, when intake polled Tasks: its status is what write-back
-- updates, rather than writing a Task of PeerBridge's own.
ALTER TABLE ehr_integration.intake_referral ADD COLUMN ehr_task text;

-- The PeerBridge referrals taken in from an EHR, learnt from the referral service's events: which
-- connection their care goes back to, the EHR's ServiceRequest (and Task) they answer, the patient
-- as the EHR knows them, and whether the referral records consent to share session information.
CREATE TABLE ehr_integration.write_back_referral (
  referral_id text PRIMARY KEY,
  connection_id text NOT NULL,
  ehr_service_request text NOT NULL,
  ehr_task text,
  patient text NOT NULL,
  consented boolean NOT NULL DEFAULT false
);
CREATE INDEX write_back_referral_patient ON ehr_integration.write_back_referral (connection_id, patient);

-- One row per PeerBridge resource per connection: the newest version PeerBridge has of it (the
-- resource itself, as the EHR will get it), and what was delivered. A newer version replaces the
-- row's resource before or during delivery, never an older one, so bursts coalesce and an older
-- state can never reach the EHR after a newer one.
--   pending   to be sent when next_attempt_at comes
--   withheld  session content of a referral without consent to share it: sent if consent comes
--   delivered the EHR has `version`
--   dead      the EHR refused it for good (a 4xx other than 401, 408, 429): `outcome` says why
CREATE TABLE ehr_integration.write_back (
  seq bigserial UNIQUE,
  connection_id text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  version integer NOT NULL,
  resource jsonb NOT NULL,
  referral_id text,
  state text NOT NULL CHECK (state IN ('pending', 'withheld', 'delivered', 'dead')),
  -- Since when the EHR has been waiting for this row (pending since it last was delivered, dead,
  -- withheld or new): failed attempts and newer versions while pending do not move it.
  pending_since timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A deliverer's lease on the row while its request is out (replicas, or a killed process).
  claimed_until timestamptz,
  delivered_version integer,
  delivered_at timestamptz,
  ehr_reference text,
  last_error text,
  -- The EHR's OperationOutcome when it refused the write for good.
  outcome jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, resource_type, resource_id)
);
CREATE INDEX write_back_due ON ehr_integration.write_back (connection_id, next_attempt_at, seq)
  WHERE state = 'pending';
CREATE INDEX write_back_referral_rows ON ehr_integration.write_back (referral_id) WHERE referral_id IS NOT NULL;

-- Per connection: delivery pauses while the EHR is failing (until paused_until) and resumes by
-- itself; the failure class (never a body) is kept for the admin API.
CREATE TABLE ehr_integration.write_back_connection (
  connection_id text PRIMARY KEY,
  paused_until timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_failure text,
  last_failure_at timestamptz,
  last_delivery_at timestamptz
);
