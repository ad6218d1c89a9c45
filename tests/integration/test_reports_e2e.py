#!/usr/bin/python3
"""test_reports_e2e.py: issue 6 end to end, through tinbao-modem and tinbaod.

Registered collaborators report, correct and cancel (receipts read the report
back, with one reference); another collaborator may not touch the report;
a mistake gets a hint and stores nothing; a resend gets the same receipt; an
unknown number gets one polite reply, not two; alphanumeric senders and
short codes get none; a stranger registers and staff approve by SMS;
`tinbao reports --json` lists what was stored. Every reply fits one SMS.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, build_dir  # noqa: E402

CTV_A = '0912000001'	# Vô Tranh, Thôn 3
CTV_B = '0912000002'	# Vô Tranh, Thôn 1
STAFF = '0913000001'
STRANGER = '0987654321'
NEWCOMER = '0988000111'


def e164(national):
    return '+84' + national[1:]


USERS = [
    {'phone': CTV_A, 'name': 'Nguyen Van A', 'role': 'collaborator', 'commune': 'vo-tranh',
     'village': 'vo-tranh/thon-3'},
    {'phone': CTV_B, 'name': 'Tran Thi B', 'role': 'collaborator', 'commune': 'vo-tranh',
     'village': 'vo-tranh/thon-1'},
    {'phone': STAFF, 'name': 'Can bo LDTBXH', 'role': 'staff'},
]

GSM7 = set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ'
           'ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà')


def one_segment(text):
    if all(ch in GSM7 for ch in text):
        return len(text) <= 160
    return len(text.encode('utf-16-be')) // 2 <= 70


class Conversation:
    """Sends SMS through the virtual network and collects the replies."""

    def __init__(self, c, m, gw):
        self.c, self.m, self.gw = c, m, gw
        self.others = []

    def say(self, sender, text, expect_reply=True, **kw):
        """Sends text; returns the reply to sender (other messages sent
        meanwhile are kept in self.others)."""
        self.m.sms(sender, text, **kw)
        if not expect_reply:
            return None
        end = time.monotonic() + 20
        while time.monotonic() < end:
            got = self.m.sent(wait=max(0.1, end - time.monotonic()), count=1)
            for s in got:
                self.c.check(one_segment(s['text']), 'one segment: %r' % s['text'])
            mine = [s for s in got if s['to'] == e164(sender)]
            self.others += [s for s in got if s['to'] != e164(sender)]
            if mine:
                return mine[-1]['text']
        self.c.check(False, 'a reply to %r from %s' % (text, sender))
        return ''

    def settle(self, n):
        self.gw.wait(lambda: self.gw.q1('SELECT count(*) FROM messages WHERE handled_at IS NOT NULL') >= n
                     and self.gw.q1("SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')") == 0,
                     30, '%d messages handled' % n)


def report_correct_cancel(c):
    with Modem() as m:
        gw = Gateway(m, users=USERS)
        gw.start()
        t = Conversation(c, m, gw)
        r = t.say(CTV_A, 'BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30')
        mt = re.match(r'Da nhan ([A-Z0-9]{4}): DA4\.1 Thon 3 Vo Tranh \d+/\d+/\d{4}: LOP 1, HV 25, HN 10, '
                      r'CN 8, TN 7, PN 12, KP 30tr\. Sai\? SUA \1 LOP 1$', r)
        c.check(mt is not None, 'receipt reads the report back: %r' % r)
        ref = mt.group(1) if mt else 'XXXX'
        c.check(not re.search('[015SZ28BOIL]', ref), 'reference without look-alikes: %s' % ref)
        c.eq(gw.q("SELECT status, village, project FROM reports WHERE ref = ?", (ref,)),
             [('active', 'vo-tranh/thon-3', 'DA4.1')], 'stored once, active')
        c.eq(gw.q1("SELECT count(*) FROM report_values v JOIN reports r ON r.id = v.report_id "
                   "WHERE r.ref = ?", (ref,)), 7, 'one row per value')
        # The same text again (case and spacing aside): the same receipt.
        r2 = t.say(CTV_A, 'bc  da4.1 lop 1 hv 25, hn 10, cn 8, tn 7, pn 12, kp 30')
        c.eq(r2, r, 'a resend gets the same receipt')
        c.eq(gw.q1('SELECT count(*) FROM reports'), 1, 'a resend stores nothing new')
        # Correct it; another collaborator may not.
        r = t.say(CTV_A, 'SUA %s HV 26' % ref)
        c.check(r.startswith('Da sua %s: DA4.1 Thon 3 Vo Tranh' % ref) and 'HV 26' in r, 'correction: %r' % r)
        c.eq(gw.q("SELECT version, status FROM reports WHERE ref = ? ORDER BY version", (ref,)),
             [(1, 'amended'), (2, 'active')], 'versions after SUA')
        r = t.say(CTV_B, 'SUA %s HV 30' % ref)
        c.check('Chi nguoi gui hoac can bo' in r, 'someone else may not correct: %r' % r)
        r = t.say(CTV_A, 'HUY %s' % ref)
        c.check(r.startswith('Da huy bao cao %s (DA4.1 Thon 3 Vo Tranh ' % ref), 'cancel: %r' % r)
        c.eq(gw.q1("SELECT status FROM reports WHERE ref = ? ORDER BY version DESC LIMIT 1", (ref,)),
             'cancelled', 'status after HUY')
        # A mistake: every problem named, nothing stored.
        r = t.say(CTV_A, 'BC DA4.1 HV 25 HN 20 CN 10 HX 3')
        c.check(r.startswith('Chua luu: ') and "'hx' khong ro" in r and 'HN+CN=30 lon hon HV=25' in r,
                'problem reply: %r' % r)
        c.eq(gw.q1('SELECT count(*) FROM reports'), 2, 'nothing stored for a mistake')
        # Training prefix: stored, not counted.
        r = t.say(CTV_B, 'TEST RS HN+2 CN-1')
        c.check(r.startswith('TEST (khong tinh) Da nhan ') and 'RS Thon 1 Vo Tranh' in r, 'training: %r' % r)
        c.eq(gw.q1("SELECT count(*) FROM reports WHERE status = 'training'"), 1, 'training stored apart')
        t.settle(7)
        # The admin command lists them.
        out = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'reports', '--json', '--all'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        c.eq(out.returncode, 0, 'tinbao reports exit status (%s)' % out.stderr.decode()[-300:])
        rows = [json.loads(l) for l in out.stdout.decode().splitlines() if l.strip()]
        c.eq(sorted((x['ref'] == ref, x['version'], x['status']) for x in rows),
             [(False, 1, 'training'), (True, 1, 'amended'), (True, 2, 'cancelled')], 'tinbao reports rows')
        first = [x for x in rows if x['ref'] == ref and x['version'] == 2]
        if first:
            x = first[0]
            c.eq((x['phone'], x['commune'], x['village'], x['project'], x['values'].get('HV'),
                  x['values'].get('KP')), (e164(CTV_A), 'vo-tranh', 'vo-tranh/thon-3', 'DA4.1', 26, 30),
                 'JSON fields')
            c.check(re.match(r'\d{4}-\d\d-\d\d$', x['date']) is not None and x['received_at'], 'dates in JSON')
        # Filters: a commune by name, a project by any spelling; text output.
        out = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'reports', '--commune',
                              'Vo Tranh', '--project', 'da 4,1', '--since', '2020-01-01'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        text = out.stdout.decode()
        c.check(out.returncode == 0 and ref in text and 'v2 cancelled' in text and 'HV=26' in text,
                'tinbao reports text with filters: %r %r' % (text, out.stderr.decode()[-200:]))
        out = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'reports', '--project',
                              'DA2', '--json'], stdout=subprocess.PIPE, timeout=30)
        c.eq(out.stdout.decode().strip(), '', 'no DA2 reports')
        c.eq(gw.stop(), 0, 'tinbaod exit status')


def strangers_and_robots(c):
    with Modem() as m:
        gw = Gateway(m, users=USERS)
        gw.start()
        t = Conversation(c, m, gw)
        m.sms('VIETTEL', 'Quy khach duoc tang 10000d', alnum=True)
        m.sms('1414', 'TKC 12500d')
        r = t.say(STRANGER, 'BC DA4.1 HV 25')
        c.check(r.startswith('So nay chua dang ky'), 'one polite reply to a stranger: %r' % r)
        m.sms(STRANGER, 'alo alo')
        t.settle(4)
        time.sleep(1.0)
        later = m.sent(wait=0)
        c.eq([s['to'] for s in later], [], 'no second reply, none to robots')
        c.eq(gw.q1("SELECT count(*) FROM outbox WHERE recipient IN ('VIETTEL', '1414')"), 0,
             'nothing queued for robots')
        # Registration and approval by SMS.
        r = t.say(NEWCOMER, 'DK Vo Tranh Thon 2 Le Thi Hoa')
        c.check(r.startswith('Da nhan dang ky: Le Thi Hoa, Thon 2 Vo Tranh'), 'DK: %r' % r)
        notice = t.others + m.sent(wait=5, count=1)
        t.others = []
        c.check(any(s['to'] == e164(STAFF) and 'DUYET %s' % NEWCOMER in s['text'] for s in notice),
                'staff told about the registration: %r' % notice)
        r = t.say(NEWCOMER, 'BC DA4.1 HV 3')
        c.check('cho can bo duyet' in r, 'pending user: %r' % r)
        m.sms(STAFF, 'DUYET %s' % NEWCOMER)
        got = m.sent(wait=20, count=2)
        texts = {s['to']: s['text'] for s in got}
        c.check(texts.get(e164(STAFF), '').startswith('Da duyet %s Le Thi Hoa' % NEWCOMER), 'approval: %r' % got)
        c.check(texts.get(e164(NEWCOMER), '').startswith('Ban da duoc duyet'), 'welcome: %r' % got)
        # (A different text: the same one again would be a network duplicate.)
        r = t.say(NEWCOMER, 'BC DA4.1 LOP 1 HV 4')
        c.check(r.startswith('Da nhan ') and 'Thon 2 Vo Tranh' in r, 'approved user reports: %r' % r)
        c.eq(gw.stop(), 0, 'tinbaod exit status')


def main():
    c = Checks()
    c.run(report_correct_cancel)
    c.run(strangers_and_robots)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
