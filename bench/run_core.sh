#!/usr/bin/env bash
# The core benchmark end to end, on 127.0.0.1 only, bounded in time (about 15 minutes):
#   1. export the commit under test (default HEAD) to bench/data/src-<sha>
#   2. load 100,000 parties and 1,000,000 contact moments into the database kcc_bench
#   3. pgbench ceiling: 3 runs of 20 s; the floor of the stack (bench/core/floor_wsgi.py)
#   4. W1, W2, W3-bsn, W3-phone with wrk: 3 runs of 20 s each after a 5 s warm-up,
#      gunicorn (4 sync workers) on PostgreSQL with Redis (rq, no worker running)
#   5. the same W1 with a no-op contact_moment subscriber (each request enqueues an rq job)
#   6. a py-spy profile of W1
# Everything lands in bench/data/ (git-ignored). Usage: bench/run_core.sh [COMMIT] [--skip-generate]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
COMMIT=${1:-HEAD}
SHA=$(git rev-parse --short "$COMMIT")
SRC=$ROOT/bench/data/src-$SHA
PY=$ROOT/.venv/bin/python
export KCC_BENCH_SOURCE=$SRC
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -x "$ROOT/.venv/bin/py-spy" ] || "$ROOT/.venv/bin/pip" install -q py-spy

rm -rf "$SRC" && mkdir -p "$SRC"
git archive "$COMMIT" | tar -x -C "$SRC"
echo "$SHA" > "$SRC/COMMIT"
echo "== benchmarking commit $SHA on $(nproc) cores"

if [ "${2:-}" != "--skip-generate" ]; then
  timeout 900 "$PY" bench/core/generate.py --database kcc_bench --recreate | tee bench/data/generate.log
  # As in production: the built-in journeys published, so every contact moment meets their triggers.
  (cd "$SRC" && KCC_DATABASE_URL=postgresql://postgres@127.0.0.1/kcc_bench \
    PYTHONPATH="$SRC" "$PY" -m kcc.cli journeys load journeys/definitions --publish)
fi

echo "== the floor: Flask + gunicorn (+ one read; + the statements W3 and W1 need) without the app"
timeout 300 "$PY" bench/core/load.py --floor --runs 3 --duration 10 --label "$SHA-floor" | grep MEDIAN

echo "== pgbench ceiling"
for run in 1 2 3; do
  timeout 60 bench/core/pgbench.sh 20 | tee "bench/data/pgbench-$run.log" | grep -E "^tps|latency average"
done

echo "== load runs (Redis, no subscriber of contact_moment.recorded)"
timeout 900 "$PY" bench/core/load.py --workers 4 --worker-class sync --runs 3 --duration 20 \
  --label "$SHA-sync4" | grep -E "MEDIAN|run [0-9]:" 

echo "== W1 with a subscriber (one rq job per request)"
timeout 300 "$PY" bench/core/load.py --workers 4 --worker-class sync --runs 3 --duration 20 \
  --subscriber --label "$SHA-sync4-subscriber" W1 | grep MEDIAN

echo "== W1 profile"
timeout 600 "$PY" bench/core/profile_w1.py --requests 1500 | grep -v "^py-spy"

echo "== clean up the rq jobs the subscriber run left in Redis db 15"
"$PY" - <<'EOF'
from redis import Redis
r = Redis.from_url("redis://127.0.0.1:6379/15")
keys = list(r.scan_iter("rq:*", count=1000))
for start in range(0, len(keys), 500):
    r.delete(*keys[start:start + 500])
print(f"deleted {len(keys)} rq keys from db 15")
EOF
