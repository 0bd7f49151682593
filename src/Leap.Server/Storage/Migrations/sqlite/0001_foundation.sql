-- Organisations, API keys, the directory (locations, clinicians), appointment templates and patients.
-- Every tenant-owned row carries org_id and mode ('live' or 'test'): the two datasets of an organisation.
-- Instants are ISO 8601 UTC text with milliseconds (fixed width, so text order is time order).

CREATE TABLE organisations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE api_keys (
  id                   TEXT PRIMARY KEY,
  org_id               TEXT NOT NULL REFERENCES organisations(id),
  name                 TEXT NOT NULL,
  mode                 TEXT NOT NULL CHECK (mode IN ('live', 'test')),
  secret_hash          TEXT NOT NULL UNIQUE,
  display_prefix       TEXT NOT NULL,
  scopes               TEXT NOT NULL,
  rate_limit_per_hour  INTEGER NOT NULL DEFAULT 1000,
  created_at           TEXT NOT NULL,
  revoked_at           TEXT,
  last_used_at         TEXT
);
CREATE INDEX api_keys_org ON api_keys (org_id, created_at);

CREATE TABLE locations (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL REFERENCES organisations(id),
  mode            TEXT NOT NULL,
  name            TEXT NOT NULL,
  address_line_1  TEXT,
  address_line_2  TEXT,
  address_line_3  TEXT,
  town_city       TEXT,
  postcode        TEXT,
  country         TEXT,
  phone           TEXT,
  email           TEXT,
  lat             REAL,
  lng             REAL,
  timezone        TEXT NOT NULL DEFAULT 'Europe/London',
  opening_hours   TEXT,
  is_primary      INTEGER NOT NULL DEFAULT 0,
  is_active       INTEGER NOT NULL DEFAULT 1,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX locations_tenant ON locations (org_id, mode, id);

CREATE TABLE clinician_profiles (
  id                              TEXT PRIMARY KEY,
  org_id                          TEXT NOT NULL REFERENCES organisations(id),
  mode                            TEXT NOT NULL,
  name                            TEXT NOT NULL,
  display_name                    TEXT,
  first_name                      TEXT,
  last_name                       TEXT,
  title                           TEXT,
  role                            TEXT,
  email                           TEXT,
  bio                             TEXT,
  photo_url                       TEXT,
  qualifications                  TEXT,
  registration_number             TEXT,
  professional_registration_body  TEXT,
  is_active                       INTEGER NOT NULL DEFAULT 1,
  is_bookable_online              INTEGER NOT NULL DEFAULT 1,
  created_at                      TEXT NOT NULL,
  updated_at                      TEXT NOT NULL
);
CREATE INDEX clinician_profiles_tenant ON clinician_profiles (org_id, mode, id);

CREATE TABLE clinician_locations (
  clinician_id  TEXT NOT NULL REFERENCES clinician_profiles(id),
  location_id   TEXT NOT NULL REFERENCES locations(id),
  PRIMARY KEY (clinician_id, location_id)
);
CREATE INDEX clinician_locations_location ON clinician_locations (location_id);

CREATE TABLE appointment_templates (
  id                     TEXT PRIMARY KEY,
  org_id                 TEXT NOT NULL REFERENCES organisations(id),
  mode                   TEXT NOT NULL,
  name                   TEXT NOT NULL,
  description            TEXT,
  duration               INTEGER NOT NULL,
  price                  INTEGER NOT NULL,
  pricing_type           TEXT NOT NULL,
  is_active              INTEGER NOT NULL,
  status                 TEXT NOT NULL,
  version                INTEGER NOT NULL,
  allow_online_booking   INTEGER NOT NULL,
  buffer_before_minutes  INTEGER NOT NULL,
  buffer_after_minutes   INTEGER NOT NULL,
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL
);
CREATE INDEX appointment_templates_tenant ON appointment_templates (org_id, mode, id);

-- seq is the rowid the full-text index refers to; id is the public identifier.
CREATE TABLE patients (
  seq                               INTEGER PRIMARY KEY,
  id                                TEXT NOT NULL UNIQUE,
  org_id                            TEXT NOT NULL REFERENCES organisations(id),
  mode                              TEXT NOT NULL,
  first_name                        TEXT NOT NULL,
  last_name                         TEXT NOT NULL,
  middle_name                       TEXT,
  preferred_name                    TEXT,
  title                             TEXT,
  date_of_birth                     TEXT NOT NULL,
  biological_sex                    TEXT,
  gender                            TEXT,
  ethnicity                         TEXT,
  nhs_number                        TEXT,
  email                             TEXT,
  phone                             TEXT,
  mobile_phone                      TEXT,
  home_phone                        TEXT,
  address_line_1                    TEXT,
  address_line_2                    TEXT,
  address_line_3                    TEXT,
  town_city                         TEXT,
  postcode                          TEXT,
  country                           TEXT,
  preferred_contact_method          TEXT,
  status                            TEXT NOT NULL,
  patient_type                      TEXT NOT NULL,
  is_deceased                       INTEGER NOT NULL,
  date_of_death                     TEXT,
  requires_review                   INTEGER NOT NULL,
  review_reason                     TEXT,
  accessibility_needs               TEXT,
  accessibility_notes               TEXT,
  occupation                        TEXT,
  patient_notes                     TEXT,
  consent_sms                       INTEGER NOT NULL,
  consent_email                     INTEGER NOT NULL,
  consent_marketing                 INTEGER NOT NULL,
  consent_electronic_communication  INTEGER NOT NULL,
  archived_at                       TEXT,
  archived_by                       TEXT,
  archive_reason                    TEXT,
  archive_notes                     TEXT,
  search_text                       TEXT NOT NULL,
  created_at                        TEXT NOT NULL,
  updated_at                        TEXT NOT NULL
);
CREATE INDEX patients_tenant ON patients (org_id, mode, id);
CREATE INDEX patients_tenant_created ON patients (org_id, mode, created_at);
CREATE INDEX patients_tenant_updated ON patients (org_id, mode, updated_at);
CREATE INDEX patients_tenant_nhs ON patients (org_id, mode, nhs_number);

-- Substring search over names, contacts, NHS number and date of birth (trigram index).
CREATE VIRTUAL TABLE patient_search USING fts5(search_text, content = 'patients', content_rowid = 'seq', tokenize = 'trigram');
CREATE TRIGGER patients_search_insert AFTER INSERT ON patients BEGIN
  INSERT INTO patient_search (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER patients_search_delete AFTER DELETE ON patients BEGIN
  INSERT INTO patient_search (patient_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER patients_search_update AFTER UPDATE OF search_text ON patients BEGIN
  INSERT INTO patient_search (patient_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
  INSERT INTO patient_search (rowid, search_text) VALUES (new.seq, new.search_text);
END;

-- Idempotency-Key records: one per (organisation, mode, endpoint, key), kept 24 hours.
CREATE TABLE idempotency_keys (
  org_id           TEXT NOT NULL,
  mode             TEXT NOT NULL,
  endpoint         TEXT NOT NULL,
  key              TEXT NOT NULL,
  request_hash     TEXT NOT NULL,
  response_status  INTEGER,
  response_body    BLOB,
  created_at       TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  PRIMARY KEY (org_id, mode, endpoint, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Request counts per API key and clock hour, when rate limits are shared through the database
-- (RateLimiting:Shared; a single SQLite server counts in memory by default).
CREATE TABLE rate_limit_windows (
  key_id         TEXT NOT NULL,
  window_start   TEXT NOT NULL,
  request_count  INTEGER NOT NULL,
  PRIMARY KEY (key_id, window_start)
);
