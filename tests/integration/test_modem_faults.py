#!/usr/bin/python3
"""tests/integration/test_modem_faults.py: every fault tinbao-modem can
show (hang, garbage, unplug, cms-error, slow, no-network, reset), seen from
the serial port as a client sees it, with short timeouts. A command written
during a hang is lost (never answered once the hang ends), and the modem
answers fresh commands normally afterwards."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem, ModemError, run_tests  # noqa: E402

FROM = '+84912345678'
SUBMIT = '0011000B914819325476F80000AA05E8329BFD06'   # "hello", no SRR
N = len(SUBMIT) // 2 - 1


def eq(got, want, what=''):
    if got != want:
        raise AssertionError('%s: got %r, want %r' % (what, got, want))


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def test_hang():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        m.fault('hang', 0.8)
        t0 = time.monotonic()
        # A command written during the hang (and read by the modem: 0.4 s pass).
        at.write('AT+CGMI\r')
        try:
            at.expect(rb'OK|Quectel', 0.4)
            raise AssertionError('a hung modem answered')
        except ModemError:
            pass
        m.sms(FROM, 'during the hang')
        eq(m.status()['faults']['hang_ms'] > 0, True, 'status shows the hang')
        # It answers again once the hang is over; what it got meanwhile is lost.
        deadline = t0 + 3
        seen = b''
        while True:
            at.write('AT\r')
            try:
                mm = at.expect(rb'\r\nOK\r\n', 0.3)
                seen = mm.string[:mm.end()]
                break
            except ModemError:
                check(time.monotonic() < deadline, 'still hung after 3 s')
        check(time.monotonic() - t0 >= 0.75, 'hang too short')
        seen += at.drain(0.2)
        eq(seen.count(b'OK'), 1, 'one answer, to the first AT after the hang: %r' % seen)
        check(b'Quectel' not in seen, 'AT+CGMI from the hang answered afterwards: %r' % seen)
        # The network delivers after the hang.
        if b'+CMTI: "SM",0' not in seen:
            at.expect(rb'\+CMTI: "SM",0', 3)
        # Fresh commands are answered normally.
        eq(at.cmd('AT+CGMI'), (['Quectel'], 'OK'), 'CGMI after the hang')
        eq(at.cmd('AT+CMGL=4')[1], 'OK', 'CMGL after the hang')
        eq(at.drain(0.2), b'', 'nothing more came')


def test_garbage():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        m.fault('garbage', 300)
        got = b''
        deadline = time.monotonic() + 3
        while len(got) < 300 and time.monotonic() < deadline:
            got += at.drain(0.1)
        eq(len(got), 300, 'noise bytes')
        eq(at.cmd('AT')[1], 'OK', 'works after the noise')
        eq(m.status()['faults']['counts']['garbage'], 1, 'counted')


def test_unplug():
    with Modem() as m:
        at = m.at()
        at.cmd('ATE0')
        m.fault('unplug', 0.6)
        check(not os.path.exists(m.port), 'symlink gone while unplugged')
        try:
            at.write('AT\r')
            at.expect(rb'OK', 1)
            raise AssertionError('an unplugged port answered')
        except OSError:
            pass        # EIO on write: the device is gone
        except ModemError as e:
            check('timeout' not in str(e), 'the port did not go away: %s' % e)
        at.close()
        eq(m.status()['plugged'], False, 'status says unplugged')
        m.sms(FROM, 'while unplugged')
        m.wait('plugged', 3)
        check(os.path.exists(m.port), 'symlink back')
        m.wait('sms-ready', 3)
        with m.at() as at:
            # It came back powered up: echo on again, the SMS was kept.
            at.write('AT\r')
            at.expect(rb'AT\r\r\nOK\r\n', 2)
            at.cmd('ATE0')
            lines = at.cmd('AT+CMGL=4')[0]
            eq(len(lines), 2, 'the message waited in the network')


def test_unplug_tcp():
    with Modem(tcp=True) as m:
        at = m.at()
        eq(at.cmd('ATE0')[1], 'OK', 'AT over TCP')
        m.fault('unplug', 0.5)
        try:
            at.expect(rb'never', 2)
            raise AssertionError('the connection survived the unplug')
        except ModemError as e:
            check('timeout' not in str(e), 'not closed by the modem: %s' % e)
        at.close()
        try:
            m.at().close()
            raise AssertionError('connected while unplugged')
        except OSError:
            pass
        m.wait('plugged', 3)
        m.wait('sms-ready', 3)
        with m.at() as at:
            eq(at.cmd('AT')[1], 'OK', 'same port after the replug')


def test_cms_error():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        m.fault('cms-error', 2, 38)
        for _ in range(2):
            eq(at.cmd('AT+CMGS=%d' % N, body=SUBMIT + '\x1a')[1], '+CMS ERROR: 38', 'failed send')
        eq(at.cmd('AT+CMGS=%d' % N, body=SUBMIT + '\x1a')[1], 'OK', 'third goes')
        eq([s['text'] for s in m.sent(wait=2)], ['hello'], 'only one reached the network')
        m.fault('cms-error', 1)
        eq(at.cmd('AT+CMGS=%d' % N, body=SUBMIT + '\x1a')[1], '+CMS ERROR: 500', 'default code')


def test_slow():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        m.fault('slow', 400)
        t0 = time.monotonic()
        eq(at.cmd('AT')[1], 'OK', 'slow AT')
        dt = time.monotonic() - t0
        check(0.35 <= dt < 2, 'answer after %.2f s, want about 0.4' % dt)
        m.fault('slow', 0)
        t0 = time.monotonic()
        eq(at.cmd('AT')[1], 'OK', 'fast AT')
        check(time.monotonic() - t0 < 0.2, 'still slow')


def test_no_network():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0;+CREG=1;+CMEE=1')
        m.fault('no-network', 0.8)
        at.expect(rb'\+CREG: 2\r\n', 2)
        eq(at.cmd('AT+CREG?')[0], ['+CREG: 1,2'], 'searching')
        eq(at.cmd('AT+CSQ')[0], ['+CSQ: 99,99'], 'no signal')
        eq(at.cmd('AT+CMGS=%d' % N, body=SUBMIT + '\x1a')[1], '+CMS ERROR: 331', 'no service')
        eq(at.cmd('AT+CUSD=1,"*101#",15')[1], '+CME ERROR: 30', 'USSD without network')
        m.sms(FROM, 'queued in the network')
        eq(m.status()['network_queue'], 1, 'held by the network')
        at.expect(rb'\+CREG: 1\r\n', 3)
        at.expect(rb'\+CMTI: "SM",0', 3)
        eq(at.cmd('AT+CMGS=%d' % N, body=SUBMIT + '\x1a')[1], 'OK', 'sends again')


def test_reset():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0;+CMGF=1')
        m.fault('reset')
        for urc in (rb'RDY', rb'\+CFUN: 1', rb'\+CPIN: READY', rb'\+QIND: SMS DONE'):
            at.expect(rb'\r\n' + urc + rb'\r\n', 3)
        at.write('AT+CMGF?\r')
        at.expect(rb'AT\+CMGF\?\r\r\n\+CMGF: 0\r\n', 2)   # echo on, settings lost
        m.wait('registered', 3)
        eq(m.status()['faults']['counts']['reset'], 1, 'counted')


def cpu_ticks(pid):
    f = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    return int(f[11]) + int(f[12])     # utime + stime, clock ticks


def test_no_spinning_when_idle_or_hung():
    # One poll() loop with deadlines: idle, and hung with a USSD answer
    # due meanwhile, the modem must sleep, not spin.
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        pid = m.proc.pid
        c0 = cpu_ticks(pid)
        time.sleep(0.5)    # measuring idleness: nothing to wait for
        idle = cpu_ticks(pid) - c0
        at.write('AT+CUSD=1,"*101#",15\r')
        at.expect(rb'OK', 2)
        m.fault('hang', 0.8)
        c0 = cpu_ticks(pid)
        time.sleep(0.6)
        hung = cpu_ticks(pid) - c0
        check(idle <= 2 and hung <= 2, 'CPU ticks: idle %d, hung %d' % (idle, hung))


def test_bad_fault_requests():
    with Modem() as m:
        for req in (('melt',), ('garbage', 1000000)):
            try:
                m.fault(*req)
                raise AssertionError('accepted %r' % (req,))
            except ModemError:
                pass


if __name__ == '__main__':
    sys.exit(run_tests(globals()))
