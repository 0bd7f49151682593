-- Directory writes (docs/directory.md): the services each clinician provides, and the days a location is closed.

-- The appointment templates a clinician provides. A clinician with no row here provides every template (what
-- availability meant before services existed), so the table only narrows.
CREATE TABLE clinician_services (
  org_id        TEXT NOT NULL REFERENCES organisations(id),
  mode          TEXT NOT NULL,
  clinician_id  TEXT NOT NULL REFERENCES clinician_profiles(id),
  template_id   TEXT NOT NULL REFERENCES appointment_templates(id),
  PRIMARY KEY (clinician_id, template_id)
);

-- Time a location is closed (bank holidays, the building shut): no session there is worked during it.
CREATE TABLE location_closures (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES organisations(id),
  mode         TEXT NOT NULL,
  location_id  TEXT NOT NULL REFERENCES locations(id),
  start_time   TIMESTAMPTZ NOT NULL,
  end_time     TIMESTAMPTZ NOT NULL,
  reason       TEXT NOT NULL CHECK (reason IN ('bank_holiday', 'closed', 'other')),
  note         TEXT,
  created_at   TIMESTAMPTZ NOT NULL,
  CHECK (end_time > start_time)
);
CREATE INDEX location_closures_location ON location_closures (location_id, end_time);
