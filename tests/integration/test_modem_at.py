#!/usr/bin/python3
"""tests/integration/test_modem_at.py: tinbao-modem's AT interface as a
client sees it: identity, echo and ';'-joined lines, quick ERROR for
unknown probes, storage (CMGL format, CMGD delete flags, SIM full), PIN and
PUK, AT+CFUN=1,1 reset with boot URCs, ATI and AT+CGMR per profile (the
profile table of docs/modem.md), AT+CGREG set/query and its URCs, AT+CFUN=0
and 4 (deregistered: +CREG/+CGREG/+CEREG after the OK, SMS and USSD
refused, incoming SMS held) and back with AT+CFUN=1, ATZ / AT&F back to the
profile's defaults, the --state file, text mode, ESC, +CMT with +CNMA, +CDS
status reports, USSD (UCS2, menus, balance), the TCP link and reopening the
port. Every wait has a timeout of a few seconds."""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem, ModemError, run_tests  # noqa: E402

FROM = '+84912345678'
# "hello" to +84912345678, SMS-SUBMIT with TP-SRR (first octet 0x31), no SMSC.
SUBMIT_SRR = '0031000B914819325476F80000AA05E8329BFD06'


def tpdu_len(hexpdu):
    return len(hexpdu) // 2 - 1 - int(hexpdu[:2], 16)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def eq(got, want, what=''):
    if got != want:
        raise AssertionError('%s: got %r, want %r' % (what, got, want))


def test_identity_and_probes():
    with Modem() as m, m.at() as at:
        eq(at.cmd('AT'), ([], 'OK'), 'AT')
        eq(at.cmd('AT+CGMI')[0], ['Quectel'], 'CGMI')
        eq(at.cmd('AT+CGMM')[0], ['EC25'], 'CGMM')
        eq(at.cmd('AT+CGSN')[0], ['866758041234563'], 'CGSN')
        eq(at.cmd('AT+CIMI')[0], ['452040123456789'], 'CIMI')
        check(at.cmd('AT+CCID')[0][0].startswith('+CCID: 8984'), 'CCID')
        eq(at.cmd('AT+COPS?')[0], ['+COPS: 0,0,"Viettel",7'], 'COPS')
        eq(at.cmd('AT+CEREG?')[0], ['+CEREG: 0,1'], 'CEREG')
        # Probes a module does not know answer ERROR at once.
        for probe in ('AT+MODE=2', 'AT+CPROT=?', 'AT$TSSPCSW=?', 'AT+SYNCML=?', 'ATD*101#;'):
            t0 = time.monotonic()
            eq(at.cmd(probe, timeout=1)[1], 'ERROR', probe)
            check(time.monotonic() - t0 < 0.5, probe + ' answered slowly')
        eq(at.cmd('AT+CMMS=2')[1], 'OK', 'CMMS=2')
        eq(at.cmd('AT+CMEE=1')[1], 'OK', 'CMEE')
        eq(at.cmd('AT+CMGR=999')[1], '+CMS ERROR: 321', 'bad index')


def test_echo_verbose_and_joined_commands():
    with Modem() as m, m.at() as at:
        at.write('AT\r')
        at.expect(rb'^AT\r\r\nOK\r\n', 2)  # echo on by default, as modules do
        eq(at.cmd('ATE0')[1], 'OK', 'ATE0')
        at.write('AT\r')
        at.expect(rb'^\r\nOK\r\n', 2)
        # smsd style: several commands joined by ';' on one line.
        lines, final = at.cmd('AT+CMEE=1;+CMGF=0;+CPMS="SM","SM","SM";+CNMI=2,1,0,0,0;+CREG?')
        eq(final, 'OK', 'joined line')
        eq(lines, ['+CPMS: 0,40,0,40,0,40', '+CREG: 0,1'], 'joined answers')
        # An error stops the line: the commands after it do not run.
        eq(at.cmd('AT+CMGF=0;+NOSUCH;+CMGF=1')[1], 'ERROR', 'error in line')
        eq(at.cmd('AT+CMGF?')[0], ['+CMGF: 0'], 'CMGF kept')
        at.write('ATV0\r')
        at.expect(rb'^0\r', 2)
        at.write('AT+NOSUCH\r')
        at.expect(rb'^4\r', 2)
        at.write('ATV1\r')
        at.expect(rb'\r\nOK\r\n', 2)
        eq(at.cmd('AT+CMEE=2;+CPIN="1234"')[1], '+CME ERROR: operation not allowed', 'CMEE=2')


