#!/bin/sh
# Installs the Debian packages tinbao builds and tests with, only those missing.
# As root it runs apt-get; otherwise it prints the command to run.
PKGS="build-essential pkg-config clang libserialport-dev libsqlite3-dev libconfig-dev
libutf8proc-dev libjansson-dev libmicrohttpd-dev sqlite3 socat gammu
python3 python3-gammu smstools valgrind curl xxd gammu-smsd libdbd-sqlite3 chromium"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: missing:$missing"
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends $missing
else
  echo "deps: run as root: apt-get install$missing" >&2
  exit 1
fi
