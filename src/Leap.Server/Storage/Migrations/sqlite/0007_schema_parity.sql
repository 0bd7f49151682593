-- The inbox index in the order the inbox is read (most recently active first), as PostgreSQL declares it
-- since 0004: the schema parity test compares index shapes, directions included.
DROP INDEX episodes_inbox;
CREATE INDEX episodes_inbox ON episodes (org_id, mode, last_activity_at DESC, id DESC);
