#!/usr/bin/python3
"""tests/integration/test_modem_gammu.py: the gammu command line (1.42, a
client nobody here wrote) against tinbao-modem on a pty: identify,
getallsms / geteachsms (Vietnamese, multipart), sendsms -text and -unicode
(Vietnamese with diacritics, multipart), getussd (gammu switches to
AT+CSCS="UCS2" for it). Texts must come out exactly as they went in."""
import os
import re
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

    def batch(self, commands, timeout=60):
        """Runs commands in one gammu session; returns each one's output."""
        path = os.path.join(self.dir, 'batch')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(''.join(c + '\n' for c in commands))
        out = self.run('--batch', path, timeout=timeout)
        parts = re.split(r'Executing batch "[^"]*" - command \d+: [^\n]*\n', out)
        check(len(parts) == len(commands) + 1, 'batch output:\n' + out)
        return parts[1:]

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def test_identify_getallsms_geteachsms():
    with Modem() as m:
        long = 'Tong hop thang 11: ' + 'DA2 mo hinh chan nuoi bo, 12 ho tham gia; ' * 6
        m.sms(FROM, VI)
        eq(m.sms('+84987000111', long), 2, 'two parts')
        m.sms('VIETTEL', 'KM: nap 100k tang 20k')
        m.wait('delivered')
        g = Gammu(m.port)
        # One gammu session (--batch) for the three commands: its start-up
        # probing is what takes time.
        out = g.batch(['identify', 'getallsms', 'geteachsms'])
        g.close()
        ident, allsms, each = out
        for want in ('Quectel', 'EC25', '866758041234563', '452040123456789'):
            check(want in ident, '%s missing from identify:\n%s' % (want, ident))
        check('5 SMS parts in 5 SMS sequences' in allsms, 'five parts listed:\n' + allsms)
        check(VI[:60] in allsms, 'Vietnamese part not exact in getallsms:\n' + allsms)
        check('"VIETTEL"' in allsms, 'alphanumeric sender')
        # geteachsms links the parts of concatenated messages.
        check(VI in each, 'Vietnamese multipart text not reassembled exactly:\n' + each)
        check(long in each, 'GSM multipart text not reassembled exactly:\n' + each)
        check('5 SMS parts in 3 SMS sequences' in each, 'three messages:\n' + each)


def test_sendsms_text_and_unicode():
    with Modem() as m:
        g = Gammu(m.port)
        text = (VI + ' ') * 2
        g.batch(['sendsms TEXT +84912345678 -text "Hello {world} 100€ [ok]"',
                 'sendsms TEXT 0912345678 -unicode -autolen %d -text "%s"' % (len(text), text)])
        g.close()
        s = m.sent(wait=5, count=2)
        eq(len(s), 2, 'two messages')
        eq((s[0]['to'], s[0]['text'], s[0]['encoding'], s[0]['parts']),
           ('+84912345678', 'Hello {world} 100€ [ok]', 'gsm7', 1), 'GSM text with extension chars')
        eq((s[1]['to'], s[1]['text'], s[1]['encoding']), ('0912345678', text, 'ucs2'), 'unicode')
        check(s[1]['parts'] >= 3, 'multipart (%d parts)' % s[1]['parts'])


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
