-- Removing a clinician's block (leave, training...) frees time the waitlist is offered (docs/waitlist.md), the way a
-- cancellation's routing offers its slot: the removal queues a routing row in its own transaction, and the offer is
-- made in the transaction that routes it.
ALTER TABLE routing_queue DROP CONSTRAINT routing_queue_subject_type_check;
ALTER TABLE routing_queue ADD CONSTRAINT routing_queue_subject_type_check
  CHECK (subject_type IN ('appointment', 'questionnaire_response', 'clinician_block'));
