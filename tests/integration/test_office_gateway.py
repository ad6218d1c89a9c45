#!/usr/bin/python3
"""test_office_gateway.py: the office's SMS commands end to end, through
tinbao-modem and tinbaod: collaborators of three communes report (with a
correction, a cancellation and a training report), then staff and a
collaborator query with TK and MAHO, and the answers carry the right totals
(computed here from what was sent) within two segments; a collaborator may
only query their own commune and their own village's households. A
collaborator's report naming two households of the imported register
(`BC DA3.1 BO 2 MAHO ...`) reaches them: `tinbao households list --json`
shows `reached`, `households coverage --json` counts change (and `projects`,
`never_reached`), staff `MAHO` shows the support, `TK TIEP CAN` answers the
same counts by SMS, a code of another village is refused for the
collaborator with nothing stored, and no head's name is ever in the daemon's
log (at debug level).

A second scenario replays a month on the daemon's test clock
(TINBAO_NOW_OFFSET, docs/daemon.md): the first start on Sunday 1/11/2026
(the office schedule's epoch); then, in the quiet hours of Monday 30/11, a
month of reports from three communes dated back with `ngay D/M` and queries
answered with the totals computed here (the missed week-47 summary goes
out at that start, late); then a restart at 09:00, after the 07:30
summary time: the week-48 summary goes out once, marked late, with the
week's figures, and the collaborators of silent villages (one that stopped
reporting, one that never did) are reminded, the others not, and the
district staff is told; a last restart sends nothing more.

A third scenario leaves tinbaod running over the scheduled time: started
20 s before Monday 07:30 on the test clock, it sends the week-48 summary at
07:30 on its own timer, once to each recipient (an official and a number),
not marked late, and a SIGHUP's tick sends nothing more.
"""
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, build_dir  # noqa: E402

ROOT = os.environ.get('TINBAO_ROOT', os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VT3 = '0912100001'	# Vô Tranh, Thôn 3
LK1 = '0912100002'	# Lệnh Khanh, Thôn 1
YK2 = '0912100003'	# Yên Kỳ, Khu 2
STAFF = '0913100001'

USERS = [
    {'phone': VT3, 'name': 'CTV Vo Tranh', 'role': 'collaborator', 'commune': 'vo-tranh', 'village': 'vo-tranh/thon-3'},
    {'phone': LK1, 'name': 'CTV Lenh Khanh', 'role': 'collaborator', 'commune': 'lenh-khanh', 'village': 'lenh-khanh/thon-1'},
    {'phone': YK2, 'name': 'CTV Yen Ky', 'role': 'collaborator', 'commune': 'yen-ky', 'village': 'yen-ky/khu-2'},
    {'phone': STAFF, 'name': 'Can bo', 'role': 'staff'},
]

GSM7 = set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ'
           'ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà')


def e164(n):
    return '+84' + n[1:]


def say(c, m, sender, text):
    m.sms(sender, text)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        got = m.sent(wait=max(0.1, end - time.monotonic()), count=1)
        mine = [s for s in got if s['to'] == e164(sender)]
        if mine:
            t = mine[-1]['text']
            c.check(all(ch in GSM7 for ch in t) and len(t) <= 306, 'GSM 7-bit, two segments: %r' % t)
            return t
    c.check(False, 'a reply to %r from %s' % (text, sender))
    return ''


NAMES = ['Nguyễn Văn An', 'Nguyen Van An', 'Trần Thị Bình', 'Tran Thi Binh', 'Lê Văn Cường', 'Le Van Cuong',
         'Phạm Thị Dung', 'Pham Thi Dung']


def cli(gw, *args):
    p = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')


def households_reached(c, gw):
    rc, out, err = cli(gw, 'households', 'list', '--json')
    c.eq(rc, 0, 'households list (%s)' % err[-200:])
    return {r['code']: r['reached'] for r in (json.loads(l) for l in out.splitlines())}


def coverage(c, gw, *args):
    rc, out, err = cli(gw, 'households', 'coverage', '--json', *args)
    c.eq(rc, 0, 'households coverage (%s)' % err[-200:])
    return json.loads(out) if rc == 0 else {}


