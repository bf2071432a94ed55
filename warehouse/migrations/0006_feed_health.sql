-- newsflow warehouse, version 6: feed health history, adaptive polling, page retry back-off.
-- See warehouse/README.md (feed_fetches, feeds, pages, feed_health).

-- One row per poll of a feed: the coverage history analysts read to find gaps.
CREATE TABLE feed_fetches (
    feed_url        VARCHAR NOT NULL,         -- feeds.feed_url
    run_id          VARCHAR,                  -- runs.run_id of the run that polled
    polled_at       TIMESTAMP NOT NULL,
    status          VARCHAR NOT NULL,         -- ok | unchanged | failed
    http_status     INTEGER,
    bytes           BIGINT NOT NULL DEFAULT 0,  -- body size (0 for a 304)
    seconds         DOUBLE,                   -- duration of the request and the parse
    items           INTEGER NOT NULL DEFAULT 0, -- entries the feed listed
    new_items       INTEGER NOT NULL DEFAULT 0, -- of which listed by this feed for the first time
    error           VARCHAR
);

-- When each feed is polled next, and why; paused feeds.
ALTER TABLE feeds ADD COLUMN next_poll_at TIMESTAMP;
ALTER TABLE feeds ADD COLUMN poll_interval DOUBLE;      -- seconds until next_poll_at
ALTER TABLE feeds ADD COLUMN poll_reason VARCHAR;       -- what decided poll_interval
ALTER TABLE feeds ADD COLUMN ttl_seconds DOUBLE;        -- the feed's own <ttl> / sy:updatePeriod
ALTER TABLE feeds ADD COLUMN paused_at TIMESTAMP;       -- set while the feed is paused
ALTER TABLE feeds ADD COLUMN paused_reason VARCHAR;

-- A failed page is not retried before this time (back-off, or the server's Retry-After).
ALTER TABLE pages ADD COLUMN next_attempt_at TIMESTAMP;

-- Feeds skipped by a run because they were not due yet.
ALTER TABLE runs ADD COLUMN feeds_not_due INTEGER DEFAULT 0;

-- feed_health gains the schedule, the pause and the publishing rate; feed_coverage_gaps
-- (which selects h.*) is recreated with it and names paused feeds.
DROP VIEW feed_coverage_gaps;
DROP VIEW feed_health;

CREATE VIEW feed_health AS
WITH latest AS (
    SELECT max(started_at) AS run_at FROM runs
),
items AS (
    SELECT
        feed_url,
        count(*) AS items,
        max(first_seen_at) AS last_new_item_at,
        count(*) FILTER (WHERE first_seen_at >= (SELECT run_at FROM latest) - INTERVAL 7 DAY)
            AS new_items_7d,
        count(*) FILTER (
            WHERE coalesce(published_at, first_seen_at)
                  BETWEEN (SELECT run_at FROM latest) - INTERVAL 7 DAY AND (SELECT run_at FROM latest)
        ) AS published_7d
    FROM feed_items
    GROUP BY feed_url
),
polls AS (
    SELECT
        feed_url,
        count(*) AS polls_7d,
        count(*) FILTER (WHERE status = 'failed') AS failed_polls_7d
    FROM feed_fetches
    WHERE polled_at >= (SELECT run_at FROM latest) - INTERVAL 7 DAY
    GROUP BY feed_url
)
SELECT
    f.feed_url,
    f.name,
    f.last_status,
    f.last_error,
    f.failure_streak,
    f.first_polled_at,
    f.last_polled_at,
    f.last_success_at,
    i.last_new_item_at,
    coalesce(i.items, 0) AS items,
    coalesce(i.new_items_7d, 0) AS new_items_7d,
    l.run_at AS latest_run_at,
    round(date_diff('second', f.last_success_at, l.run_at) / 3600.0, 1) AS hours_since_success,
    round(date_diff('second', i.last_new_item_at, l.run_at) / 3600.0, 1) AS hours_since_new_item,
    round(coalesce(i.published_7d, 0) / 7.0, 1) AS items_per_day,
    coalesce(p.polls_7d, 0) AS polls_7d,
    coalesce(p.failed_polls_7d, 0) AS failed_polls_7d,
    f.next_poll_at,
    round(f.poll_interval / 3600.0, 2) AS poll_interval_hours,
    f.poll_reason,
    f.paused_at IS NOT NULL AS paused,
    f.paused_at,
    f.paused_reason
FROM feeds f
CROSS JOIN latest l
LEFT JOIN items i ON i.feed_url = f.feed_url
LEFT JOIN polls p ON p.feed_url = f.feed_url;

-- As in 0003, plus "paused: <reason>" for paused feeds.
CREATE VIEW feed_coverage_gaps AS
SELECT * FROM (
    SELECT
        h.*,
        concat_ws('; ',
            CASE WHEN h.last_success_at IS NULL THEN 'never polled successfully' END,
            CASE WHEN h.last_status = 'failed'
                 THEN 'failing: last ' || h.failure_streak || ' poll(s) failed' END,
            CASE WHEN h.hours_since_success > 24 THEN 'no successful poll for 24 h' END,
            CASE WHEN h.last_success_at IS NOT NULL AND h.last_new_item_at IS NULL
                 THEN 'no items ever' END,
            CASE WHEN h.hours_since_new_item > 24 * 7 THEN 'no new item for 7 days' END,
            CASE WHEN h.last_polled_at < h.latest_run_at AND NOT h.paused
                      AND (h.next_poll_at IS NULL OR h.next_poll_at <= h.latest_run_at)
                 THEN 'not polled by the latest run' END,
            CASE WHEN h.paused THEN 'paused: ' || h.paused_reason END
        ) AS gap
    FROM feed_health h
)
WHERE gap <> '';
