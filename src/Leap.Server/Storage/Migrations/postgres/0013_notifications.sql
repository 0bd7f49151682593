-- Notifications to patients (docs/notifications.md).
--
-- A template's settings (triggers, channels, reminder offsets, delivery): JSON text; NULL means the defaults, so
-- templates made before this migration send a confirmation and a 24-hour reminder by email with no set-up.
ALTER TABLE appointment_templates ADD COLUMN notifications TEXT;

-- One row per message: planned in the transaction of the appointment change it is about, sent by the
-- notification worker, and kept as the appointment's notification history. The unique key makes a message exist
-- once per (appointment, trigger, occurrence, channel): a reminder's occurrence is its offset and the start it
-- was planned for, another trigger's the change that raised it. No message body or address is stored.
CREATE TABLE notifications (
  id                 TEXT PRIMARY KEY,
  org_id             TEXT NOT NULL REFERENCES organisations(id),
  mode               TEXT NOT NULL,
  appointment_id     TEXT NOT NULL,
  trigger            TEXT NOT NULL CHECK (trigger IN ('booked', 'rescheduled', 'reminder', 'cancelled', 'follow_up')),
  occurrence         TEXT NOT NULL,
  channel            TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
  status             TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  appointment_start  TIMESTAMPTZ NOT NULL,
  minutes_before     INTEGER,
  due_at             TIMESTAMPTZ NOT NULL,
  next_attempt_at    TIMESTAMPTZ,
  attempts           INTEGER NOT NULL,
  provider_id        TEXT,
  skip_reason        TEXT,
  last_error         TEXT,
  sent_at            TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL,
  updated_at         TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX notifications_once ON notifications (org_id, mode, appointment_id, trigger, occurrence, channel);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';

-- An organisation's settings (one row per organisation and mode, absent until changed): quiet hours.
CREATE TABLE notification_settings (
  org_id              TEXT NOT NULL REFERENCES organisations(id),
  mode                TEXT NOT NULL,
  quiet_hours_start   TEXT,
  quiet_hours_end     TEXT,
  updated_at          TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (org_id, mode)
);

-- An organisation's own wording of a message (absent: the built-in default).
CREATE TABLE message_templates (
  org_id      TEXT NOT NULL REFERENCES organisations(id),
  mode        TEXT NOT NULL,
  trigger     TEXT NOT NULL,
  channel     TEXT NOT NULL,
  subject     TEXT,
  text_body   TEXT NOT NULL,
  html_body   TEXT,
  updated_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (org_id, mode, trigger, channel)
);
