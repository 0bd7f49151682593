-- Appointments, and the busy time that enforces "no double booking".
--
-- clinician_busy holds one row per interval a clinician is taken: an active appointment or (later) a hold,
-- widened by the template's buffers. An exclusion constraint refuses overlapping rows for one clinician,
-- so the rule holds across concurrent transactions and server processes. Cancelled appointments,
-- appointments without a clinician and appointments booked with allow_overlap have no row.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE appointments (
  id                    TEXT PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES organisations(id),
  mode                  TEXT NOT NULL,
  patient_id            TEXT NOT NULL REFERENCES patients(id),
  clinician_profile_id  TEXT REFERENCES clinician_profiles(id),
  appointment_type_id   TEXT REFERENCES appointment_templates(id),
  location_id           TEXT REFERENCES locations(id),
  episode_id            TEXT,
  title                 TEXT NOT NULL,
  description           TEXT,
  start_time            TIMESTAMPTZ NOT NULL,
  end_time              TIMESTAMPTZ NOT NULL,
  status                TEXT NOT NULL,
  is_remote             BOOLEAN NOT NULL,
  remote_channel        TEXT,
  video_link            TEXT,
  video_provider        TEXT,
  meeting_url           TEXT,
  duration_minutes      INTEGER NOT NULL,
  buffer_before_minutes INTEGER NOT NULL,
  buffer_after_minutes  INTEGER NOT NULL,
  attendee_name         TEXT,
  attendee_email        TEXT,
  attendee_phone        TEXT,
  attendance_status     TEXT,
  cancellation_reason   TEXT,
  cancelled_at          TIMESTAMPTZ,
  booking_source        TEXT NOT NULL,
  allow_overlap         BOOLEAN NOT NULL,
  created_at            TIMESTAMPTZ NOT NULL,
  updated_at            TIMESTAMPTZ NOT NULL,
  CHECK (end_time > start_time)
);
CREATE INDEX appointments_tenant_start ON appointments (org_id, mode, start_time, id);
CREATE INDEX appointments_patient ON appointments (patient_id, start_time);
CREATE INDEX appointments_clinician ON appointments (clinician_profile_id, start_time);
CREATE INDEX appointments_template ON appointments (appointment_type_id);

CREATE TABLE clinician_busy (
  id            TEXT PRIMARY KEY,   -- the appointment (or hold) occupying the time
  org_id        TEXT NOT NULL,
  mode          TEXT NOT NULL,
  clinician_id  TEXT NOT NULL,
  busy_start    TIMESTAMPTZ NOT NULL,
  busy_end      TIMESTAMPTZ NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('appointment', 'hold')),
  expires_at    TIMESTAMPTZ,
  CHECK (busy_end > busy_start),
  CONSTRAINT clinician_busy_no_overlap EXCLUDE USING gist (clinician_id WITH =, tstzrange(busy_start, busy_end, '[)') WITH &&)
);
CREATE INDEX clinician_busy_range ON clinician_busy (clinician_id, busy_start);
