-- Whether each referral records consent to share session information with the care team, as
-- the referral service's events carry its ServiceRequest (supportingInfo → Consent). Without
-- consent, clinicians outside the program see that sessions happened, not what was said in them.
CREATE TABLE encounter.referral_consent (
  referral_id text PRIMARY KEY,
  patient text NOT NULL,
  -- The Consent that records it (`Consent/<id>`), or NULL when none is recorded.
  consent_reference text
);
CREATE INDEX referral_consent_patient ON encounter.referral_consent (patient);
