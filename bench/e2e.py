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
   gateway's processes) at that moment, and CPU time per message (those CPU
   seconds / N). tinbaod also parses each report, stores it and queues its
   receipt meanwhile; the others only store.
2. Latency (tinbaod): one message at a time; from the modem writing +CMTI to
   the gateway's AT+CMGS of the reply, both read from the modem's own trace
   (millisecond clock). Median and 99th percentile.
3. Idle, tinbaod: nothing arriving for --idle seconds with the shipped
   config's periodic settings (modem.sweep_every, modem.health_every,
   limits.outbox_check_every, read from --periodic-from, default
   config/tinbao.conf; the rest of the bench config is gwctl's test config).
   The default length is the smallest multiple of every period that covers
   the longest one twice (shipped: 5m, 1m, 1m -> 600 s), and the window is
   placed between timer firings, so each check's count is exact. The
   daemon's own loop counters (SIGUSR2 logs them at both ends) give the
   wake-ups, and the modem's trace the AT commands sent; both are compared
   with what the configured checks predict (each fires once per period, at
   most one wake-up each: none when it falls due while the loop is awake for
   another; a health check is 6 AT commands on this LTE profile, a sweep 1,
   each answer one wake-up; the office schedule's ticks are predicted from
   its own "next look in" log lines) and any excess is flagged. CPU time and voluntary
   context switches (returns from poll and waits for disk flushes) are read
   from /proc as well.
   Idle, gammu-smsd and smsd: --idle-others seconds (default 60; both poll
   the modem all the time), CPU time and voluntary context switches. Every
   idle figure is also given scaled to an hour.

Usage: e2e.py [--messages N] [--idle S] [--idle-others S] [--latency N]
              [--periodic-from CONF] [--only tinbao,gammu,smsd]
Prints a table and the ratios; exits non-zero only when a gateway failed to
store everything (a benchmark that cannot finish is a failure, slowness is
not). Excess idle wake-ups are flagged in the output ("EXCESS"), not in the
exit status.
"""
import argparse
import math
import os
import random
import re
import signal
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
SHIPPED_CONF = os.path.join(ROOT, 'config', 'tinbao.conf')
# The periodic checks an idle tinbaod runs, as (group, key) in tinbao.conf.
PERIODIC = (('modem', 'sweep_every'), ('modem', 'health_every'),
            ('limits', 'outbox_check_every'))
# What each modem check sends (gateway/modem/modem_sms.c: modem_health_run()
# on an LTE module such as the bench's EC25 profile, modem_sweep()).
HEALTH_CMDS = ('AT+CSQ', 'AT+COPS?', 'AT+CREG?', 'AT+CEREG?', 'AT+CNMI?', 'AT+CPMS?')
SWEEP_CMDS = ('AT+CMGL=4',)
PRUNE_FIRST, PRUNE_EVERY = 60, 86400	# gateway/core.c: CORE_PRUNE_FIRST_MS, _EVERY_MS


# -- the shipped periodic settings -------------------------------------------------
def parse_duration(text):
    """tinbao.conf durations ("90s", "10m", "1h30m"; conf_parse_duration)."""
    if not re.fullmatch(r'(\d+[smhd])+', text):
        raise ValueError('not a duration: %r' % text)
    unit = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400}
    return sum(int(n) * unit[u] for n, u in re.findall(r'(\d+)([smhd])', text))


def periodic_settings(path):
    """{'sweep_every': ('5m', 300), ...} read from a tinbao.conf."""
    with open(path) as f:
        text = re.sub(r'#[^\n]*', '', f.read())
    out = {}
    for group, key in PERIODIC:
        g = re.search(r'\b%s\s*[=:]\s*\{(.*?)\}\s*;' % group, text, re.S)
        m = g and re.search(r'\b%s\s*[=:]\s*"([^"]*)"' % key, g.group(1))
        if not m:
            raise SystemExit('e2e: %s has no %s.%s' % (path, group, key))
        out[key] = (m.group(1), parse_duration(m.group(1)))
    return out


def default_idle(periods):
    """The smallest multiple of every period that covers the longest twice."""
    ps = [p for _, p in periods.values() if p > 0]
    if not ps:
        return 600
    lcm = 1
    for p in ps:
        lcm = lcm * p // math.gcd(lcm, p)
    t = lcm
    while t < 2 * max(ps):
        t += lcm
    return t


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
    """gammu-smsd, smsd: CPU and voluntary switches over `seconds`, per hour."""
    time.sleep(3)	# the last delivery reports and log writes settle first
    c0, _, v0 = proc_usage(pid)
    time.sleep(seconds)
    c1, _, v1 = proc_usage(pid)
    scale = 3600.0 / seconds
    return (c1 - c0) * scale, (v1 - v0) * scale


# -- tinbaod's idle: wake-ups against the configured checks -----------------------
LOG_TIME = re.compile(r'^(\d\d):(\d\d):(\d\d\.\d{3}) ', re.M)


def log_times(log, pattern):
    """Monotonic seconds of every log line matching pattern (tinbaod logs
    local wall-clock HH:MM:SS.mmm), with the match."""
    now_wall, now_mono = time.time(), time.monotonic()
    lt = time.localtime(now_wall)
    now_day = lt.tm_hour * 3600 + lt.tm_min * 60 + lt.tm_sec + now_wall % 1
    out = []
    for line in log.splitlines():
        m = LOG_TIME.match(line)
        hit = m and re.search(pattern, line)
        if hit:
            d = now_day - (int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3)))
            if d < -1:
                d += 86400	# written before midnight
            out.append((now_mono - d, hit))
    return out


def firings(phase, period, w0, w1, first=None):
    """Times phase + k * period (k >= 1), or phase + first then every period,
    that fall in [w0, w1)."""
    if period <= 0:
        return []
    t = phase + (first if first is not None else period)
    if t < w0:
        t += math.ceil((w0 - t) / period) * period
    out = []
    while t < w1:
        out.append(t)
        t += period
    return out


def usr2(gw, timeout=10):
    """SIGUSR2 -> (wake-ups, timer wake-ups) from the line it logs."""
    pat = re.compile(r'SIGUSR2: (\d+) loop wake-ups since start, (\d+) of them timers alone')
    before = len(pat.findall(gw.log()))
    gw.signal(signal.SIGUSR2)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = pat.findall(gw.log())
        if len(got) > before:
            return int(got[-1][0]), int(got[-1][1])
        time.sleep(0.01)
    raise RuntimeError('tinbaod logged no SIGUSR2 line (an old build?)')


def trace_commands(m, w0, w1):
    """AT commands the gateway wrote in [w0, w1) (monotonic s), from the
    modem's trace (monotonic ms)."""
    out = []
    with open(m.log_path, 'rb') as f:
        for raw in f:
            parts = raw.decode('utf-8', 'replace').rstrip('\n').split(' ', 2)
            if len(parts) < 3 or not parts[0].isdigit() or parts[1] != '<<':
                continue
            cmd = parts[2].replace('\\r', '').strip()	# the trace writes CR as \r
            if cmd.upper().startswith('AT') and w0 <= int(parts[0]) / 1000.0 < w1:
                out.append(cmd)
    return out