def test_cmgl_pdu_format_and_read_status():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        m.sms(FROM, 'first')
        m.sms(FROM, 'second')
        at.expect(rb'\+CMTI: "SM",0', 3)
        at.expect(rb'\+CMTI: "SM",1', 3)
        lines, final = at.cmd('AT+CMGL=4')
        eq(final, 'OK', 'CMGL')
        eq(len(lines), 4, 'two headers and two PDUs')
        for i in (0, 1):
            mm = re.match(r'^\+CMGL: (\d+),(\d),,(\d+)$', lines[2 * i])
            check(mm, 'header %r' % lines[2 * i])
            eq(int(mm.group(1)), i, 'index')
            eq(int(mm.group(2)), 0, 'stat REC UNREAD')
            eq(int(mm.group(3)), tpdu_len(lines[2 * i + 1]), 'length is the TPDU length')
        # Listing marks them read; REC UNREAD is now empty.
        eq(at.cmd('AT+CMGL=0'), ([], 'OK'), 'unread after list')
        eq(len(at.cmd('AT+CMGL=1')[0]), 4, 'read after list')
        m.sms(FROM, 'third')
        at.expect(rb'\+CMTI: "SM",2', 3)
        lines = at.cmd('AT+CMGR=2')[0]
        check(lines[0].startswith('+CMGR: 0,,'), 'CMGR unread %r' % lines[0])
        lines = at.cmd('AT+CMGR=2')[0]
        check(lines[0].startswith('+CMGR: 1,,'), 'CMGR read %r' % lines[0])
        eq(at.cmd('AT+CMGR=5'), ([], 'OK'), 'empty slot')


def test_cmgd_delete_flags():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')

        def fill():
            """Slots: 0 REC READ, 1 REC UNREAD, 2 STO UNSENT, 3 STO SENT."""
            at.cmd('AT+CMGD=0,4')
            m.sms(FROM, 'read')
            m.sms(FROM, 'unread')
            m.wait('delivered')
            at.cmd('AT+CMGR=0')
            n = tpdu_len(SUBMIT_SRR)
            eq(at.cmd('AT+CMGW=%d' % n, body=SUBMIT_SRR + '\x1a'), (['+CMGW: 2'], 'OK'), 'CMGW')
            eq(at.cmd('AT+CMGW=%d,3' % n, body=SUBMIT_SRR + '\x1a'), (['+CMGW: 3'], 'OK'), 'CMGW 3')

        def left():
            return [int(x) for x in re.findall(r'\+CMGR: (\d)', '\n'.join(
                sum((at.cmd('AT+CMGR=%d' % i)[0] for i in range(4)), [])))]

        def slots():
            # CMGR marks unread as read, so look at the slots through status.
            return m.status()['storage']['SM']['used']

        fill()
        eq(re.findall(r'\+CMGL: (\d+),(\d),,', '\n'.join(at.cmd('AT+CMGL=4')[0])),
           [('0', '1'), ('1', '0'), ('2', '2'), ('3', '3')], 'the four states')
        fill()
        eq(at.cmd('AT+CMGD=2')[1], 'OK', 'one by index')
        eq(slots(), 3, 'one deleted')
        for flag, want in ((1, 3), (2, 2), (3, 1)):
            fill()
            eq(at.cmd('AT+CMGD=0,%d' % flag)[1], 'OK', 'flag %d' % flag)
            eq(slots(), want, 'left after flag %d' % flag)
        # Flag 3 keeps only the unread message.
        eq(left(), [0], 'unread kept')
        fill()
        at.cmd('AT+CMGD=0,4')
        eq(slots(), 0, 'flag 4 deletes all')
        eq(at.cmd('AT+CMGD=40')[1], '+CMS ERROR: 321', 'index out of range')


def test_sim_full():
    with Modem(slots=3) as m, m.at() as at:
        at.cmd('ATE0')
        for i in range(4):
            m.sms(FROM, 'message %d' % i)
        for i in range(3):
            at.expect(rb'\+CMTI: "SM",%d' % i, 3)
        st = m.status()
        eq(st['storage']['SM'], {'used': 3, 'total': 3}, 'full')
        eq(st['network_queue'], 1, 'the fourth waits in the network')
        eq(at.cmd('AT+CPMS?')[0], ['+CPMS: "SM",3,3,"SM",3,3,"SM",3,3'], 'CPMS')
        eq(at.cmd('AT+CMGW=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')[1],
           '+CMS ERROR: 322', 'CMGW when full')
        # A freed slot lets the network deliver (memory available).
        eq(at.cmd('AT+CMGD=1')[1], 'OK', 'CMGD')
        at.expect(rb'\+CMTI: "SM",1', 3)
        eq(m.status()['network_queue'], 0, 'delivered')


