-- Keys the server processes on one database must share and no Data Protection purpose fits cheaply
-- (docs/online-booking.md, "Manage links"): made by the first process that needs one, then read by every process.
-- Stored unencrypted, like the Data Protection key ring: whoever can read the database can read them.
CREATE TABLE server_secrets (
  name        TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);
