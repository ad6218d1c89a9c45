#!/bin/sh
# make fuzz: builds every tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan and
# UBSan, runs each for $1 seconds on a copy of its checked-in corpus and adds
# the new interesting inputs back to tests/fuzz/corpus/<name>/.
set -e
secs=${1:-30}
out=build/fuzz
mkdir -p $out
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Igateway -Ifirmware $(pkg-config --cflags libserialport sqlite3 libconfig libutf8proc jansson libmicrohttpd)"
LIBS="$(pkg-config --libs libserialport sqlite3 libconfig libutf8proc jansson libmicrohttpd libsystemd) -lm"
# The libraries are built with clang, the sanitizers and libFuzzer's coverage
# instrumentation (fuzzer-no-link) so that the fuzzer sees edges inside them.
make --no-print-directory BUILD=build/fuzzlib CC=clang SAN=1 OPT="-O1 -g" CFLAGS="-fsanitize=fuzzer-no-link" build/fuzzlib/libtinbao_gw.a build/fuzzlib/libtinbao_sms.a build/fuzzlib/libtinbao_fw.a >/dev/null
for src in tests/fuzz/fuzz_*.c; do
  name=$(basename "$src" .c); name=${name#fuzz_}
  clang $CFLAGS -Ibuild/fuzzlib/gen -o $out/fuzz_$name "$src" build/fuzzlib/libtinbao_fw.a build/fuzzlib/libtinbao_gw.a build/fuzzlib/libtinbao_sms.a $LIBS
  mkdir -p tests/fuzz/corpus/$name
  echo "fuzz: $name for ${secs}s"
  $out/fuzz_$name -max_total_time=$secs -max_len=4096 -print_final_stats=1 \
      -artifact_prefix=tests/fuzz/crash-$name- tests/fuzz/corpus/$name 2>&1 | tail -4
done