def test_pin_and_puk():
    with Modem(pin='1234') as m, m.at() as at:
        at.cmd('ATE0;+CMEE=1')
        eq(at.cmd('AT+CPIN?')[0], ['+CPIN: SIM PIN'], 'asks PIN')
        eq(at.cmd('AT+CMGL=4')[1], '+CMS ERROR: 311', 'SMS needs the PIN')
        eq(at.cmd('AT+CIMI')[1], '+CME ERROR: 11', 'CIMI needs the PIN')
        eq(m.status()['registered'], False, 'not registered without PIN')
        for _ in range(3):
            eq(at.cmd('AT+CPIN="0000"')[1], '+CME ERROR: 16', 'wrong PIN')
        eq(at.cmd('AT+CPIN?')[0], ['+CPIN: SIM PUK'], 'three wrong PINs lock it')
        eq(at.cmd('AT+CPIN="1234"')[1], '+CME ERROR: 12', 'PUK required')
        eq(at.cmd('AT+CMGL=4')[1], '+CMS ERROR: 316', 'SMS needs the PUK')
        eq(at.cmd('AT+CPIN="11111111","4321"')[1], '+CME ERROR: 16', 'wrong PUK')
        eq(at.cmd('AT+CPIN="12345678","4321"')[1], 'OK', 'PUK and new PIN')
        at.expect(rb'\+CPIN: READY', 2)
        at.expect(rb'\+QIND: PB DONE\r\n', 3)
        m.wait('registered', 3)
        eq(at.cmd('AT+CPIN?')[0], ['+CPIN: READY'], 'ready')


def test_pin_right_first_time():
    with Modem(pin='1234') as m, m.at() as at:
        at.cmd('ATE0')
        eq(at.cmd('AT+CPIN=1234')[1], 'OK', 'PIN')
        at.expect(rb'\+CPIN: READY', 2)
        m.sms(FROM, 'after pin')
        at.expect(rb'\+CMTI: "SM",0', 3)


def test_reset_with_boot_urcs():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0;+CNMI=2,2,0,0,0;+CMGF=1')
        eq(at.cmd('AT+CFUN=1,1')[1], 'OK', 'reset')
        for urc in (rb'RDY', rb'\+CFUN: 1', rb'\+CPIN: READY', rb'\+QUSIM: 1', rb'\+QIND: SMS DONE'):
            at.expect(rb'\r\n' + urc + rb'\r\n', 3)
        # Settings are back to their defaults: echo on, PDU mode, CNMI 2,1.
        at.write('AT+CMGF?\r')
        at.expect(rb'AT\+CMGF\?\r\r\n\+CMGF: 0\r\n\r\nOK\r\n', 2)
        eq(at.cmd('AT+CNMI?')[0], ['+CNMI: 2,1,0,0,0'], 'CNMI default')
        m.wait('registered', 3)


def test_sim800_profile():
    with Modem(profile='sim800') as m, m.at() as at:
        at.cmd('ATE0')
        eq(at.cmd('AT+CGMI')[0], ['SIMCOM_Ltd'], 'CGMI')
        eq(at.cmd('AT+CEREG?')[1], 'ERROR', 'no LTE on a 2G module')
        eq(at.cmd('AT+CCID')[0], ['89840480001234567890'], 'bare CCID')
        eq(at.cmd('AT+CPMS?')[0], ['+CPMS: "SM",0,30,"SM",0,30,"SM",0,30'], 'sizes')
        m.sms(FROM, 'hi')
        at.expect(rb'\+CMTI: "SM",1\r\n', 3)   # indices start at 1
        eq(at.cmd('AT+CFUN=1,1')[1], 'OK', 'reset')
        at.expect(rb'Call Ready', 3)
        at.expect(rb'SMS Ready', 3)


# The profile table of docs/modem.md: what each module answers to ATI and
# the identity commands, its +CREG location form and its default AT+CSCS.
PROFILES = {
    'ec25': {'ati': ['Quectel', 'EC25', 'Revision: EC25EFAR06A06M4G'], 'cgmi': 'Quectel',
             'cgmm': 'EC25', 'cgmr': 'Revision: EC25EFAR06A06M4G', 'loc': ',"1A2B","01C3D4E5",7',
             'cscs': 'GSM', 'lte': True},
    'sim800': {'ati': ['SIM800 R14.18'], 'cgmi': 'SIMCOM_Ltd', 'cgmm': 'SIMCOM_SIM800L',
               'cgmr': 'Revision:1418B04SIM800L24', 'loc': ',"1A2B","D4E5"', 'cscs': 'IRA',
               'lte': False},
}


