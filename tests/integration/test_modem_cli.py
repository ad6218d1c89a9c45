#!/usr/bin/python3
"""tests/integration/test_modem_cli.py: the network-side subcommands of the
tinbao-modem binary (firmware/main.c), run for real with subprocess against
a modem started by modemctl.Modem; the other modem tests talk JSON to the
control socket directly, so this is where the option parsing, the printed
output and the exit codes are checked:
- sms: the number of parts on stdout, and what lands on the SIM as seen on
  the AT port: encoding (auto, --encoding), --time, --smsc, --alnum (and
  automatic for a sender with letters), --ref/--ref16, --order, --drop
  (repeatable), --duplicate, --pdu (repeatable, stored byte for byte);
  refused requests exit 1 with the modem's reason, bad usage exits 2;
- sent: one compact JSON object a line (to, text UTF-8, parts, encoding,
  status_report from the SUBMIT's TP-SRR bit, pdus, mr) for what went out
  by AT+CMGS, single and concatenated; --keep, --count, --wait, and exit 1
  when fewer than --count came;
- ussd: an answer (with {balance}), --menu, --balance/--cost, usage errors;
- fault: every kind with its VALUE and CODE and its effect, counted in
  status; an unknown kind, a value out of range and a refused garbage size
  exit 1 with a message and count nothing;
- status: indented JSON without "ok", per profile;
- wait: each condition, exit 1 with a message on timeout;
- the command line itself: -h, no or unknown command, missing --control, a
  socket nobody listens on.
Every wait has a timeout of a few seconds."""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem, run_tests  # noqa: E402

FROM = '+84912345678'
# "hello" to +84912345678 without and with TP-SRR (first octet 0x11 / 0x31), no SMSC.
SUBMIT = '0011000B914819325476F80000AA05E8329BFD06'
SUBMIT_SRR = '0031000B914819325476F80000AA05E8329BFD06'
# Two DELIVERs as a foreign SMSC would send them: "hi" from +84912345678 at
# 2026-11-25 16:29:05 +07:00 without SMSC, and "auto alnum" from VIETTEL.
DELIVER_HI = '00040B914819325476F800006211526192508202E834'
DELIVER_ALNUM = '07914889200030F0040DD0D664914A2D32010000622180301025000AE13AFD0D0AB3DDF536'
LONG = 'Bao cao thon 3: ' + 'tap huan 25 nguoi, ho tro 10 con bo. ' * 8     # 3 GSM 7-bit parts
T = '2026-11-25T16:29:05+07:00'
SCTS = '26/11/25,16:29:05+28'
SENT_KEYS = ['to', 'text', 'parts', 'encoding', 'status_report', 'pdus', 'mr']


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def eq(got, want, what=''):
    if got != want:
        raise AssertionError('%s: got %r, want %r' % (what, got, want))


def cli(m, cmd, *args, control=True, timeout=20):
    """Runs `tinbao-modem CMD --control SOCKET ARGS...`: (exit status, stdout, stderr)."""
    argv = [m.binary, cmd] + (['--control', m.control] if control else []) + list(args)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8')


def ok(m, cmd, *args, out=''):
    """A subcommand that must succeed and print exactly `out`."""
    eq(cli(m, cmd, *args), (0, out, ''), ' '.join((cmd,) + args)[:80])


def usage_error(res, what):
    rc, out, err = res
    eq((rc, out), (2, ''), what)
    check('usage: tinbao-modem run' in err, '%s: no usage on stderr: %r' % (what, err))


def deliver_fields(hexpdu):
    """The fields of an SMS-DELIVER (SMSC prefix included) that the options set."""
    b = bytes.fromhex(hexpdu)
    smsc = b[1:1 + b[0]]
    tp = b[1 + b[0]:]
    oa_bytes = (tp[1] + 1) // 2
    i = 3 + oa_bytes
    ud = tp[i + 10:]
    return {'smsc': smsc.hex().upper(), 'udhi': bool(tp[0] & 0x40), 'oa_type': tp[2],
            'dcs': tp[i + 1], 'udh': ud[1:1 + ud[0]].hex().upper() if tp[0] & 0x40 else ''}


