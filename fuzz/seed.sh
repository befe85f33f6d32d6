#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from ../shared/corpus (read in place, never committed)
# and the project's own examples. Run from anywhere; running it again refreshes the seeds.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
shared="${SHARED:-$fuzz/../../shared}/corpus"
[ -d "$shared" ] || { echo "no corpus at $shared (set SHARED to the shared folder)" >&2; exit 1; }
out="$fuzz/corpus"

seed() { # target name file [first byte, 0-255]
  mkdir -p "$out/$1"
  if [ $# -ge 4 ]; then
    { printf "\\$(printf '%03o' "$4")"; cat "$3"; } > "$out/$1/$2"
  else
    cp "$3" "$out/$1/$2"
  fi
}
name() { echo "$1" | sed "s|^$shared/||; s|/|_|g"; }

feeds=$(find "$shared/feeds" -type f \( -name '*.xml' -o -name '*.json' -o -name '*.rss' -o -name '*.atom' -o -name '*.rdf' \) -not -path '*/expected/*')
pages=$(find "$shared/readability" -name source.html)
small_pages=$(for p in $pages; do if [ "$(stat -c %s "$p")" -lt 60000 ]; then echo "$p"; fi; done)
json=$(find "$shared/comments" -type f -name '*.json')

for f in $feeds; do seed feed "$(name "$f")" "$f"; done
for f in $pages; do seed article "$(name "$f")" "$f"; done

# comments: the first byte picks the parser (see entries.rs).
for f in $small_pages; do
  for parser in 0 1 2 3; do seed comments "$parser-$(name "$f")" "$f" "$parser"; done
done
for f in $feeds; do seed comments "4-$(name "$f")" "$f" 4; done
for f in $json; do
  # 5 WordPress REST, 6 Hacker News, 7 and 8 Reddit, 9 and 10 Lobsters
  for parser in 5 6 7 8 9 10; do seed comments "$parser-$(name "$f")" "$f" "$parser"; done
done

for f in $feeds $json $small_pages; do seed sanitize "$(name "$f")" "$f"; done

seed config config.example.toml "$fuzz/../config.example.toml"

for f in $(find "$shared/audio" -type f \( -name '*.mp3' -o -name '*.ogg' -o -name '*.m4a' -o -name '*.flac' -o -name '*.wav' \)) "$fuzz/../assets/demo/"*.ogg; do
  seed audio_probe "$(basename "$f")" "$f"
  # The head alone: what probing reads, small enough to mutate quickly.
  head -c 16384 "$f" > "$out/audio_probe/head-$(basename "$f")"
done

for t in "$out"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