def test_identity_per_profile():
    for name, p in PROFILES.items():
        with Modem(profile=name) as m, m.at() as at:
            at.cmd('ATE0')
            eq(at.cmd('ATI'), (p['ati'], 'OK'), name + ' ATI')
            eq(at.cmd('ATI0'), (p['ati'], 'OK'), name + ' ATI0')
            for cmd, key in (('AT+CGMI', 'cgmi'), ('AT+GMI', 'cgmi'), ('AT+CGMM', 'cgmm'),
                             ('AT+GMM', 'cgmm'), ('AT+CGMR', 'cgmr'), ('AT+GMR', 'cgmr')):
                eq(at.cmd(cmd), ([p[key]], 'OK'), '%s %s' % (name, cmd))
            eq(at.cmd('AT+CGMR=?'), ([], 'OK'), name + ' CGMR test form')
            eq(at.cmd('AT+CGMR?')[1], 'ERROR', name + ' CGMR has no read form')


def test_cgreg_set_query_and_urcs():
    for name, p in PROFILES.items():
        with Modem(profile=name) as m, m.at() as at:
            at.cmd('ATE0')
            eq(at.cmd('AT+CGREG?'), (['+CGREG: 0,1'], 'OK'), name + ' default n=0')
            eq(at.cmd('AT+CGREG=?'), (['+CGREG: (0-2)'], 'OK'), name + ' test form')
            eq(at.cmd('AT+CGREG=1;+CGREG?'), (['+CGREG: 1,1'], 'OK'), name + ' n=1')
            eq(at.cmd('AT+CGREG=2;+CGREG?'), (['+CGREG: 2,1' + p['loc']], 'OK'), name + ' n=2')
            eq(at.cmd('AT+CGREG=3')[1], 'ERROR', name + ' n=3')
            eq(at.cmd('AT+CMEE=1;+CGREG=3')[1], '+CME ERROR: 50', name + ' n=3, CMEE=1')
            eq(at.cmd('AT+CGREG?')[0], ['+CGREG: 2,1' + p['loc']], name + ' n kept after the error')
            # n=2: the URCs carry the location while registered, as +CREG's do.
            at.cmd('AT+CREG=2')
            m.fault('no-network', 0.5)
            eq(at.expect(rb'\r\n\+CREG: ([^\r\n]*)\r\n\r\n\+CGREG: ([^\r\n]*)\r\n', 2).groups(), (b'2', b'2'),
               name + ' searching')
            eq(at.cmd('AT+CGREG?')[0], ['+CGREG: 2,2'], name + ' searching, read')
            loc = p['loc'].encode()
            eq(at.expect(rb'\r\n\+CREG: ([^\r\n]*)\r\n\r\n\+CGREG: ([^\r\n]*)\r\n', 3).groups(),
               (b'1' + loc, b'1' + loc), name + ' registered again, n=2')
            # n=1: the status alone; n=0: nothing.
            at.cmd('AT+CREG=0;+CGREG=1')
            m.fault('no-network', 0.5)
            at.expect(rb'\r\n\+CGREG: 2\r\n', 2)
            at.expect(rb'\r\n\+CGREG: 1\r\n', 3)
            at.cmd('AT+CGREG=0')
            m.fault('no-network', 0.3)
            m.wait('registered', 3)
            eq(at.drain(0.2), b'', name + ' n=0: no URC')
            eq(at.cmd('AT+CGREG')[1], 'OK', name + ' action form')


