-- Feeds that need a look: failing, silent, or dropped from the config, with the reason.
-- Run: newsflow query feed_problems
SELECT name, feed_url, gap, last_status, last_error, failure_streak, last_success_at,
       last_new_item_at, hours_since_success, hours_since_new_item
FROM feed_coverage_gaps
ORDER BY failure_streak DESC, name;
