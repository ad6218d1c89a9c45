#!/usr/bin/python3
"""tests/integration/torture.py: the crash and fault campaign of issue 10.

A seeded random stream of SMS (valid reports from registered collaborators,
reviews, invalid reports, hostile text, SUA/HUY on real and made-up refs, TK
queries from staff, strangers, alphanumeric senders and short codes; some
multipart with parts out of order, some delivered twice by the network) goes
into tinbao-modem while tinbaod is killed with SIGKILL at random moments and
restarted. Three scenarios:

  crash   SIGKILL and restart only;
  modem   the same with modem faults mixed in: hang, unplug, garbage,
          +CMS ERROR on send, no network, spontaneous reset, and a SIM filled
          up while the daemon is down (a small SIM, the network keeps the rest);
  disk    restarts with TINBAO_FAULT_STORE=N (the store's fault hook: the Nth
          write fails as on a full disk); the daemon must keep the message on
          the SIM until it can commit and say why in its log.

After each scenario, with the daemon left to settle: every message the network
delivered is stored exactly once, every valid report is stored once (`tinbao
reports --all --json`), every SUA/HUY on a real ref has exactly its effect,
once (each ref's versions and statuses replayed in dispatch order), every message that deserves an answer got exactly
one reply row and the network saw it, strangers got one polite answer, robots
none, the outbox is drained, nothing failed, the SIM is empty and `PRAGMA
integrity_check` says ok.

Sending is at least once per part (docs/storage.md): a reply the network took
just before a SIGKILL, whose "sent" did not commit, goes out again. Those show
in the "re-sent" column and must stay at most one per kill; a reply row queued
twice or a message stored twice is a failure.

Library:
    from torture import Campaign
    res = Campaign(seed=1, messages=120, kills=3, scenario='modem').run()
    res.ok, res.row(), res.problems

Command line (make torture runs the full campaign):
    torture.py [--messages N] [--kills K] [--faults F] [--seed S]
               [--scenario crash,modem,disk] [--keep]
Prints one table row per scenario and "N passed, N failed".
"""
import argparse
import collections
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem, ModemError  # noqa: E402
from gwctl import Gateway, build_dir, phone, e164, collaborators  # noqa: E402

N_CTV = 30
STAFF = ['0913%06d' % i for i in range(3)]
STRANGERS = ['0988%06d' % i for i in range(15)]
ROBOTS = ['VIETTEL', 'MobiFone', 'VNPT-BANK']
SHORT_CODES = ['1414', '9029']
PROJECTS_TK = ['', ' DA4.1', ' DA3.1', ' DA2', ' DA6.2', ' DA7.1']
PERIODS_TK = ['', ' T1', ' T2', ' T3', ' T4', ' T5', ' T6', ' T7', ' T8', ' T9', ' T10', ' T11',
              ' Q1', ' Q2', ' Q3', ' Q4', ' 2026']
MODEM_FAULTS = ['hang', 'unplug', 'garbage', 'cms-error', 'no-network', 'reset', 'sim-full']
REF = re.compile(r'^Da nhan ([0-9A-Z]{4}):')

# A long Vietnamese filler for multipart texts that are not reports.
FILLER = ('Kinh gui ban giam ngheo xa, thon chung toi da to chuc hop dan ve chuong trinh giam ngheo '
          'ben vung, ba con rat phan khoi, de nghi xa ho tro them giong cay trong va vat nuoi cho '
          'cac ho ngheo va can ngheo trong thon trong thang toi. ')
FILLER_VI = ('Kính gửi ban giảm nghèo xã, thôn chúng tôi đã họp dân về chương trình giảm nghèo bền '
             'vững, bà con rất phấn khởi, đề nghị hỗ trợ giống cây trồng cho hộ nghèo. ')


def users():
    us = collaborators(N_CTV)
    us += [{'phone': p, 'name': 'Can bo %d' % i, 'role': 'staff'} for i, p in enumerate(STAFF)]
    return us


def to_e164(p):
    return '+84' + p[1:] if p.startswith('0') else p