def reach(c, m, gw):
    """A collaborator's report naming households of the register, end to end."""
    c.eq(households_reached(c, gw), {'VT-0123': [], 'VT-0456': [], 'VT-0789': [], 'LK-0001': []},
         'nobody reached before')
    before = coverage(c, gw)
    c.eq({k: before.get(k) for k in ('poor', 'poor_reached', 'near_poor', 'near_poor_reached', 'never_reached',
                                     'projects')},
         {'poor': 2, 'poor_reached': 0, 'near_poor': 2, 'near_poor_reached': 0, 'never_reached': 4, 'projects': {}},
         'coverage before')
    r = say(c, m, VT3, 'BC DA3.1 BO 2 MAHO VT-0123 vt-0789')
    c.check(r.startswith('Da nhan '), 'report naming households: %r' % r)
    ref = r[8:12]
    c.eq(gw.q("SELECT household, report_ref, project FROM household_support ORDER BY household"),
         [('VT-0123', ref, 'DA3.1'), ('VT-0789', ref, 'DA3.1')], 'reach rows of %s' % ref)
    c.eq(households_reached(c, gw), {'VT-0123': ['DA3.1'], 'VT-0456': [], 'VT-0789': ['DA3.1'], 'LK-0001': []},
         'households list --json shows reached')
    after = coverage(c, gw)
    c.eq({k: after.get(k) for k in ('poor', 'poor_reached', 'near_poor', 'near_poor_reached', 'never_reached',
                                    'projects')},
         {'poor': 2, 'poor_reached': 1, 'near_poor': 2, 'near_poor_reached': 1, 'never_reached': 2,
          'projects': {'DA3.1': 2}}, 'coverage after')
    vt = coverage(c, gw, '--commune', 'vo-tranh')
    c.eq((vt.get('poor'), vt.get('poor_reached'), vt.get('never_reached')), (1, 1, 1), 'coverage of Vo Tranh')
    today = datetime.datetime.now(VN)	# the daemon's day (its configured time zone)
    r = say(c, m, STAFF, 'ma ho vt-0123')	# not the later 'MAHO VT-0123': the same text twice is a resend
    c.check(('Ho tro: DA3.1 %d/%d/%02d. Chu ho: Nguyen Van An.' % (today.day, today.month, today.year % 100)) in r,
            'staff MAHO shows the support: %r' % r)
    r = say(c, m, STAFF, 'TK TIEP CAN')
    c.eq(r, 'TK TIEP CAN %d toan huyen: ho ngheo tiep can 1/2, can ngheo 1/2; DA3.1 2; chua tiep can 2: '
            'LK-0001, VT-0456' % today.year, 'TK TIEP CAN by SMS')
    r = say(c, m, VT3, 'TK TIEP CAN Vo Tranh Thon 3')
    c.eq(r, 'TK TIEP CAN %d Thon 3 Vo Tranh: ho ngheo tiep can 1/1, can ngheo 1/1; DA3.1 2; chua tiep can 0'
         % today.year, 'TK TIEP CAN, a collaborator\'s own village')
    # Another village's household: refused for a collaborator, nothing stored.
    n = gw.q1("SELECT count(*) FROM reports")
    r = say(c, m, VT3, 'BC DA3.1 BO 1 MAHO VT-0456')
    c.eq(r, 'Chua luu: MAHO VT-0456 thuoc Thon 1 Vo Tranh: can bo huyen moi ghi duoc.', 'another village refused')
    c.eq(gw.q1("SELECT count(*) FROM reports"), n, 'nothing stored')
    c.eq(gw.q1("SELECT count(*) FROM household_support WHERE household = 'VT-0456'"), 0, 'no reach recorded')
    # Names never in the daemon's log, even at debug level, after replies to
    # staff that carry them.
    r = say(c, m, STAFF, 'TK TIEP CAN Vo Tranh Thon 1')
    c.check(r.endswith('chua tiep can 1: VT-0456 Tran Thi Binh'), 'staff see the name for one village: %r' % r)
    log = gw.log()
    c.eq([n for n in NAMES if n in log], [], 'no household name in the daemon log')
    c.check(('sent outbox' in log and e164(STAFF) in log), 'the log read is the daemon\'s, with its messages')
    return ref


