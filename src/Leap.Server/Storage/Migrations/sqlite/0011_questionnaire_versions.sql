-- Questionnaire templates are edited through the API: a change to what the patient sees (title, description,
-- questions) makes a new version, and every version stays, so a response can always be shown with the questions
-- it answered. Existing templates become version 1 and existing responses answer it.
CREATE TABLE questionnaire_template_versions (
  template_id  TEXT NOT NULL REFERENCES questionnaire_templates(id),
  version      INTEGER NOT NULL CHECK (version >= 1),
  title        TEXT NOT NULL,
  description  TEXT,
  schema       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (template_id, version)
);

UPDATE questionnaire_templates SET version = 1;
INSERT INTO questionnaire_template_versions (template_id, version, title, description, schema, created_at)
SELECT id, 1, title, description, schema, updated_at FROM questionnaire_templates;

-- A response names the version it answered, which must exist. SQLite adds a composite foreign key only by
-- rebuilding the table (nothing refers to it).
CREATE TABLE questionnaire_responses_v11 (
  id                     TEXT PRIMARY KEY,
  org_id                 TEXT NOT NULL REFERENCES organisations(id),
  mode                   TEXT NOT NULL,
  questionnaire_id       TEXT NOT NULL REFERENCES questionnaire_templates(id),
  questionnaire_version  INTEGER NOT NULL,
  patient_id             TEXT REFERENCES patients(id),
  appointment_id         TEXT REFERENCES appointments(id),
  episode_id             TEXT REFERENCES episodes(id),
  responses              TEXT NOT NULL,
  submitted_at           TEXT NOT NULL,
  submitted_by_patient   INTEGER NOT NULL,
  is_pre_booking         INTEGER NOT NULL,
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL,
  FOREIGN KEY (questionnaire_id, questionnaire_version) REFERENCES questionnaire_template_versions(template_id, version)
);
INSERT INTO questionnaire_responses_v11 (id, org_id, mode, questionnaire_id, questionnaire_version, patient_id, appointment_id, episode_id,
  responses, submitted_at, submitted_by_patient, is_pre_booking, created_at, updated_at)
SELECT id, org_id, mode, questionnaire_id, 1, patient_id, appointment_id, episode_id,
  responses, submitted_at, submitted_by_patient, is_pre_booking, created_at, updated_at
FROM questionnaire_responses;
DROP TABLE questionnaire_responses;
ALTER TABLE questionnaire_responses_v11 RENAME TO questionnaire_responses;
CREATE INDEX questionnaire_responses_tenant ON questionnaire_responses (org_id, mode, id);