class Item:
    """One message of the plan."""
    __slots__ = ('k', 'kind', 'sender', 'key_sender', 'text', 'order', 'dup', 'alnum', 'reply',
                 'report', 'ref_for')

    def __init__(self, k, kind, sender, text, reply, alnum=False, report=None, ref_for=None):
        self.k, self.kind, self.sender, self.text = k, kind, sender, text
        self.alnum = alnum
        self.key_sender = sender if (alnum or sender in SHORT_CODES) else to_e164(sender)
        self.reply = reply	# 'one', 'none' or 'stranger' (one per number per day)
        self.report = report	# (kind, values) for a valid BC/RS
        self.ref_for = ref_for	# 'SUA' / 'HUY': the ref is picked when it is sent
        self.order = None
        self.dup = False

    def key(self):
        return (self.key_sender, self.text)


def make_plan(rnd, n, seen):
    """n items; (sender, text) unique (seen collects them) so that the
    network's duplicate key (sender, time, text) never merges two different
    messages."""
    plan = []
    ctv_count = collections.Counter()
    kinds = (['bc'] * 36 + ['bc_vi'] * 4 + ['rs'] * 5 + ['bad'] * 12 + ['hostile'] * 4 +
             ['sua'] * 6 + ['huy'] * 3 + ['tk'] * 10 + ['tk_ctv'] * 3 + ['stranger'] * 8 +
             ['robot'] * 6 + ['short'] * 3)
    k = 0
    while len(plan) < n:
        kind = rnd.choice(kinds)
        ctv = rnd.randrange(N_CTV)
        it = None
        if kind in ('bc', 'bc_vi'):
            c = ctv_count[ctv]
            ctv_count[ctv] += 1
            hv, hn = 20 + c % 480, (c // 480) + rnd.randrange(0, 10)
            word = rnd.choice(['BC', 'bc', 'Bao cao', 'BAOCAO'])
            if kind == 'bc':
                text = '%s DA4.1 HV %d HN %d' % (word, hv, hn)
            else:
                # UCS-2, two or three parts: a valid report typed with diacritics.
                text = ('Báo cáo DA4.1 lớp 1 học viên %d hộ nghèo %d cận nghèo 0 thoát nghèo 0 '
                        'phụ nữ 0 kinh phí 0' % (hv, hn))
            vals = {'HV': hv, 'HN': hn}
            if kind == 'bc_vi':
                vals['LOP'] = 1
            it = Item(k, kind, phone(ctv), text, 'one', report=('activity', vals))
        elif kind == 'rs':
            c = ctv_count[ctv]
            ctv_count[ctv] += 1
            a, b = 1 + c % 40, 1 + rnd.randrange(5)
            it = Item(k, kind, phone(ctv), 'RS HN+%d CN-%d' % (a, b), 'one',
                      report=('review', {'HN': a, 'CN': -b}))
        elif kind == 'bad':
            text = rnd.choice(['BC DA9.9 ABC %d' % k, 'BC DA4.1 HV %d' % (600 + k),
                               'xyz %d' % k, 'BC DA4.1 LOP HV %d' % k,
                               'Bao cao %d: %s' % (k, FILLER * rnd.randint(1, 3))])
            it = Item(k, kind, phone(ctv), text, 'one')
        elif kind == 'hostile':
            text = rnd.choice(["BC DA4.1 HV 3'; DROP TABLE messages;-- %d" % k,
                               '%%s%%n%%x%%p %d %%d%%d' % k, 'BC\x01\x02\x1b[2J %d \t\r' % k,
                               'TK %d UNION SELECT * FROM users' % k, ('A%d ' % k) * 120])
            it = Item(k, kind, phone(ctv), text, 'one')
        elif kind in ('sua', 'huy'):
            # From someone who reported before, so that most name a real ref
            # and check_changes() sees changes, not only refusals.
            authors = sorted(w for w, n in ctv_count.items() if n)
            if authors:
                ctv = rnd.choice(authors)
            it = Item(k, kind, phone(ctv), None, 'one', ref_for=kind.upper())
        elif kind == 'tk':
            who = rnd.choice(STAFF)
            it = Item(k, kind, who, 'TK' + rnd.choice(PROJECTS_TK) + rnd.choice(PERIODS_TK), 'one')
        elif kind == 'tk_ctv':
            it = Item(k, kind, phone(ctv), rnd.choice(['TK', 'TK XA Dai Pham', 'TK DA4.1',
                                                       'TK XA Vo Tranh T11']) + ' ' * (k % 3),
                      'one')
        elif kind == 'stranger':
            who = rnd.choice(STRANGERS)
            text = rnd.choice(['xin chao %d' % k, 'Alo ai day %d' % k,
                               'Cho hoi %d %s' % (k, FILLER_VI * rnd.randint(1, 2))])
            it = Item(k, kind, who, text, 'stranger')
        elif kind == 'robot':
            text = rnd.choice(['Quy khach duoc tang %d d vao tai khoan' % (k * 1000),
                               'KM %d: %s' % (k, FILLER)])
            it = Item(k, kind, rnd.choice(ROBOTS), text, 'none', alnum=True)
        elif kind == 'short':
            it = Item(k, kind, rnd.choice(SHORT_CODES), 'Ban co %d tin nhan thoai moi' % k, 'none')
        k += 1
        if it.text is not None:
            if it.key() in seen:
                continue
            seen.add(it.key())
        it.dup = rnd.random() < 0.1
        plan.append(it)
    return plan


class Result:
    def __init__(self, scenario, seed):
        self.scenario, self.seed = scenario, seed
        self.rounds = self.kills = self.faults = self.messages = 0
        self.delivered = 0
        self.lost = self.duplicated = self.resent = 0
        self.disk_hits = 0
        self.kept_on_sim = 0	# inbound commits refused, the message left on the SIM
        self.fault_counts = collections.Counter()
        self.changes = collections.Counter()	# SUA/HUY applied, unchanged, refused
        self.problems = []
        self.seconds = 0.0

    @property
    def ok(self):
        return not self.problems

    def row(self):
        return '%-6s %6d %5d %6d %8d %5d %10d %7d %7.1fs  %s' % (
            self.scenario, self.rounds, self.kills, self.faults, self.messages, self.lost,
            self.duplicated, self.resent, self.seconds, 'ok' if self.ok else 'FAIL')


HEADER = '%-6s %6s %5s %6s %8s %5s %10s %7s %8s' % (
    'scen.', 'rounds', 'kills', 'faults', 'messages', 'lost', 'duplicated', 're-sent', 'time')


class Campaign:
    """One scenario: build with Campaign(...), then run() -> Result."""

    def __init__(self, seed=1, messages=120, kills=3, faults=4, scenario='crash', keep=False,
                 verbose=False, modem_faults=MODEM_FAULTS):
        self.seed, self.n, self.kills, self.nfaults = seed, messages, kills, faults
        self.modem_faults = list(modem_faults)
        self.scenario, self.keep, self.verbose = scenario, keep, verbose
        self.rnd = random.Random('%s/%d' % (scenario, seed))
        self.res = Result(scenario, seed)
        self.sent = []			# every message the network saw the modem send
        self.lock = threading.Lock()
        self.refs = collections.defaultdict(list)	# phone -> refs from receipts
        self.gw_lock = threading.Lock()	# the daemon is not restarted under the stream's feet
        self.extra = []			# messages a fault added (SIM fill-ups)

    def say(self, *a):
        if self.verbose:
            print('  [%s] %s' % (self.scenario, ' '.join(str(x) for x in a)), flush=True)

    def problem(self, what):
        self.res.problems.append(what)
        print('FAIL [%s seed %d]: %s' % (self.scenario, self.seed, what), flush=True)

    # -- the network side ------------------------------------------------------
    def collect(self, m):
        got = m.sent(wait=0)
        with self.lock:
            self.sent += got
            for s in got:
                mm = REF.match(s['text'])
                if mm:
                    self.refs[s['to']].append(mm.group(1))

    def resolve(self, it, m):
        """SUA/HUY: a ref from a receipt this sender got, else a made-up one."""
        self.collect(m)
        with self.lock:
            refs = list(self.refs.get(to_e164(it.sender), []))
        ref = self.rnd.choice(refs) if refs and self.rnd.random() < 0.8 else 'Q%03d' % (it.k % 1000)
        if it.ref_for == 'SUA':
            base = 'SUA %s HV %d' % (ref, 400 + it.k % 100)
        else:
            base = 'HUY %s' % ref
        # (sender, text) unique over the run: trailing blanks tell apart two
        # HUY of one ref, which are two messages the gateway must both keep.
        pad = 0
        with self.lock:
            while (it.key_sender, base + ' ' * pad) in self.seen:
                pad += 1
            it.text = base + ' ' * pad
            self.seen.add(it.key())
        return it

    def deliver(self, m, it):
        if it.ref_for and it.text is None:
            self.resolve(it, m)
        try:
            return m.sms(it.sender, it.text, alnum=True if it.alnum else None, duplicate=it.dup,
                         order=it.order)
        except ModemError as e:
            # A scrambled order must name every part: the modem says how many.
            mm = re.search(r'the message has (\d+)', str(e))
            if not it.order or not mm:
                raise
            n = int(mm.group(1))
            it.order = list(range(1, n + 1))
            while n > 1 and it.order == sorted(it.order):
                self.rnd.shuffle(it.order)
            return m.sms(it.sender, it.text, alnum=True if it.alnum else None, duplicate=it.dup,
                         order=it.order if n > 1 else None)

    # -- the run ------------------------------------------------------------
    def run(self):
        t0 = self.t0 = time.monotonic()
        try:
            self._run()
        except Exception as e:	# noqa: BLE001 (a campaign that blows up is a failure)
            import traceback
            traceback.print_exc()
            self.problem('raised %s: %s' % (type(e).__name__, e))
        self.res.seconds = time.monotonic() - t0
        return self.res

    def _run(self):
        rnd = self.rnd
        self.seen = set()
        plan = make_plan(rnd, self.n, self.seen)
        for it in plan:
            if rnd.random() < 0.3:
                it.order = 'shuffle'
        slots = 40 if self.scenario == 'modem' else 255
        with Modem(slots=slots) as m:
            gw = Gateway(m, users=users(), level='debug',
                         modem_conf={'command_timeout': '3s', 'sweep_every': '20s'},
                         limits={'incomplete_wait': '10m', 'send_backoff': '1s',
                                 'send_backoff_max': '2s', 'send_attempts': 8})
            self.m, self.gw = m, gw
            gw.start()
            stop = threading.Event()
            errors = []

            def stream():
                srnd = random.Random(self.seed * 7 + 1)
                try:
                    for it in plan:
                        if stop.is_set():
                            return
                        if it.order == 'shuffle':
                            it.order = None
                            if it.text and len(it.text) > 60:
                                it.order = [2, 1]
                        with self.gw_lock:
                            self.deliver(m, it)
                        time.sleep(srnd.uniform(0, 0.012))
                        if srnd.random() < 0.05:
                            self.collect(m)
                except Exception as e:	# noqa: BLE001
                    errors.append(e)

            th = threading.Thread(target=stream, daemon=True)
            th.start()
            events = ['kill'] * self.kills
            if self.scenario == 'modem':
                mf = self.modem_faults
                events += [mf[i % len(mf)] for i in range(self.nfaults)]
            elif self.scenario == 'disk':
                events += ['disk'] * self.nfaults
            rnd.shuffle(events)
            # Spread the events over the stream's expected duration.
            span = max(2.0, self.n * 0.02)
            for ev in events:
                time.sleep(rnd.uniform(0.2, 2 * span / max(1, len(events))))
                self.event(ev)
                self.res.rounds += 1
            self.say('events done at %.1fs' % (time.monotonic() - self.t0))
            th.join(600)
            stop.set()
            self.say('stream done at %.1fs' % (time.monotonic() - self.t0))
            if errors:
                self.problem('the network side refused a message: %r' % errors[0])
            if not gw.running():
                gw.start()
            self.settle(plan)
            self.say('settled at %.1fs' % (time.monotonic() - self.t0))
            self.check(plan)
            if gw.running():
                rc = gw.stop()
                if rc != 0:
                    self.problem('tinbaod exit status %r after SIGTERM' % rc)
            if self.keep:
                self.say('kept', m.dir)
                m._own_tmp = False

    def event(self, ev):
        gw, m, rnd = self.gw, self.m, self.rnd
        if ev == 'kill':
            gw.kill()
            self.res.kills += 1
            time.sleep(rnd.uniform(0, 0.3))
            gw.start(wait_ready=rnd.random() < 0.5)
            self.say('kill')
            return
        self.res.faults += 1
        self.res.fault_counts[ev] += 1
        self.say('fault', ev)
        if ev == 'disk':
            # A restart whose Nth write fails like a full disk; the hook is
            # one-shot, so the next attempt succeeds.
            with self.gw_lock:
                gw.kill()
                self.res.kills += 1
                n = rnd.randint(len(users()) + 3, len(users()) + 40)
                before = gw.log().count('injected fault')
                os.environ['TINBAO_FAULT_STORE'] = str(n)
                try:
                    gw.start(wait_ready=False)
                finally:
                    del os.environ['TINBAO_FAULT_STORE']
            # Let the fault land (the stream keeps writing) before the next
            # event, so that a kill does not end the round first.
            end = time.monotonic() + 2
            while time.monotonic() < end and gw.log().count('injected fault') == before:
                time.sleep(0.05)
            return
        if ev == 'sim-full':
            # The daemon is down while the SIM fills up; the network keeps
            # the rest queued until the gateway frees slots.
            with self.gw_lock:
                gw.kill()
                self.res.kills += 1
                k = 0
                while k < 60:
                    st = m.status()
                    sm = st['storage']['SM']
                    if sm['used'] >= sm['total']:
                        break
                    m.sms(STRANGERS[0], 'day SIM %d/%d %s' % (self.seed, self.res.faults * 100 + k,
                                                             FILLER))
                    self.extra.append(Item(-1, 'fill', STRANGERS[0], 'day SIM %d/%d %s' % (
                        self.seed, self.res.faults * 100 + k, FILLER), 'stranger'))
                    k += 1
                gw.start(wait_ready=False)
            return
        value = {'hang': 3, 'unplug': 2, 'garbage': 400, 'cms-error': 2, 'no-network': 3,
                 'reset': None}[ev]
        if ev == 'cms-error':
            m.fault(ev, value, 500)
        else:
            m.fault(ev, value)

    def settle(self, plan):
        gw, m = self.gw, self.m
        expected = len({it.key() for it in plan + self.extra})
        self.last_say = time.monotonic()

        def done():
            if not gw.running():
                gw.start(wait_ready=False)
                return False
            msgs = gw.q1('SELECT count(*) FROM messages')
            open_ = gw.q1('SELECT count(*) FROM messages WHERE handled_at IS NULL')
            pending = gw.q1("SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')")
            st = m.status()
            now = time.monotonic()
            if self.verbose and now - self.last_say > 5:
                self.last_say = now
                self.say('%.0fs: %d/%d stored, %d open, %d to send, network %d, parts %d, SIM %d'
                         % (now - self.t0, msgs, expected, open_, pending, st['network_queue'],
                            st['pending_parts'], st['storage']['SM']['used']))
            return (msgs >= expected and open_ == 0 and pending == 0 and st['network_queue'] == 0
                    and st['pending_parts'] == 0 and st['storage']['SM']['used'] == 0)
        try:
            gw.wait(done, 120 + self.n // 4, 'all %d messages stored, handled and answered' % expected)
        except AssertionError as e:
            self.problem(str(e).splitlines()[0])
        # Replies still travelling: wait until the network saw every sent row.
        end = time.monotonic() + 20
        while time.monotonic() < end:
            self.collect(m)
            n_db = gw.q1("SELECT count(*) FROM outbox WHERE state IN ('sent', 'delivered')")
            with self.lock:
                if len(self.sent) >= n_db:
                    break
            time.sleep(0.2)

    # -- the verdict -------------------------------------------------------
    def check(self, plan):
        gw, m, res = self.gw, self.m, self.res
        items = plan + self.extra
        want = collections.Counter(it.key() for it in items)
        res.messages = len(want)
        res.delivered = m.status()['counters']['delivered_msgs']
        rows = gw.q('SELECT id, sender, text, incomplete, handled_at FROM messages')
        got = collections.Counter((r[1], r[2]) for r in rows)
        lost = [k for k in want if k not in got]
        res.lost = len(lost)
        res.duplicated = sum(v - 1 for v in got.values() if v > 1)
        extra = [k for k in got if k not in want]
        if lost:
            self.problem('%d messages lost, e.g. %r' % (len(lost), lost[:3]))
        if res.duplicated:
            self.problem('%d messages stored twice, e.g. %r'
                         % (res.duplicated, [k for k, v in got.items() if v > 1][:3]))
        if extra:
            self.problem('%d messages stored that nobody sent, e.g. %r' % (len(extra), extra[:3]))
        inc = [r[2][:40] for r in rows if r[3]]
        if inc:
            self.problem('%d messages marked incomplete, e.g. %r' % (len(inc), inc[:3]))
        if any(r[4] is None for r in rows):
            self.problem('messages never handled')
        # Replies: one row per message that deserves one, none to robots.
        by_key = {(r[1], r[2]): r[0] for r in rows}
        per = collections.Counter(dict(gw.q("SELECT origin_msg_id, count(*) FROM outbox "
                                            "WHERE origin_msg_id > 0 AND slot = 'reply' "
                                            "GROUP BY origin_msg_id")))
        noreply = [it.key() for it in items if it.reply == 'one' and per.get(by_key.get(it.key())) != 1]
        if noreply:
            self.problem('%d messages without exactly one reply row, e.g. %r'
                         % (len(noreply), noreply[:3]))
        robots = [it.key() for it in items if it.reply == 'none' and per.get(by_key.get(it.key()))]
        if robots:
            self.problem('robots answered: %r' % robots[:3])
        strangers = collections.Counter(it.key_sender for it in items if it.reply == 'stranger')
        for who in strangers:
            n = gw.q1("SELECT count(*) FROM outbox WHERE recipient = ?", (who,))
            if n != 1:
                self.problem('stranger %s got %d answers, want 1' % (who, n))
        states = dict(gw.q('SELECT state, count(*) FROM outbox GROUP BY state'))
        if states.get('failed') or states.get('queued') or states.get('sending'):
            self.problem('outbox not drained: %r' % states)
        # The network saw each sent row; repeats only in the kill window.
        with self.lock:
            net = collections.Counter((s['to'], s['text']) for s in self.sent)
        db = collections.Counter(gw.q("SELECT recipient, text FROM outbox WHERE state IN ('sent', 'delivered')"))
        missing = [k for k, v in db.items() if net.get(k, 0) < v]
        if missing:
            self.problem('%d replies marked sent but never seen by the network, e.g. %r'
                         % (len(missing), missing[:2]))
        res.resent = sum(max(0, v - db.get(k, 0)) for k, v in net.items())
        if res.resent > res.kills:
            self.problem('%d replies sent again, more than one per kill (%d)' % (res.resent, res.kills))
        self.check_reports(items)
        self.check_changes(items)
        ic = gw.q1('PRAGMA integrity_check')
        if ic != 'ok':
            self.problem('integrity_check: %r' % ic)
        log = gw.log()
        for bad in ('AddressSanitizer', 'runtime error:', 'LeakSanitizer'):
            if bad in log:
                self.problem('sanitizer report in the daemon log (%s)' % bad)
        if self.scenario == 'disk':
            res.disk_hits = log.count('injected fault')
            res.kept_on_sim = log.count('stays on the SIM until it can be')
            self.say('disk faults hit %d writes, %d inbound kept on the SIM'
                     % (res.disk_hits, res.kept_on_sim))
            if res.faults and not res.disk_hits:
                self.problem('no injected store fault showed in the log')

    def check_reports(self, items):
        """Every valid BC/RS stored once as version 1 with its values."""
        out = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', self.gw.conf, 'reports',
                              '--all', '--json'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=60)
        if out.returncode != 0:
            self.problem('tinbao reports failed: %s' % out.stderr.decode()[-300:])
            return
        v1 = collections.Counter()
        for line in out.stdout.decode().splitlines():
            r = json.loads(line)
            if r['version'] == 1:
                vals = tuple(sorted((k, int(v)) for k, v in r['values'].items() if v))
                v1[(r['phone'], r['kind'], vals)] += 1
        want = collections.Counter()
        for it in items:
            if it.report:
                kind, vals = it.report
                want[(it.key_sender, kind, tuple(sorted((k, v) for k, v in vals.items() if v)))] += 1
        missing = [k for k in want if v1.get(k, 0) < want[k]]
        twice = [k for k in want if v1.get(k, 0) > want[k]]
        if missing:
            self.problem('%d valid reports not stored, e.g. %r' % (len(missing), missing[:3]))
        if twice:
            self.problem('%d reports stored twice, e.g. %r' % (len(twice), twice[:3]))
        stray = sum(v for k, v in v1.items() if k not in want)
        if stray:
            self.problem('%d reports stored from messages that were not valid reports, e.g. %r'
                         % (stray, [k for k in v1 if k not in want][:3]))


    def check_changes(self, items):
        """Every SUA/HUY the harness sent on a ref that exists has exactly its
        effect, once (docs/reports.md): SUA marks the current version
        `amended` and adds the next one (the typed value replacing the old;
        the same value again changes nothing), HUY marks the current version
        `cancelled`; a cancelled ref, someone else's ref or a made-up one
        changes nothing. The messages are replayed in the order the gateway
        dispatches them (message id) on a model of each ref's versions, and
        every ref's rows (version, status, values, source message) must be
        what the model says: a change lost or applied twice across the kills
        shows as a missing or an extra version, or the wrong status."""
        gw = self.gw
        reps = gw.q('SELECT id, ref, version, kind, status, source_msg_id FROM reports'
                    ' ORDER BY ref, version')
        vals = collections.defaultdict(dict)
        for rid, ind, v in gw.q('SELECT report_id, indicator, value FROM report_values'):
            vals[rid][ind] = v
        first = {r[5]: r for r in reps if r[2] == 1}
        by_key = {it.key(): it for it in items}
        model = {}	# ref -> author, kind, versions (values), sources, status
        applied = collections.Counter()
        for mid, sender, text in gw.q('SELECT id, sender, text FROM messages ORDER BY id'):
            it = by_key.get((sender, text))
            if it is None:
                continue
            if it.report:
                r = first.get(mid)
                if r is not None:	# a report not stored is check_reports' finding
                    model[r[1]] = {'phone': sender, 'kind': r[3], 'versions': [vals[r[0]]],
                                   'src': [mid], 'status': 'active'}
                continue
            if not it.ref_for:
                continue
            words = text.split()
            mm = model.get(words[1])
            if not mm or mm['phone'] != sender or mm['status'] != 'active':
                applied['refused'] += 1
                continue
            if it.ref_for == 'HUY':
                mm['status'] = 'cancelled'
                applied['HUY'] += 1
                continue
            cur, hv = mm['versions'][-1], int(words[3])
            if mm['kind'] != 'activity' or cur.get('HV') == hv:
                applied['unchanged'] += 1	# a review has no HV; the same value again
                continue
            mm['versions'].append(dict(cur, HV=hv))
            mm['src'].append(mid)
            applied['SUA'] += 1
        got = collections.defaultdict(list)
        for rid, ref, version, kind, status, src in reps:
            got[ref].append((version, status, vals[rid], src))
        wrong = []
        for ref, mm in sorted(model.items()):
            n = len(mm['versions'])
            want = [(k + 1, 'amended' if k < n - 1 else mm['status'], mm['versions'][k], mm['src'][k])
                    for k in range(n)]
            if got.get(ref) != want:
                wrong.append((ref, want, got.get(ref)))
        self.res.changes = applied
        self.say('changes: %d SUA and %d HUY applied, %d unchanged, %d refused'
                 % (applied['SUA'], applied['HUY'], applied['unchanged'], applied['refused']))
        if wrong:
            self.problem('%d refs whose versions are not what their SUA/HUY made, e.g. %r'
                         % (len(wrong), wrong[:2]))
        stray = [ref for ref in got if ref not in model]
        if stray:
            self.problem('%d refs from no report of the plan, e.g. %r' % (len(stray), stray[:3]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--messages', type=int, default=1000)
    ap.add_argument('--kills', type=int, default=12)
    ap.add_argument('--faults', type=int, default=14)
    ap.add_argument('--seed', type=int, default=int(os.environ.get('TINBAO_SEED') or 0) or None)
    ap.add_argument('--scenario', default='crash,modem,disk')
    ap.add_argument('--keep', action='store_true', help='keep the temp folders')
    ap.add_argument('-v', '--verbose', action='store_true')
    a = ap.parse_args(argv)
    seed = a.seed if a.seed is not None else int(time.time()) % 100000
    print('torture: seed %d (--seed %d replays this run), %d messages a scenario, build %s'
          % (seed, seed, a.messages, build_dir()), flush=True)
    results = []
    for sc in a.scenario.split(','):
        c = Campaign(seed=seed, messages=a.messages, kills=a.kills, faults=a.faults, scenario=sc,
                     keep=a.keep, verbose=a.verbose)
        results.append(c.run())
        r = results[-1]
        print('  %s: %d messages delivered by the network side, faults %s, %d store faults hit'
              ' (%d inbound commits refused, the message kept on the SIM and stored later);'
              ' %d SUA and %d HUY applied, %d unchanged, %d refused'
              % (sc, r.delivered, dict(r.fault_counts) or '-', r.disk_hits, r.kept_on_sim,
                 r.changes['SUA'], r.changes['HUY'], r.changes['unchanged'], r.changes['refused']),
              flush=True)
    print(HEADER)
    for r in results:
        print(r.row())
    passed = sum(1 for r in results if r.ok)
    print('%d passed, %d failed' % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
