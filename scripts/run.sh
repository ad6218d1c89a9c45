#!/bin/sh
# make run: the gateway on the virtual modem, with the default configuration.
#
# Starts tinbao-modem on a pty under ./var/, writes var/tinbao.conf (the
# shipped config/tinbao.conf with the modem device pointed at that pty and
# the database under var/), starts tinbaod, plays a short scripted
# conversation through the modem's network side, prints every SMS in and out,
# then keeps running until Ctrl-C, which stops both cleanly.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VAR=$ROOT/var
MODEM=$ROOT/$BUILD/tinbao-modem
DAEMON=$ROOT/$BUILD/tinbaod
CLI=$ROOT/$BUILD/tinbao
CTL=$VAR/modem.sock
TTY=$VAR/modem.tty
CONF=$VAR/tinbao.conf
for b in "$MODEM" "$DAEMON"; do
	[ -x "$b" ] || { echo "run: $b is missing (make all)" >&2; exit 1; }
done
mkdir -p "$VAR"
chmod 700 "$VAR"

# The run configuration: the shipped one with the device, the database and
# the catalog made to fit this folder. Relative paths in a config resolve
# against the config's folder, so the catalog path is made absolute.
sed -e "s|^\([[:space:]]*device[[:space:]]*=[[:space:]]*\)\"[^\"]*\"|\1\"$TTY\"|" \
    -e "s|^\([[:space:]]*path[[:space:]]*=[[:space:]]*\)\"[^\"]*\.db\"|\1\"$VAR/tinbao.db\"|" \
    -e "s|^\([[:space:]]*catalog[[:space:]]*=[[:space:]]*\)\"\([^/\"][^\"]*\)\"|\1\"$ROOT/config/\2\"|" \
    config/tinbao.conf > "$CONF"
if ! grep -q "$TTY" "$CONF"; then
	echo "run: could not point modem.device at $TTY in $CONF" >&2
	exit 1
fi
if ! grep -q '^[[:space:]]*catalog' "$CONF"; then
	printf '\ncatalog = "%s/config/catalog.conf";\n' "$ROOT" >> "$CONF"
fi
# Demo people, unless the shipped config already lists some.
if ! grep -q '^[[:space:]]*users[[:space:]]*=' "$CONF"; then
	cat >> "$CONF" <<'EOC'

# make run: demo users (the database wins once they exist).
users = (
	{ phone = "0912345678"; name = "Demo CTV 1"; role = "collaborator"; commune = "am-ha"; village = "am-ha/thon-1"; },
	{ phone = "0987654321"; name = "Demo CTV 2"; role = "collaborator"; commune = "bang-gia"; village = "bang-gia/thon-2"; },
	{ phone = "0911111111"; name = "Demo staff"; role = "staff"; },
	{ phone = "0933333333"; name = "Demo official"; role = "official"; }
);
EOC
fi

MPID= DPID= FPID=
stop() {
	trap - INT TERM EXIT
	echo
	echo "run: stopping"
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null
	if [ -n "$DPID" ]; then
		kill -TERM "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		echo "run: tinbaod stopped"
	fi
	if [ -n "$MPID" ]; then
		kill -TERM "$MPID" 2>/dev/null
		wait "$MPID" 2>/dev/null
		echo "run: tinbao-modem stopped"
	fi
	exit 0
}
trap stop INT TERM EXIT

# The modem keeps its SIM (messages not yet taken by the gateway) in a state
# file, like a real SIM across restarts.
"$MODEM" run --link "$TTY" --control "$CTL" --profile ec25 --state "$VAR/modem.state" \
	> "$VAR/modem.out" 2> "$VAR/modem.log" &
MPID=$!
for i in $(seq 1 50); do
	grep -q '^READY' "$VAR/modem.out" 2>/dev/null && break
	sleep 0.1
done
grep -q '^READY' "$VAR/modem.out" || { echo "run: tinbao-modem did not start:"; cat "$VAR/modem.log"; exit 1; }
echo "run: virtual modem on $TTY (control socket $CTL)"

# setsid: Ctrl-C in this terminal reaches only this script, which then asks
# the daemon to stop with one SIGTERM (a second signal would make it skip
# the clean shutdown).
setsid "$DAEMON" -c "$CONF" 2> "$VAR/tinbaod.log" &
DPID=$!
# The daemon's log, minus the chatter: what it stored, sent and how the
# modem is doing.
tail -n +1 -f "$VAR/tinbaod.log" --pid=$DPID 2>/dev/null | grep --line-buffered -E 'modem: .* -> |stored|sent outbox|failed|error|warn' | sed -u 's/^/  tinbaod | /' &

# Every SMS the gateway sends, as the network sees it.
follow_sent() {
	while kill -0 "$MPID" 2>/dev/null; do
		"$MODEM" sent --control "$CTL" --wait 3600 2>/dev/null |
			/usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    try:
        d = json.loads(line)
    except ValueError:
        continue
    print("  SMS OUT  gateway -> %s: %s" % (d.get("to"), d.get("text")), flush=True)
'
	done
}
follow_sent &
FPID=$!

sms() {
	echo "  SMS IN   $1 -> gateway: $2"
	"$MODEM" sms --control "$CTL" --from "$1" ${3:-} "$2" > /dev/null
}

"$MODEM" wait --control "$CTL" registered --timeout 10 > /dev/null 2>&1
sleep 2
echo "run: a short scripted conversation"
sms 0912345678 "BC DA4.1 HV 25 HN 10 CN 8"
sleep 2
sms 0987654321 "bc da3.1 tap huan 2 lop, 45 nguoi"
sleep 2
sms 0911111111 "TK DA4.1"	# this month's totals
sleep 2
sms VIETTEL "Quy khach duoc tang 10000d" --alnum	# an operator: never answered
sleep 2
WEEK=$(date +%G-W%V)
echo "run: the weekly summary to officials (the scheduler sends last week's every Monday 07:30; this is $WEEK so far)"
echo "  \$ tinbao summary --week $WEEK --send"
"$CLI" -c "$CONF" summary --week "$WEEK" --send | sed 's/^/  /'
sleep 3
cat <<EOT

run: the gateway is running. From another terminal, text it like this:
  $MODEM sms --control $CTL --from 0912345678 "BC DA4.1 HV 25"
  $MODEM fault --control $CTL unplug 5      (faults: hang, garbage, unplug, no-network ...)
  $CLI -c $CONF status        (and inbox, outbox, reports, summary)
Logs: $VAR/tinbaod.log, $VAR/modem.log. Ctrl-C stops both.
EOT
wait "$DPID"
DPID=
echo "run: tinbaod exited"
