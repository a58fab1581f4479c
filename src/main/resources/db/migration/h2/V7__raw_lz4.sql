-- PostgreSQL only (lz4 compression of hub_message.raw); kept so that both databases have the same migration history.
SELECT 1;