def tinbao_idle(gw, m, seconds, periods, t_start, conf_path):
    """The idle window of tinbaod: returns (CPU s, voluntary switches, window
    length s, report lines, excess wake-ups and AT commands)."""
    P = {k: v[1] for k, v in periods.items()}
    time.sleep(3)	# the last delivery reports and log writes settle first
    log = gw.log()
    started = log_times(log, r'tinbaod: started')
    ready = log_times(log, r'modem: \S+ -> ready')
    core0 = started[-1][0] if started else t_start	# core_start arms the outbox check, prune
    modem0 = ready[-1][0] if ready else t_start	# READY arms the sweep and health timers
    # Start after the first prune (start + 60 s, then daily) and as far as
    # possible from every firing, so that each count is exact.
    earliest = max(time.monotonic() + 1, core0 + PRUNE_FIRST + 5)
    search = max(P['health_every'], P['outbox_check_every'], 1)
    sched = [(core0, P['outbox_check_every']), (modem0, P['health_every']),
             (modem0, P['sweep_every'])]

    def margin(w):
        d = search
        for phase, per in sched:
            if per > 0:
                x = (w - phase) % per
                d = min(d, x, per - x)
        return d
    w0 = max((earliest + i * 0.25 for i in range(int(search * 4))), key=margin)
    time.sleep(max(0.0, w0 - time.monotonic()))
    w0 = time.monotonic()
    n0, t0 = usr2(gw)
    c0, _, v0 = proc_usage(gw.proc.pid)
    time.sleep(max(0.0, w0 + seconds - time.monotonic()))
    c1, _, v1 = proc_usage(gw.proc.pid)
    w1 = time.monotonic()
    n1, t1 = usr2(gw)
    log = gw.log()

    # What the configuration predicts for [w0, w1).
    n_out = len(firings(core0, P['outbox_check_every'], w0, w1))
    n_health = len(firings(modem0, P['health_every'], w0, w1))
    n_sweep = len(firings(modem0, P['sweep_every'], w0, w1))
    n_prune = len(firings(core0, PRUNE_EVERY, w0, w1, first=PRUNE_FIRST))
    # The office schedule says when it looks next (at most hourly): a tick in
    # the window is expected when the tick before it announced that time.
    ticks = [(t, int(h.group(1)))
             for t, h in log_times(log, r'office: tick: .* next look in (\d+) s')]
    n_office = odd_office = 0
    for (ta, na), (tb, _) in zip(ticks, ticks[1:]):
        if w0 <= tb < w1:
            if abs(tb - (ta + na)) <= 2:
                n_office += 1
            else:
                odd_office += 1
    due = [ta + na for ta, na in ticks[-1:] if w0 <= ta + na < w1 - 2]
    n_office += len(due)	# announced for inside the window (may have left no line yet)
    cmds = trace_commands(m, w0, w1)
    n_hcmd = sum(c in HEALTH_CMDS for c in cmds)
    n_scmd = sum(c in SWEEP_CMDS for c in cmds)
    other = [c for c in cmds if c not in HEALTH_CMDS and c not in SWEEP_CMDS]
    want_cmds = n_health * len(HEALTH_CMDS) + n_sweep * len(SWEEP_CMDS)
    # Each timer firing wakes the loop at most once; it wakes it not at all
    # when it falls due while the loop is awake for another check (the
    # sweep shares the health timer's phase, and the kernel lets a long
    # poll() return up to 0.1 % late, so checks drift into each other).
    # Each AT answer is one read, one wake-up; the closing SIGUSR2 is one.
    firing = n_out + n_health + n_sweep + n_prune + n_office
    answers = want_cmds
    got, got_t = n1 - n0, t1 - t0
    got_fd = got - got_t
    excess = (max(0, got_t - firing) + max(0, got_fd - (answers + 1))
              + max(0, len(cmds) - want_cmds))
    ph = lambda k: '%s = %s' % (k, periods[k][0])
    lines = [
        'tinbaod idle: %.0f s (%.1f min) with nothing arriving; periodic settings of %s '
        '(%s, %s, %s), window placed %.0f s from the nearest timer firing'
        % (w1 - w0, (w1 - w0) / 60, os.path.relpath(conf_path, ROOT),
           ph('sweep_every'), ph('health_every'), ph('outbox_check_every'), margin(w0)),
        '  expected from the config: outbox check x%d, health check x%d (%d AT commands '
        'each), modem sweep x%d (%d each), office schedule x%d, event-log prune x%d'
        % (n_out, n_health, len(HEALTH_CMDS), n_sweep, len(SWEEP_CMDS), n_office, n_prune),
        '  AT commands sent (modem trace): %d expected, %d measured (health %d, sweep %d%s)'
        % (want_cmds, len(cmds), n_hcmd, n_scmd,
           ', other: ' + ' '.join(sorted(set(other))) if other else ''),
        '  loop wake-ups (SIGUSR2 counters): at most %d expected (%d timer firings, %d modem '
        'answers, 1 closing signal), measured %d: %d by timers alone (%d firings fell due '
        'while awake for another), %d modem answers and signals%s'
        % (firing + answers + 1, firing, answers, got, got_t, max(0, firing - got_t), got_fd,
           ': EXCESS %d' % excess if excess else ': no wake-up beyond the configured checks'),
        '  per hour: %.0f wake-ups, %.3f CPU s, %.0f voluntary context switches '
        '(wake-ups plus waits for disk flushes); CPU in the window %.1f ms'
        % (got * 3600.0 / (w1 - w0), (c1 - c0) * 3600.0 / (w1 - w0),
           (v1 - v0) * 3600.0 / (w1 - w0), (c1 - c0) * 1000),
    ]
    if odd_office:
        lines.append('  office ticks off their announced time: %d' % odd_office)
    if seconds < 2 * max(p for _, p in periods.values()):
        lines.append('  note: --idle %.0f s covers the longest period fewer than twice' % seconds)
    return c1 - c0, v1 - v0, (w1 - w0), lines, excess


