#!/usr/bin/python3
"""tests/integration/test_ussd_http.py: the USSD menu of a running tinbaod,
driven with real HTTP requests (curl) the way an operator's USSD gateway
sends them: POST /ussd with sessionId, serviceCode, phoneNumber, text, key.

Scenarios: a whole report (the menu's END, the report stored by dispatch
with the same values, the receipt SMS sent through the virtual modem, the
confirming request retried without a second report), bad input at each step,
an unknown phone, a wrong key, who may report (staff, an official, a
disabled collaborator and an unknown phone are refused at the first
request), tinbaod restarted in the middle of a session (the next request
goes on) and right after the confirming request (one report, one receipt),
and an idle session timing out.

Needs conf_ussd's sections in gateway/conf_sections.c and the daemon wiring
described in docs/ussd.md ("Wiring"); until then it fails at the config.

Prints "N passed, N failed"; exits non-zero on failure."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, collaborators, e164  # noqa: E402

SECRET = 'ussd-test-secret-123'


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Ussd:
    def __init__(self, port):
        self.url = 'http://127.0.0.1:%d/ussd' % port

    def post(self, session, phone, text, key=SECRET):
        fields = {'sessionId': session, 'serviceCode': '*384*12#', 'phoneNumber': phone,
                  'text': text}
        if key is not None:
            fields['key'] = key
        p = subprocess.run(['curl', '-s', '-m', '10', '-w', '\n%{http_code}', '--data',
                            urllib.parse.urlencode(fields), self.url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        out = p.stdout.decode('utf-8')
        body, _, code = out.rpartition('\n')
        return int(code or 0), body

    def wait_up(self, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                socket.create_connection(('127.0.0.1', int(self.url.split(':')[2].split('/')[0])),
                                         timeout=1).close()
                return True
            except OSError:
                time.sleep(0.1)
        return False


def number_of(screen, label):
    """The menu number in front of `label` ("5 DA4.1 ..." -> "5")."""
    m = re.search(r'^(\d+) %s\b' % re.escape(label), screen, re.M)
    return m.group(1) if m else None


def whole_report(c, gw, m, u):
    phone = '0910000000'
    code, s = u.post('s-1', phone, '')
    c.eq(code, 200, 'first screen status')
    c.check(s.startswith('CON '), 'first screen is CON: %r' % s)
    p = number_of(s, 'DA4.1')
    c.check(p is not None, 'DA4.1 offered: %r' % s)
    text = p
    code, s = u.post('s-1', phone, text)
    c.check(s.startswith('CON DA4.1'), 'indicator list: %r' % s)
    hv, hn = number_of(s, 'HV'), number_of(s, 'HN')
    for step, want in ((hv, 'HV'), ('25', 'HV=25'), (hn, 'HN'), ('10', 'HN=10'),
                       ('0', 'BC DA4.1 HV 25 HN 10')):
        text += '*' + step
        code, s = u.post('s-1', phone, text)
        c.check(code == 200 and s.startswith('CON ') and want in s, 'step %s: %r' % (text, s))
    text += '*1'
    code, s = u.post('s-1', phone, text)
    c.check(code == 200 and s.startswith('END ') and 'BC DA4.1 HV 25 HN 10' in s, 'END: %r' % s)
    # dispatch stores it as a report from that phone, with the same values
    gw.wait(lambda: gw.q1("SELECT count(*) FROM reports WHERE phone = ? AND project = 'DA4.1'",
                          (e164(0),)) == 1, 20, 'the USSD report in reports')
    vals = dict(gw.q("SELECT v.indicator, v.value FROM report_values v JOIN reports r"
                     " ON r.id = v.report_id WHERE r.phone = ?", (e164(0),)))
    c.eq(vals, {'HV': 25.0, 'HN': 10.0}, 'stored values')
    c.eq(gw.q1("SELECT text FROM messages WHERE sender = ?", (e164(0),)), 'BC DA4.1 HV 25 HN 10',
         'inbound message text')
    ref = gw.q1("SELECT ref FROM reports WHERE phone = ?", (e164(0),))
    # the receipt goes out by SMS, with the reference
    sent = m.sent(wait=20, count=1)
    c.check(len(sent) == 1 and sent[0]['to'] == e164(0) and ref and ref in sent[0]['text'],
            'receipt SMS with ref %s: %r' % (ref, sent))
    # the operator retries the confirming request: same answer, no second report
    code, s2 = u.post('s-1', phone, text)
    c.eq(s2, s, 'retried END')
    time.sleep(1)
    c.eq(gw.q1("SELECT count(*) FROM reports WHERE phone = ?", (e164(0),)), 1, 'one report')
    c.eq(gw.q1("SELECT state FROM ussd_sessions WHERE session_id = 's-1'"), 'done', 'session done')


def bad_input(c, gw, m, u):
    phone = '0910000000'
    code, s = u.post('s-2', phone, 'x')
    c.check(s.startswith('CON Sai:'), 'bad project re-asked: %r' % s)
    p = number_of(u.post('s-2', phone, '')[1], 'DA4.1')
    code, s = u.post('s-2', phone, 'x*%s*99999' % p)
    c.check(s.startswith('CON Sai:') and 'DA4.1' in s, 'bad indicator re-asked: %r' % s)
    hv = number_of(u.post('s-2', phone, 'x*%s' % p)[1], 'HV')
    code, s = u.post('s-2', phone, 'x*%s*99999*%s*abc' % (p, hv))
    c.check(s.startswith('CON Sai: Nhap so nguyen'), 'bad value re-asked: %r' % s)
    code, s = u.post('s-2', phone, 'x*%s*99999*%s*abc*900' % (p, hv))
    c.check(s.startswith('CON Sai: Toi da 500'), 'too big re-asked: %r' % s)
    code, s = u.post('s-2', phone, 'x*%s*99999*%s*abc*900*5*0*7' % (p, hv))
    c.check(s.startswith('CON Sai: Chon 1 hoac 2'), 'bad confirm re-asked: %r' % s)
    code, s = u.post('s-2', phone, 'x*%s*99999*%s*abc*900*5*0*7*2' % (p, hv))
    c.check(s.startswith('END Da huy'), 'cancelled: %r' % s)
    c.eq(gw.q1("SELECT count(*) FROM reports WHERE phone = ?", (e164(0),)), 1, 'nothing stored')


def unknown_and_auth(c, gw, m, u):
    code, s = u.post('s-3', '0987000111', '')
    c.check(code == 200 and s.startswith('END ') and 'chua dang ky' in s, 'unknown phone: %r' % s)
    code, s = u.post('s-4', '0910000000', '', key='not-the-secret')
    c.eq(code, 403, 'wrong key')
    code, s = u.post('s-4', '0910000000', '', key=None)
    c.eq(code, 403, 'no key')
    logged = gw.q1("SELECT count(*) FROM ussd_log WHERE kind = 'http'")
    c.check(logged and logged >= 10, 'requests logged: %r' % logged)


STAFF, OFFICIAL, DISABLED = '0913000001', '0914000001', '0915000001'
OTHERS = [
    {'phone': STAFF, 'name': 'Can bo', 'role': 'staff', 'commune': 'am-ha'},
    {'phone': OFFICIAL, 'name': 'Lanh dao', 'role': 'official'},
    {'phone': DISABLED, 'name': 'CTV nghi', 'role': 'collaborator', 'commune': 'am-ha',
     'village': 'am-ha/thon-1', 'active': False},
]


def who_may_report(c, gw, m, u):
    """Only those dispatch takes a report from (and without naming a place,
    since the menu never asks one) get the menu; the others are told at the
    first request, not by SMS after a whole menu."""
    cases = ((STAFF, 'END Menu nay danh cho cong tac vien. Can bo gui bao cao bang SMS, ghi ro noi'),
             (OFFICIAL, 'END Tai khoan nay khong gui bao cao. Tra cuu so lieu: nhan tin TK'),
             (DISABLED, 'END So +84915000001 chua duoc duyet hoac da bi khoa'),
             ('0987000222', 'END So +84987000222 chua dang ky bao cao'))
    for i, (phone, want) in enumerate(cases):
        sid = 'who-%d' % i
        code, s = u.post(sid, phone, '')
        c.check(code == 200 and s.startswith(want), '%s refused at once: %r' % (phone, s))
        c.check(len(s) <= 182, '%s: one screen (%d)' % (phone, len(s)))
        # Typing on anyway (keypad buffer, a retrying operator) stores nothing.
        code, s = u.post(sid, phone, '5*2*25*0*1')
        c.check(s.startswith('END ') and 'Da gui' not in s, '%s: still nothing: %r' % (phone, s))
        c.eq(gw.q1("SELECT state FROM ussd_sessions WHERE session_id = ?", (sid,)), 'refused',
             '%s: session refused' % phone)
    e = ['+84' + p[1:] for p, _ in cases]
    marks = ','.join('?' * len(e))
    c.eq(gw.q1("SELECT count(*) FROM messages WHERE sender IN (%s)" % marks, e), 0,
         'no inbound message from those refused')
    time.sleep(1)
    c.eq([s for s in m.sent() if s['to'] in e], [], 'no SMS to those refused')
    c.eq(gw.q1("SELECT count(*) FROM reports WHERE phone IN (%s)" % marks, e), 0, 'no report')


def menu_texts(u, sid, phone):
    """The successive `text` values of a whole DA4.1 HV 25 HN 10 report,
    read off the screens (numbers as the menu offers them)."""
    s = u.post(sid, phone, '')[1]
    p = number_of(s, 'DA4.1')
    s = u.post(sid, phone, p)[1]
    hv, hn = number_of(s, 'HV'), number_of(s, 'HN')
    steps = [p, hv, '25', hn, '10', '0', '1']
    return ['*'.join(steps[:k]) for k in range(1, len(steps) + 1)]


def restart(gw, u):
    rc = gw.stop()
    gw.start()
    if not u.wait_up():
        raise AssertionError('ussd_http not back after the restart')
    return rc


def restart_mid_session(c, gw, m, u):
    """docs/ussd.md: sessions are rows in the database, so a restart in the
    middle of a menu loses nothing: the next request goes on."""
    phone, sid = '0910000001', 'r-1'
    texts = menu_texts(u, sid, phone)	# the first two screens already asked
    code, s = u.post(sid, phone, texts[1])
    c.check(s.startswith('CON HV'), 'before the restart: %r' % s)
    c.eq(restart(gw, u), 0, 'tinbaod exit status (mid-session)')
    code, s = u.post(sid, phone, texts[2])
    c.check(code == 200 and s.startswith('CON ') and 'HV=25' in s, 'after the restart, the same session: %r' % s)
    c.eq(gw.q1("SELECT state FROM ussd_sessions WHERE session_id = ?", (sid,)), 'open', 'session open')
    for t in texts[3:-1]:
        code, s = u.post(sid, phone, t)
    c.check('BC DA4.1 HV 25 HN 10' in s, 'read-back: %r' % s)
    code, s = u.post(sid, phone, texts[-1])
    c.check(s.startswith('END Da gui: BC DA4.1 HV 25 HN 10'), 'END: %r' % s)
    gw.wait(lambda: gw.q1("SELECT count(*) FROM reports WHERE phone = ?", (e164(1),)) == 1, 20,
            'the report of the restarted session')
    sent = m.sent(wait=20, count=1)
    c.check(len(sent) == 1 and sent[0]['to'] == e164(1) and sent[0]['text'].startswith('Da nhan'),
            'its receipt: %r' % sent)


def restart_after_confirm(c, gw, m, u):
    """Stopped right after the confirming request: the report is stored once
    and its receipt sent once, whether dispatch ran before the stop or at
    the next start; the operator retrying the request after it changes
    nothing."""
    phone, sid = '0910000002', 'r-2'
    texts = menu_texts(u, sid, phone)
    for t in texts[1:-1]:
        u.post(sid, phone, t)
    code, s = u.post(sid, phone, texts[-1])
    c.check(s.startswith('END Da gui'), 'END: %r' % s)
    c.eq(restart(gw, u), 0, 'tinbaod exit status (after the confirmation)')
    code, s2 = u.post(sid, phone, texts[-1])
    c.eq(s2, s, 'the retried confirmation after the restart: same END')
    gw.wait(lambda: gw.q1("SELECT count(*) FROM messages WHERE sender = ? AND handled_at IS NOT NULL"
                          " AND handled_at > 0", (e164(2),)) == 1, 20, 'the message handled')
    got = m.sent(wait=20, count=1)
    got += m.sent(wait=3, count=1)	# anything more would be a second receipt
    mine = [x for x in got if x['to'] == e164(2)]
    c.eq(gw.q1("SELECT count(*) FROM reports WHERE phone = ?", (e164(2),)), 1, 'one report')
    c.eq(gw.q1("SELECT count(*) FROM messages WHERE sender = ?", (e164(2),)), 1, 'one inbound message')
    ref = gw.q1("SELECT ref FROM reports WHERE phone = ?", (e164(2),))
    c.check(len(mine) == 1 and ref and ref in mine[0]['text'], 'one receipt with ref %s: %r' % (ref, mine))
    c.eq(gw.q1("SELECT count(*) FROM outbox WHERE recipient = ?", (e164(2),)), 1, 'one outbox row')


def timeout(c, gw, m, u):
    code, s = u.post('s-5', '0910000000', '')
    c.check(s.startswith('CON '), 'session opened')
    time.sleep(11.5)	# the configured idle timeout is 10 s
    code, s = u.post('s-5', '0910000000', '1')
    c.check(s.startswith('END ') and 'Het thoi gian' in s, 'timed out: %r' % s)


def main():
    c = Checks()
    port = free_port()
    with Modem(profile='ec25') as m:
        gw = Gateway(m, users=collaborators(3) + OTHERS)
        with open(gw.conf, 'a') as f:
            f.write('ussd_http = { listen = "127.0.0.1:%d"; secret = "%s"; timeout = "10s"; };\n'
                    % (port, SECRET))
        gw.start()
        u = Ussd(port)
        if not c.check(u.wait_up(), 'tinbaod listens on the ussd_http port; log tail:\n%s'
                       % gw.log()[-2000:]):
            gw.stop()
            return c.done()
        for fn in (whole_report, bad_input, unknown_and_auth, who_may_report, restart_mid_session,
                   restart_after_confirm, timeout):
            c.run(fn, gw, m, u)
        c.eq(gw.stop(), 0, 'tinbaod exit status')
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
