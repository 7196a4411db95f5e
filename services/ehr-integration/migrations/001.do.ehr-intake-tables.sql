-- The ehr-integration service's own tables for intake, beside its FHIR store (where the read-only
-- copies of referred patients' demographics live).

-- Where each connection's poll of each source (ServiceRequest or Task search) has got to: the
-- greatest meta.lastUpdated among the EHR resources it has committed. Advanced in the same
-- transaction as those resources' intake rows, so an interrupted poll resumes from there.
CREATE TABLE ehr_integration.intake_cursor (
  connection_id text NOT NULL,
  source text NOT NULL CHECK (source IN ('service-request', 'task')),
  last_updated timestamptz,
  polled_at timestamptz,
  PRIMARY KEY (connection_id, source)
);

-- One row per EHR referral ever seen, keyed on the EHR's identity of its ServiceRequest (the
-- connection and the ServiceRequest's absolute URL): the row is what makes intake exactly once.
-- A referral PeerBridge could not map is kept as rejected with the reason and never retried.
CREATE TABLE ehr_integration.intake_referral (
  connection_id text NOT NULL,
  ehr_service_request text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
  reason text,
  -- The event id the referral service creates the PeerBridge referral from (accepted only).
  event_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, ehr_service_request),
  CHECK ((outcome = 'rejected') = (reason IS NOT NULL))
);
