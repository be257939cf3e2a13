-- The physical ceiling: a table outside the app's schema, one ~300-byte row per transaction.
DROP TABLE IF EXISTS bench_ceiling;
CREATE TABLE bench_ceiling (
    id bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    payload text NOT NULL
);
