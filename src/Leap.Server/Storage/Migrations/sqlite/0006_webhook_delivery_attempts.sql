-- The history of a webhook delivery: one row per attempt, kept as long as the webhook retention
-- (Webhooks:Retention), where the delivery row only keeps the last attempt's outcome.
--
-- The tenant (org_id, mode) is copied onto every row, as on the deliveries, so an attempt is only ever read
-- with the caller's tenant in the predicate. Reads ask for one delivery's attempts in order, and deleting a
-- delivery (with its event, or with its endpoint) cascades here by delivery_id: one index leading with
-- delivery_id serves both. Housekeeping deletes by age across tenants, hence the index on attempted_at.
CREATE TABLE webhook_delivery_attempts (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  mode          TEXT NOT NULL,
  delivery_id   TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempted_at  TEXT NOT NULL,
  duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
  status_code   INTEGER,
  response      TEXT,
  error         TEXT
);
CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, attempted_at, id);
CREATE INDEX webhook_delivery_attempts_attempted ON webhook_delivery_attempts (attempted_at);
