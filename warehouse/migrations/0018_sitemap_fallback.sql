-- newsflow warehouse, version 18: a feed's sitemap fallback ([[feeds]] sitemap).
-- See warehouse/README.md (feeds.fallback_sitemap_url, feed_fetches.fallback_url;
-- feed_items.source_kind 'sitemap_fallback').

-- The sitemap the feed fell back to last time ("auto" tries it first next time).
ALTER TABLE feeds ADD COLUMN fallback_sitemap_url VARCHAR;
-- The sitemap a poll read because the feed was empty or failing; NULL when it did not.
ALTER TABLE feed_fetches ADD COLUMN fallback_url VARCHAR;