def office(c):
    with Modem() as m:
        gw = Gateway(m, users=USERS)
        reg = os.path.join(gw.dir, 'register.csv')
        with open(reg, 'w', encoding='utf-8') as f:
            f.write('ma_ho,chu_ho,xa,thon,tinh_trang,ngay\n'
                    'VT-0123,Nguyễn Văn An,Vô Tranh,Thôn 3,ngheo,2025-01-10\n'
                    'VT-0456,Trần Thị Bình,Vô Tranh,Thôn 1,can_ngheo,2025-01-10\n'
                    'LK-0001,Lê Văn Cường,Lệnh Khanh,Thôn 1,ngheo,2025-01-10\n'
                    'VT-0789,Phạm Thị Dung,Vô Tranh,Thôn 3,can_ngheo,2025-01-10\n')
        p = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'households', 'import', reg],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        c.eq(p.returncode, 0, 'register imported (%s)' % p.stderr.decode()[-300:])
        gw.start()
        sent = {'VT': 0, 'LK': 0, 'YK': 0}
        hv = 0
        for i, (who, key) in enumerate([(VT3, 'VT'), (LK1, 'LK'), (YK2, 'YK')] * 3):
            n = 10 + i
            r = say(c, m, who, 'BC DA4.1 LOP 1 HV %d' % n)
            c.check(r.startswith('Da nhan '), 'receipt: %r' % r)
            sent[key] += n
            hv += n
            if i == 0:
                ref = re.match(r'Da nhan ([A-Z0-9]{4})', r).group(1)
        # A correction and a cancellation change the totals; training does not count.
        r = say(c, m, VT3, 'SUA %s HV 20' % ref)
        c.check(r.startswith('Da sua'), 'correction: %r' % r)
        hv += 20 - 10
        sent['VT'] += 20 - 10
        r = say(c, m, YK2, 'BC DA4.1 LOP 1 HV 99')
        ref2 = re.match(r'Da nhan ([A-Z0-9]{4})', r).group(1) if r.startswith('Da nhan') else 'XXXX'
        r = say(c, m, YK2, 'HUY %s' % ref2)
        c.check(r.startswith('Da huy'), 'cancel: %r' % r)
        r = say(c, m, LK1, 'TEST BC DA4.1 LOP 1 HV 500')
        # Household reach from a report naming households, seen by the CLI, MAHO and TK TIEP CAN.
        reach(c, m, gw)
        # Queries.
        r = say(c, m, STAFF, 'TK DA4.1')
        c.check(re.search(r': 9 bao cao, 3/\d+ xa bao cao\.', r) is not None, 'TK counts reports and communes: %r' % r)
        c.check(('HV %d' % hv) in r and 'LOP 9' in r, 'TK sums HV %d: %r' % (hv, r))
        c.check('KH nam 370' in r, 'TK shows the yearly target: %r' % r)
        r = say(c, m, STAFF, 'TK Vo Tranh DA4.1')
        c.check(('HV %d' % sent['VT']) in r and 'Vo Tranh: 3 bao cao' in r, 'TK by commune: %r' % r)
        r = say(c, m, VT3, 'TK DA4.1')
        c.check('Vo Tranh' in r and ('HV %d' % sent['VT']) in r, 'a collaborator gets their commune: %r' % r)
        r = say(c, m, VT3, 'TK Lenh Khanh')
        c.check('Chi tra cuu duoc xa Vo Tranh' in r, 'another commune refused: %r' % r)
        r = say(c, m, STAFF, 'TK DA9 T11')
        c.check(r.startswith('Khong hieu'), 'unknown word gets a hint: %r' % r)
        r = say(c, m, STAFF, 'MAHO VT-0123')
        c.check('Thon 3 Vo Tranh: ngheo tu 10/1/2025' in r and 'Chu ho: Nguyen Van An' in r, 'MAHO staff: %r' % r)
        r = say(c, m, VT3, 'MAHO VT-0123')
        c.check('ngheo tu' in r and 'Nguyen' not in r, 'MAHO collaborator, own village, no name: %r' % r)
        r = say(c, m, VT3, 'MAHO LK-0001')
        c.check('khong thuoc thon cua ban' in r, 'MAHO other village refused: %r' % r)
        # The daemon runs the office schedule (core.c -> office_tick).
        c.eq(gw.q1("SELECT count(*) FROM office_runs WHERE slot = 'epoch'"), 1, 'office_tick ran at start')
        c.eq(gw.stop(), 0, 'tinbaod exit status')


