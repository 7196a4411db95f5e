-- The encounter service's own tables beside its FHIR store (Appointment and Encounter are the
-- record; these rows index sessions and keep what the care-team service's events say).

-- Roster members as roster.changed events describe them: who may log for whom, and the
-- PractitionerRole a session names.
CREATE TABLE encounter.roster_member (
  practitioner_id text PRIMARY KEY,
  role_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('peer-supporter', 'coordinator')),
  active boolean NOT NULL
);

-- Care teams as careteam.* events describe them.
CREATE TABLE encounter.care_team (
  id text PRIMARY KEY,
  referral_id text NOT NULL UNIQUE,
  patient text NOT NULL,
  status text NOT NULL,
  peer_supporter_id text
);
CREATE INDEX care_team_peer_supporter ON encounter.care_team (peer_supporter_id, status);

-- One row per session, planned or logged: what listing and the rules read.
CREATE TABLE encounter.session (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('one-to-one', 'group')),
  status text NOT NULL CHECK (status IN ('planned', 'completed', 'cancelled', 'no-show')),
  peer_supporter_id text NOT NULL,
  appointment_id text,
  encounter_id text,
  -- [{referralId, patient, attended, encounterId?}]
  attendees jsonb NOT NULL,
  referral_ids text[] NOT NULL,
  start_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX session_referrals ON encounter.session USING gin (referral_ids);
CREATE INDEX session_peer_supporter ON encounter.session (peer_supporter_id, start_at DESC);
