#!/usr/bin/env bash
# Time to first audio of `herald listen`, with no sound card (ALSA's file plugin over the null
# device, see ../shared/bench/first_audio.py), each run with an empty data directory:
#   1. synthesized narration of the reference article on the shared WordPress, the article read
#      before (as when a reader presses play) and, for comparison, fetched cold;
#   2. a 60 MB mp3 streamed from a loopback site throttled to 2 MB/s.
# Every run starts with no synthesized speech and no downloaded audio in the cache.
# Usage: bash bench/first_audio.sh   (after cargo build --release; runs WordPress setup as root)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=$(cd ../shared && pwd)
herald=$(pwd)/target/release/herald
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'kill $site 2>/dev/null || true; rm -rf "$work"' EXIT
: > "$work/config.toml"

bash "$shared/wordpress/setup.sh" > /dev/null
h="'$herald' --config '$work/config.toml' --data-dir '$work/data'"
article='http://127.0.0.1:8080/?p=4'
echo "== synthesized narration of $article, article read before"
eval "$h read '$article'" > /dev/null
python3 "$shared/bench/first_audio.py" --runs "$runs" -- bash -c \
  "rm -rf '$work/data/cache/speech'; exec $h listen --tts '$article'"
echo "== the same, article fetched cold"
python3 "$shared/bench/first_audio.py" --runs "$runs" -- bash -c \
  "rm -rf '$work/data'; exec $h listen --tts '$article'"

echo "== 60 MB mp3 over loopback at 2 MB/s"
mkdir -p "$work/audio"
mp3="$shared/corpus/audio/ljspeech-librivox/linda_johnson_01.mp3"
while [ "$(stat -c %s "$work/audio/narration.mp3" 2>/dev/null || echo 0)" -lt 60000000 ]; do
  cat "$mp3" >> "$work/audio/narration.mp3"
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$shared/bench/newsfixture.py" --port "$port" --feeds 1 --items 1 \
  --audio-dir "$work/audio" --audio-kbps 2048 > "$work/site.log" 2>&1 &
site=$!
sleep 1
eval "$h read 'http://127.0.0.1:$port/article/0/0.html'" > /dev/null
python3 "$shared/bench/first_audio.py" --runs "$runs" -- bash -c \
  "rm -rf '$work/data/cache/audio'; exec $h listen 'http://127.0.0.1:$port/article/0/0.html'"
