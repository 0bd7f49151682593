-- Clinician working time (weekly and one-off sessions, blocks), booking rules on templates, and holds.
--
-- Session times are local wall-clock times ('HH:MM') at the session's location, whose IANA time zone turns
-- them into instants for each date (so a 09:00 session stays 09:00 across the clock changes). Blocks and
-- holds are instants. A hold occupies the clinician through a clinician_busy row of kind 'hold' (same id),
-- so the no-overlap trigger arbitrates holds against holds and appointments with no extra code.

ALTER TABLE appointment_templates ADD COLUMN min_notice_minutes INTEGER NOT NULL DEFAULT 60;
ALTER TABLE appointment_templates ADD COLUMN max_advance_days INTEGER NOT NULL DEFAULT 90;

-- weekday set: repeats every week (optionally only between valid_from and valid_until);
-- on_date set: an extra session on that one date.
CREATE TABLE clinician_sessions (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL REFERENCES organisations(id),
  mode          TEXT NOT NULL,
  clinician_id  TEXT NOT NULL REFERENCES clinician_profiles(id),
  location_id   TEXT NOT NULL REFERENCES locations(id),
  weekday       TEXT CHECK (weekday IN ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')),
  on_date       TEXT,
  start_time    TEXT NOT NULL CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]' AND start_time < '24:00'),
  end_time      TEXT NOT NULL CHECK (end_time GLOB '[0-2][0-9]:[0-5][0-9]' AND end_time < '24:00'),
  valid_from    TEXT,
  valid_until   TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  CHECK ((weekday IS NULL) <> (on_date IS NULL)),
  CHECK (end_time > start_time),
  CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX clinician_sessions_tenant ON clinician_sessions (org_id, mode, clinician_id);

-- Time a clinician is away (leave, training...): no slot is offered that touches it.
CREATE TABLE clinician_blocks (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL REFERENCES organisations(id),
  mode          TEXT NOT NULL,
  clinician_id  TEXT NOT NULL REFERENCES clinician_profiles(id),
  start_time    TEXT NOT NULL,
  end_time      TEXT NOT NULL,
  reason        TEXT NOT NULL CHECK (reason IN ('leave', 'training', 'sickness', 'other')),
  note          TEXT,
  created_at    TEXT NOT NULL,
  CHECK (end_time > start_time)
);
CREATE INDEX clinician_blocks_clinician ON clinician_blocks (clinician_id, end_time);

-- A 15-minute reservation of one slot. 'expired' is also read off expires_at, so a hold stops counting the
-- moment it expires even before housekeeping records the status.
CREATE TABLE holds (
  id                       TEXT PRIMARY KEY,
  org_id                   TEXT NOT NULL REFERENCES organisations(id),
  mode                     TEXT NOT NULL,
  appointment_template_id  TEXT NOT NULL REFERENCES appointment_templates(id),
  clinician_profile_id     TEXT NOT NULL REFERENCES clinician_profiles(id),
  location_id              TEXT REFERENCES locations(id),
  start_time               TEXT NOT NULL,
  end_time                 TEXT NOT NULL,
  buffer_before_minutes    INTEGER NOT NULL,
  buffer_after_minutes     INTEGER NOT NULL,
  expires_at               TEXT NOT NULL,
  status                   TEXT NOT NULL CHECK (status IN ('active', 'confirmed', 'released', 'expired')),
  appointment_id           TEXT REFERENCES appointments(id),
  created_at               TEXT NOT NULL,
  updated_at               TEXT NOT NULL,
  CHECK (end_time > start_time),
  CHECK ((status = 'confirmed') = (appointment_id IS NOT NULL))
);
CREATE INDEX holds_tenant ON holds (org_id, mode, id);
CREATE INDEX holds_expiry ON holds (expires_at) WHERE status = 'active';
CREATE INDEX clinician_busy_hold_expiry ON clinician_busy (expires_at) WHERE kind = 'hold';

-- Availability reads every busy interval of a practice's clinicians for two weeks: with the whole row in the
-- index it never visits the table. The no-overlap triggers use it just as they used the narrower index.
CREATE INDEX clinician_busy_cover ON clinician_busy (clinician_id, busy_start, busy_end, expires_at, org_id, mode);
DROP INDEX clinician_busy_range;