VN = datetime.timezone(datetime.timedelta(hours=7))
SILENT = '0912100004'	# Vô Tranh, Thôn 1: never reports
OFFICIAL = '0914100001'
MONTH_USERS = USERS + [
    {'phone': SILENT, 'name': 'CTV Vo Tranh 1', 'role': 'collaborator', 'commune': 'vo-tranh',
     'village': 'vo-tranh/thon-1'},
    {'phone': OFFICIAL, 'name': 'Lanh dao', 'role': 'official'},
]
# (who, day of November 2026, HV): Yên Kỳ stops after the 12th.
MONTH = [(VT3, 3, 10), (YK2, 5, 30), (LK1, 9, 20), (YK2, 12, 31), (VT3, 18, 11), (LK1, 20, 21),
         (VT3, 24, 12), (LK1, 27, 22), (VT3, 28, 13)]


def at(day, hh, mm=0):
    return int(datetime.datetime(2026, 11, day, hh, mm, tzinfo=VN).timestamp())


class Outbound:
    """Everything the gateway sent through the modem, kept for the counts."""

    def __init__(self, m):
        self.m = m
        self.all = []

    def pull(self, wait=0.0, count=1):
        got = self.m.sent(wait=wait, count=count) if wait else self.m.sent()
        self.all.extend(got)
        return got

    def wait_for(self, c, pred, what, timeout=20):
        end = time.monotonic() + timeout
        found = []
        while time.monotonic() < end:
            found = [s for s in self.all if pred(s)]
            if found:
                return found
            self.pull(wait=min(1.0, max(0.1, end - time.monotonic())))
        c.check(False, 'waiting for %s' % what)
        return found

    def to(self, number, prefix=''):
        return [s['text'] for s in self.all if s['to'] == e164(number) and s['text'].startswith(prefix)]


def start_at(gw, when):
    """Starts tinbaod with its clock at `when` (unix seconds) and waits for
    its first office tick."""
    os.environ['TINBAO_NOW_OFFSET'] = str(when - int(time.time()))
    try:
        ticks = gw.log().count('office: tick:')
        gw.start()
        gw.wait(lambda: gw.log().count('office: tick:') > ticks, 20, 'the office tick at start')
    finally:
        del os.environ['TINBAO_NOW_OFFSET']


