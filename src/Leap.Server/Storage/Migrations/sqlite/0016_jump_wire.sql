-- Jump's first-generation appointment field `notes` (kept and returned), and the indexes behind the change-polling
-- and patient look-up filters (appointments ?updated_at_gte/lte, patients ?email).
ALTER TABLE appointments ADD COLUMN notes TEXT;
CREATE INDEX appointments_tenant_updated ON appointments (org_id, mode, updated_at, id);
CREATE INDEX patients_tenant_email ON patients (org_id, mode, email);
