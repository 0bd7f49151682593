-- Private iCalendar feeds (docs/ical.md): a secret URL per feed shows one clinician's upcoming appointments to a
-- calendar app. The URL's token is random and only its SHA-256 is stored; revoking a feed stops it at once.
CREATE TABLE calendar_feeds (
  id                    TEXT PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES organisations(id),
  mode                  TEXT NOT NULL CHECK (mode IN ('live', 'test')),
  clinician_profile_id  TEXT NOT NULL REFERENCES clinician_profiles(id),
  token_hash            TEXT NOT NULL UNIQUE,
  created_by            TEXT NOT NULL,
  created_at            TIMESTAMPTZ NOT NULL,
  revoked_at            TIMESTAMPTZ
);
CREATE INDEX calendar_feeds_tenant ON calendar_feeds (org_id, mode, id);

-- What the organisation's feeds show of a patient: initials (the default) or the full name.
ALTER TABLE organisations ADD COLUMN calendar_feed_full_names BOOLEAN NOT NULL DEFAULT FALSE;