def month(c):
    with Modem() as m:
        gw = Gateway(m, users=MONTH_USERS, tag='month')
        with open(gw.conf, 'a') as f:
            f.write('timezone = "Asia/Ho_Chi_Minh";\n'
                    'summary = { enabled = true; day = "mon"; time = "07:30"; recipients = [ "role:official" ]; };\n'
                    'reminders = { enabled = true; after_days = 7; staff_after_days = 14; quiet = "21:00-07:00"; };\n')
        out = Outbound(m)
        # Sunday 1/11 10:00: the schedule's first tick; nothing is owed yet.
        start_at(gw, at(1, 10))
        c.check('test clock: TINBAO_NOW_OFFSET' in gw.log(), 'tinbaod says its clock is shifted')
        c.eq(gw.q1("SELECT queued_at FROM office_runs WHERE slot = 'epoch'") // 60, at(1, 10) // 60,
             'epoch on the test clock')
        time.sleep(0.5)
        c.eq(out.pull(), [], 'nothing sent on the first day')
        c.eq(gw.stop(), 0, 'tinbaod exit status (1/11)')

        # Monday 30/11 06:00, quiet hours: the missed week-47 summary (due
        # 23/11 07:30) goes out late, once; no reminder at night.
        start_at(gw, at(30, 6))
        w47 = out.wait_for(c, lambda s: s['to'] == e164(OFFICIAL), 'the week-47 summary')
        c.check(w47 and w47[0]['text'].startswith('TINBAO TUAN 47/2026 (16/11-22/11) toan huyen (GUI TRE, hen 07:30 23/11)'),
                'week 47, late: %r' % (w47[0]['text'] if w47 else ''))
        # A month of reports, dated back.
        for who, day, hv in MONTH:
            r = say(c, m, who, 'BC DA4.1 LOP 1 HV %d ngay %d/11' % (hv, day))
            c.check(r.startswith('Da nhan '), 'receipt for %d/11: %r' % (day, r))
        r = say(c, m, LK1, 'TEST BC DA4.1 LOP 1 HV 500 ngay 25/11')
        hv = sum(h for _, _, h in MONTH)
        r = say(c, m, STAFF, 'TK DA4.1 T11')
        c.check(re.search(r'T11/2026 toan huyen: 9 bao cao, 3/\d+ xa bao cao\.', r) is not None,
                'TK T11 counts 9 reports, 3 communes: %r' % r)
        c.check(('HV %d' % hv) in r and 'LOP 9' in r, 'TK T11 sums HV %d: %r' % (hv, r))
        r = say(c, m, STAFF, 'TK TUAN 48')
        c.check(': 3 bao cao, 2/' in r and 'HV 47' in r, 'TK TUAN 48: %r' % r)
        r = say(c, m, STAFF, 'TK Yen Ky T11')
        c.check('Yen Ky: 2 bao cao' in r and 'HV 61' in r, 'TK Yen Ky T11: %r' % r)
        out.pull(wait=0.5)
        c.eq([t for t in out.all if t['text'].startswith('TINBAO:')], [], 'no reminder in the quiet hours')
        c.eq(gw.stop(), 0, 'tinbaod exit status (30/11 06:00)')

        # 09:00, after the 07:30 summary time: once, late, saying so.
        start_at(gw, at(30, 9))
        w48 = out.wait_for(c, lambda s: s['to'] == e164(OFFICIAL) and 'TUAN 48/' in s['text'],
                           'the week-48 summary')
        t = w48[0]['text'] if w48 else ''
        c.check(t.startswith('TINBAO TUAN 48/2026 (23/11-29/11) toan huyen (GUI TRE, hen 07:30 30/11): '
                             '3 bao cao (tuan truoc 2), 2/'), 'week 48 late with its figures: %r' % t)
        c.check('HV 47(+15)' in t, 'week 48 HV against week 47: %r' % t)
        c.check('Yen Ky' in t, 'Yen Ky named among the communes that did not report: %r' % t)
        out.wait_for(c, lambda s: s['to'] == e164(SILENT), 'the reminder to the silent village')
        out.wait_for(c, lambda s: s['to'] == e164(YK2) and s['text'].startswith('TINBAO:'),
                     'the reminder to Yen Ky')
        out.wait_for(c, lambda s: s['to'] == e164(STAFF) and s['text'].startswith('TINBAO: thon chua'),
                     'the staff alert')
        out.pull(wait=1.0)
        c.eq(gw.stop(), 0, 'tinbaod exit status (30/11 09:00)')

        # Restarted again: nothing more.
        start_at(gw, at(30, 9, 20))
        time.sleep(1.5)
        more = out.pull()
        c.eq(more, [], 'nothing more after another restart')
        c.eq(gw.stop(), 0, 'tinbaod exit status (30/11 09:20)')

        summaries = out.to(OFFICIAL, 'TINBAO TUAN')
        c.eq(len(summaries), 2, 'the official got weeks 47 and 48, once each: %r' % summaries)
        c.eq(len(out.to(SILENT)), 1, 'one reminder to the village that never reported')
        c.check('Thon 1 Vo Tranh chua co bao cao 29 ngay' in ''.join(out.to(SILENT)),
                'silent since the first tick: %r' % out.to(SILENT))
        c.eq(len(out.to(YK2, 'TINBAO:')), 1, 'one reminder to Yen Ky')
        c.check('Khu 2 Yen Ky chua co bao cao 18 ngay' in ''.join(out.to(YK2, 'TINBAO:')),
                'Yen Ky silent since 12/11: %r' % out.to(YK2, 'TINBAO:'))
        c.eq(out.to(VT3, 'TINBAO:') + out.to(LK1, 'TINBAO:'), [], 'no reminder to villages that reported')
        c.eq(len(out.to(STAFF, 'TINBAO: thon chua')), 1, 'one staff alert')
        c.eq(gw.q1("SELECT count(*) FROM office_runs WHERE slot LIKE 'silent:yen-ky/khu-2:%'"), 1,
             'Yen Ky listed for the staff')
        c.eq(gw.q1("SELECT count(*) FROM office_runs WHERE slot LIKE 'silent:vo-tranh/thon-3:%' "
                   "OR slot LIKE 'silent:lenh-khanh/thon-1:%'"), 0, 'reporting villages not listed')
        c.eq(gw.q1("SELECT count(*) FROM office_runs WHERE kind = 'summary' AND late = 1"), 2,
             'both summaries recorded late')


