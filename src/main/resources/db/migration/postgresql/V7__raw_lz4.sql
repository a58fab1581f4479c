-- Raw messages are compressed with lz4 instead of PostgreSQL's default pglz. Mails carry base64 PDFs and zips that
-- pglz tries and fails to compress: measured on a 1.4 MB mail, 80-100 ms an insert with pglz, 40-50 ms with lz4,
-- same size stored; lz4 still compresses HL7 and XML text. A server built without lz4 keeps pglz (same data, slower).
DO $$
BEGIN
    ALTER TABLE hub_message ALTER COLUMN raw SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 not available: raw messages keep pglz compression';
END $$;
