-- Idempotency-Keys now live in the REST kit's table, idempotent_request (the shared
-- idempotency_keys migrations, applied before these). Each key keeps its client, body hash and
-- first use, so it replays as before until it expires; the referral it created is its result.
INSERT INTO idempotent_request (client_id, idempotency_key, request_hash, result, created_at)
SELECT client_id, idempotency_key, request_hash, referral_id, created_at FROM idempotency_key;
DROP TABLE idempotency_key;
