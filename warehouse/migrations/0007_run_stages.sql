-- newsflow warehouse, version 7: where each ingest run spent its time.
-- Stages: begin (open the warehouse, read feed states), poll (the feeds), record (items),
-- fetch, wait (the flow waiting for workers),
-- load, cluster (syndication), index (search rebuild): wall seconds in the flow process;
-- extract and nlp: seconds summed over the worker processes.
CREATE TABLE run_stages (
    run_id   VARCHAR NOT NULL,                -- runs.run_id
    stage    VARCHAR NOT NULL,
    seconds  DOUBLE NOT NULL,
    PRIMARY KEY (run_id, stage)
);
