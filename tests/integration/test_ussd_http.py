#!/usr/bin/python3
"""tests/integration/test_ussd_http.py: the USSD menu of a running tinbaod,
driven with real HTTP requests (curl) the way an operator's USSD gateway
sends them: POST /ussd with sessionId, serviceCode, phoneNumber, text, key.

Scenarios: a whole report (the menu's END, the report stored by dispatch
with the same values, the receipt SMS sent through the virtual modem, the
confirming request retried without a second report), bad input at each step,
an unknown phone, a wrong key, and an idle session timing out.

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
        gw = Gateway(m, users=collaborators(1))
        with open(gw.conf, 'a') as f:
            f.write('ussd_http = { listen = "127.0.0.1:%d"; secret = "%s"; timeout = "10s"; };\n'
                    % (port, SECRET))
        gw.start()
        u = Ussd(port)
        if not c.check(u.wait_up(), 'tinbaod listens on the ussd_http port; log tail:\n%s'
                       % gw.log()[-2000:]):
            gw.stop()
            return c.done()
        for fn in (whole_report, bad_input, unknown_and_auth, timeout):
            c.run(fn, gw, m, u)
        c.eq(gw.stop(), 0, 'tinbaod exit status')
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
