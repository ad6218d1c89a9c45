#!/usr/bin/python3
"""bench/e2e.py: end-to-end figures for tinbaod beside gammu-smsd and
smstools3's smsd, all three against tinbao-modem on a pty (make bench runs it
through scripts/bench.sh with the -O2 build).

1. Ingest: the same N (default 1,000) single-part inbound SMS, reports from
   50 collaborators, wait on a fresh virtual modem's SIM (no radio delay)
   before each gateway starts. Measured from the gateway's start until all N
   are stored: tinbaod's `messages` rows (committed, synchronous=FULL),
   gammu-smsd's `inbox` rows (SQL service, sqlite3 driver through libdbi),
   smsd's files in its incoming spool. CPU seconds (user+system, every
   process of the gateway, from /proc) and peak RSS (VmHWM, summed over the
   gateway's processes) at that moment. tinbaod also parses each report,
   stores it and queues its receipt meanwhile; the others only store.
2. Latency (tinbaod): one message at a time; from the modem writing +CMTI to
   the gateway's AT+CMGS of the reply, both read from the modem's own trace
   (millisecond clock). Median and 99th percentile.
3. Idle: nothing arriving for --idle seconds: CPU time and wake-ups
   (voluntary context switches, i.e. returns from poll/sleep) scaled to an
   hour, for each gateway.

Usage: e2e.py [--messages N] [--idle S] [--latency N] [--only tinbao,gammu,smsd]
Prints a table and the ratios; exits non-zero only when a gateway failed to
store everything (a benchmark that cannot finish is a failure, slowness is
not).
"""
import argparse
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, phone, collaborators  # noqa: E402

NSENDERS = 50
GAMMU_SQL = ['/usr/share/doc/gammu-smsd/examples/sqlite.sql',
             '/usr/share/doc/gammu/examples/sql/sqlite.sql']
HZ = os.sysconf('SC_CLK_TCK')


# -- /proc accounting ------------------------------------------------------
def tree(pid):
    """pid and all its descendants (smsd forks one process per modem)."""
    kids = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/stat' % d) as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def proc_usage(pid):
    """(cpu seconds, peak RSS kB, voluntary switches) summed over the tree."""
    cpu = hwm = vol = 0
    for p in tree(pid):
        try:
            with open('/proc/%d/stat' % p) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / HZ
            with open('/proc/%d/status' % p) as f:
                for line in f:
                    if line.startswith('VmHWM:'):
                        hwm += int(line.split()[1])
                    elif line.startswith('voluntary_ctxt_switches:'):
                        vol += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return cpu, hwm, vol


