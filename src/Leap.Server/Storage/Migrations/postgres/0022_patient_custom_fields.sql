-- Issue 17: Jump's first-generation patient `custom_fields` (a JSON object, kept as normalized text and returned as
-- it is), and whether a create that looks like an existing patient is created with a warning (Jump's behaviour, the
-- default) or refused with 409 DUPLICATE_PATIENT (docs/patient-sync.md).
ALTER TABLE patients ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE organisation_settings ADD COLUMN duplicate_patients TEXT NOT NULL DEFAULT 'warn' CHECK (duplicate_patients IN ('warn', 'refuse'));
