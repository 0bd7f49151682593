-- Removing a clinician's block (leave, training...) frees time the waitlist is offered (docs/waitlist.md), the way a
-- cancellation's routing offers its slot: the removal queues a routing row in its own transaction, and the offer is
-- made in the transaction that routes it. SQLite changes a CHECK only by rebuilding the table (nothing refers to it).
CREATE TABLE routing_queue_v25 (
  seq           INTEGER PRIMARY KEY,
  org_id        TEXT NOT NULL,
  mode          TEXT NOT NULL,
  patient_id    TEXT,
  subject_type  TEXT NOT NULL CHECK (subject_type IN ('appointment', 'questionnaire_response', 'clinician_block')),
  subject_id    TEXT NOT NULL,
  change        TEXT NOT NULL,
  after_json    TEXT NOT NULL,
  before_json   TEXT,
  attempts      INTEGER NOT NULL,
  due_at        TEXT NOT NULL,
  last_error    TEXT,
  created_at    TEXT NOT NULL,
  actor_type    TEXT,
  actor_id      TEXT
);
INSERT INTO routing_queue_v25 (seq, org_id, mode, patient_id, subject_type, subject_id, change, after_json, before_json, attempts, due_at,
                               last_error, created_at, actor_type, actor_id)
SELECT seq, org_id, mode, patient_id, subject_type, subject_id, change, after_json, before_json, attempts, due_at,
       last_error, created_at, actor_type, actor_id
FROM routing_queue;
DROP TABLE routing_queue;
ALTER TABLE routing_queue_v25 RENAME TO routing_queue;
CREATE INDEX routing_queue_patient ON routing_queue (patient_id, seq);
CREATE INDEX routing_queue_subject ON routing_queue (subject_id, seq);
