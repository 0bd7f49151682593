CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Organisations, API keys, the directory (locations, clinicians), appointment templates and patients.
-- Every tenant-owned row carries org_id and mode ('live' or 'test'): the two datasets of an organisation.
-- Instants are timestamptz.

CREATE TABLE organisations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
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
  created_at           TIMESTAMPTZ NOT NULL,
  revoked_at           TIMESTAMPTZ,
  last_used_at         TIMESTAMPTZ
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
  lat             DOUBLE PRECISION,
  lng             DOUBLE PRECISION,
  timezone        TEXT NOT NULL DEFAULT 'Europe/London',
  opening_hours   TEXT,
  is_primary      BOOLEAN NOT NULL DEFAULT FALSE,
  is_active       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL
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
  is_active                       BOOLEAN NOT NULL DEFAULT TRUE,
  is_bookable_online              BOOLEAN NOT NULL DEFAULT TRUE,
  created_at                      TIMESTAMPTZ NOT NULL,
  updated_at                      TIMESTAMPTZ NOT NULL
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
  is_active              BOOLEAN NOT NULL,
  status                 TEXT NOT NULL,
  version                INTEGER NOT NULL,
  allow_online_booking   BOOLEAN NOT NULL,
  buffer_before_minutes  INTEGER NOT NULL,
  buffer_after_minutes   INTEGER NOT NULL,
  created_at             TIMESTAMPTZ NOT NULL,
  updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX appointment_templates_tenant ON appointment_templates (org_id, mode, id);

CREATE TABLE patients (
  id                                TEXT PRIMARY KEY,
  org_id                            TEXT NOT NULL REFERENCES organisations(id),
  mode                              TEXT NOT NULL,
  first_name                        TEXT NOT NULL,
  last_name                         TEXT NOT NULL,
  middle_name                       TEXT,
  preferred_name                    TEXT,
  title                             TEXT,
  date_of_birth                     DATE NOT NULL,
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
  is_deceased                       BOOLEAN NOT NULL,
  date_of_death                     DATE,
  requires_review                   BOOLEAN NOT NULL,
  review_reason                     TEXT,
  accessibility_needs               TEXT,
  accessibility_notes               TEXT,
  occupation                        TEXT,
  patient_notes                     TEXT,
  consent_sms                       BOOLEAN NOT NULL,
  consent_email                     BOOLEAN NOT NULL,
  consent_marketing                 BOOLEAN NOT NULL,
  consent_electronic_communication  BOOLEAN NOT NULL,
  archived_at                       TIMESTAMPTZ,
  archived_by                       TEXT,
  archive_reason                    TEXT,
  archive_notes                     TEXT,
  search_text                       TEXT NOT NULL,
  created_at                        TIMESTAMPTZ NOT NULL,
  updated_at                        TIMESTAMPTZ NOT NULL
);
CREATE INDEX patients_tenant ON patients (org_id, mode, id);
CREATE INDEX patients_tenant_created ON patients (org_id, mode, created_at);
CREATE INDEX patients_tenant_updated ON patients (org_id, mode, updated_at);
CREATE INDEX patients_tenant_nhs ON patients (org_id, mode, nhs_number);

-- Substring search over names, contacts, NHS number and date of birth (trigram index serves LIKE '%term%').
CREATE INDEX patients_search ON patients USING gin (search_text gin_trgm_ops);

-- Idempotency-Key records: one per (organisation, mode, endpoint, key), kept 24 hours.
CREATE TABLE idempotency_keys (
  org_id           TEXT NOT NULL,
  mode             TEXT NOT NULL,
  endpoint         TEXT NOT NULL,
  key              TEXT NOT NULL,
  request_hash     TEXT NOT NULL,
  response_status  INTEGER,
  response_body    BYTEA,
  created_at       TIMESTAMPTZ NOT NULL,
  expires_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (org_id, mode, endpoint, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Request counts per API key and clock hour, shared by every server process.
CREATE TABLE rate_limit_windows (
  key_id         TEXT NOT NULL,
  window_start   TIMESTAMPTZ NOT NULL,
  request_count  BIGINT NOT NULL,
  PRIMARY KEY (key_id, window_start)
);
