-- The care-team service's own tables, beside its FHIR store (Practitioner, PractitionerRole,
-- CareTeam are the source of truth; these rows index what matching, caseloads and access rules
-- query, and are written in the same transaction as the resources they describe).

-- One row per roster member: the Practitioner id, and the facts matching filters and ranks on.
CREATE TABLE care_team.peer_supporter (
  id text PRIMARY KEY,
  role_id text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('peer-supporter', 'coordinator')),
  active boolean NOT NULL,
  sort_name text NOT NULL,
  -- Lower-case primary language subtags ('es' for 'es-MX'), so that 'es' matches every Spanish.
  languages text[] NOT NULL,
  lived_experience text[] NOT NULL,
  max_caseload integer NOT NULL CHECK (max_caseload >= 0),
  -- Proposed and active care teams they are on; kept with each care-team change.
  active_care_teams integer NOT NULL DEFAULT 0 CHECK (active_care_teams >= 0),
  -- Hours of the week (0 = Monday 00:00–01:00 … 167) they are available in.
  available_hours smallint[] NOT NULL
);
CREATE INDEX peer_supporter_eligible ON care_team.peer_supporter (role, active, sort_name, id);
CREATE INDEX peer_supporter_languages ON care_team.peer_supporter USING gin (languages);

CREATE TABLE care_team.certification (
  peer_supporter_id text NOT NULL REFERENCES care_team.peer_supporter (id) ON DELETE CASCADE,
  code text NOT NULL,
  valid_from date NOT NULL,
  valid_until date NOT NULL
);
CREATE INDEX certification_validity ON care_team.certification (peer_supporter_id, valid_until, valid_from);

-- Referrals as the referral service's events describe them (never its tables).
CREATE TABLE care_team.referral (
  id text PRIMARY KEY,
  patient text NOT NULL,
  requester text,
  program text,
  status text NOT NULL,
  preferred_language text,
  contact_time text,
  -- system|code of each reason code, to infer what lived experience to look for.
  reason_codes text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE care_team.care_team (
  id text PRIMARY KEY,
  referral_id text NOT NULL UNIQUE REFERENCES care_team.referral (id),
  patient text NOT NULL,
  status text NOT NULL CHECK (status IN ('proposed', 'active', 'inactive')),
  peer_supporter_id text REFERENCES care_team.peer_supporter (id),
  -- When the current peer supporter joined.
  assigned_at timestamptz,
  last_session_date date,
  created_at timestamptz NOT NULL
);
CREATE INDEX care_team_peer_supporter ON care_team.care_team (peer_supporter_id, status);
CREATE INDEX care_team_patient ON care_team.care_team (patient);

-- Every assignment, current and past: continuity (worked with this patient before) and audit.
CREATE TABLE care_team.assignment (
  seq bigserial PRIMARY KEY,
  care_team_id text NOT NULL REFERENCES care_team.care_team (id),
  peer_supporter_id text NOT NULL REFERENCES care_team.peer_supporter (id),
  patient text NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  reason text,
  override boolean NOT NULL DEFAULT false,
  actor jsonb NOT NULL
);
CREATE INDEX assignment_patient ON care_team.assignment (patient, peer_supporter_id);
