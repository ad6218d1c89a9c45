#!/usr/bin/python3
"""tests/integration/test_ussd_modem.py: the gateway's USSD codec against the
virtual modem (tinbao-modem, an independent implementation of the modem and
network side). The AT+CUSD commands are built by `tinbao ussd encode`, sent
to the modem, and the +CUSD: lines it answers are decoded by `tinbao ussd
decode` (the same C functions the daemon uses): plain text replies in IRA,
everything as UCS-2 hex under AT+CSCS="UCS2", Vietnamese replies as UCS-2
(DCS 72) whatever the charset, a menu session (+CUSD: 1, answer, cancel), a
balance that drops as SMS are sent, the figure read by the credit pattern,
and the network refusing the session (+CME ERROR: 30).

Prints "N passed, N failed"; exits non-zero on failure."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Checks  # noqa: E402

BUILD = os.environ.get('TINBAO_BUILD', 'build')
TINBAO = os.path.join(BUILD, 'tinbao')
CHECKS = Checks()
check = CHECKS.check

# A +CUSD: URC, its quoted text allowed to span lines (menus).
CUSD = re.compile(rb'\r\n(\+CUSD: [0-5](?:,"[^"]*"(?:,\d+)?)?)\r\n')


def tinbao(*args):
    p = subprocess.run([TINBAO] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=20)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8')


def encode(code, charset='IRA'):
    rc, out, err = tinbao('ussd', 'encode', '--charset', charset, code)
    if rc != 0:
        raise RuntimeError('encode %s: %s' % (code, err))
    return out.strip()


def ask(at, cmd, charset='IRA'):
    """Sends an AT+CUSD command, returns the decoded +CUSD reply (dict)."""
    lines, final = at.cmd(cmd)
    if final != 'OK':
        return {'final': final}
    m = at.expect(CUSD, timeout=5)
    # at_frame keeps a line break inside the quotes as one '\n'.
    line = m.group(1).replace(b'\r\n', b'\n').replace(b'\r', b'\n').decode('latin-1')
    rc, out, err = tinbao('ussd', 'decode', '--charset', charset, line)
    if rc != 0:
        return {'error': err.strip(), 'line': line}
    d = json.loads(out)
    d['line'] = line
    return d


def balance(text, pattern=None):
    args = ['ussd', 'balance'] + (['--pattern', pattern] if pattern else []) + [text]
    rc, out, _ = tinbao(*args)
    return json.loads(out) if out.strip() else {'found': False}


def main():
    with Modem(profile='ec25') as m:
        m.balance(12500, cost=350)
        with m.at() as at:
            at.cmd('ATE0')
            at.cmd('AT+CMEE=1')

            # 1. the default balance answer, text in IRA
            at.cmd('AT+CSCS="IRA"')
            r = ask(at, encode('*101#'))
            check(r.get('status') == 0 and r.get('dcs') == 15, 'IRA status/dcs: %r' % r)
            check(r.get('text', '').startswith('TKC 12500d'), 'IRA text: %r' % r)
            b = balance(r.get('text', ''))
            check(b['found'] and b['balance'] == 12500, 'default pattern: %r' % b)
            b = balance(r.get('text', ''), 'TKC ([0-9.,]+)')
            check(b['found'] and b['balance'] == 12500, 'TKC pattern: %r' % b)

            # 2. the same under AT+CSCS="UCS2": request and reply are UCS-2 hex
            at.cmd('AT+CSCS="UCS2"')
            cmd = encode('*101#', 'UCS2')
            check('002A0031003000310023' in cmd, 'UCS2 request: %s' % cmd)
            r = ask(at, cmd, 'UCS2')
            check(re.search(r',"[0-9A-F]+",', r.get('line', '')) is not None, 'UCS2 hex line: %r' % r)
            check(r.get('text', '').startswith('TKC 12500d'), 'UCS2 text: %r' % r)

            # 3. a Vietnamese reply comes as UCS-2 (DCS 72) in any charset
            m.ussd('*102#', 'Tài khoản chính: 5.000đ. Hạn dùng 31/12/2027')
            for cs in ('IRA', 'UCS2'):
                at.cmd('AT+CSCS="%s"' % cs)
                r = ask(at, encode('*102#', cs), cs)
                check(r.get('text') == 'Tài khoản chính: 5.000đ. Hạn dùng 31/12/2027',
                      'Vietnamese via %s: %r' % (cs, r))
                check(r.get('alphabet') == 'ucs2', 'Vietnamese alphabet via %s: %r' % (cs, r))
                b = balance(r.get('text', ''))
                check(b['found'] and b['balance'] == 5000, 'Vietnamese balance via %s: %r' % (cs, b))

            # 4. a menu: +CUSD: 1 with a multi-line text, an answer, then cancel
            at.cmd('AT+CSCS="IRA"')
            m.ussd('*100#', 'Chon:\n1. Nap the\n2. Thoat', menu=True)
            m.ussd('*100#*1', 'Nhap ma the cao', menu=True)
            r = ask(at, encode('*100#'))
            check(r.get('status') == 1, 'menu status more: %r' % r)
            check(r.get('text') == 'Chon:\n1. Nap the\n2. Thoat', 'menu text: %r' % r)
            r = ask(at, encode('1'))
            check(r.get('status') == 1 and r.get('text') == 'Nhap ma the cao', 'menu answer: %r' % r)
            lines, final = at.cmd('AT+CUSD=2')
            check(final == 'OK', 'cancel: %s' % final)

            # 5. the balance drops as SMS are sent
            m.balance(3000, cost=350)
            at.cmd('AT+CMGF=1')
            for _ in range(3):
                at.cmd('AT+CMGS="+84912345678"', body=b'test\x1a')
            at.cmd('AT+CMGF=0')
            r = ask(at, encode('*101#'))
            b = balance(r.get('text', ''))
            check(b['found'] and b['balance'] == 3000 - 3 * 350, 'dropping balance: %r %r' % (r, b))

            # 6. no network: the modem refuses the session with +CME ERROR: 30
            m.fault('no-network', 1)
            lines, final = at.cmd(encode('*101#'))
            check(final.startswith('+CME ERROR: 30'), 'no network: %s' % final)
            m.fault('no-network', 0)

    # 7. the CLI refuses what the decoder refuses, with a reason
    rc, out, err = tinbao('ussd', 'decode', '+CUSD: 7')
    check(rc == 1 and 'not 0..5' in err, 'bad line refused: %d %r' % (rc, err))
    rc, out, err = tinbao('ussd', 'encode', 'a"b')
    check(rc == 1 and 'quotes' in err, 'bad code refused: %d %r' % (rc, err))

    return CHECKS.done()


if __name__ == '__main__':
    sys.exit(main())
