-- newsflow warehouse, version 8: quote kinds that mean what they say (see warehouse/README.md,
-- quotes). `direct` rows hold only the quoted words, `mixed` rows a reported clause with
-- quoted words inside, `indirect` rows no quotation marks; `verbatim` and `fragments` say
-- which words are the speaker's own. Rows written before this version keep NULL there until
-- `newsflow reprocess --outdated` re-runs the rules (their extractor_version is older).
ALTER TABLE quotes ADD COLUMN verbatim VARCHAR;
ALTER TABLE quotes ADD COLUMN fragments STRUCT(text VARCHAR, start_char INTEGER, end_char INTEGER)[];

-- speaker_label is an entity type now: part-of-speech tags the old rules left there go.
UPDATE quotes SET speaker = NULL, speaker_label = NULL WHERE speaker_label = 'PRON';
UPDATE quotes SET speaker_label = 'GROUP' WHERE speaker_label IN ('NOUN', 'NORP');
UPDATE quotes SET speaker_label = 'ORG' WHERE speaker_label = 'GPE';
UPDATE quotes SET speaker_label = 'PERSON' WHERE speaker_label = 'PROPN';
UPDATE quotes SET speaker = NULL, speaker_label = NULL
WHERE speaker_label NOT IN ('PERSON', 'ORG', 'GROUP');
UPDATE quotes SET speaker_label = NULL WHERE speaker IS NULL;

-- the analyst view shows the speaker's own words next to the passage
CREATE OR REPLACE VIEW quotes_in_context AS
SELECT
    ai.day,
    ai.published_at,
    q.speaker,
    q.speaker_label,
    q.kind,
    q.cue,
    q.quote,
    ai.title,
    ai.url,
    ai.source,
    ai.sitename,
    ai.feeds,
    q.article_id,
    q.start_char,
    q.end_char,
    q.verbatim,
    q.fragments
FROM quotes q
JOIN article_info ai ON ai.article_id = q.article_id;
