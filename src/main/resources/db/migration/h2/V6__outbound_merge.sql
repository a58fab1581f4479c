-- Outbound merges (issue 5, item 7): a message telling a partner of a merge concerns two persons. patient_ref is the
-- survivor; merged_patient_ref the person merged away, so that the merge never overtakes an earlier pending message
-- about either, and no later message about either overtakes it (fr.crt.hub.outbound.OutboundStore#pendingBefore).
ALTER TABLE hub_message ADD COLUMN merged_patient_ref VARCHAR(64);
CREATE INDEX ix_hub_message_merged ON hub_message (merged_patient_ref);
