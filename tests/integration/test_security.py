#!/usr/bin/python3
"""test_security.py: hostile and unauthorised use of the gateway, end to end
(tinbaod against tinbao-modem, as a phone would do it).

- Roles for every command: a collaborator cannot query another commune,
  approve a user, amend or cancel someone else's report, run USSD or top up
  (no AT+CUSD ever reaches the modem); an official cannot file reports; a
  registered-but-unapproved number cannot report; strangers get one polite
  answer. Positive controls (staff may) keep each refusal honest.
- Reply loops: an auto-responder that answers every SMS is cut off by the
  per-number hourly cap; a stranger's auto-responder gets one answer.
- Hostile text (SQL, format strings, control characters, an overlong
  multipart message, emoji) is stored byte for byte, answered harmlessly and
  breaks nothing (tables intact, `tinbao inbox --json` round-trips it).
- The SIM PIN never appears in the log (debug level), the database, or
  `tinbaod -t`; the database and its WAL/SHM files are created 0600 and a
  wider one is tightened; the installed config example has no world access.
"""
import json
import os
import re
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, ROOT, build_dir, phone  # noqa: E402

CTV_A = phone(0)		# collaborator, Am Ha
CTV_B = phone(1)		# collaborator, Am Ha too (another author)
CTV_C = phone(2)		# collaborator, Dai Pham
STAFF = '0913000001'
OFFICIAL = '0914000001'
ROBOT_CTV = phone(3)		# a collaborator's phone with an auto-reply switched on
PIN = '93718264'


def users():
    return [
        {'phone': CTV_A, 'name': 'CTV A', 'role': 'collaborator', 'commune': 'am-ha',
         'village': 'am-ha/thon-1'},
        {'phone': CTV_B, 'name': 'CTV B', 'role': 'collaborator', 'commune': 'am-ha',
         'village': 'am-ha/thon-1'},
        {'phone': CTV_C, 'name': 'CTV C', 'role': 'collaborator', 'commune': 'dai-pham'},
        {'phone': ROBOT_CTV, 'name': 'CTV D', 'role': 'collaborator', 'commune': 'am-ha',
         'village': 'am-ha/thon-1'},
        {'phone': STAFF, 'name': 'Can bo', 'role': 'staff'},
        {'phone': OFFICIAL, 'name': 'Chu tich', 'role': 'official'},
    ]


def to_e164(p):
    return '+84' + p[1:] if p.startswith('0') else p


class Phone:
    """Sends as a phone and reads what the gateway answered it."""

    def __init__(self, m, gw):
        self.m, self.gw = m, gw
        self.inbox = []			# everything the network saw, in order

    def ask(self, sender, text, want_reply=True, timeout=15):
        n0 = self.gw.q1('SELECT count(*) FROM messages') or 0
        self.m.sms(sender, text)
        self.gw.wait(lambda: (self.gw.q1('SELECT count(*) FROM messages '
                                         'WHERE handled_at IS NOT NULL') or 0) > n0,
                     timeout, 'the gateway to handle %r' % text[:40])
        if not want_reply:
            time.sleep(0.5)
            got = self.m.sent(wait=0)
            self.inbox += got
            return [s for s in got if s['to'] == to_e164(sender)]
        # Other numbers may be told first (a staff notice): wait for ours.
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.m.sent(wait=max(0.1, end - time.monotonic()), count=1)
            self.inbox += got
            mine = [s['text'] for s in got if s['to'] == to_e164(sender)]
            if mine:
                return mine[-1]
        return None


def gateway(m, **kw):
    gw = Gateway(m, users=users(), **kw)
    gw.start()
    return gw


def report_ref(text):
    mm = re.match(r'Da nhan ([0-9A-Z]{4}):', text or '')
    return mm.group(1) if mm else None


