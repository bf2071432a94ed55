-- newsflow warehouse, version 26: each feed's channel title (a publisher signal).
-- See warehouse/README.md (feeds.title).

-- The <title> of the feed's channel at its latest successful poll that stated one; the
-- extraction of the pages it lists names their publisher from it when the page does not.
ALTER TABLE feeds ADD COLUMN title VARCHAR;
