-- Safety escalation (issue 12 item 7).

-- Who a safety alert goes to: the care team's referring clinician and coordinator, as the
-- CareTeam's participants in the care-team service's events name them (a reference each; null
-- when the team has none, or its rows predate this migration until its next event).
ALTER TABLE encounter.care_team ADD COLUMN referring_clinician text;
ALTER TABLE encounter.care_team ADD COLUMN coordinator text;
CREATE INDEX care_team_patient ON encounter.care_team (patient);

-- One row per safety flag: its state, the alert (Communication) sent about it, and who
-- acknowledged and resolved it. The Flag and Communications are the record; this row is what the
-- rules lock and read (an acknowledgement and a resolution cannot race).
CREATE TABLE encounter.safety_flag (
  flag_id text PRIMARY KEY,
  patient text NOT NULL,
  alert_id text NOT NULL,
  source text NOT NULL CHECK (source IN ('phq-9-item-9', 'peer-supporter')),
  urgency text NOT NULL CHECK (urgency IN ('urgent', 'stat')),
  status text NOT NULL CHECK (status IN ('active', 'resolved')),
  raised_at timestamptz NOT NULL,
  acknowledged_by text,
  acknowledged_at timestamptz,
  resolved_by text,
  resolved_at timestamptz
);
CREATE INDEX safety_flag_patient ON encounter.safety_flag (patient, raised_at DESC);
