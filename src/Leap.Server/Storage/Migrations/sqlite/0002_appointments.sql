-- Appointments, and the busy time that enforces "no double booking".
--
-- clinician_busy holds one row per interval a clinician is taken: an active appointment or (later) a hold,
-- widened by the template's buffers. The database refuses overlapping rows for one clinician, so the rule
-- holds whatever code path or process writes. Cancelled appointments, appointments without a clinician
-- and appointments booked with allow_overlap have no row.

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
  start_time            TEXT NOT NULL,
  end_time              TEXT NOT NULL,
  status                TEXT NOT NULL,
  is_remote             INTEGER NOT NULL,
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
  cancelled_at          TEXT,
  booking_source        TEXT NOT NULL,
  allow_overlap         INTEGER NOT NULL,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
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
  busy_start    TEXT NOT NULL,
  busy_end      TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('appointment', 'hold')),
  expires_at    TEXT,
  CHECK (busy_end > busy_start)
);
CREATE INDEX clinician_busy_range ON clinician_busy (clinician_id, busy_start);

-- The no-overlap rule. Busy intervals are at most 2 days long (validation caps appointments at 24 hours
-- and buffers at 4 hours each), which bounds the index range the check has to read.
CREATE TRIGGER clinician_busy_no_overlap_insert BEFORE INSERT ON clinician_busy BEGIN
  SELECT RAISE(ABORT, 'SLOT_UNAVAILABLE') FROM clinician_busy b
  WHERE b.clinician_id = NEW.clinician_id
    AND b.busy_start > strftime('%Y-%m-%dT%H:%M:%fZ', NEW.busy_start, '-2 days')
    AND b.busy_start < NEW.busy_end AND b.busy_end > NEW.busy_start;
END;
CREATE TRIGGER clinician_busy_no_overlap_update BEFORE UPDATE OF clinician_id, busy_start, busy_end ON clinician_busy BEGIN
  SELECT RAISE(ABORT, 'SLOT_UNAVAILABLE') FROM clinician_busy b
  WHERE b.clinician_id = NEW.clinician_id AND b.id <> NEW.id
    AND b.busy_start > strftime('%Y-%m-%dT%H:%M:%fZ', NEW.busy_start, '-2 days')
    AND b.busy_start < NEW.busy_end AND b.busy_end > NEW.busy_start;
END;
