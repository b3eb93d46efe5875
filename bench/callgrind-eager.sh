#!/usr/bin/env bash
# Client instructions per eager-loaded parent: this ORM's `eager::load` (c) against the
# hand-written driver code (d) of `bench/src/bin/eager`, and the relation's own `get` one
# parent after another (a) against its hand-written twin (e), counted by valgrind's
# callgrind.
#
# Each side runs twice under callgrind on tokio's current-thread runtime, loading the
# posts of 200 users in 2 and then 6 rounds; (instructions(6) - instructions(2)) / (4 x
# 200) is the client's cost of one parent's query (10 rows), driver included, setup
# cancelled out. Counts move by about +-500 between runs (timers, allocator state).
#
#   scripts/db up && bench/callgrind-eager.sh
#
# Needs valgrind. Writes the profiles to $OUT (default target/callgrind). BIN=path runs
# that binary instead of building one (say, a copy built at an earlier commit, to compare
# before and after a change on the same server in one sitting).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${OUT:-target/callgrind}
bin=${BIN:-${CARGO_TARGET_DIR:-target}/release/eager}
users=200
mkdir -p "$out"
if [ -z "${BIN:-}" ]; then
    cargo build --release -p orm-bench --bin eager
fi

instructions() { # variant rounds -> instructions of the whole run
    valgrind --tool=callgrind --callgrind-out-file="$out/eager-$1-$2.out" "$bin" \
        --current-thread --only "$1" --users "$users" --rounds "$2" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "| variant | client instructions per parent (10 rows) | vs its hand-written twin |"
echo "|---|---:|---:|"
# Pairs: (d) hand-written concurrent and (c) eager::load; (e) hand-written one after
# another and (a) `posts_relation().get()` one after another.
for pair in "d c" "e a"; do
    raw=
    for variant in $pair; do
        a=$(instructions "$variant" 2)
        b=$(instructions "$variant" 6)
        per=$(((b - a) / (4 * users)))
        raw=${raw:-$per}
        case $variant in
            a) name="(a) ORM relation get, one after another" ;;
            c) name="(c) this ORM, eager::load" ;;
            d) name="(d) hand-written, concurrent" ;;
            e) name="(e) hand-written, one after another" ;;
        esac
        awk -v name="$name" -v per="$per" -v raw="$raw" \
            'BEGIN { printf "| %s | %d | %+.1f%% |\n", name, per, (per / raw - 1) * 100 }'
    done
done