ONTIME_PHONE = '0914100009'	# a recipient by number, not a user


def on_time(c):
    """tinbaod running over Monday 07:30: the summary goes out at 07:30 on
    the daemon's own timer, without a restart, once to each recipient, not
    marked late; a SIGHUP (another tick) sends nothing more."""
    with Modem() as m:
        gw = Gateway(m, users=MONTH_USERS, tag='ontime')
        with open(gw.conf, 'a') as f:
            f.write('timezone = "Asia/Ho_Chi_Minh";\n'
                    'summary = { enabled = true; day = "mon"; time = "07:30"; '
                    'recipients = [ "role:official", "%s" ]; };\n' % ONTIME_PHONE)
        out = Outbound(m)
        due = at(30, 7, 30)
        # 20 s before: room for a slow start (valgrind) before the due time.
        start_at(gw, due - 20)
        first = re.search(r'office: tick: (\d+) message\(s\) queued; next look in (\d+) s', gw.log())
        c.check(first is not None and first.group(1) == '0' and 0 < int(first.group(2)) <= 20,
                'the tick at start queues nothing and looks again at 07:30: %r'
                % (first.group(0) if first else gw.log()[-1500:]))
        c.eq(gw.q1("SELECT count(*) FROM outbox WHERE slot LIKE 'summary:%'"), 0, 'nothing queued before 07:30')
        recipients = (e164(OFFICIAL), e164(ONTIME_PHONE))
        out.wait_for(c, lambda s: s['to'] == recipients[0] and 'TUAN 48/' in s['text'],
                     'the summary at 07:30', timeout=60)
        out.wait_for(c, lambda s: s['to'] == recipients[1] and 'TUAN 48/' in s['text'],
                     'the summary to the number', timeout=20)
        # Another tick (SIGHUP makes the daemon look again): nothing more.
        ticks = gw.log().count('office: tick:')
        gw.signal(signal.SIGHUP)
        gw.wait(lambda: gw.log().count('office: tick:') > ticks, 20, 'the tick after SIGHUP')
        out.pull(wait=2.0)
        for r in recipients:
            got = [s['text'] for s in out.all if s['to'] == r]
            c.eq(len(got), 1, 'one summary to %s: %r' % (r, got))
            t = got[0] if got else ''
            c.check(t.startswith('TINBAO TUAN 48/2026 (23/11-29/11) toan huyen: 0 bao cao'),
                    'week 48, on time: %r' % t)
            c.check('GUI TRE' not in t, 'not marked late: %r' % t)
        c.eq(len(out.all), 2, 'nothing else sent: %r' % out.all)
        rows = gw.q("SELECT due_at, queued_at, late FROM office_runs WHERE kind = 'summary'")
        c.eq(len(rows), 2, 'two summary runs recorded')
        c.check(all(d == due and due <= q < due + 30 and late == 0 for d, q, late in rows),
                'queued at 07:30 (due %d), not late: %r' % (due, rows))
        c.eq(gw.stop(), 0, 'tinbaod exit status (on time)')


def main():
    c = Checks()
    c.run(office)
    c.run(month)
    c.run(on_time)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
