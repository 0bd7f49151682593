-- Group and class sessions (docs/groups-and-resources.md). A template takes up to max_participants patients per
-- appointment (1: an ordinary one-to-one appointment). A group appointment copies its capacity when booked and counts
-- its seats taken; the count can never pass the capacity (joins claim a seat with a conditional UPDATE, and this CHECK
-- is the database's last word). One-to-one appointments leave both columns null.
ALTER TABLE appointment_templates ADD COLUMN max_participants INTEGER NOT NULL DEFAULT 1 CHECK (max_participants BETWEEN 1 AND 500);
ALTER TABLE appointment_templates ADD COLUMN min_participants INTEGER CHECK (min_participants BETWEEN 1 AND max_participants);

ALTER TABLE appointments ADD COLUMN max_participants INTEGER CHECK (max_participants BETWEEN 2 AND 500);
ALTER TABLE appointments ADD COLUMN participant_count INTEGER CHECK (participant_count BETWEEN 0 AND max_participants);

-- Who takes part in a group appointment. A participant who leaves keeps their row (status cancelled); a patient is
-- joined to one appointment at most once at a time.
CREATE TABLE appointment_participants (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL REFERENCES organisations(id),
  mode            TEXT NOT NULL,
  appointment_id  TEXT NOT NULL REFERENCES appointments(id),
  patient_id      TEXT NOT NULL REFERENCES patients(id),
  status          TEXT NOT NULL CHECK (status IN ('joined', 'cancelled')),
  joined_at       TIMESTAMPTZ NOT NULL,
  cancelled_at    TIMESTAMPTZ,
  updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX appointment_participants_joined ON appointment_participants (appointment_id, patient_id) WHERE status = 'joined';
CREATE INDEX appointment_participants_appointment ON appointment_participants (appointment_id, joined_at);
