#!/usr/bin/python3
"""tests/integration/test_modem_smsd.py: smstools3's smsd (3.1.x, a client
nobody here wrote) against tinbao-modem on a pty. smsd turns echo off,
joins commands with ';', lists with AT+CMGL (check_memory_method 3, which
reads "+CMGL: <index>,<stat>,,<length>") or reads slot by slot with
AT+CMGR, writes incoming messages into its spool and deletes them from the
SIM, and sends the files put in its outgoing folder with AT+CMGS."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem, run_tests  # noqa: E402

VI = 'Báo cáo: thôn 3 xã Vô Tranh đã tập huấn 25 người, hỗ trợ 10 con bò giống cho hộ nghèo.'
REPLY = 'Đã nhận báo cáo DA2 của thôn 3. Mã: R-0042.'


def eq(got, want, what=''):
    if got != want:
        raise AssertionError('%s: got %r, want %r' % (what, got, want))


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def smsd_run(m, method, messages):
    """Starts smsd on m's port with messages in its outgoing folder; returns
    (folder, process)."""
    d = tempfile.mkdtemp(prefix='tinbao-smsd-')
    for sub in ('outgoing', 'checked', 'failed', 'incoming', 'sent'):
        os.mkdir(os.path.join(d, sub))
    with open(os.path.join(d, 'smsd.conf'), 'w') as f:
        f.write('devices = GSM1\n'
                'outgoing = {d}/outgoing\nchecked = {d}/checked\nfailed = {d}/failed\n'
                'incoming = {d}/incoming\nsent = {d}/sent\n'
                'logfile = {d}/smsd.log\nloglevel = 7\n'
                'infofile = {d}/smsd.running\npidfile = {d}/smsd.pid\n'
                'delaytime = 1\ndelaytime_mainprocess = 1\n'
                'decode_unicode_text = yes\nincoming_utf8 = yes\n'
                '\n[GSM1]\ndevice = {port}\nincoming = yes\nbaudrate = 115200\n'
                'check_memory_method = {method}\n'.format(d=d, port=m.port, method=method))
    for i, (to, text) in enumerate(messages):
        with open(os.path.join(d, 'outgoing', 'out%d' % i), 'w', encoding='utf-8') as f:
            f.write('To: %s\nAlphabet: UTF-8\n\n%s' % (to, text))
    p = subprocess.Popen(['smsd', '-t', '-c', os.path.join(d, 'smsd.conf')],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return d, p


def smsd_stop(d, p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    with open(os.path.join(d, 'smsd.log'), encoding='utf-8', errors='replace') as f:
        log = f.read()
    shutil.rmtree(d, ignore_errors=True)
    return log


def incoming(d):
    out = []
    for name in sorted(os.listdir(os.path.join(d, 'incoming'))):
        with open(os.path.join(d, 'incoming', name), 'rb') as f:
            head, _, body = f.read().partition(b'\n\n')
        hdr = dict(l.split(': ', 1) for l in head.decode('latin-1').splitlines() if ': ' in l)
        out.append((hdr, body))
    return out


def test_smsd_cmgl_receive_and_send():
    with Modem(trace=True) as m:
        m.sms('+84912345678', VI)
        m.sms('+84987000111', 'Bao cao DA3.1: 40 ho nhan giong lua')
        d, p = smsd_run(m, 3, [('84912345678', REPLY)])
        log = ''
        try:
            sent = m.sent(wait=30, count=1)
            m.wait('sim-empty', 30)       # smsd deleted what it had spooled
            got = incoming(d)
        finally:
            log = smsd_stop(d, p)
        eq([(s['to'], s['text'], s['encoding']) for s in sent],
           [('+84912345678', REPLY, 'ucs2')], 'outgoing file sent exactly')
        eq(len(got), 2, 'two messages spooled (the first has two parts):\n' + log[-3000:])
        bodies = {}
        for hdr, body in got:
            bodies[hdr['From']] = (hdr.get('Alphabet'), body)
        eq(bodies['84987000111'], ('UTF-8', b'Bao cao DA3.1: 40 ho nhan giong lua'), 'GSM message')
        alpha, body = bodies['84912345678']
        eq(body.decode('utf-8'), VI, 'Vietnamese multipart exactly (alphabet %s)' % alpha)
        eq(alpha, 'UTF-8', 'smsd wrote UTF-8 (incoming_utf8)')
        trace = m.log()
        check('<< ATE0\\r' in trace, 'smsd turned echo off')
        check('+CMGL: 0,0,,' in trace, 'listed with +CMGL')


def test_smsd_cmgr_sim800():
    with Modem(profile='sim800') as m:
        m.sms('+84912345678', 'Hello smsd')
        d, p = smsd_run(m, 1, [])
        try:
            m.wait('sim-empty', 30)
            got = incoming(d)
        finally:
            log = smsd_stop(d, p)
        eq([(h['From'], b) for h, b in got], [('84912345678', b'Hello smsd')], 'read with CMGR:\n' + log[-2000:])


if __name__ == '__main__':
    sys.exit(run_tests(globals()))
