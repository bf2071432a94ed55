-- newsflow warehouse, version 36: each feed item's author (an author signal).
-- See warehouse/README.md (feed_items.author).

-- The item's RSS <author> / <dc:creator> or Atom <author><name> as the feed wrote it; the
-- extraction of the page credits it when the page credits nobody, and it settles which of
-- the page's own candidates to believe when they disagree.
ALTER TABLE feed_items ADD COLUMN author VARCHAR;
