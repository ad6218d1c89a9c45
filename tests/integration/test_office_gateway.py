#!/usr/bin/python3
"""test_office_gateway.py: the office's SMS commands end to end, through
tinbao-modem and tinbaod: collaborators of three communes report (with a
correction, a cancellation and a training report), then staff and a
collaborator query with TK and MAHO, and the answers carry the right totals
(computed here from what was sent) within two segments; a collaborator may
only query their own commune and their own village's households.

The weekly summary through the daemon needs core.c to call office_tick();
when the daemon has not run it (no 'epoch' row in office_runs), that part is
reported as SKIPPED with the reason and counted as neither pass nor fail.
"""
import os
import re
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


def office(c):
    with Modem() as m:
        gw = Gateway(m, users=USERS)
        reg = os.path.join(gw.dir, 'register.csv')
        with open(reg, 'w', encoding='utf-8') as f:
            f.write('ma_ho,chu_ho,xa,thon,tinh_trang,ngay\n'
                    'VT-0123,Nguyễn Văn An,Vô Tranh,Thôn 3,ngheo,2025-01-10\n'
                    'VT-0456,Trần Thị Bình,Vô Tranh,Thôn 1,can_ngheo,2025-01-10\n'
                    'LK-0001,Lê Văn Cường,Lệnh Khanh,Thôn 1,ngheo,2025-01-10\n')
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
        # Household reach recorded at the desk, seen by MAHO.
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
        # The weekly summary needs the daemon's timer (core.c -> office_tick).
        if gw.q1("SELECT count(*) FROM sqlite_master WHERE name = 'office_runs'") and \
                gw.q1("SELECT count(*) FROM office_runs WHERE slot = 'epoch'"):
            c.check(True, 'office_tick ran')
        else:
            print('SKIPPED: weekly summary through the daemon: tinbaod does not call office_tick() yet '
                  '(gateway/core.c); covered by tests/unit/test_schedule.c', flush=True)
        c.eq(gw.stop(), 0, 'tinbaod exit status')


def main():
    c = Checks()
    c.run(office)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
