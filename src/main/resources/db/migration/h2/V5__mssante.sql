-- MSSanté (issue 7): longer status names (AWAITING_ATTACHMENT, PATIENT_UNKNOWN) and the lookup of a sent mail
-- by its Message-ID when a read receipt (MDN) or a bounce (DSN) comes back.
ALTER TABLE hub_message ALTER COLUMN status SET DATA TYPE VARCHAR(32);
CREATE INDEX ix_hub_message_transport_ctl ON hub_message (transport, control_id);
