-- newsflow warehouse, version 30: mentions and quotes rewritten in entity order
-- (`entity_mentions` by `entity_id`, `quotes` by `speaker_entity_id`; new rows are written
-- sorted the same way), so moving or recounting one entity reads the row groups of that
-- entity, not the whole tables. Nothing else changes. See warehouse/README.md.

CREATE TEMP TABLE migrate_mentions AS SELECT * FROM entity_mentions;
DELETE FROM entity_mentions;
INSERT INTO entity_mentions BY NAME SELECT * FROM migrate_mentions ORDER BY entity_id;
DROP TABLE migrate_mentions;

CREATE TEMP TABLE migrate_quotes AS SELECT * FROM quotes;
DELETE FROM quotes;
INSERT INTO quotes BY NAME SELECT * FROM migrate_quotes ORDER BY speaker_entity_id;
DROP TABLE migrate_quotes;
