-- Console (fr.crt.hub.console): failed console logins per user, for the lockout (persisted so that a restart does
-- not unlock an account under attack).
CREATE TABLE console_login_failure (
    username         VARCHAR(50) NOT NULL PRIMARY KEY,
    failures         INTEGER     DEFAULT 0 NOT NULL,
    last_failure_at  TIMESTAMP WITH TIME ZONE,
    locked_until     TIMESTAMP WITH TIME ZONE
);

-- Edit-and-replay: the edited copy is a new message linked to its original by replay_of (V1); edited_by says that
-- its content was changed by an operator, and who (a plain replay leaves it null).
ALTER TABLE hub_message ADD COLUMN edited_by VARCHAR(50);
-- "replayed as" links on the original's detail page.
CREATE INDEX ix_hub_message_replay_of ON hub_message (replay_of);
