-- Recurring series (docs/series.md): one row per series, the rule it was expanded from, and each occurrence
-- (an ordinary appointment) pointing at it.
CREATE TABLE appointment_series (
  id                    TEXT PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES organisations(id),
  mode                  TEXT NOT NULL,
  patient_id            TEXT NOT NULL REFERENCES patients(id),
  clinician_profile_id  TEXT REFERENCES clinician_profiles(id),
  appointment_type_id   TEXT REFERENCES appointment_templates(id),
  location_id           TEXT NOT NULL REFERENCES locations(id),
  title                 TEXT NOT NULL,
  time_zone             TEXT NOT NULL,
  frequency             TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
  repeat_interval       INTEGER NOT NULL CHECK (repeat_interval >= 1),
  occurrence_count      INTEGER,
  until_date            DATE,
  by_weekday            TEXT,
  start_time            TIMESTAMPTZ NOT NULL,
  end_time              TIMESTAMPTZ NOT NULL,
  created_at            TIMESTAMPTZ NOT NULL,
  updated_at            TIMESTAMPTZ NOT NULL,
  CHECK ((occurrence_count IS NULL) <> (until_date IS NULL))
);

ALTER TABLE appointments ADD COLUMN series_id TEXT REFERENCES appointment_series(id);
CREATE INDEX appointments_series ON appointments (series_id, start_time);
