-- Staff accounts (docs/staff-accounts.md): people of an organisation who sign in at /app with an email and a
-- password. A user works in one organisation and one mode (the dataset their session sees, like an API key);
-- the email is unique within the organisation, whatever its case. Passwords are kept only as ASP.NET Core
-- Identity hashes; the TOTP secret must be readable to check codes, as in every TOTP implementation.
CREATE TABLE users (
  id                    TEXT PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES organisations(id),
  mode                  TEXT NOT NULL CHECK (mode IN ('live', 'test')),
  email                 TEXT NOT NULL,
  email_normalized      TEXT NOT NULL,
  name                  TEXT NOT NULL,
  role                  TEXT NOT NULL CHECK (role IN ('admin', 'reception', 'clinician')),
  clinician_profile_id  TEXT,
  password_hash         TEXT NOT NULL,
  totp_secret           TEXT,
  totp_enabled          BOOLEAN NOT NULL DEFAULT FALSE,
  totp_last_step        BIGINT,
  failed_attempts       INTEGER NOT NULL DEFAULT 0,
  locked_until          TIMESTAMPTZ,
  disabled_at           TIMESTAMPTZ,
  last_sign_in_at       TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL,
  updated_at            TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (org_id, email_normalized);
-- Sign-in looks a person up by email before their organisation is known.
CREATE INDEX users_sign_in ON users (email_normalized);

-- Signed-in sessions, kept on the server so that signing out, disabling a user or resetting a password ends them at
-- once, on every server process. The cookie carries a random secret; only its SHA-256 is stored.
CREATE TABLE user_sessions (
  token_hash             TEXT PRIMARY KEY,
  user_id                TEXT NOT NULL REFERENCES users(id),
  second_factor_pending  BOOLEAN NOT NULL,
  created_at             TIMESTAMPTZ NOT NULL,
  expires_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

-- The ASP.NET Core Data Protection key ring (antiforgery tokens), shared by every server process on this database.
CREATE TABLE data_protection_keys (
  name        TEXT PRIMARY KEY,
  xml         TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);

-- Who made a change (docs/staff-accounts.md, "Actors"): an API key or a user, carried to the change's webhook event.
ALTER TABLE routing_queue ADD COLUMN actor_type TEXT;
ALTER TABLE routing_queue ADD COLUMN actor_id TEXT;