def cfun_off_and_on(m, at, name, fun, lte):
    """AT+CFUN=<fun> (0 or 4) deregisters; AT+CFUN=1 registers again."""
    regs = [b'+CREG', b'+CGREG'] + ([b'+CEREG'] if lte else [])

    def urcs(stat):
        return b''.join(b'\r\n%s: %d\r\n' % (r, stat) for r in regs)
    what = '%s CFUN=%d' % (name, fun)
    at.cmd('ATE0;+CMEE=1;+CREG=1;+CGREG=1' + (';+CEREG=1' if lte else ''))
    # The OK first, then the registration URCs (none inside the response).
    at.write('AT+CFUN=%d\r' % fun)
    at.expect(rb'^\r\nOK\r\n' + re.escape(urcs(0)), 2)
    eq(at.cmd('AT+CFUN?'), (['+CFUN: %d' % fun], 'OK'), what + ' read')
    eq(at.cmd('AT+CREG?')[0], ['+CREG: 1,0'], what + ' CREG')
    eq(at.cmd('AT+CGREG?')[0], ['+CGREG: 1,0'], what + ' CGREG')
    if lte:
        eq(at.cmd('AT+CEREG?')[0], ['+CEREG: 1,0'], what + ' CEREG')
    eq(at.cmd('AT+CSQ')[0], ['+CSQ: 99,99'], what + ' no signal')
    eq(at.cmd('AT+COPS?')[0], ['+COPS: 0'], what + ' no operator')
    st = m.status()
    eq((st['cfun'], st['registered'], st['reg'], st['signal']), (fun, False, 0, 99), what + ' status')
    # Nothing goes out and nothing comes in while off.
    eq(at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')[1], '+CMS ERROR: 331',
       what + ' SMS refused')
    eq(at.cmd('AT+CUSD=1,"*101#",15')[1], '+CME ERROR: 30', what + ' USSD refused')
    eq(m.sent(), [], what + ' nothing sent')
    m.sms(FROM, 'while off')
    eq(at.drain(0.3), b'', what + ' no indication')
    eq(m.status()['network_queue'], 1, what + ' held by the network')
    # Back on: registered after the profile's delay, then the message arrives.
    eq(at.cmd('AT+CFUN=1'), ([], 'OK'), what + ' back on')
    at.expect(re.escape(urcs(1)), 3)
    at.expect(rb'\+CMTI: "SM",\d+\r\n', 3)
    eq(at.cmd('AT+CFUN?')[0], ['+CFUN: 1'], what + ' on')
    eq(at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')[1], 'OK', what + ' sends')
    eq([s['text'] for s in m.sent(wait=2)], ['hello'], what + ' sent after')
    at.cmd('AT+CMGD=0,4')


def test_cfun_minimum_and_flight_mode():
    for name, p in PROFILES.items():
        with Modem(profile=name) as m, m.at() as at:
            at.cmd('ATE0;+CMEE=1')
            eq(at.cmd('AT+CFUN=?'), (['+CFUN: (0,1,4),(0,1)'], 'OK'), name + ' test form')
            eq(at.cmd('AT+CFUN?'), (['+CFUN: 1'], 'OK'), name + ' on at start')
            eq(at.cmd('AT+CFUN=2')[1], '+CME ERROR: 50', name + ' CFUN=2')
            eq(at.cmd('AT+CFUN=4,1')[1], '+CME ERROR: 3', name + ' reset needs fun 1')
            for fun in (0, 4):
                cfun_off_and_on(m, at, name, fun, p['lte'])
            # AT+CFUN=1 while on changes nothing: no URC.
            at.cmd('AT+CREG=1')
            eq(at.cmd('AT+CFUN=1'), ([], 'OK'), name + ' CFUN=1 again')
            eq(at.drain(0.3), b'', name + ' still registered')


def test_atz_and_atf_per_profile():
    for name, p in PROFILES.items():
        with Modem(profile=name) as m, m.at() as at:
            for reset in ('ATZ', 'AT&F', 'ATZ0'):
                what = '%s %s' % (name, reset)
                at.cmd('ATE0')
                eq(at.cmd('AT+CMEE=2;+CSCS="UCS2";+CMGF=1;+CNMI=2,2,0,1,0;+CSMS=1;+CREG=2;+CGREG=1;'
                          '+CUSD=1;+CSDH=1;S7=60')[1], 'OK', what + ' settings changed')
                at.cmd('ATS5=9')
                eq(at.cmd(reset), ([], 'OK'), what)
                # Echo is on again.
                at.write('AT\r')
                at.expect(rb'^AT\r\r\nOK\r\n', 2)
                at.cmd('ATE0')
                eq(at.cmd('AT+CMEE?;+CSCS?;+CMGF?;+CNMI?;+CSMS?;+CREG?;+CGREG?;+CUSD?;+CSDH?;S5?;S7?'),
                   (['+CMEE: 0', '+CSCS: "%s"' % p['cscs'], '+CMGF: 0', '+CNMI: 2,1,0,0,0',
                     '+CSMS: 0,1,1,1', '+CREG: 0,1', '+CGREG: 0,1', '+CUSD: 0', '+CSDH: 0', '008', '000'],
                    'OK'), what + ' defaults')
                eq(at.cmd('AT+CPIN="1234"')[1], 'ERROR', what + ' CMEE=0: plain ERROR')
                eq(m.status()['settings'], {'echo': False, 'cmgf': 0, 'cscs': p['cscs'], 'csms': 0,
                                            'cnmi': [2, 1, 0, 0, 0]}, what + ' status')
            eq(at.cmd('ATZ1')[1], 'ERROR', name + ' ATZ1: one profile only')


def test_state_persists():
    d = tempfile.mkdtemp(prefix='tinbao-state-')
    state = os.path.join(d, 'sim.state')
    with Modem(state=state, pin='1234') as m, m.at() as at:
        at.cmd('ATE0;+CPIN=1234')
        at.expect(rb'\+QIND: PB DONE\r\n', 3)
        m.sms(FROM, 'kept one')
        m.sms(FROM, 'Giữ lại hai')
        m.wait('delivered')
        at.cmd('AT+CMGR=0')
        want = at.cmd('AT+CMGL=4')[0]
    check(os.path.exists(state) and not os.path.exists(state + '.tmp'), 'state file written')
    with Modem(state=state, pin='1234') as m, m.at() as at:
        at.cmd('ATE0')
        eq(at.cmd('AT+CPIN?')[0], ['+CPIN: SIM PIN'], 'PIN again after power-on')
        at.cmd('AT+CPIN=1234')
        at.expect(rb'\+QIND: PB DONE\r\n', 3)
        eq(at.cmd('AT+CMGL=4')[0], [w.replace(',0,,', ',1,,') for w in want], 'same messages')
    # A SIM locked with the PUK stays locked across restarts.
    with Modem(state=state) as m, m.at() as at:
        at.cmd('ATE0')
        for _ in range(3):
            at.cmd('AT+CPIN=9999')
        m.kill()
    with Modem(state=state) as m, m.at() as at:
        at.cmd('ATE0')
        eq(at.cmd('AT+CPIN?')[0], ['+CPIN: SIM PUK'], 'PUK survives')


def test_text_mode_send_and_read():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0;+CMGF=1;+CSCS="GSM";+CSMP=17,167,0,0')
        lines, final = at.cmd('AT+CMGS="+84987654321"', body='Hello from text mode\x1a')
        eq(final, 'OK', 'text CMGS')
        check(re.match(r'\+CMGS: \d+', lines[-1]), 'mr %r' % lines)
        s = m.sent(wait=2, count=1)[0]
        eq((s['to'], s['text'], s['encoding'], s['parts']),
           ('+84987654321', 'Hello from text mode', 'gsm7', 1), 'sent')
        # UCS2: number and text in hex, DCS 8.
        at.cmd('AT+CSCS="UCS2";+CSMP=17,167,0,8')
        to = '+84987654321'.encode('utf-16-be').hex().upper()
        body = 'Chào bạn'.encode('utf-16-be').hex().upper()
        eq(at.cmd('AT+CMGS="%s"' % to, body=body + '\x1a')[1], 'OK', 'UCS2 CMGS')
        s = m.sent(wait=2, count=1)[0]
        eq((s['text'], s['encoding']), ('Chào bạn', 'ucs2'), 'UCS2 sent')
        # Reading in text mode.
        at.cmd('AT+CSCS="GSM"')
        m.sms(FROM, 'Text mode read', time='2026-11-25T09:30:00+07:00')
        at.expect(rb'\+CMTI: "SM",0', 3)
        lines = at.cmd('AT+CMGR=0')[0]
        eq(lines, ['+CMGR: "REC UNREAD","+84912345678",,"26/11/25,09:30:00+28"', 'Text mode read'],
           'text CMGR')
        lines = at.cmd('AT+CMGL="ALL"')[0]
        eq(lines, ['+CMGL: 0,"REC READ","+84912345678",,"26/11/25,09:30:00+28"', 'Text mode read'],
           'text CMGL')
        # AT+CSDH=1: type of address and length; reading adds fo, PID, DCS, SMSC.
        at.cmd('AT+CSDH=1')
        eq(at.cmd('AT+CMGL="ALL"')[0][0],
           '+CMGL: 0,"REC READ","+84912345678",,"26/11/25,09:30:00+28",145,14', 'CSDH CMGL')
        eq(at.cmd('AT+CMGR=0')[0][0], '+CMGR: "REC READ","+84912345678",,"26/11/25,09:30:00+28",'
           '145,4,0,0,"+84980200030",145,14', 'CSDH CMGR')


def test_esc_cancels():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0')
        eq(at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR[:10] + '\x1b')[1], 'OK', 'ESC')
        eq(m.sent(), [], 'nothing sent')
        # The modem is back in command mode.
        eq(at.cmd('AT')[1], 'OK', 'AT after ESC')
        # A PDU whose length disagrees with AT+CMGS=<length> is refused.
        eq(at.cmd('AT+CMGS=5', body=SUBMIT_SRR + '\x1a')[1], '+CMS ERROR: 304', 'bad length')
        eq(at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')[1], 'OK', 'send')
        eq(len(m.sent(wait=2)), 1, 'sent once')


def test_cmt_and_cnma():
    with Modem(cnma_timeout=600) as m, m.at() as at:
        at.cmd('ATE0;+CSMS=1;+CNMI=2,2,0,0,0')
        m.sms(FROM, 'direct one')
        hdr = at.expect(rb'\r\n\+CMT: ,(\d+)\r\n([0-9A-F]+)\r\n', 3)
        eq(int(hdr.group(1)), tpdu_len(hdr.group(2).decode()), '+CMT length')
        eq(at.cmd('AT+CNMA')[1], 'OK', 'CNMA')
        eq(at.cmd('AT+CNMA')[1], '+CMS ERROR: 340', 'nothing to acknowledge')
        eq(m.status()['storage']['SM']['used'], 0, 'not stored')
        # No acknowledgement: the module stops routing (+CNMI mt=0) and the
        # network's retry lands on the SIM without indication.
        m.sms(FROM, 'never acked')
        at.expect(rb'\+CMT: ,\d+\r\n[0-9A-F]+\r\n', 3)
        m.wait('delivered', 3)
        eq(m.status()['storage']['SM']['used'], 1, 'stored after the timeout')
        eq(at.cmd('AT+CNMI?')[0], ['+CNMI: 2,0,0,0,0'], 'routing off')


def test_status_report():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0;+CNMI=2,1,0,1,0')
        lines, final = at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')
        eq(final, 'OK', 'send')
        mr = int(re.search(r'\+CMGS: (\d+)', lines[-1]).group(1))
        s = m.sent(wait=2)[0]
        eq((s['text'], s['status_report']), ('hello', True), 'sent with SRR')
        cds = at.expect(rb'\r\n\+CDS: (\d+)\r\n([0-9A-F]+)\r\n', 3)
        pdu = cds.group(2).decode()
        eq(int(cds.group(1)), tpdu_len(pdu), '+CDS length')
        tp = bytes.fromhex(pdu)[1 + int(pdu[:2], 16):]
        eq(tp[0] & 3, 2, 'SMS-STATUS-REPORT')
        eq(tp[1], mr, 'report carries the message reference')
        # ds=2: stored, +CDSI.
        at.cmd('AT+CNMI=2,1,0,2,0')
        at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')
        at.expect(rb'\+CDSI: "SM",0', 3)


def test_ussd():
    with Modem() as m, m.at() as at:
        at.cmd('ATE0;+CMEE=1')
        m.balance(1000, cost=350)
        m.ussd('*101#', 'TKC {balance}d')
        eq(at.cmd('AT+CUSD=1,"*101#",15')[1], 'OK', 'CUSD')
        eq(at.expect(rb'\+CUSD: (\d),"([^"]*)",(\d+)', 3).groups(), (b'0', b'TKC 1000d', b'15'), 'balance')
        # Every SMS part sent costs: the balance drops, then runs out.
        for _ in range(2):
            eq(at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')[1], 'OK', 'send')
        eq(at.cmd('AT+CMGS=%d' % tpdu_len(SUBMIT_SRR), body=SUBMIT_SRR + '\x1a')[1],
           '+CMS ERROR: 21', 'no credit')
        at.cmd('AT+CUSD=1,"*101#",15')
        eq(at.expect(rb'\+CUSD: 0,"([^"]*)"', 3).group(1), b'TKC 300d', 'dropped')
        # UCS2 character set: the code and the answer in hex (gammu's way).
        at.cmd('AT+CSCS="UCS2"')
        code = '*101#'.encode('utf-16-be').hex().upper()
        at.cmd('AT+CUSD=1,"%s",15' % code)
        got = at.expect(rb'\+CUSD: 0,"([0-9A-F]*)",15', 3).group(1)
        eq(bytes.fromhex(got.decode()).decode('utf-16-be'), 'TKC 300d', 'UCS2 answer')
        # A Vietnamese answer comes as UCS-2, DCS 72, whatever the set.
        at.cmd('AT+CSCS="GSM"')
        m.ussd('*102#', 'Tài khoản: 300đ')
        at.cmd('AT+CUSD=1,"*102#",15')
        got = at.expect(rb'\+CUSD: 0,"([0-9A-F]*)",72', 3).group(1)
        eq(bytes.fromhex(got.decode()).decode('utf-16-be'), 'Tài khoản: 300đ', 'DCS 72')
        # A menu: +CUSD: 1, then the answer to "1" is the entry "*100#*1".
        m.ussd('*100#', '1. Nap the\n2. Thoat', menu=True)
        m.ussd('*100#*1', 'Nhap ma the')
        at.cmd('AT+CUSD=1,"*100#",15')
        eq(at.expect(rb'\+CUSD: (\d),"', 3).group(1), b'1', 'menu open')
        at.cmd('AT+CUSD=1,"1",15')
        eq(at.expect(rb'\+CUSD: (\d),"([^"]*)"', 3).groups(), (b'0', b'Nhap ma the'), 'menu answer')
        at.cmd('AT+CUSD=1,"*999#",15')
        at.expect(rb'\+CUSD: 4\r\n', 3)
        eq(at.cmd('AT+CUSD=2')[1], 'OK', 'cancel')


def test_tcp_link_one_client():
    with Modem(tcp=True) as m:
        with m.at() as at:
            eq(at.cmd('AT')[1], 'OK', 'AT over TCP')
            with m.at() as second:
                second.expect(rb'Port already in use', 2)
            eq(at.cmd('AT+CGMM')[0], ['EC25'], 'first client still served')
        # The next client is served once the modem has seen the first one
        # leave; until then it is refused like the second (as ser2net does).
        deadline = time.monotonic() + 3
        while True:
            again = m.at()
            try:
                again.expect(rb'Port already in use', 0.2)
                again.close()
                check(time.monotonic() < deadline, 'still refused after 3 s')
            except ModemError:
                break
        with again:
            eq(again.cmd('AT')[1], 'OK', 'next client')


def test_port_reopen_and_multipart_delivery():
    with Modem() as m:
        with m.at() as at:
            at.cmd('ATE0')
        long = 'Bao cao thon 3: ' + 'tap huan 25 nguoi, ho tro 10 con bo. ' * 8
        eq(m.sms(FROM, long, ref16=True, order=[2, 1, 3], drop=[3]), 3, 'three parts')
        m.sms('VIETTEL', 'Khuyen mai', duplicate=True)
        m.wait('delivered')
        with m.at() as at:     # the port closed and reopened: still answers
            at.cmd('ATE0')
            lines = at.cmd('AT+CMGL=4')[0]
            eq(len(lines), 8, 'two parts + two copies = four messages')
            udh = [bytes.fromhex(lines[i]) for i in (1, 3)]
            for i, seq in ((0, 2), (1, 1)):
                tp = udh[i][1 + udh[i][0]:]
                check(tp[0] & 0x40, 'UDHI set')
                oa_len = tp[1]
                ud = tp[2 + 1 + (oa_len + 1) // 2 + 2 + 7 + 1:]
                eq(ud[1], 8, '16-bit reference IE')
                eq(ud[6], seq, 'part order as asked')
            eq(lines[5], lines[7], 'duplicate is the same PDU')


def test_control_socket_hostile_input():
    import socket
    with Modem() as m:
        def raw(data, read=True):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(m.control)    # blocking: waits for room in the backlog
            c.settimeout(3)
            c.sendall(data)
            out = b''
            while read and not out.endswith(b'\n'):
                chunk = c.recv(4096)
                if not chunk:
                    break
                out += chunk
            return c, out
        c, out = raw(b'not json\n')
        check(b'"ok": false' in out or b'"ok":false' in out, 'garbage answered with an error: %r' % out)
        c.close()
        for req in (b'[1,2]\n', b'{"cmd": 5}\n', b'{"cmd":"sms","from":"+84912345678"}\n',
                    b'{"cmd":"sms","from":"+849","text":"x","order":[9]}\n',
                    b'{"cmd":"sms","pdu":"0G"}\n', b'{"cmd":"fault","kind":"hang","value":-1}\n',
                    b'{"cmd":"wait","until":"forever"}\n', b'{"cmd":"ussd","code":"","reply":"x"}\n',
                    b'{"cmd":"sms","from":"+849","text":"x","time":"yesterday"}\n'):
            c, out = raw(req)
            check(b'false' in out, 'refused %r: %r' % (req, out))
            c.close()
        # Several requests on one line stream are answered in order.
        c, out = raw(b'{"cmd":"status"}\n{"cmd":"status"}\n')
        while out.count(b'\n') < 2:
            out += c.recv(65536)
        c.close()
        # An endless line is dropped with its client; a client that leaves
        # while its request waits costs nothing.
        c, _ = raw(b'{' + b'x' * 300000, read=False)
        c.close()
        c, _ = raw(b'{"cmd":"sent","wait":30}\n', read=False)
        c.close()
        clients = [raw(b'', read=False)[0] for _ in range(20)]   # more than it serves
        for k in clients:
            k.close()
        # The closed clients may still hold their slots for a moment; a
        # newcomer meanwhile is refused (reset), then served.
        deadline = time.monotonic() + 3
        while True:
            try:
                st = m.status()
                break
            except ConnectionResetError:
                check(time.monotonic() < deadline, 'refused for 3 s')
        eq(st['ok'], True, 'still serving')
        eq(m.sms('+84912345678', 'still delivering'), 1, 'sms after abuse')


if __name__ == '__main__':
    sys.exit(run_tests(globals()))
