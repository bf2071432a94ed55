-- newsflow warehouse, version 19: the warehouse is a DuckLake; each run ends with a published
-- snapshot. See warehouse/README.md (Snapshots). One row per publish: the commit that writes
-- it is the snapshot readers attach (DuckLake makes no snapshot of an empty commit).
CREATE TABLE publications (
    run_id          VARCHAR,                  -- runs.run_id of the run it ends (NULL: not a run)
    published_at    TIMESTAMP NOT NULL
);
