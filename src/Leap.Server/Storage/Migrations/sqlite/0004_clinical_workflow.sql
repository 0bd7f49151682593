-- Clinical workflow: patient sync (external ids), episodes and their events, questionnaires, pathway rules,
-- and the webhook outbox. The rules that matter are kept by the database: an episode's status and
-- responsibility always agree, episode events are append-only, one external id names one patient, rules of
-- one trigger have distinct priorities, and an event has at most one delivery per endpoint.

-- Patient sync: another system's id for the patient, unique per organisation and mode where given.
ALTER TABLE patients ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX patients_external_id ON patients (org_id, mode, external_id) WHERE external_id IS NOT NULL;
-- The duplicate check on create looks patients up by date of birth.
CREATE INDEX patients_tenant_birth ON patients (org_id, mode, date_of_birth);

CREATE TABLE episodes (
  id                 TEXT PRIMARY KEY,
  org_id             TEXT NOT NULL REFERENCES organisations(id),
  mode               TEXT NOT NULL,
  patient_id         TEXT NOT NULL REFERENCES patients(id),
  title              TEXT NOT NULL,
  description        TEXT,
  status             TEXT NOT NULL CHECK (status IN ('open', 'pending_patient', 'awaiting_review', 'closed')),
  responsibility     TEXT NOT NULL CHECK (responsibility IN ('practice', 'patient', 'none')),
  assigned_to        TEXT,
  assignment_locked  INTEGER NOT NULL,
  priority           TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  journey_type       TEXT NOT NULL,
  source_type        TEXT NOT NULL,
  source_id          TEXT,
  problem_ids        TEXT NOT NULL,
  tags               TEXT NOT NULL,
  due_date           TEXT,
  closed_at          TEXT,
  programme_id       TEXT,
  inbox_visibility   TEXT NOT NULL,
  last_activity_at   TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  -- Who acts next follows from the status (Jump's table): closed is nobody's, pending_patient the patient's,
  -- awaiting_review the practice's, open either.
  CHECK ((status = 'open' AND responsibility IN ('practice', 'patient'))
      OR (status = 'pending_patient' AND responsibility = 'patient')
      OR (status = 'awaiting_review' AND responsibility = 'practice')
      OR (status = 'closed' AND responsibility = 'none')),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX episodes_inbox ON episodes (org_id, mode, last_activity_at, id);
CREATE INDEX episodes_patient_journey ON episodes (patient_id, journey_type, status);

CREATE TABLE episode_events (
  id                   TEXT PRIMARY KEY,
  org_id               TEXT NOT NULL REFERENCES organisations(id),
  mode                 TEXT NOT NULL,
  episode_id           TEXT NOT NULL REFERENCES episodes(id),
  event_type           TEXT NOT NULL,
  title                TEXT NOT NULL,
  description          TEXT,
  created_by           TEXT,
  created_by_type      TEXT NOT NULL,
  mentioned_users      TEXT NOT NULL,
  extracted_tags       TEXT NOT NULL,
  related_object_type  TEXT,
  related_object_id    TEXT,
  details              TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL
);
CREATE INDEX episode_events_episode ON episode_events (episode_id, id);

-- The audit trail is append-only: corrections are new events.
CREATE TRIGGER episode_events_no_update BEFORE UPDATE ON episode_events BEGIN
  SELECT RAISE(ABORT, 'episode events are append-only');
END;
CREATE TRIGGER episode_events_no_delete BEFORE DELETE ON episode_events BEGIN
  SELECT RAISE(ABORT, 'episode events are append-only');
END;

-- Templates with no organisation (and no mode) are system templates every organisation sees.
CREATE TABLE questionnaire_templates (
  id                TEXT PRIMARY KEY,
  org_id            TEXT REFERENCES organisations(id),
  mode              TEXT,
  questionnaire_id  TEXT NOT NULL,
  title             TEXT NOT NULL,
  description       TEXT,
  schema            TEXT NOT NULL,
  category          TEXT,
  tags              TEXT NOT NULL,
  is_clinical       INTEGER NOT NULL,
  version           INTEGER NOT NULL,
  is_active         INTEGER NOT NULL,
  key               TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  CHECK ((org_id IS NULL) = (mode IS NULL))
);
CREATE INDEX questionnaire_templates_tenant ON questionnaire_templates (org_id, mode, id);

CREATE TABLE questionnaire_responses (
  id                    TEXT PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES organisations(id),
  mode                  TEXT NOT NULL,
  questionnaire_id      TEXT NOT NULL REFERENCES questionnaire_templates(id),
  patient_id            TEXT REFERENCES patients(id),
  appointment_id        TEXT REFERENCES appointments(id),
  episode_id            TEXT REFERENCES episodes(id),
  responses             TEXT NOT NULL,
  submitted_at          TEXT NOT NULL,
  submitted_by_patient  INTEGER NOT NULL,
  is_pre_booking        INTEGER NOT NULL,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL
);
CREATE INDEX questionnaire_responses_tenant ON questionnaire_responses (org_id, mode, id);

CREATE TABLE pathway_rules (
  id                    TEXT PRIMARY KEY,
  org_id                TEXT NOT NULL REFERENCES organisations(id),
  mode                  TEXT NOT NULL,
  trigger_type          TEXT NOT NULL,
  rule_name             TEXT NOT NULL,
  priority              INTEGER NOT NULL,
  conditions            TEXT NOT NULL,
  creation_mode         TEXT,
  inbox_visibility      TEXT,
  journey_type          TEXT,
  suggested_assignment  TEXT,
  suggested_priority    TEXT,
  expected_next_actor   TEXT,
  enabled               INTEGER NOT NULL,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL
);
-- "First match by priority" needs one order: two rules of a trigger never share a priority.
CREATE UNIQUE INDEX pathway_rules_order ON pathway_rules (org_id, mode, trigger_type, priority);

-- Webhooks. The signing secret is kept as given (deliveries are signed with it), never logged.
CREATE TABLE webhook_endpoints (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES organisations(id),
  mode         TEXT NOT NULL,
  name         TEXT,
  description  TEXT,
  url          TEXT NOT NULL,
  events       TEXT NOT NULL,
  secret       TEXT NOT NULL,
  is_active    INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (org_id, mode, id);

-- The outbox: an event is written in the transaction of the change it reports, with one delivery per
-- subscribed endpoint; the delivery worker sends them after commit.
CREATE TABLE webhook_events (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL REFERENCES organisations(id),
  mode        TEXT NOT NULL,
  type        TEXT NOT NULL,
  payload     TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
  id                TEXT PRIMARY KEY,
  org_id            TEXT NOT NULL,
  mode              TEXT NOT NULL,
  event_id          TEXT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
  endpoint_id       TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_type        TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts          INTEGER NOT NULL,
  next_attempt_at   TEXT,
  last_attempt_at   TEXT,
  last_status_code  INTEGER,
  last_response     TEXT,
  last_error        TEXT,
  delivered_at      TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL)),
  UNIQUE (event_id, endpoint_id)
);
-- What the worker polls: pending deliveries by due time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- System questionnaire templates (org_id NULL): visible to every organisation in both modes.
INSERT INTO questionnaire_templates (id, org_id, mode, questionnaire_id, title, description, schema, category, tags, is_clinical, version, is_active, key, created_at, updated_at)
VALUES ('qt_0190b2a0-0000-7000-8000-000000000001', NULL, NULL, 'q_0190b2a0-0000-7000-8000-000000000001', 'New patient intake',
  'Registration questions for a patient joining the practice.',
  '{"fields":[{"key":"main_reason","label":"What is the main reason for registering?","type":"text","required":true,"max_length":1000},{"key":"smoker","label":"Do you smoke?","type":"boolean","required":true},{"key":"cigarettes_per_day","label":"How many cigarettes a day?","type":"number","min":0,"max":200,"required":true,"show_if":{"smoker":true}},{"key":"alcohol_units_per_week","label":"Units of alcohol per week","type":"number","min":0,"max":500},{"key":"allergies","label":"Known allergies","type":"text","max_length":2000},{"key":"preferred_contact","label":"How should we contact you?","type":"choice","options":["email","sms","phone","post"]}]}',
  'intake', '["registration","adult"]', 1, 1, 1, 'new_patient_intake', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO questionnaire_templates (id, org_id, mode, questionnaire_id, title, description, schema, category, tags, is_clinical, version, is_active, key, created_at, updated_at)
VALUES ('qt_0190b2a0-0000-7000-8000-000000000002', NULL, NULL, 'q_0190b2a0-0000-7000-8000-000000000002', 'PHQ-2 depression screen',
  'Two-question depression screen; a total of 3 or more suggests a fuller assessment.',
  '{"fields":[{"key":"little_interest","label":"Little interest or pleasure in doing things (last 2 weeks)","type":"scale","min":0,"max":3,"required":true},{"key":"feeling_down","label":"Feeling down, depressed or hopeless (last 2 weeks)","type":"scale","min":0,"max":3,"required":true}]}',
  'screening', '["mental-health","phq"]', 1, 1, 1, 'phq2', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO questionnaire_templates (id, org_id, mode, questionnaire_id, title, description, schema, category, tags, is_clinical, version, is_active, key, created_at, updated_at)
VALUES ('qt_0190b2a0-0000-7000-8000-000000000003', NULL, NULL, 'q_0190b2a0-0000-7000-8000-000000000003', 'Appointment feedback',
  'How the visit went, as the patient saw it.',
  '{"fields":[{"key":"rating","label":"Overall, how was your appointment?","type":"scale","min":1,"max":5,"required":true},{"key":"would_recommend","label":"Would you recommend us?","type":"boolean"},{"key":"comments","label":"Anything else?","type":"text","max_length":2000}]}',
  'feedback', '["experience"]', 0, 1, 1, 'appointment_feedback', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
