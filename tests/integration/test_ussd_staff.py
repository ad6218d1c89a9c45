#!/usr/bin/python3
"""tests/integration/test_ussd_staff.py: USSD on the gateway's own modem,
end to end through tinbaod and the virtual modem: the credit check at start
with a low balance alerts staff exactly once (also across a restart), staff
run USSD codes by SMS and get the network's answer back by SMS, a menu
session is answered and cancelled, a top-up card never reaches the database
in clear, collaborators may not use the command, a network refusal
(+CME ERROR: 30) is retried, `tinbao status` and the weekly summary show
the balance, and a SIGHUP (new credit section) keeps staff commands working.
The daemon wiring it exercises is described in docs/ussd.md ("Wiring").

Prints "N passed, N failed"; exits non-zero on failure."""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, build_dir, collaborators  # noqa: E402

STAFF = '0910000100'
STAFF_E164 = '+84910000100'


def replies_to(m, who, n, wait=20):
    got = m.sent(wait=wait, count=n)
    return [s['text'] for s in got if s['to'] == who]


def scenario(c, m, gw):
    # 1. at start the balance (3000) is below the threshold: one alert
    gw.wait(lambda: gw.q1('SELECT count(*) FROM credit_readings') == 1, 30, 'the first credit reading')
    c.eq(gw.q1('SELECT balance FROM credit_readings'), 3000.0, 'balance read')
    alerts = replies_to(m, STAFF_E164, 1)
    c.check(len(alerts) == 1 and '3.000' in alerts[0], 'one low-balance alert: %r' % alerts)
    c.check('TKC 3000d' in gw.q1('SELECT raw FROM credit_readings'), 'raw reply kept')
    # `tinbao status` shows the balance, in text and JSON
    st = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'status'],
                        capture_output=True, text=True, timeout=30)
    line = [x for x in st.stdout.splitlines() if x.startswith('credit ')]
    c.check(st.returncode == 0 and len(line) == 1 and ' 3000 (*101#' in line[0]
            and 'below' in line[0], 'tinbao status credit line: %r' % line)
    st = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'status', '--json'],
                        capture_output=True, text=True, timeout=30)
    cr = json.loads(st.stdout).get('credit') if st.returncode == 0 else None
    c.check(cr is not None and cr['balance'] == 3000 and cr['low'] is True,
            'tinbao status --json credit: %r' % cr)
    # the weekly summary's gateway line carries it too
    st = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf, 'summary'],
                        capture_output=True, text=True, timeout=30)
    c.check(st.returncode == 0 and 'TK 3000d' in st.stdout, 'weekly summary shows the balance: %r'
            % st.stdout[-200:])

    # 2. staff: USSD *101# -> the answer by SMS
    m.sms(STAFF, 'USSD *101#')
    r = replies_to(m, STAFF_E164, 1)
    c.check(len(r) == 1 and r[0].startswith('USSD *101#: TKC 3000d'), 'USSD *101# answered: %r' % r)

    # 3. a menu: open, answer, cancel
    m.ussd('*100#', 'Chon:\n1. Nap the\n2. Thoat', menu=True)
    m.ussd('*100#*2', 'Tam biet')
    m.sms(STAFF, 'ussd *100#')
    r = replies_to(m, STAFF_E164, 1)
    c.check(len(r) == 1 and '1. Nap the' in r[0] and 'USSD HUY' in r[0], 'menu opened: %r' % r)
    m.sms(STAFF, 'USSD 2')
    r = replies_to(m, STAFF_E164, 1)
    c.check(len(r) == 1 and r[0] == 'USSD 2: Tam biet', 'menu answered: %r' % r)
    # (a different text: the same one again within the second is, rightly,
    # taken for the network delivering the first SMS twice)
    m.sms(STAFF, 'Ussd * 100 #')
    r = replies_to(m, STAFF_E164, 1)
    c.check(len(r) == 1 and '1. Nap the' in r[0], 'menu opened again: %r' % r)
    m.sms(STAFF, 'USSD HUY')
    r = replies_to(m, STAFF_E164, 1)
    c.check(len(r) == 1 and 'da huy' in r[0], 'menu cancelled: %r' % r)

    # 4. top-up: the card is masked in the reply and gone from the database
    m.ussd('*100*123456789012#', 'Nap thanh cong 50000d')
    m.sms(STAFF, 'NAP 1234 5678 9012')
    r = replies_to(m, STAFF_E164, 1)
    c.check(len(r) == 1 and '1234xxxx9012' in r[0] and 'Nap thanh cong' in r[0], 'top-up: %r' % r)
    leaks = gw.q1("SELECT count(*) FROM ussd_requests WHERE code LIKE '%123456789012%'"
                  " OR logged LIKE '%123456789012%'") + \
        gw.q1("SELECT count(*) FROM ussd_log WHERE request LIKE '%123456789012%'")
    c.eq(leaks, 0, 'card number kept in clear')

    # 5. a collaborator may not run USSD
    m.sms('0910000000', 'USSD *101#')
    r = replies_to(m, '+84910000000', 1)
    c.check(len(r) == 1 and 'USSD *101#:' not in r[0], 'collaborator refused: %r' % r)
    c.eq(gw.q1("SELECT count(*) FROM ussd_requests WHERE phone = '+84910000000'"), 0, 'no request queued')

    # 6. the network refuses once (+CME ERROR: 30): retried, answered
    m.fault('no-network', 1)
    m.sms(STAFF, 'USSD *101#')
    time.sleep(1.0)
    m.fault('no-network', 0)
    r = replies_to(m, STAFF_E164, 1, wait=30)
    c.check(len(r) == 1 and r[0].startswith('USSD *101#: TKC'), 'retried after +CME ERROR: 30: %r' % r)

    # 7. SIGHUP swaps the configuration (the credit section with it): the
    # service lets go of the old one and staff commands still run
    gw.signal(signal.SIGHUP)
    gw.wait(lambda: gw.log().count('tinbaod: reloaded') >= 1, 10, 'the reload')
    m.sms(STAFF, 'ussd  *101#')
    r = replies_to(m, STAFF_E164, 1)
    c.check(len(r) == 1 and r[0].startswith('USSD *101#: TKC'), 'USSD after SIGHUP: %r' % r)

    # 8. a restart: no second alert, no new reading before `every`
    c.eq(gw.stop(), 0, 'clean stop')
    gw.start()
    time.sleep(2)
    c.eq(gw.q1('SELECT count(*) FROM credit_readings'), 1, 'no reading before every')
    c.eq(gw.q1("SELECT count(*) FROM outbox WHERE slot LIKE 'credit-low:%'"), 1, 'still one alert')


def main():
    c = Checks()
    with Modem(profile='ec25') as m:
        m.balance(3000, cost=0)
        users = collaborators(1) + [{'phone': STAFF, 'name': 'Can bo', 'role': 'staff',
                                     'commune': 'am-ha', 'village': ''}]
        gw = Gateway(m, users=users)
        with open(gw.conf, 'a') as f:
            f.write('credit = { code = "*101#"; every = "6h"; threshold = 10000; '
                    'alert = [ "role:staff" ]; topup = "*100*{code}#"; };\n')
        gw.start()
        c.run(scenario, m, gw)
        c.eq(gw.stop(), 0, 'tinbaod exit status')
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