# -- the three gateways ----------------------------------------------------------
class Run:
    def __init__(self, name):
        self.name = name
        self.ok = False
        self.seconds = self.cpu = self.rss = None
        self.idle_cpu = self.idle_wakeups = None
        self.idle_lines = []
        self.idle_excess = 0
        self.receipts_cpu = None
        self.note = ''


def run_tinbao(a, msgs):
    r = Run('tinbaod')
    with Modem(slots=a.slots, trace=True) as m:
        preload(m, msgs)
        per = a.periods
        gw = Gateway(m, users=collaborators(NSENDERS), level='info',
                     modem_conf={'sweep_every': per['sweep_every'][0],
                                 'health_every': per['health_every'][0]},
                     limits={'outbox_check_every': per['outbox_check_every'][0]})
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
            r.receipts_cpu = proc_usage(gw.proc.pid)[0]
            r.note = 'all %d receipts sent after %.1fs (cpu %.2fs)' % (
                len(msgs), time.monotonic() - t0, r.receipts_cpu)
        m.sent(wait=0)
        if a.latency:
            r.latency = latency(m, gw, a.latency)
        if a.idle:
            cpu, vol, secs, r.idle_lines, r.idle_excess = tinbao_idle(
                gw, m, a.idle, per, t0, a.periodic_from)
            r.idle_cpu, r.idle_wakeups = cpu * 3600.0 / secs, vol * 3600.0 / secs
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
            if a.idle_others and r.ok:
                r.idle_cpu, r.idle_wakeups = idle(p.pid, a.idle_others)
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
            if a.idle_others and r.ok:
                r.idle_cpu, r.idle_wakeups = idle(p.pid, a.idle_others)
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
    ap.add_argument('--idle', type=float, default=None,
                    help='seconds of tinbaod idle measurement (0: skip; default: the smallest '
                    'multiple of every periodic setting that covers the longest twice, 600 s '
                    'with the shipped config)')
    ap.add_argument('--idle-others', type=float, default=60.0,
                    help='seconds of idle measurement for gammu-smsd and smsd (0: skip)')
    ap.add_argument('--periodic-from', default=SHIPPED_CONF,
                    help='the tinbao.conf whose sweep_every, health_every and outbox_check_every '
                    'tinbaod runs with (default: the shipped config/tinbao.conf)')
    ap.add_argument('--latency', type=int, default=200, help='messages for the latency run (0: skip)')
    ap.add_argument('--timeout', type=float, default=600.0)
    ap.add_argument('--slots', type=int, default=255, help='SIM size (the rest waits in the network)')
    ap.add_argument('--only', default='tinbao,gammu,smsd')
    a = ap.parse_args(argv)
    a.periods = periodic_settings(a.periodic_from)
    if a.idle is None:
        a.idle = default_idle(a.periods)
    print('e2e: tinbaod runs with %s from %s; idle %.0f s for tinbaod, %.0f s for the others'
          % (', '.join('%s = %s' % (k, v[0]) for k, v in a.periods.items()),
             os.path.relpath(a.periodic_from), a.idle, a.idle_others), flush=True)
    msgs = texts(a.messages)
    runners = {'tinbao': run_tinbao, 'gammu': run_gammu, 'smsd': run_smsd}
    runs = []
    for name in a.only.split(','):
        print('e2e: %s, %d messages waiting (SIM of %d, the rest in the network) ...'
              % (name, len(msgs), a.slots), flush=True)
        runs.append(runners[name](a, msgs))
    print()
    print('%-11s %9s %8s %8s %10s %9s %10s %14s  %s' % (
        'gateway', 'stored in', 'msg/s', 'cpu s', 'cpu/msg', 'peak RSS', 'idle cpu/h',
        'idle vcsw/h', 'note'))
    for r in runs:
        rate = len(msgs) / r.seconds if r.ok and r.seconds else None
        per_msg = r.cpu * 1e6 / len(msgs) if r.ok and r.cpu is not None else None
        print('%-11s %8ss %8s %8s %7s us %7s MB %9ss %14s  %s' % (
            r.name, fmt(r.seconds if r.ok else None, '%.2f'), fmt(rate, '%.0f'),
            fmt(r.cpu, '%.2f'), fmt(per_msg, '%.0f'),
            fmt(r.rss / 1024.0 if r.rss else None, '%.1f'),
            fmt(r.idle_cpu, '%.2f'), fmt(r.idle_wakeups, '%.0f'),
            r.note if r.ok else 'FAILED ' + r.note))
    print('(cpu/msg: the CPU seconds when the last message was stored / %d messages; '
          'idle vcsw/h: voluntary context switches per hour while idle)' % len(msgs))
    tb = runs[0] if runs and runs[0].name == 'tinbaod' else None
    if tb and tb.ok:
        if tb.receipts_cpu is not None:
            print('tinbaod CPU per message with its receipt sent as well: %.0f us '
                  '(%.2f s / %d)' % (tb.receipts_cpu * 1e6 / len(msgs), tb.receipts_cpu, len(msgs)))
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
        for line in tb.idle_lines:
            print(line)
        if getattr(tb, 'rss_final', None):
            print('tinbaod peak RSS at the end of the run: %.1f MB (target < 8 MB)'
                  % (tb.rss_final / 1024.0))
    return 0 if all(r.ok for r in runs if 'not installed' not in r.note) else 1


if __name__ == '__main__':
    sys.exit(main())
