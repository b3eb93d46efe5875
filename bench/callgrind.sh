#!/usr/bin/env bash
# Client-side instructions per operation, for each side, counted by valgrind's callgrind.
#
# Timings on a shared machine drift; instruction counts hardly do. Each side runs twice under
# callgrind, on tokio's current-thread runtime (one thread: no work stealing or wake-ups
# between workers to blur the counts), with n1 and then n2 operations at concurrency 1;
# (instructions(n2) - instructions(n1)) / (n2 - n1) is the client's cost of one operation,
# driver included, setup cancelled out. Streams are reported per row.
#
#   scripts/db up && bench/callgrind.sh            # all operations, every side
#   bench/callgrind.sh find                         # one operation
#   bench/callgrind.sh update,delete                # writes by key
#
# REPEAT=n measures each side n times (n1 and n2 each time) and reports the median with the
# range: glibc's allocator serves the driver's 4 KB blocks outside its per-thread cache, and
# what that costs depends on the heap's state, which moves a run by a few hundred
# instructions per operation.
#
# SUBSCRIBER=1 installs a tracing subscriber that keeps the ORM's spans (nothing printed),
# to count what spans cost when someone listens. BIN=path runs that binary instead of
# building one (say, one built at an earlier commit). SIDES=orm,raw limits the sides.
#
# Needs valgrind. Writes the profiles to $OUT (default target/callgrind), for
# `callgrind_annotate --inclusive=no FILE`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ops=${1:-insert,find,stream,update,delete}
out=${OUT:-target/callgrind}
bin=${BIN:-${CARGO_TARGET_DIR:-target}/release/orm-bench}
mkdir -p "$out"

if [ -z "${BIN:-}" ]; then
    cargo build --release -p orm-bench
fi
# Load the rows once, outside valgrind; the measured runs reuse them.
"$bin" --only find --rounds 1 --ops 1 --ops-concurrent 1 --concurrency 1 --warmup 0 \
    --alloc-ops 0 >/dev/null 2>&1

repeat=${REPEAT:-1}

instructions() { # op side n repetition -> instructions of the whole run
    local op=$1 side=$2 n=$3 r=$4 size file
    if [ "$op" = stream ]; then size=(--streams "$n"); else size=(--ops "$n" --slices 1); fi
    file="$out/$op-$side-$n.out"
    if ((r > 1)); then file="$out/$op-$side-$n-r$r.out"; fi
    valgrind --tool=callgrind --callgrind-out-file="$file" "$bin" \
        --current-thread --reuse-data --only "$op" --sides "$side" --concurrency 1 \
        --rounds 1 --warmup 0 --alloc-ops 0 "${size[@]}" ${SUBSCRIBER:+--subscriber} 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "| operation | side | client instructions per op (stream: per row) | vs raw |"
echo "|---|---|---:|---:|"
for op in ${ops//,/ }; do
    case $op in
        stream) n1=5 n2=15 unit=$((10 * 10000)) sides="raw ORM charybdis raw+model raw-tuple" ;;
        insert) n1=1000 n2=9000 unit=8000 sides="raw ORM charybdis raw+model" ;;
        update | delete) n1=1000 n2=9000 unit=8000 sides="raw ORM charybdis" ;;
        *) n1=1000 n2=9000 unit=8000 sides="raw ORM charybdis raw+model raw-tuple" ;;
    esac
    sides=${SIDES:-$sides}
    raw=
    for side in ${sides//,/ }; do
        runs=()
        for ((r = 1; r <= repeat; r++)); do
            a=$(instructions "$op" "$side" "$n1" "$r")
            b=$(instructions "$op" "$side" "$n2" "$r")
            runs+=($(((b - a) / unit)))
        done
        sorted=($(printf '%s\n' "${runs[@]}" | sort -n))
        per=${sorted[$((repeat / 2))]}
        range=
        if ((repeat > 1)); then range=" (${sorted[0]}–${sorted[$((repeat - 1))]})"; fi
        raw=${raw:-$per}
        awk -v op="$op" -v side="$side" -v per="$per" -v raw="$raw" -v range="$range" \
            'BEGIN { printf "| %s | %s | %d%s | %+.1f%% |\n", op, side, per, range, (per / raw - 1) * 100 }'
    done
done
