#!/bin/sh
# make bench: runs every benchmark program built from bench/bench_*.c, then
# the end-to-end scripts bench/*.py when present. Targets are printed with
# each figure; bench/RESULTS.md records a run with its commands.
dir=${1:-build/bench}
for b in "$dir"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done
for s in bench/*.py; do
  [ -f "$s" ] || continue
  echo "== $s"
  TINBAO_BUILD=$dir /usr/bin/python3 "$s"
done
