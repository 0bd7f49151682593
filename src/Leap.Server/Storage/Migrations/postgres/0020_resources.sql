-- Rooms and equipment (docs/groups-and-resources.md): the resources of each location, the resource types a template
-- needs, the resources an appointment took, and the time each resource is taken.
CREATE TABLE resources (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES organisations(id),
  mode         TEXT NOT NULL,
  name         TEXT NOT NULL,
  type         TEXT NOT NULL CHECK (type IN ('room', 'equipment')),
  location_id  TEXT NOT NULL REFERENCES locations(id),
  is_active    BOOLEAN NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX resources_location ON resources (location_id, type);
CREATE INDEX resources_tenant ON resources (org_id, mode, id);

-- JSON arrays: the types a template's appointments need ("room", "equipment"), the resources an appointment took.
ALTER TABLE appointment_templates ADD COLUMN required_resource_types TEXT;
ALTER TABLE appointments ADD COLUMN resource_ids TEXT;

-- One row per resource an active appointment takes, over the appointment's time with its buffers: the no-overlap
-- rule is the clinicians' one (clinician_busy), so a resource is never double-booked.
CREATE TABLE resource_busy (
  appointment_id  TEXT NOT NULL,
  resource_id     TEXT NOT NULL REFERENCES resources(id),
  org_id          TEXT NOT NULL,
  mode            TEXT NOT NULL,
  busy_start      TIMESTAMPTZ NOT NULL,
  busy_end        TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (appointment_id, resource_id),
  CHECK (busy_end > busy_start),
  CONSTRAINT resource_busy_no_overlap EXCLUDE USING gist (resource_id WITH =, tstzrange(busy_start, busy_end, '[)') WITH &&)
);
CREATE INDEX resource_busy_range ON resource_busy (resource_id, busy_start) INCLUDE (busy_end, org_id, mode);
