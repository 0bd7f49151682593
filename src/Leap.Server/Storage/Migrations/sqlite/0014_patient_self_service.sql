-- Patients manage their own bookings (issue 16; docs/online-booking.md).

-- The organisation's public face, per dataset (organisation and mode, like its keys): the slug of its booking page
-- (/book/{slug}), whether online booking is on, the name and phone number patients see. A slug names one dataset.
CREATE TABLE organisation_settings (
  org_id                  TEXT NOT NULL REFERENCES organisations(id),
  mode                    TEXT NOT NULL CHECK (mode IN ('live', 'test')),
  slug                    TEXT,
  public_name             TEXT,
  phone                   TEXT,
  online_booking_enabled  INTEGER NOT NULL DEFAULT 0,
  updated_at              TEXT NOT NULL,
  PRIMARY KEY (org_id, mode)
);
CREATE UNIQUE INDEX organisation_settings_slug ON organisation_settings (slug);

-- How long before the start a patient may still cancel or move the appointment themselves (manage link).
ALTER TABLE appointment_templates ADD COLUMN cancellation_notice_hours INTEGER NOT NULL DEFAULT 24;

-- Manage links issued before this instant no longer open the appointment (a reschedule revokes the old ones).
CREATE TABLE manage_link_revocations (
  org_id          TEXT NOT NULL REFERENCES organisations(id),
  mode            TEXT NOT NULL CHECK (mode IN ('live', 'test')),
  appointment_id  TEXT NOT NULL,
  revoked_before  TEXT NOT NULL,
  PRIMARY KEY (org_id, mode, appointment_id)
);

-- A public booking waiting for the one-time code emailed to the patient: the held slot and the patient's details
-- (kept only until the code is used or the request expires), the code as a SHA-256 hash, wrong tries counted.
CREATE TABLE booking_requests (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL REFERENCES organisations(id),
  mode            TEXT NOT NULL CHECK (mode IN ('live', 'test')),
  hold_id         TEXT NOT NULL,
  details         TEXT NOT NULL,
  code_hash       TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'void')),
  appointment_id  TEXT,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL
);
CREATE INDEX booking_requests_expiry ON booking_requests (expires_at);
