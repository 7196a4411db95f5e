-- resource_version now holds the versions a write has replaced; the current version lives in
-- resource only, so a create writes its content once. Remove the copies of current versions
-- that writes before this migration kept there.
DELETE FROM resource_version v
USING resource r
WHERE v.resource_type = r.resource_type AND v.id = r.id AND v.version_id = r.version_id;
