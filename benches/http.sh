#!/usr/bin/env bash
# HTTP benchmark: a tenant-scoped single-record GET (JWT verification + tenant
# transaction + RLS) at 64 connections, then the same while a flood of bad
# logins hits the server. Target: ≥ 12,000 req/s, p99 ≤ 10 ms.
#
#   benches/http.sh [seconds]      (needs `wrk`: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -q
data=$(mktemp -d /tmp/karat-bench.XXXXXX)
# The server runs in a session of its own, as a service does (systemd gives each
# one its own), not in the session of the load tool that stands in for remote
# clients. Where the kernel schedules by session (autogroup, on by default in
# Debian's kernel), sharing one would make wrk and the server split a single
# CPU share, while each PostgreSQL backend (a session of its own) has a whole
# one: here that alone cut the throughput from about 32,000 to 11,000-19,000
# requests per second.
KARAT_DATA_DIR="$data" KARAT_ADDR=127.0.0.1:0 KARAT_LOG_FORMAT=json RUST_LOG=warn \
  setsid target/release/karat serve --demo >"$data/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  url=$(grep -o 'Karat is running at http://[0-9.:]*' "$data/server.log" | awk '{print $5}' || true)
  [ -n "${url:-}" ] && break
  sleep 0.5
done
login=$(curl -sf -XPOST "$url/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"owner@demo.test","password":"karat-demo-2026"}')
token=$(printf '%s' "$login" | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')
user=$(printf '%s' "$login" | python3 -c 'import sys,json; print(json.load(sys.stdin)["user"]["id"])')
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/"$server"/status; }
echo "server RSS after start: $(rss)"
# Warm up: open the pools' connections and prepare their statements, and let
# the database settle after loading the demo data (autovacuum, analyze).
wrk -t2 -c64 -d3s -H "Authorization: Bearer $token" "$url/api/v1/users/$user" >/dev/null
sleep 2
echo
echo "== GET /api/v1/users/{id}, 64 connections, ${secs}s"
wrk -t2 -c64 -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url/api/v1/users/$user"
echo
echo "== same, while 16 connections flood POST /api/v1/auth/login with bad passwords"
wrk -t1 -c16 -d"$((secs + 2))s" -s benches/bad_login.lua "$url/api/v1/auth/login" >"$data/flood.txt" &
flood=$!
sleep 1
wrk -t2 -c64 -d"${secs}s" --latency -H "Authorization: Bearer $token" "$url/api/v1/users/$user"
wait $flood
echo "-- the flood:"
cat "$data/flood.txt"
echo "server RSS after the runs: $(rss)"
