-- The clinical record (docs/clinical-record.md) and the access log (docs/audit.md).
-- Clinical entries are never overwritten in place without a trace: a correction writes the earlier version to
-- clinical_amendments first (append-only), and the entry's version counts them. Documents keep their bytes in the
-- database, so every server process can serve them. The access log is append-only too: housekeeping deletes
-- entries past the retention period, and nothing ever updates one.

-- A consultation's public id is a bare UUID (as Jump shows it); consultation_id is its con_ business id.
CREATE TABLE consultations (
  id                           TEXT PRIMARY KEY,
  org_id                       TEXT NOT NULL REFERENCES organisations(id),
  mode                         TEXT NOT NULL,
  consultation_id              TEXT NOT NULL UNIQUE,
  patient_id                   TEXT NOT NULL REFERENCES patients(id),
  clinician_id                 TEXT,
  location_id                  TEXT,
  appointment_id               TEXT,
  episode_id                   TEXT,
  consultation_date            TEXT NOT NULL,
  consultation_time            TEXT,
  status                       TEXT NOT NULL CHECK (status IN ('draft', 'in_progress', 'completed', 'cancelled')),
  consultation_type_code       TEXT,
  consultation_type_display    TEXT,
  consultation_medium_code     TEXT,
  consultation_medium_display  TEXT,
  consultation_setting         TEXT,
  consultation_setting_code    TEXT,
  chief_complaint              TEXT,
  summary                      TEXT,
  created_by_type              TEXT NOT NULL,
  created_by                   TEXT,
  created_at                   TEXT NOT NULL,
  updated_at                   TEXT NOT NULL
);
CREATE INDEX consultations_tenant_date ON consultations (org_id, mode, consultation_date, id);
CREATE INDEX consultations_patient ON consultations (org_id, mode, patient_id, consultation_date);

-- Every kind of entry (problem, medication, observation, ... invoice, document) in one table: the columns lists
-- filter on (status, category such as a document's type, the date the entry is about) and the kind's own fields
-- as a JSON object (data).
CREATE TABLE clinical_entries (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL REFERENCES organisations(id),
  mode             TEXT NOT NULL,
  kind             TEXT NOT NULL,
  patient_id       TEXT NOT NULL REFERENCES patients(id),
  consultation_id  TEXT REFERENCES consultations(id),
  status           TEXT,
  category         TEXT,
  recorded_on      TEXT NOT NULL,
  version          INTEGER NOT NULL CHECK (version >= 1),
  data             TEXT NOT NULL,
  created_by_type  TEXT NOT NULL,
  created_by       TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX clinical_entries_patient ON clinical_entries (org_id, mode, patient_id, kind, recorded_on);
CREATE INDEX clinical_entries_consultation ON clinical_entries (consultation_id, kind);
CREATE INDEX clinical_entries_kind ON clinical_entries (org_id, mode, kind, id);

-- The earlier versions of corrected entries, each with who corrected it, when and why.
CREATE TABLE clinical_amendments (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL REFERENCES organisations(id),
  mode             TEXT NOT NULL,
  entry_id         TEXT NOT NULL REFERENCES clinical_entries(id),
  patient_id       TEXT NOT NULL REFERENCES patients(id),
  consultation_id  TEXT REFERENCES consultations(id),
  kind             TEXT NOT NULL,
  version          INTEGER NOT NULL,
  previous         TEXT NOT NULL,
  reason           TEXT,
  amended_by_type  TEXT NOT NULL,
  amended_by       TEXT,
  amended_at       TEXT NOT NULL,
  UNIQUE (entry_id, version)
);
CREATE INDEX clinical_amendments_consultation ON clinical_amendments (consultation_id, amended_at);
CREATE TRIGGER clinical_amendments_no_update BEFORE UPDATE ON clinical_amendments BEGIN
  SELECT RAISE(ABORT, 'clinical amendments are append-only');
END;
CREATE TRIGGER clinical_amendments_no_delete BEFORE DELETE ON clinical_amendments BEGIN
  SELECT RAISE(ABORT, 'clinical amendments are append-only');
END;

-- A document's bytes, apart from its entry so lists never read them.
CREATE TABLE document_contents (
  entry_id  TEXT PRIMARY KEY REFERENCES clinical_entries(id),
  org_id    TEXT NOT NULL REFERENCES organisations(id),
  mode      TEXT NOT NULL,
  sha256    TEXT NOT NULL,
  content   BLOB NOT NULL
);

-- Who read or changed which patient's record, when, in which request. No foreign keys: the log outlives nothing
-- it names, and an insert must stay cheap.
CREATE TABLE audit_events (
  id             TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  mode           TEXT NOT NULL,
  occurred_at    TEXT NOT NULL,
  actor_type     TEXT NOT NULL,
  actor_id       TEXT,
  action         TEXT NOT NULL CHECK (action IN ('read', 'create', 'update', 'download')),
  resource_type  TEXT NOT NULL,
  resource_id    TEXT,
  patient_id     TEXT,
  request_id     TEXT NOT NULL
);
CREATE INDEX audit_events_tenant_time ON audit_events (org_id, mode, occurred_at, id);
CREATE INDEX audit_events_patient ON audit_events (org_id, mode, patient_id, occurred_at);
CREATE INDEX audit_events_expiry ON audit_events (occurred_at);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN
  SELECT RAISE(ABORT, 'audit events are append-only');
END;