def roles(c):
    with Modem() as m:
        gw = gateway(m)
        ph = Phone(m, gw)
        ussd0 = m.status()['counters']['ussd']
        # A report by A, then B tries to change and cancel it.
        r = ph.ask(CTV_A, 'BC DA4.1 HV 25 HN 10')
        ref = report_ref(r)
        c.check(ref is not None, 'collaborator A files a report: %r' % r)
        r = ph.ask(CTV_B, 'SUA %s HV 99' % ref)
        c.check(r and not r.startswith('Da nhan'), 'B cannot amend A\'s report: %r' % r)
        r = ph.ask(CTV_B, 'HUY %s' % ref)
        c.check(r and not r.startswith('Da huy') and 'huy' not in r.lower()[:8],
                'B cannot cancel A\'s report: %r' % r)
        c.eq(gw.q('SELECT version, status FROM reports WHERE ref = ? ORDER BY version', (ref,)),
             [(1, 'active')], 'A\'s report untouched by B')
        # Staff may amend it (positive control).
        r = ph.ask(STAFF, 'SUA %s HV 30' % ref)
        c.check(r and r.startswith('Da sua %s' % ref), 'staff may amend any report: %r' % r)
        # Queries: own commune yes, another no; staff anywhere.
        own = ph.ask(CTV_A, 'TK')
        c.check(own and own.startswith('TK'), 'collaborator queries its own commune: %r' % own)
        other = ph.ask(CTV_A, 'TK XA Dai Pham')
        c.check(other and not other.startswith('TK') and 'bao cao' not in other,
                'collaborator cannot query another commune: %r' % other)
        other = ph.ask(CTV_C, 'TK XA Am Ha')
        c.check(other and not other.startswith('TK'), 'Dai Pham cannot query Am Ha: %r' % other)
        st = ph.ask(STAFF, 'TK XA Am Ha')
        c.check(st and st.startswith('TK'), 'staff may query any commune: %r' % st)
        # A stranger registers; a collaborator cannot approve, staff can.
        pend = '0988777666'
        r = ph.ask(pend, 'DK Am Ha thon 1 Nguyen Van Moi')
        c.check(r is not None, 'a stranger can register: %r' % r)
        ph.m.sent(wait=2)	# the notice to staff, if any
        r = ph.ask(pend, 'BC DA4.1 HV 3')
        c.check(r and not r.startswith('Da nhan'), 'an unapproved number cannot report: %r' % r)
        r = ph.ask(CTV_A, 'DUYET %s' % pend)
        c.check(r and 'quyen' in r, 'a collaborator cannot approve: %r' % r)
        c.eq(gw.q1('SELECT active FROM users WHERE phone = ?', (to_e164(pend),)), 0,
             'still unapproved after the collaborator\'s DUYET')
        r = ph.ask(OFFICIAL, 'DUYET %s' % pend)
        c.eq(gw.q1('SELECT active FROM users WHERE phone = ?', (to_e164(pend),)), 0,
             'an official cannot approve either (%r)' % r)
        r = ph.ask(STAFF, 'DUYET %s' % pend)
        ph.m.sent(wait=2)	# the welcome
        c.eq(gw.q1('SELECT active FROM users WHERE phone = ?', (to_e164(pend),)), 1,
             'staff approves (%r)' % r)
        # Officials read, they do not file.
        r = ph.ask(OFFICIAL, 'BC DA4.1 HV 7')
        c.check(r and not r.startswith('Da nhan'), 'an official cannot file a report: %r' % r)
        # USSD and top-up: whatever the words, a collaborator never reaches the modem.
        for text in ('USSD *101#', '*101#', 'NAP 123456789012', 'NAPTIEN 123456789012',
                     'KT TK', 'SODU', 'CUSD *100*123456789012#'):
            r = ph.ask(CTV_A, text)
            c.check(r is not None and not re.search(r'\d{4,}d', r or ''),
                    'collaborator %r: answered without a balance (%r)' % (text, r))
        c.eq(m.status()['counters']['ussd'] - ussd0, 0, 'USSD requests a collaborator caused')
        reports = gw.q1("SELECT count(*) FROM reports WHERE phone = ?", (to_e164(OFFICIAL),))
        c.eq(reports, 0, 'reports stored for the official')
        c.eq(gw.stop(), 0, 'exit status')


def reply_loop(c):
    cap = 5
    with Modem() as m:
        gw = gateway(m, limits={'replies_per_hour_per_number': cap})
        # A collaborator's phone that answers every SMS, and a stranger's.
        for robot, first in ((ROBOT_CTV, 'Xin chao'), ('0977123123', 'Alo')):
            m.sms(robot, first)
            seen = 0
            for i in range(4 * cap):
                got = m.sent(wait=3, count=1)
                mine = [s for s in got if s['to'] == to_e164(robot)]
                if not mine:
                    break
                seen += len(mine)
                for s in mine:
                    # The auto-reply quotes what it got, as such robots do.
                    m.sms(robot, 'Tu dong tra loi %d: %s' % (i, s['text'][:60]))
            time.sleep(1.0)
            seen += len([s for s in m.sent(wait=0) if s['to'] == to_e164(robot)])
            want = cap if robot == ROBOT_CTV else 1
            c.check(seen <= want, '%s: %d answers to an auto-responder, at most %d'
                    % (robot, seen, want))
            c.check(seen >= 1, '%s: the first message was answered' % robot)
        capped = gw.q1("SELECT count(*) FROM outbox WHERE recipient = ? AND state = 'failed' "
                       "AND last_error LIKE '%cap%'", (to_e164(ROBOT_CTV),))
        c.check(capped >= 1, 'replies beyond the cap are failed with the reason (%r)' % capped)
        c.eq(gw.q1("SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')"), 0,
             'nothing left to send: the loop is over')
        c.eq(gw.stop(), 0, 'exit status')


