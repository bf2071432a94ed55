-- newsflow warehouse, version 28: each LSH bucket row also carries `lsh_key`, its band and
-- bucket in one signed, sortable number. The loader looks a batch's buckets up by it: the
-- table is written sorted by it in small row groups, and a list of keys then reads only
-- the row groups that can hold them (Parquet keeps no min/max for UBIGINT `bucket`).
-- See warehouse/README.md.

ALTER TABLE syndication_buckets ADD COLUMN lsh_key BIGINT;
