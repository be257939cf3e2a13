#!/usr/bin/env bash
# The physical ceiling: pgbench, 8 clients, one ~300-byte row INSERT per transaction
# (synchronous_commit stays on), bounded by -T. Prints pgbench's summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${KCC_BENCH_DB:-kcc_bench}
SECONDS_PER_RUN=${1:-20}
psql -q -h 127.0.0.1 -U postgres -d "$DB" -f bench/core/pgbench/setup.sql
pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 8 -j 2 -T "$SECONDS_PER_RUN" \
  -f bench/core/pgbench/insert_row.sql "$DB"
psql -q -h 127.0.0.1 -U postgres -d "$DB" -c "DROP TABLE bench_ceiling"
