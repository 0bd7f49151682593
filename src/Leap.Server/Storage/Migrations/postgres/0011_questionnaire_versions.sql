-- Questionnaire templates are edited through the API: a change to what the patient sees (title, description,
-- questions) makes a new version, and every version stays, so a response can always be shown with the questions
-- it answered. Existing templates become version 1 and existing responses answer it.
CREATE TABLE questionnaire_template_versions (
  template_id  TEXT NOT NULL REFERENCES questionnaire_templates(id),
  version      INTEGER NOT NULL CHECK (version >= 1),
  title        TEXT NOT NULL,
  description  TEXT,
  schema       TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (template_id, version)
);

UPDATE questionnaire_templates SET version = 1;
INSERT INTO questionnaire_template_versions (template_id, version, title, description, schema, created_at)
SELECT id, 1, title, description, schema, updated_at FROM questionnaire_templates;

-- A response names the version it answered, which must exist.
ALTER TABLE questionnaire_responses ADD COLUMN questionnaire_version INTEGER;
UPDATE questionnaire_responses SET questionnaire_version = 1;
ALTER TABLE questionnaire_responses ALTER COLUMN questionnaire_version SET NOT NULL;
ALTER TABLE questionnaire_responses ADD FOREIGN KEY (questionnaire_id, questionnaire_version)
  REFERENCES questionnaire_template_versions(template_id, version);
