#!/usr/bin/python3
"""tests/integration/test_modem_gammu.py: the gammu command line (1.42, a
client nobody here wrote) against tinbao-modem on a pty: identify,
getallsms / geteachsms (Vietnamese, multipart), sendsms -text and -unicode
(Vietnamese with diacritics, multipart), getussd (gammu switches to
AT+CSCS="UCS2" for it). Texts must come out exactly as they went in."""
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem, run_tests  # noqa: E402

FROM = '+84912345678'
VI = 'Báo cáo: thôn 3 xã Vô Tranh đã tập huấn 25 người, hỗ trợ 10 con bò giống cho hộ nghèo.'
ENV = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8')


def eq(got, want, what=''):
    if got != want:
        raise AssertionError('%s: got %r, want %r' % (what, got, want))


def check(cond, what):
    if not cond:
        raise AssertionError(what)


class Gammu:
    def __init__(self, port):
        self.dir = tempfile.mkdtemp(prefix='tinbao-gammu-')
        self.rc = os.path.join(self.dir, 'gammurc')
        with open(self.rc, 'w') as f:
            f.write('[gammu]\nconnection = at\ndevice = %s\n' % port)

    def run(self, *args, timeout=30):
        p = subprocess.run(['gammu', '-c', self.rc] + list(args), capture_output=True,
                           timeout=timeout, env=ENV)
        out = p.stdout.decode('utf-8', 'replace')
        if p.returncode:
            raise AssertionError('gammu %s: exit %d\n%s%s' % (
                ' '.join(args), p.returncode, out, p.stderr.decode('utf-8', 'replace')))
        return out

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def test_identify():
    with Modem() as m:
        g = Gammu(m.port)
        out = g.run('identify')
        g.close()
        for want in ('Quectel', 'EC25', '866758041234563', '452040123456789'):
            check(want in out, '%s missing from identify:\n%s' % (want, out))


def test_getallsms_vietnamese_and_multipart():
    with Modem() as m:
        long = 'Tong hop thang 11: ' + 'DA2 mo hinh chan nuoi bo, 12 ho tham gia; ' * 6
        m.sms(FROM, VI)
        eq(m.sms('+84987000111', long), 2, 'two parts')
        m.sms('VIETTEL', 'KM: nap 100k tang 20k')
        m.wait('delivered')
        g = Gammu(m.port)
        out = g.run('getallsms')
        check('5 SMS parts in 5 SMS sequences' in out, 'five parts listed:\n' + out)
        check(VI[:60] in out, 'Vietnamese part not exact in getallsms:\n' + out)
        check('"VIETTEL"' in out, 'alphanumeric sender')
        out = g.run('geteachsms')   # links the parts of concatenated messages
        g.close()
        check(VI in out, 'Vietnamese multipart text not reassembled exactly:\n' + out)
        check(long in out, 'GSM multipart text not reassembled exactly:\n' + out)
        check('5 SMS parts in 3 SMS sequences' in out, 'three messages:\n' + out)


def test_sendsms_text_and_unicode():
    with Modem() as m:
        g = Gammu(m.port)
        g.run('sendsms', 'TEXT', '+84912345678', '-text', 'Hello {world} 100€ [ok]')
        s = m.sent(wait=5, count=1)
        eq([(x['to'], x['text'], x['encoding'], x['parts']) for x in s],
           [('+84912345678', 'Hello {world} 100€ [ok]', 'gsm7', 1)], 'GSM text with extension chars')
        text = (VI + ' ') * 2
        g.run('sendsms', 'TEXT', '0912345678', '-unicode', '-autolen', str(len(text)), '-text', text)
        s = m.sent(wait=5, count=1)
        g.close()
        eq(len(s), 1, 'one reassembled message')
        eq((s[0]['to'], s[0]['text'], s[0]['encoding']), ('0912345678', text, 'ucs2'), 'unicode')
        check(s[0]['parts'] >= 3, 'multipart (%d parts)' % s[0]['parts'])


def test_getussd_ucs2():
    with Modem(trace=True) as m:
        m.ussd('*101#', 'TKC {balance}d, han 31/12/2027')
        g = Gammu(m.port)
        # getussd keeps listening after the answer until it is stopped: read
        # its output until the reply is there, then stop it.
        p = subprocess.Popen(['gammu', '-c', g.rc, 'getussd', '*101#'], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=ENV)
        out = b''
        deadline = time.monotonic() + 20
        try:
            while b'Service reply' not in out or not out.rstrip().endswith(b'"') and b'\n' not in out.split(b'Service reply')[1]:
                left = deadline - time.monotonic()
                check(left > 0, 'no USSD answer from gammu:\n%s' % out.decode('utf-8', 'replace'))
                if select.select([p.stdout], [], [], left)[0]:
                    chunk = os.read(p.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    out += chunk
        finally:
            p.terminate()
            p.wait(5)
            g.close()
        text = out.decode('utf-8', 'replace')
        check('"TKC 50000d, han 31/12/2027"' in text, 'USSD reply:\n' + text)
        check('AT+CSCS="UCS2"' in m.log(), 'gammu asked for UCS2')


if __name__ == '__main__':
    sys.exit(run_tests(globals()))
