#!/usr/bin/env bash
# The first sync of 5,000 items from the real FreshRSS (../shared/freshrss), then a sync with
# nothing new, each on a new data directory, with their wall time and HTTP request counts; beside
# them, the same 100 feeds downloaded in full from their site by `herald refresh`.
#   newsfixture: 100 feeds x 50 items on loopback; FreshRSS fetches them itself.
# Usage: bash bench/sync.sh   (after cargo build --release; starts FreshRSS from empty, as root)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(cd ../shared && pwd)
herald=$(pwd)/target/release/herald
work=$(mktemp -d)
trap 'kill $site 2>/dev/null || true; rm -rf "$work"' EXIT

FRESH=1 bash "$shared/freshrss/setup.sh" > "$work/freshrss.log"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$shared/bench/newsfixture.py" --port "$port" --feeds 100 --items 50 > "$work/site.log" 2>&1 &
site=$!
sleep 1

feeds=""
for i in $(seq 0 99); do feeds+="[[feeds]]"$'\n'"url = \"http://127.0.0.1:$port/feed/$i.xml\""$'\n\n'; done
sync='[sync]
url = "http://127.0.0.1:8081/api/greader.php"
user = "alice"
password_command = "printf %s alice-api-pass"'
mkdir -p "$work/pusher" "$work/a" "$work/direct"
printf '%s\n%s\n' "$feeds" "$sync" > "$work/pusher/config.toml"
printf '%s\n' "$sync" > "$work/a/config.toml"
printf '%s\n' "$feeds" > "$work/direct/config.toml"
h() { local d=$1; shift; "$herald" --config "$work/$d/config.toml" --data-dir "$work/$d/data" "$@"; }

echo "== subscribing the server to 100 feeds (it fetches each)"
s=$(date +%s.%N); h pusher sync --push-subscriptions > /dev/null; bash "$shared/freshrss/actualize.sh" > /dev/null 2>&1
echo "   took $(python3 -c "import time; print(f'{time.time()-$s:.1f}')") s"

timed() {
  local label=$1; shift
  local s e out
  s=$(date +%s.%N); out=$("$@"); e=$(date +%s.%N)
  python3 - "$label" "$s" "$e" "$out" <<'PY'
import json, sys
label, s, e, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
try:
    r = json.loads(out)
    extra = f"{r['new_items']} new items, {r['requests']} requests"
except Exception:
    extra = out.strip().splitlines()[-1]
print(f"{label:<34} {e - s:6.2f} s   {extra}")
PY
}
timed "first sync, 5,000 items"     h a sync --json
timed "sync again, nothing new"     h a sync --json
timed "full download from the site" h direct refresh
echo "   ($(h a headlines --count) headlines from the server, $(h direct headlines --count) from the site)"
