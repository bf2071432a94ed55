-- newsflow warehouse, version 29: the rows stored before version 28 get their `lsh_key`,
-- and both tables a batch's clustering looks up by key are rewritten in key order
-- (`syndication_buckets` by `lsh_key`, `article_signatures` by `article_id`), so a lookup
-- reads the row groups of its own keys. Nothing else changes. See warehouse/README.md.

CREATE TEMP TABLE migrate_buckets AS
SELECT band, bucket, article_id,
       coalesce(lsh_key, (band::BIGINT << 58) | (bucket >> 6)::BIGINT) AS lsh_key
FROM syndication_buckets;
DELETE FROM syndication_buckets;
INSERT INTO syndication_buckets BY NAME SELECT * FROM migrate_buckets ORDER BY lsh_key;
DROP TABLE migrate_buckets;

CREATE TEMP TABLE migrate_signatures AS SELECT * FROM article_signatures;
DELETE FROM article_signatures;
INSERT INTO article_signatures BY NAME SELECT * FROM migrate_signatures ORDER BY article_id;
DROP TABLE migrate_signatures;
