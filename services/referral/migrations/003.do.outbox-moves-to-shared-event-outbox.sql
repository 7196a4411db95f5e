-- The outbox moved to the shared kit (event_outbox, created by the `events` migration set, which
-- runs before this one): carry over the events written so far, then drop the old table.
INSERT INTO event_outbox (event_id, event_type, aggregate_type, aggregate_id, changes, occurred_at, published_at)
SELECT event_id, event_type, 'referral', referral_id, resources, occurred_at, published_at
FROM outbox_event
ORDER BY seq;
DROP TABLE outbox_event;