# -- the load ------------------------------------------------------------------
def texts(n, seed=1):
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        hv = 20 + rnd.randrange(400)
        out.append((phone(k % NSENDERS), 'BC DA4.1 HV %d HN %d' % (hv, k // NSENDERS)))
    return out


def preload(m, msgs, timeout=120):
    """The SIM full (a real one holds 255), the rest queued in the network,
    which delivers as the gateway frees slots: a backlog after an outage."""
    for sender, text in msgs:
        m.sms(sender, text)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st = m.status()
        sm = st['storage']['SM']
        if sm['used'] + st['network_queue'] >= len(msgs) and (
                sm['used'] == sm['total'] or st['network_queue'] == 0):
            return
        time.sleep(0.05)
    raise RuntimeError('the SIM did not fill: %r' % m.status()['storage'])


def wait_count(count_fn, n, proc, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if count_fn() >= n:
                return True
        except sqlite3.Error:
            pass
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


def idle(pid, seconds):
    time.sleep(3)	# the last delivery reports and log writes settle first
    c0, _, v0 = proc_usage(pid)
    time.sleep(seconds)
    c1, _, v1 = proc_usage(pid)
    scale = 3600.0 / seconds
    return (c1 - c0) * scale, (v1 - v0) * scale


# -- the three gateways ----------------------------------------------------------
class Run:
    def __init__(self, name):
        self.name = name
        self.ok = False
        self.seconds = self.cpu = self.rss = None
        self.idle_cpu = self.idle_wakeups = None
        self.note = ''


def run_tinbao(a, msgs):
    r = Run('tinbaod')
    with Modem(slots=a.slots, trace=a.latency > 0) as m:
        preload(m, msgs)
        gw = Gateway(m, users=collaborators(NSENDERS), level='info')
        t0 = time.monotonic()
        gw.start(wait_ready=False)

        def count():
            return gw.q1('SELECT count(*) FROM messages') or 0
        r.ok = wait_count(count, len(msgs), gw.proc, a.timeout)
        r.seconds = time.monotonic() - t0
        r.cpu, r.rss, _ = proc_usage(gw.proc.pid)
        if not r.ok:
            r.note = 'log: ' + gw.log()[-300:].replace('\n', ' | ')
            gw.kill()
            return r
        # Every receipt out as well (tinbaod's own extra work).
        def answered():
            return (gw.q1("SELECT count(*) FROM outbox WHERE state IN ('sent', 'delivered')") or 0)
        if wait_count(answered, len(msgs), gw.proc, a.timeout):
            r.note = 'all %d receipts sent after %.1fs (cpu %.2fs)' % (
                len(msgs), time.monotonic() - t0, proc_usage(gw.proc.pid)[0])
        m.sent(wait=0)
        if a.latency:
            r.latency = latency(m, gw, a.latency)
        if a.idle:
            r.idle_cpu, r.idle_wakeups = idle(gw.proc.pid, a.idle)
        _, r.rss_final, _ = proc_usage(gw.proc.pid)
        gw.stop()
    return r


def latency(m, gw, n):
    """+CMTI written by the modem -> AT+CMGS read by the modem, per message."""
    start = os.path.getsize(m.log_path)
    for k in range(n):
        m.sms(phone(k % NSENDERS), 'BC DA4.1 HV %d HN 1' % (30 + k % 300))
        got = m.sent(wait=10, count=1)
        if not got:
            raise RuntimeError('no reply to latency message %d' % k)
    with open(m.log_path, 'rb') as f:
        f.seek(start)
        trace = f.read().decode('utf-8', 'replace').splitlines()
    cmti, cmgs = [], []
    for line in trace:
        parts = line.split(' ', 2)
        if len(parts) < 3 or not parts[0].isdigit():
            continue
        t, d, body = int(parts[0]), parts[1], parts[2]
        if d == '>>' and '+CMTI:' in body:
            cmti.append(t)
        elif d == '<<' and 'AT+CMGS=' in body:
            cmgs.append(t)
    pairs = list(zip(cmti, cmgs))
    lat = sorted(b - a for a, b in pairs)
    if len(lat) < n:
        raise RuntimeError('latency: %d +CMTI, %d AT+CMGS in the trace' % (len(cmti), len(cmgs)))
    return lat


def run_gammu(a, msgs):
    r = Run('gammu-smsd')
    if not shutil.which('gammu-smsd'):
        r.note = 'gammu-smsd not installed (scripts/deps.sh)'
        return r
    schema = next((p for p in GAMMU_SQL if os.path.exists(p)), None)
    if not schema:
        r.note = 'no sqlite.sql from the gammu packages'
        return r
    with Modem(slots=a.slots) as m:
        preload(m, msgs)
        d = tempfile.mkdtemp(prefix='bench-gammu-')
        db = os.path.join(d, 'smsd.db')
        con = sqlite3.connect(db)
        with open(schema) as f:
            con.executescript(f.read())
        con.close()
        rc = os.path.join(d, 'smsdrc')
        with open(rc, 'w') as f:
            f.write('[gammu]\ndevice = %s\nconnection = at115200\n\n'
                    '[smsd]\nservice = sql\ndriver = sqlite3\nsql = sqlite\n'
                    'dbdir = %s/\ndatabase = smsd.db\nlogfile = %s/smsd.log\ndebuglevel = 0\n'
                    'CheckSecurity = 0\nCheckBattery = 0\nCheckSignal = 0\nCheckNetwork = 0\n'
                    'StatusFrequency = 0\nReceiveFrequency = 1\nCommTimeout = 1\n'
                    'HardResetFrequency = 0\nResetFrequency = 0\nPhoneID = bench\n'
                    % (m.port, d, d))
        t0 = time.monotonic()
        p = subprocess.Popen(['gammu-smsd', '-c', rc], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)

        def count():
            c = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=5)
            try:
                return c.execute('SELECT count(*) FROM inbox').fetchone()[0]
            finally:
                c.close()
        try:
            r.ok = wait_count(count, len(msgs), p, a.timeout)
            r.seconds = time.monotonic() - t0
            r.cpu, r.rss, _ = proc_usage(p.pid)
            if not r.ok:
                r.note = 'stored %d of %d' % (count(), len(msgs))
            if a.idle and r.ok:
                r.idle_cpu, r.idle_wakeups = idle(p.pid, a.idle)
        finally:
            stop(p)
        shutil.rmtree(d, ignore_errors=True)
    return r


def run_smsd(a, msgs):
    r = Run('smsd')
    if not shutil.which('smsd'):
        r.note = 'smsd not installed (scripts/deps.sh)'
        return r
    with Modem(slots=a.slots) as m:
        preload(m, msgs)
        d = tempfile.mkdtemp(prefix='bench-smsd-')
        for sub in ('outgoing', 'checked', 'failed', 'incoming', 'sent'):
            os.mkdir(os.path.join(d, sub))
        conf = os.path.join(d, 'smsd.conf')
        with open(conf, 'w') as f:
            f.write('devices = GSM1\n'
                    'outgoing = {d}/outgoing\nchecked = {d}/checked\nfailed = {d}/failed\n'
                    'incoming = {d}/incoming\nsent = {d}/sent\n'
                    'logfile = {d}/smsd.log\nloglevel = 3\n'
                    'infofile = {d}/smsd.running\npidfile = {d}/smsd.pid\n'
                    'delaytime = 1\ndelaytime_mainprocess = 1\n'
                    'decode_unicode_text = yes\nincoming_utf8 = yes\n'
                    '\n[GSM1]\ndevice = {port}\nincoming = yes\nbaudrate = 115200\n'
                    'check_memory_method = 3\n'.format(d=d, port=m.port))
        inc = os.path.join(d, 'incoming')
        t0 = time.monotonic()
        p = subprocess.Popen(['smsd', '-t', '-c', conf], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            r.ok = wait_count(lambda: len(os.listdir(inc)), len(msgs), p, a.timeout)
            r.seconds = time.monotonic() - t0
            r.cpu, r.rss, _ = proc_usage(p.pid)
            if not r.ok:
                r.note = 'stored %d of %d' % (len(os.listdir(inc)), len(msgs))
            else:
                r.note = 'spool files, not fsync\'d'
            if a.idle and r.ok:
                r.idle_cpu, r.idle_wakeups = idle(p.pid, a.idle)
        finally:
            stop(p)
        shutil.rmtree(d, ignore_errors=True)
    return r


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def fmt(v, spec):
    return spec % v if v is not None else '-'


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--messages', type=int, default=1000)
    ap.add_argument('--idle', type=float, default=60.0, help='seconds of idle measurement (0: skip)')
    ap.add_argument('--latency', type=int, default=200, help='messages for the latency run (0: skip)')
    ap.add_argument('--timeout', type=float, default=600.0)
    ap.add_argument('--slots', type=int, default=255, help='SIM size (the rest waits in the network)')
    ap.add_argument('--only', default='tinbao,gammu,smsd')
    a = ap.parse_args(argv)
    msgs = texts(a.messages)
    runners = {'tinbao': run_tinbao, 'gammu': run_gammu, 'smsd': run_smsd}
    runs = []
    for name in a.only.split(','):
        print('e2e: %s, %d messages waiting (SIM of %d, the rest in the network) ...'
              % (name, len(msgs), a.slots), flush=True)
        runs.append(runners[name](a, msgs))
    print()
    print('%-11s %9s %8s %8s %9s %10s %14s  %s' % ('gateway', 'stored in', 'msg/s', 'cpu s',
                                                  'peak RSS', 'idle cpu/h', 'idle wakeups/h',
                                                  'note'))
    for r in runs:
        rate = len(msgs) / r.seconds if r.ok and r.seconds else None
        print('%-11s %8ss %8s %8s %7s MB %9ss %14s  %s' % (
            r.name, fmt(r.seconds if r.ok else None, '%.2f'), fmt(rate, '%.0f'),
            fmt(r.cpu, '%.2f'), fmt(r.rss / 1024.0 if r.rss else None, '%.1f'),
            fmt(r.idle_cpu, '%.2f'), fmt(r.idle_wakeups, '%.0f'),
            r.note if r.ok else 'FAILED ' + r.note))
    tb = runs[0] if runs and runs[0].name == 'tinbaod' else None
    if tb and tb.ok:
        for r in runs[1:]:
            if r.ok:
                print('%s / tinbaod: time x%.1f, cpu x%.1f, peak RSS x%.1f' % (
                    r.name, r.seconds / tb.seconds, r.cpu / max(tb.cpu, 0.01),
                    r.rss / max(tb.rss, 1)))
        lat = getattr(tb, 'latency', None)
        if lat:
            p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
            print('tinbaod latency +CMTI -> reply AT+CMGS over %d messages: median %.0f ms, '
                  'p99 %d ms, max %d ms (modem trace, 1 ms clock)'
                  % (len(lat), statistics.median(lat), p99, lat[-1]))
        if getattr(tb, 'rss_final', None):
            print('tinbaod peak RSS at the end of the run: %.1f MB (target < 8 MB)'
                  % (tb.rss_final / 1024.0))
    return 0 if all(r.ok for r in runs if 'not installed' not in r.note) else 1


if __name__ == '__main__':
    sys.exit(main())
