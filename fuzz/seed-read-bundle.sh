#!/bin/sh
# Seeds for the read_bundle target: the shipped content/ built bundle-only
# by target/native/tidings (`make tidings`), as the target builds it in
# memory, each data file behind its kind byte (0 manifest, 1 filter index,
# 2 list page, 3 shard, 4 search shard; the target's 5, a search block,
# has none at this size), then links (6) and a reading file (7).
set -e
cd "$(dirname "$0")/.."
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
target/native/tidings build --content content --out "$site" --quiet
out=fuzz/corpus/read_bundle
mkdir -p "$out"
data=$site/data
stamp=$(ls "$data" | grep -v -e '^manifest.json$' -e '^media$')
seed() {
    { printf "\\$(printf %03o "$1")"; cat "$2"; } > "$out/$1-$(basename "$(dirname "$2")")-$(basename "$2")"
}
seed 0 "$data/manifest.json"
seed 1 "$data/$stamp/index.json"
for f in "$data/$stamp"/list/*.json; do seed 2 "$f"; done
for f in "$data/$stamp"/d/*.json; do seed 3 "$f"; done
for f in "$data/$stamp"/search/s/*.bin; do seed 4 "$f"; done
line() { printf "\\$(printf %03o "$1")%s" "$3" > "$out/$1-$2"; }
line 6 item '/d/ai20240526/5ev507jg/'
line 6 item-query '/d/ai20240526/?item=5ev507jg'
line 6 tag '/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/?tag=AI&op=or&from=2024-05-01&to=2024-05-31&page=2'
line 6 items '/items/?domain=163.com&section=%E4%BA%A7%E5%93%81&q=%E8%8B%B1%E4%BC%9F%E8%BE%BE&cat=AI'
line 7 reading '{"read":["ai20240526/5ev507jg"],"starred":["ai20240526/7nskh3y1"],"seen_until":"2024-05-26"}'
ls "$out" | wc -l