def stored(at):
    """The PDUs on the SIM, in slot order (PDU mode, AT+CMGL=4), once the
    +CMTI indications before it are read."""
    at.drain()
    lines = at.cmd('AT+CMGL=4')[0]
    return [lines[i + 1] for i in range(0, len(lines), 2)]


def submit_ucs2(text, ref, seq, total, srr):
    """A UCS-2 SMS-SUBMIT part to +84912345678 with an 8-bit concatenation IE."""
    fo = 0x51 | (0x20 if srr else 0)     # SUBMIT, VP relative, UDHI (+ SRR)
    ud = bytes([5, 0, 3, ref, total, seq]) + text.encode('utf-16-be')
    return ('00%02X000B914819325476F80008AA%02X' % (fo, len(ud)) + ud.hex()).upper()


def cmgs(at, pdu):
    """Sends one SUBMIT by AT+CMGS; returns its message reference."""
    lines, final = at.cmd('AT+CMGS=%d' % (len(pdu) // 2 - 1), body=pdu + '\x1a')
    eq(final, 'OK', 'AT+CMGS')
    return int(re.match(r'\+CMGS: (\d+)$', lines[-1]).group(1))


def test_sms_text_and_encoding():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        ok(m, 'sms', '--from', FROM, 'hello', out='1\n')
        at.expect(rb'\+CMTI: "SM",0\r\n', 3)
        ok(m, 'sms', '--from', FROM, '--encoding', 'ucs2', 'hello', out='1\n')
        ok(m, 'sms', '--from', FROM, '--time', T, 'Chào bạn', out='1\n')        # auto: UCS-2
        ok(m, 'sms', '--from', FROM, '--encoding', 'auto', '--smsc', '+84980200099', 'x', out='1\n')
        m.wait('delivered')
        got = [deliver_fields(p) for p in stored(at)]
        eq([g['dcs'] for g in got], [0, 8, 8, 0], 'DCS: gsm7, forced ucs2, auto ucs2, auto gsm7')
        eq([g['smsc'] for g in got], ['914889200030F0'] * 3 + ['914889200090F9'], '--smsc')
        eq([g['oa_type'] for g in got], [0x91] * 4, 'international senders')
        at.cmd('AT+CMGF=1')
        eq(at.cmd('AT+CMGR=2')[0], ['+CMGR: "REC READ","%s",,"%s"' % (FROM, SCTS), 'Chào bạn'],
           '--time and the text')
        eq(m.status()['counters']['delivered_msgs'], 4, 'four delivered')


def test_sms_senders_and_raw_pdus():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        ok(m, 'sms', '--from', 'VIETTEL', '--time', T, 'Khuyen mai', out='1\n')    # letters: alnum
        ok(m, 'sms', '--from', '12345', '--alnum', '--time', T, 'alnum digits', out='1\n')
        ok(m, 'sms', '--from', '12345', '--time', T, 'short code', out='1\n')
        ok(m, 'sms', '--pdu', DELIVER_HI, '--pdu', DELIVER_ALNUM, out='2\n')
        m.wait('delivered')
        pdus = stored(at)
        eq([deliver_fields(p)['oa_type'] for p in pdus[:3]], [0xD0, 0xD0, 0x81],
           'alphanumeric, --alnum, national')
        eq(pdus[3:], [DELIVER_HI, DELIVER_ALNUM], 'raw PDUs stored as given')
        at.cmd('AT+CMGF=1')
        eq(at.cmd('AT+CMGL="ALL"')[0], [
            '+CMGL: 0,"REC READ","VIETTEL",,"%s"' % SCTS, 'Khuyen mai',
            '+CMGL: 1,"REC READ","12345",,"%s"' % SCTS, 'alnum digits',
            '+CMGL: 2,"REC READ","12345",,"%s"' % SCTS, 'short code',
            '+CMGL: 3,"REC READ","%s",,"%s"' % (FROM, SCTS), 'hi',
            '+CMGL: 4,"REC READ","VIETTEL",,"26/12/08,03:01:52+00"', 'auto alnum'], 'as read')


def test_sms_concatenation_options():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        ok(m, 'sms', '--from', FROM, '--ref16', '--ref', '4660', '--order', '2,1,3', '--drop', '3',
           LONG, out='3\n')
        ok(m, 'sms', '--from', FROM, '--ref', '200', '--drop', '1', '--drop', '3', LONG, out='3\n')
        ok(m, 'sms', '--from', FROM, '--duplicate', 'twice', out='1\n')
        m.wait('delivered')
        pdus = stored(at)
        eq([deliver_fields(p)['udh'] for p in pdus[:3]], ['0804123403' + '02', '0804123403' + '01',
                                                        '0003C80302'], 'reference IEs and part order')
        eq(len(pdus), 5, 'dropped parts never came; the duplicate came twice')
        eq(pdus[3], pdus[4], 'the duplicate is the same PDU')
        eq(m.status()['pending_parts'], 0, 'nothing waits in the network')


def test_sms_refused_and_usage():
    with Modem() as m:
        for args, err in (
                (('--encoding', 'bogus', 'x'), "encoding is gsm7, ucs2 or auto, not 'bogus'"),
                (('--encoding', 'gsm7', 'Chào bạn'), 'U+1EA1 has no GSM 7-bit form'),
                (('--time', 'yesterday', 'x'), "time 'yesterday' is not like 2026-11-25T16:29:05+07:00"),
                (('--ref', '300', 'x'), 'ref 300 does not fit the reference size'),
                (('--order', '9', 'x'), 'order must be a permutation of 1..1')):
            eq(cli(m, 'sms', '--from', FROM, *args), (1, '', 'tinbao-modem: %s\n' % err), 'sms %r' % (args,))
        eq(cli(m, 'sms', '--pdu', '0G')[0], 1, 'bad hex')
        usage_error(cli(m, 'sms', '--from', FROM), 'no text')
        usage_error(cli(m, 'sms', '--from', FROM, 'a', 'b'), 'two texts')
        usage_error(cli(m, 'sms', '--from', FROM, '--bogus', 'x'), 'unknown option')
        eq(m.status()['counters']['delivered_msgs'], 0, 'nothing delivered')
        eq(m.status()['storage']['SM']['used'], 0, 'nothing stored')


def test_sent_status_report_and_format():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        ok(m, 'sent')                                       # nothing yet: no line, status 0
        mr1 = cmgs(at, SUBMIT)
        mr2 = cmgs(at, SUBMIT_SRR)
        eq(cli(m, 'sent', '--keep'), (0, ''.join(
            '{"to":"%s","text":"hello","parts":1,"encoding":"gsm7","status_report":%s,'
            '"pdus":["%s"],"mr":[%d]}\n' % (FROM, srr, pdu, mr)
            for srr, pdu, mr in (('false', SUBMIT, mr1), ('true', SUBMIT_SRR, mr2))), ''),
           'sent --keep: one compact object a line, SRR false then true')
        eq(m.status()['sent_waiting'], 2, '--keep left them')
        rc, out, err = cli(m, 'sent', '--count', '1')
        eq((rc, [json.loads(l)['status_report'] for l in out.splitlines()], err), (0, [False], ''),
           '--count 1 takes the oldest')
        # A concatenated UCS-2 message, one part asking for a report, one not.
        p1 = submit_ucs2('Chào ', 7, 1, 2, srr=True)
        p2 = submit_ucs2('bạn', 7, 2, 2, srr=False)
        mrs = [cmgs(at, p1), cmgs(at, p2)]
        mr3 = cmgs(at, SUBMIT)
        rc, out, err = cli(m, 'sent')
        eq((rc, err), (0, ''), 'sent')
        lines = out.splitlines()
        eq(len(lines), 3, 'the SRR one, the concatenated one, the last one')
        check('"text":"Chào bạn"' in lines[1], 'text not readable UTF-8: %r' % lines[1])
        recs = [json.loads(l) for l in lines]
        eq([list(r) for r in recs], [SENT_KEYS] * 3, 'keys and their order')
        eq(recs[0]['status_report'], True, 'the SRR one')
        eq(recs[1], {'to': FROM, 'text': 'Chào bạn', 'parts': 2, 'encoding': 'ucs2',
                     'status_report': True, 'pdus': [p1, p2], 'mr': mrs}, 'concatenated')
        eq(recs[2]['status_report'], False, 'no SRR')
        eq(recs[2]['mr'], [mr3], 'mr')
        ok(m, 'sent')                                       # taken off the list


def test_sent_wait_and_count():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        t0 = time.monotonic()
        eq(cli(m, 'sent', '--wait', '0.6', '--count', '1'), (1, '', ''), 'nothing came')
        check(0.55 <= time.monotonic() - t0 < 5, 'waited %.2f s, want 0.6' % (time.monotonic() - t0))
        eq(cli(m, 'sent', '--count', '1'), (1, '', ''), '--count without --wait')
        mr = cmgs(at, SUBMIT)
        rc, out, err = cli(m, 'sent', '--wait', '0.3', '--count', '2')
        eq((rc, [json.loads(l)['mr'] for l in out.splitlines()], err), (1, [[mr]], ''),
           'fewer than --count: printed, taken, exit 1')
        ok(m, 'sent')
        # --wait returns as soon as --count came.
        p = subprocess.Popen([m.binary, 'sent', '--control', m.control, '--wait', '8', '--count', '2'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        t0 = time.monotonic()
        cmgs(at, SUBMIT)
        cmgs(at, SUBMIT_SRR)
        out, err = p.communicate(timeout=15)
        eq((p.returncode, [json.loads(l)['status_report'] for l in out.decode().splitlines()], err),
           (0, [False, True], b''), 'both came')
        check(time.monotonic() - t0 < 5, 'sent --wait did not return when the messages came')
        usage_error(cli(m, 'sent', 'extra'), 'an argument')


def test_ussd():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0;+CMEE=1')
        ok(m, 'ussd', '*102#', 'So du {balance}d')
        ok(m, 'ussd', '--balance', '1234', '--cost', '1000')
        at.cmd('AT+CUSD=1,"*102#",15')
        eq(at.expect(rb'\+CUSD: (\d),"([^"]*)",(\d+)\r\n', 3).groups(), (b'0', b'So du 1234d', b'15'),
           'the answer with the balance')
        ok(m, 'ussd', '--menu', '*100#', '1. Nap the')
        ok(m, 'ussd', '*100#*1', 'Nhap ma the')
        at.cmd('AT+CUSD=1,"*100#",15')
        eq(at.expect(rb'\+CUSD: (\d),"([^"]*)",15\r\n', 3).groups(), (b'1', b'1. Nap the'), '--menu')
        at.cmd('AT+CUSD=1,"1",15')
        eq(at.expect(rb'\+CUSD: (\d),"([^"]*)",15\r\n', 3).groups(), (b'0', b'Nhap ma the'), 'menu answer')
        # The balance pays one part (1234 >= 1000), not a second.
        cmgs(at, SUBMIT)
        eq(at.cmd('AT+CMGS=%d' % (len(SUBMIT) // 2 - 1), body=SUBMIT + '\x1a')[1], '+CMS ERROR: 21',
           'no credit')
        eq(m.status()['balance'], 234, 'balance after one part')
        eq(cli(m, 'ussd', '', 'x'),
           (1, '', 'tinbao-modem: ussd: cannot store the answer (empty code or table full)\n'), 'empty code')
        usage_error(cli(m, 'ussd', '*1#'), 'no reply')
        usage_error(cli(m, 'ussd', '--balance', '5', '*1#', 'x'), 'balance and an answer')
        usage_error(cli(m, 'ussd'), 'nothing')


def test_fault_every_kind():
    with Modem() as m:
        with m.at() as at:
            at.cmd('ATE0;+CMEE=1')
            ok(m, 'fault', 'garbage', '120')
            got = b''
            deadline = time.monotonic() + 3
            while len(got) < 120 and time.monotonic() < deadline:
                got += at.drain(0.1)
            eq(len(got), 120, 'garbage BYTES')
            eq(at.cmd('AT')[1], 'OK', 'after the noise')
            ok(m, 'fault', 'cms-error', '2', '38')
            for _ in range(2):
                eq(at.cmd('AT+CMGS=%d' % (len(SUBMIT) // 2 - 1), body=SUBMIT + '\x1a')[1],
                   '+CMS ERROR: 38', 'cms-error COUNT CODE')
            cmgs(at, SUBMIT)
            ok(m, 'fault', 'cms-error', '1')
            eq(at.cmd('AT+CMGS=%d' % (len(SUBMIT) // 2 - 1), body=SUBMIT + '\x1a')[1],
               '+CMS ERROR: 500', 'default CODE')
            ok(m, 'fault', 'slow', '250')
            eq(m.status()['faults']['slow_ms'], 250, 'slow MS')
            ok(m, 'fault', 'slow', '0')
            eq(m.status()['faults']['slow_ms'], 0, 'slow 0 ends it')
            ok(m, 'fault', 'hang', '0.6')
            left = m.status()['faults']['hang_ms']
            check(0 < left <= 600, 'hang SECONDS: %d ms left' % left)
            ok(m, 'wait', 'registered')
            ok(m, 'fault', 'no-network', '0.6')
            st = m.status()
            eq((st['registered'], st['reg'], st['signal']), (False, 2, 99), 'no-network')
            check(0 < st['faults']['no_network_ms'] <= 600, 'no-network SECONDS')
            ok(m, 'wait', 'registered', '--timeout', '3')
            ok(m, 'fault', 'reset')
            for urc in (rb'RDY', rb'\+CFUN: 1', rb'\+CPIN: READY', rb'\+QIND: SMS DONE'):
                at.expect(rb'\r\n' + urc + rb'\r\n', 3)
            ok(m, 'wait', 'sms-ready', '--timeout', '3')
        ok(m, 'fault', 'unplug', '0.5')
        eq(m.status()['plugged'], False, 'unplug SECONDS')
        check(not os.path.exists(m.port), 'symlink gone')
        ok(m, 'wait', 'plugged', '--timeout', '3')
        check(os.path.exists(m.port), 'symlink back')
        want = {'hang': 1, 'garbage': 1, 'unplug': 1, 'cms-error': 2, 'slow': 2, 'no-network': 1,
                'reset': 1}
        eq(m.status()['faults']['counts'], want, 'every fault counted')
        # Refused: a message, exit 1, nothing counted.
        for args, err in (
                (('melt',), "unknown fault 'melt' (hang, garbage, unplug, cms-error, slow, no-network, reset)"),
                (('hang', '100000'), 'fault value out of range'),
                (('garbage', '70000'), 'garbage: 1..65536 bytes')):
            eq(cli(m, 'fault', *args), (1, '', 'tinbao-modem: %s\n' % err), 'fault %r' % (args,))
        eq(m.status()['faults']['counts'], want, 'refused faults are not counted')
        usage_error(cli(m, 'fault'), 'no kind')
        usage_error(cli(m, 'fault', 'cms-error', '1', '500', '9'), 'too many values')


def test_status_per_profile():
    for profile, total, signal in (('ec25', 40, 24), ('sim800', 30, 18)):
        with Modem(profile=profile) as m:
            ok(m, 'sms', '--from', FROM, 'one', out='1\n')
            m.wait('delivered')
            rc, out, err = cli(m, 'status')
            eq((rc, err), (0, ''), 'status')
            check(out.startswith('{\n  "profile": "%s",\n  "port": ' % profile),
                  'indented, profile first: %r' % out[:60])
            st = json.loads(out)
            check('ok' not in st, '"ok" printed')
            for k in ('profile', 'port', 'plugged', 'registered', 'reg', 'signal', 'sim', 'sms_ready',
                      'storage', 'network_queue', 'sent_waiting', 'pending_parts', 'balance',
                      'counters', 'faults', 'settings'):
                check(k in st, '%s: no %r in status' % (profile, k))
            eq((st['profile'], st['port'], st['plugged'], st['registered'], st['reg'], st['signal'],
                st['sim'], st['sms_ready'], st['network_queue'], st['balance']),
               (profile, m.port, True, True, 1, signal, 'READY', True, 0, 50000), profile)
            eq(st['storage']['SM'], {'used': 1, 'total': total}, profile + ' storage')
            eq(st['counters']['delivered_msgs'], 1, profile + ' delivered')
            usage_error(cli(m, 'status', 'extra'), 'status with an argument')


def test_wait_conditions():
    with Modem() as m:
        for cond in ('registered', 'sms-ready', 'delivered', 'sim-empty', 'plugged'):
            ok(m, 'wait', cond, '--timeout', '2')
        ok(m, 'sms', '--from', FROM, 'kept', out='1\n')
        ok(m, 'wait', 'delivered', '--timeout', '3')
        t0 = time.monotonic()
        eq(cli(m, 'wait', 'sim-empty', '--timeout', '0.5'),
           (1, '', 'tinbao-modem: timeout waiting for sim-empty\n'), 'timeout')
        check(0.45 <= time.monotonic() - t0 < 5, 'waited %.2f s, want 0.5' % (time.monotonic() - t0))
        with m.at() as at:
            at.cmd('ATE0')
            eq(at.cmd('AT+CMGD=0,4')[1], 'OK', 'delete all')
        ok(m, 'wait', 'sim-empty', '--timeout', '3')
        ok(m, 'fault', 'no-network', '0.4')
        ok(m, 'wait', 'registered', '--timeout', '3')
        eq(cli(m, 'wait', 'forever'), (1, '', "tinbao-modem: wait: unknown condition 'forever'\n"),
           'unknown condition')
        usage_error(cli(m, 'wait'), 'no condition')
        usage_error(cli(m, 'wait', 'registered', 'plugged'), 'two conditions')


def test_command_line():
    with Modem() as m:
        rc, out, err = cli(m, '-h', control=False)
        eq((rc, err), (0, ''), '-h')
        check(out.startswith('usage: tinbao-modem run '), '-h prints the usage: %r' % out[:40])
        check('wait --control S registered|sms-ready|delivered|sim-empty|plugged' in out,
              'usage names every wait condition')
        usage_error(cli(m, 'bogus', control=False), 'unknown command')
        check("tinbao-modem: unknown command 'bogus'\n" in cli(m, 'bogus', control=False)[2], 'says which')
        p = subprocess.run([m.binary], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10)
        usage_error((p.returncode, p.stdout.decode(), p.stderr.decode()), 'no command')
        for cmd in ('status', 'sent', 'fault', 'wait', 'sms', 'ussd'):
            args = {'fault': ['reset'], 'wait': ['registered'], 'sms': ['--from', FROM, 'x'],
                    'ussd': ['*1#', 'x']}.get(cmd, [])
            eq(cli(m, cmd, *args, control=False), (1, '', 'tinbao-modem: --control SOCKET is required\n'),
               cmd + ' without --control')
        gone = os.path.join(m.dir, 'nobody.ctl')
        eq(cli(m, 'status', '--control', gone, control=False),
           (1, '', '%s: No such file or directory\n' % gone), 'no such socket')
        eq(m.status()['counters']['delivered_msgs'], 0, 'nothing reached the modem')


if __name__ == '__main__':
    sys.exit(run_tests(globals()))