HOSTILE = [
    "BC DA4.1 HV 3'); DROP TABLE messages; --",
    "x' OR '1'='1",
    'Robert"); DELETE FROM users; --',
    '%s%s%s%n%n%x%p %99999999s %.9999f',
    '\x1b[2J\x1b[31mred\x07bell\x08\x7f',
    'tab\there\rcr\nnewline',
    'TK ' + 'A' * 2000,
    'Chào bạn 👋 😀 — “quotes” ’ …',
    '@£$¥èéùìòÇØøÅå_^{}\\[~]|€',
]


def hostile_text(c):
    with Modem() as m:
        gw = gateway(m)
        ph = Phone(m, gw)
        for text in HOSTILE:
            r = ph.ask(CTV_A, text)
            c.check(r is not None, 'answered %r' % text[:30])
        rows = [t for (t,) in gw.q('SELECT text FROM messages ORDER BY id')]
        for text in HOSTILE:
            c.check(text in rows, 'stored byte for byte: %r' % text[:40])
        c.eq(gw.q1('SELECT count(*) FROM users'), len(users()), 'users table intact')
        c.eq(gw.q1('SELECT count(*) FROM messages'), len(HOSTILE), 'messages table intact')
        c.eq(gw.q1('SELECT count(*) FROM reports'), 0, 'no report made from hostile text')
        c.check(gw.running(), 'tinbaod still running')
        out = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'inbox', '--json'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        c.eq(out.returncode, 0, 'tinbao inbox --json exit status')
        texts = []
        for line in out.stdout.decode('utf-8').splitlines():
            try:
                texts.append(json.loads(line).get('text'))
            except ValueError:
                c.check(False, 'inbox --json line is JSON: %r' % line[:80])
        for text in HOSTILE:
            c.check(text in texts, 'inbox --json round-trips %r' % text[:30])
        # The plain listing must not hand control characters to a terminal.
        out = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'inbox'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        c.check(b'\x1b[' not in out.stdout, 'tinbao inbox prints no raw escape sequences')
        log = gw.log()
        c.check('\x1b[' not in log, 'the log carries no raw escape sequences')
        c.eq(gw.stop(), 0, 'exit status')


def pin_and_permissions(c):
    with Modem(pin=PIN) as m:
        os.chmod(m.dir, 0o755)
        gw = Gateway(m, users=users(), modem_conf={'pin': PIN}, level='debug')
        old = os.umask(0o022)	# the daemon must not rely on the caller's umask
        try:
            gw.start()
        finally:
            os.umask(old)
        ph = Phone(m, gw)
        r = ph.ask(CTV_A, 'BC DA4.1 HV 12')
        c.check(r is not None, 'works with a PIN-locked SIM: %r' % r)
        for suffix in ('', '-wal', '-shm'):
            p = gw.db + suffix
            if os.path.exists(p):
                mode = stat.S_IMODE(os.stat(p).st_mode)
                c.eq(oct(mode), oct(0o600), 'mode of %s' % os.path.basename(p))
        c.check(os.path.exists(gw.db + '-wal'), 'WAL file present to check')
        test_out = subprocess.run([gw.binary, '-t', '-c', gw.conf], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=30)
        c.eq(test_out.returncode, 0, 'tinbaod -t')
        c.check(PIN.encode() not in test_out.stdout, 'tinbaod -t masks the PIN')
        st = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'status'],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        c.check(PIN.encode() not in st.stdout, 'tinbao status does not show the PIN')
        c.eq(gw.stop(), 0, 'exit status')
        log = gw.log()
        c.check('SIM PIN accepted' in log or 'CPIN' in log, 'the log shows the PIN step')
        c.check(PIN not in log, 'the PIN is not in the log')
        with open(gw.db, 'rb') as f:
            c.check(PIN.encode() not in f.read(), 'the PIN is not in the database')
        # A database someone made world-readable is tightened at start.
        os.chmod(gw.db, 0o644)
        gw.start()
        c.eq(oct(stat.S_IMODE(os.stat(gw.db).st_mode)), oct(0o600), 'a 0644 database tightened')
        c.eq(gw.stop(), 0, 'exit status after the restart')
    # What make install gives the config (no world access): test_install.py.


def main():
    c = Checks()
    c.run(roles)
    c.run(reply_loop)
    c.run(hostile_text)
    c.run(pin_and_permissions)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
