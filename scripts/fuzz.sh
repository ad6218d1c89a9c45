#!/bin/sh
# make fuzz: builds every tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan and
# UBSan, runs each for $1 seconds from its checked-in corpus and merges the
# inputs that reach new code into tests/fuzz/corpus/<name>/. An input that
# fails a target (crash, sanitizer report, broken property) is copied into that
# corpus as regress-<target's artifact name>: `make test` replays every corpus,
# so it stays a failing regression test until the bug is fixed (then commit
# it). Every target runs; the exit status is 1 if any failed.
set -e
secs=${1:-30}
out=build/fuzz
mkdir -p $out
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Igateway -Ifirmware $(pkg-config --cflags libserialport sqlite3 libconfig libutf8proc jansson libmicrohttpd)"
LIBS="$(pkg-config --libs libserialport sqlite3 libconfig libutf8proc jansson) -lm"
# The libraries are built with clang, the sanitizers and libFuzzer's coverage
# instrumentation (fuzzer-no-link) so that the fuzzer sees edges inside them.
make --no-print-directory BUILD=build/fuzzlib CC=clang SAN=1 OPT="-O1 -g" CFLAGS="-fsanitize=fuzzer-no-link" build/fuzzlib/libtinbao_gw.a build/fuzzlib/libtinbao_sms.a build/fuzzlib/libtinbao_fw.a >/dev/null
failed=""
for src in tests/fuzz/fuzz_*.c; do
  name=$(basename "$src" .c); name=${name#fuzz_}
  clang $CFLAGS -Ibuild/fuzzlib/gen -o $out/fuzz_$name "$src" build/fuzzlib/libtinbao_fw.a build/fuzzlib/libtinbao_gw.a build/fuzzlib/libtinbao_sms.a $LIBS
  mkdir -p tests/fuzz/corpus/$name $out/artifacts
  rm -rf $out/artifacts/$name-* $out/new/$name
  mkdir -p $out/new/$name
  echo "fuzz: $name for ${secs}s"
  # New inputs go to a scratch folder first; the merge then adds to the
  # checked-in corpus only those that reach code it does not reach yet.
  if $out/fuzz_$name -max_total_time=$secs -max_len=4096 -print_final_stats=1 \
      -artifact_prefix=$out/artifacts/$name- $out/new/$name tests/fuzz/corpus/$name > $out/$name.log 2>&1; then
    tail -4 $out/$name.log
    $out/fuzz_$name -merge=1 -max_len=4096 tests/fuzz/corpus/$name $out/new/$name > $out/$name.merge.log 2>&1 ||
      { tail -5 $out/$name.merge.log; failed="$failed $name(merge)"; }
    grep -h "MERGE-OUTER: .* new files" $out/$name.merge.log || true
  else
    tail -40 $out/$name.log
    for a in $out/artifacts/$name-*; do
      [ -f "$a" ] || continue
      cp "$a" tests/fuzz/corpus/$name/regress-$(basename "$a" | sed "s/^$name-//")
      echo "fuzz: $name FAILED: input kept as tests/fuzz/corpus/$name/regress-$(basename "$a" | sed "s/^$name-//")"
    done
    failed="$failed $name"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed (full logs in $out/<name>.log)"
  exit 1
fi
