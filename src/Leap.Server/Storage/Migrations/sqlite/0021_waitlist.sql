-- The waitlist (docs/waitlist.md): patients waiting for a freed slot of a template. An entry moves from waiting to
-- offered (holding one slot through hold_id), then to booked or expired; or to removed. A hold belongs to one entry
-- at most, and an offered entry always has its hold: one slot is never offered twice, one entry never two slots.
CREATE TABLE waitlist_entries (
  id                       TEXT PRIMARY KEY,
  org_id                   TEXT NOT NULL REFERENCES organisations(id),
  mode                     TEXT NOT NULL,
  patient_id               TEXT NOT NULL REFERENCES patients(id),
  appointment_template_id  TEXT NOT NULL REFERENCES appointment_templates(id),
  clinician_profile_id     TEXT REFERENCES clinician_profiles(id),
  location_id              TEXT REFERENCES locations(id),
  earliest_date            TEXT,
  latest_date              TEXT,
  priority                 INTEGER NOT NULL,
  notes                    TEXT,
  status                   TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'removed', 'expired')),
  hold_id                  TEXT REFERENCES holds(id),
  offer_expires_at         TEXT,
  appointment_id           TEXT REFERENCES appointments(id),
  created_at               TEXT NOT NULL,
  updated_at               TEXT NOT NULL,
  CHECK (latest_date IS NULL OR earliest_date IS NULL OR latest_date >= earliest_date),
  CHECK ((status = 'waiting') = (hold_id IS NULL) OR status = 'removed'),
  CHECK ((hold_id IS NULL) = (offer_expires_at IS NULL)),
  CHECK ((status = 'booked') = (appointment_id IS NOT NULL))
);
CREATE UNIQUE INDEX waitlist_entries_hold ON waitlist_entries (hold_id);
CREATE INDEX waitlist_entries_tenant ON waitlist_entries (org_id, mode, id);
-- The next entry to offer a freed slot of a template to: highest priority first, then the oldest.
CREATE INDEX waitlist_entries_queue ON waitlist_entries (org_id, mode, appointment_template_id, priority DESC, id) WHERE status = 'waiting';
CREATE INDEX waitlist_entries_offers ON waitlist_entries (offer_expires_at) WHERE status = 'offered';
-- A patient waits for a template once at a time.
CREATE UNIQUE INDEX waitlist_entries_live ON waitlist_entries (org_id, mode, patient_id, appointment_template_id) WHERE status IN ('waiting', 'offered');
