-- newsflow warehouse, version 17: the embedded social posts of each article, stored at load
-- time so that `newsflow reprocess` (which works from the stored text, not the HTML) can
-- rebuild their quotes. Filled by tasks/load/article_facts.py. Articles loaded before this
-- version have no rows: their embeds are only in the HTML, which is not kept.

CREATE TABLE embedded_posts (
    article_id      VARCHAR NOT NULL,         -- articles.article_id
    position        INTEGER NOT NULL,         -- 0-based order of the post in the body
    speaker         VARCHAR NOT NULL,         -- the account owner the embed names
    text            VARCHAR NOT NULL,         -- the post's words as the body has them
    PRIMARY KEY (article_id, position)
);
