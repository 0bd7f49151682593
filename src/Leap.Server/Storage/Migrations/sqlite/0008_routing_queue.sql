-- The routing queue: what a change of an appointment or a questionnaire response still has to do after its commit
-- (file its event on the patient's episodes by the pathway rules, record its webhook event). The change inserts one
-- row in its own transaction, so the row exists exactly when the change does; the routing worker does the rest in
-- a transaction of its own that deletes the row, so it happens once (docs/appointments.md, "Routing").
--
-- seq orders the queue: a patient's rows (and a record's) are routed one after another in this order, so a
-- booking is routed before its cancellation. after_json/before_json are the record as the API returned it after
-- and before the change (the webhook payload's data.object and data.previous, and the trigger's facts).
CREATE TABLE routing_queue (
  seq           INTEGER PRIMARY KEY,
  org_id        TEXT NOT NULL,
  mode          TEXT NOT NULL,
  patient_id    TEXT,
  subject_type  TEXT NOT NULL CHECK (subject_type IN ('appointment', 'questionnaire_response')),
  subject_id    TEXT NOT NULL,
  change        TEXT NOT NULL,
  after_json    TEXT NOT NULL,
  before_json   TEXT,
  attempts      INTEGER NOT NULL,
  due_at        TEXT NOT NULL,
  last_error    TEXT,
  created_at    TEXT NOT NULL
);
-- "Is an earlier row of this patient (or this record) still waiting?": what makes a row the next of its patient.
CREATE INDEX routing_queue_patient ON routing_queue (patient_id, seq);
CREATE INDEX routing_queue_subject ON routing_queue (subject_id, seq);
