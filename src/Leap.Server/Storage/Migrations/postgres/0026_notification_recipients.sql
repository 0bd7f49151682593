-- A group session's participants are messaged each for themselves (docs/notifications.md): a message names its
-- recipient, and the unique key that makes a message exist once is per (appointment, patient, trigger, occurrence,
-- channel). Existing messages were all to their appointment's patient. The empty default is never written by the server.
ALTER TABLE notifications ADD COLUMN patient_id TEXT NOT NULL DEFAULT '';
UPDATE notifications n SET patient_id = a.patient_id FROM appointments a WHERE a.id = n.appointment_id AND a.org_id = n.org_id AND a.mode = n.mode;
DROP INDEX notifications_once;
CREATE UNIQUE INDEX notifications_once ON notifications (org_id, mode, appointment_id, patient_id, trigger, occurrence, channel);
