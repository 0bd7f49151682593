-- Indexes that lead with the tenant, for the filters a clinic uses most: one patient's, one clinician's or
-- one episode's appointments, and a patient's episodes (which every booking looks up to find the open one).
-- The same shapes as SQLite's 0005, where the old ones made its planner walk the whole organisation: here
-- too each of these queries becomes a single range of one index, already in the order it returns.

DROP INDEX appointments_patient;
DROP INDEX appointments_clinician;
CREATE INDEX appointments_patient ON appointments (org_id, mode, patient_id, start_time, id);
CREATE INDEX appointments_clinician ON appointments (org_id, mode, clinician_profile_id, start_time, id);
-- An episode's appointments (every booking is filed on an episode); there was no index for this filter at all.
CREATE INDEX appointments_episode ON appointments (org_id, mode, episode_id, start_time, id);

DROP INDEX episodes_patient_journey;
CREATE INDEX episodes_patient ON episodes (org_id, mode, patient_id, last_activity_at, id);
