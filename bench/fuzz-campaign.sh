#!/usr/bin/env bash
# The BEFORE/AFTER schemathesis campaign: a fresh demo database, the real server on 127.0.0.1, the
# whole OpenAPI document as a customer (alice@acme.example) and as a coordinator (coord@genba.example).
# usage: bench/fuzz-campaign.sh SRC_DIR PORT OUT_DIR [MAX_EXAMPLES] [SEED]
#   e.g. bench/fuzz-campaign.sh src 8711 /tmp/fuzz 50   (SRC_DIR: the tree to test, e.g. a worktree)
set -u
SRC=$1; PORT=$2; OUT=$3; N=${4:-50}; SEED=${5:-20261125}
VENV=${VENV:-$(cd "$(dirname "$0")/.." && pwd)/.venv}
mkdir -p "$OUT"
export PYTHONPATH="$SRC" GENBA_DEBUG=1 GENBA_DATA_DIR="$(mktemp -d)"
# The rate limits (issue 11) would answer most of a campaign 429: out of the way, as before them.
export GENBA_API_RATE_PER_TOKEN=100000/m GENBA_API_RATE_PER_IP=100000/m GENBA_API_AUTH_FAILURES_PER_IP=100000/m
export SECRET_KEY="fuzz-campaign-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cd "$SRC/.."
$VENV/bin/genba migrate --noinput -v 0 || exit 1
$VENV/bin/genba demo > "$OUT/demo.txt" || exit 1
CUSTOMER=$($VENV/bin/genba create-token alice@acme.example --name fuzz | tail -1)
COORD=$($VENV/bin/genba create-token coord@genba.example --name fuzz | tail -1)
$VENV/bin/genba runserver --noreload "127.0.0.1:$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 60); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.json" && break; sleep 1; done
for who in customer coordinator; do
  token=$CUSTOMER; [ $who = coordinator ] && token=$COORD
  $VENV/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
    -H "Authorization: Bearer $token" --seed "$SEED" -n "$N" --workers 1 \
    --checks all --generation-database none --no-color --output-truncate true \
    --report ndjson --report-ndjson-path "$OUT/$who.ndjson" \
    > "$OUT/$who.txt" 2>&1
  echo "$who exit $?" >> "$OUT/exit.txt"
done
