-- The program's coordinators, as the care-team service's roster.changed events describe them
-- (events/program-coordinators.ts): a user-level token administers the program (dead letters,
-- EHR connections) only when its fhirUser is an active coordinator here. Every service keeps
-- its own copy, so that a service run alone needs no other service's tables.
CREATE TABLE program_coordinator (
  practitioner_id text PRIMARY KEY,
  active boolean NOT NULL
);
