#!/usr/bin/python3
"""test_gateway_faults.py: tinbaod against a misbehaving modem. Unplug and
replug (a new pty behind the same name), a hang, garbage on the line,
+CMS ERROR on send, a wrong PIN, a full SIM, no network for a while, a modem
reset: each time the daemon recovers by itself and loses nothing. Messages
arrive while the fault lasts; afterwards every one is stored once and
answered once.
"""
import collections
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, phone, e164, collaborators  # noqa: E402

N = 6


def send_batch(m, tag, n=N, first=0):
    exp = set()
    for k in range(first, first + n):
        text = 'BC DA4.1 HV %d %s %d' % (10 + k, tag, k)
        m.sms(phone(k % N), text)
        exp.add((e164(k % N), text))
    return exp


def settled(gw, m, n):
    def done():
        st = m.status()
        return (gw.q1('SELECT count(*) FROM messages') >= n
                and gw.q1('SELECT count(*) FROM messages WHERE handled_at IS NULL') == 0
                and gw.q1("SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')") == 0
                and st['network_queue'] == 0 and st['storage']['SM']['used'] == 0)
    return done


def check_all(c, gw, m, expected, label, allow_failed=0):
    rows = gw.q('SELECT id, sender, text FROM messages')
    got = collections.Counter((r[1], r[2]) for r in rows)
    c.eq(len(rows), len(expected), '%s: messages stored' % label)
    c.eq([k for k in expected if k not in got][:3], [], '%s: messages lost' % label)
    c.eq([k for k, v in got.items() if v > 1][:3], [], '%s: stored twice' % label)
    per = dict(gw.q('SELECT origin_msg_id, count(*) FROM outbox WHERE origin_msg_id > 0 GROUP BY 1'))
    c.eq([r[0] for r in rows if per.get(r[0]) != 1][:3], [], '%s: messages not answered exactly once' % label)
    sent = m.sent(wait=0)
    db = gw.q1("SELECT count(*) FROM outbox WHERE state IN ('sent', 'delivered')")
    c.eq(len(sent), db, '%s: replies on the network vs sent in the outbox' % label)


def start(m, **kw):
    gw = Gateway(m, users=collaborators(N), **kw)
    gw.modem_log = m.log
    gw.start()
    return gw


def unplug_and_replug(c):
    with Modem() as m:
        gw = start(m)
        exp = send_batch(m, 'truoc')
        gw.wait(settled(gw, m, len(exp)), 30, 'the first batch')
        m.fault('unplug', 3)
        exp |= send_batch(m, 'rut', first=N)	# the network keeps them for the SIM
        gw.wait(lambda: gw.log().count('-> ready') >= 2, 40, 'the modem back after the replug')
        exp |= send_batch(m, 'sau', first=2 * N)
        gw.wait(settled(gw, m, len(exp)), 40, 'all after the replug')
        c.check('lost' in gw.log(), 'the daemon noticed the port going away')
        check_all(c, gw, m, exp, 'unplug')
        c.eq(gw.stop(), 0, 'unplug: clean exit')


def hang(c):
    # A hung modem is noticed when the daemon next talks to it: here the
    # health check every 10 s, whose command times out after 3 s.
    with Modem() as m:
        gw = start(m, modem_conf={'health_every': '10s', 'command_timeout': '3s'})
        m.fault('hang', 15)
        exp = send_batch(m, 'treo')
        gw.wait(lambda: 'resynchronising' in gw.log(), 30, 'the daemon noticing the hang')
        gw.wait(settled(gw, m, len(exp)), 60, 'all after the hang')
        c.check('sync -> init' in gw.log(), 'the resync found the modem again')
        check_all(c, gw, m, exp, 'hang')
        c.eq(gw.stop(), 0, 'hang: clean exit')


def garbage(c):
    with Modem() as m:
        gw = start(m)
        for _ in range(3):
            m.fault('garbage', 700)
        exp = send_batch(m, 'rac')
        m.fault('garbage', 300)
        gw.wait(settled(gw, m, len(exp)), 30, 'all despite garbage')
        check_all(c, gw, m, exp, 'garbage')
        c.check(gw.running(), 'garbage: still running')
        c.eq(gw.stop(), 0, 'garbage: clean exit')


def cms_error_on_send(c):
    with Modem() as m:
        gw = start(m)
        m.fault('cms-error', 3, 38)	# network out of order, three times
        exp = send_batch(m, 'loi', n=2)
        gw.wait(settled(gw, m, len(exp)), 40, 'replies sent after +CMS ERROR')
        retried = gw.q1('SELECT max(attempts) FROM outbox')
        c.check(retried >= 2, 'a reply needed more than one attempt (%s)' % retried)
        c.check('+CMS ERROR: 38' in gw.log(), 'the error is in the log')
        check_all(c, gw, m, exp, 'cms-error')
        c.eq(gw.stop(), 0, 'cms-error: clean exit')


def wrong_pin(c):
    with Modem(pin='1234') as m:
        gw = Gateway(m, users=collaborators(N), modem_conf={'pin': '0000'})
        gw.start(wait_ready=False)
        gw.wait(lambda: 'sim-locked' in gw.log(), 20, 'the daemon giving up on the PIN')
        time.sleep(1.0)
        log = gw.log()
        c.eq(log.count('AT+CPIN=<pin>'), 1, 'the PIN was tried exactly once')
        c.check('0000' not in log, 'the PIN never appears in the log')
        c.check('REJECTED' in log, 'the daemon says so loudly')
        st = m.status()
        c.eq(st['sim'], 'SIM PIN', 'the SIM still wants its PIN (two tries left)')
        c.check(gw.running(), 'wrong PIN: still running, waiting')
        c.eq(gw.stop(), 0, 'wrong PIN: clean exit')
        health = dict(gw.q('SELECT key, value FROM modem_health'))
        c.eq(health.get('sim'), 'pin-rejected', 'health says pin-rejected')
        # With the right PIN the same SIM comes up.
        gw2 = Gateway(m, users=collaborators(N), modem_conf={'pin': '1234'}, tag='gw2')
        gw2.start()
        exp = send_batch(m, 'pin')
        gw2.wait(settled(gw2, m, len(exp)), 30, 'messages after the right PIN')
        check_all(c, gw2, m, exp, 'right PIN')
        c.eq(gw2.stop(), 0, 'right PIN: clean exit')


def sim_full(c):
    with Modem(slots=5) as m:
        exp = send_batch(m, 'day', n=3 * N)
        time.sleep(0.5)
        st = m.status()
        c.eq(st['storage']['SM']['used'], 5, 'the SIM is full before the start')
        c.check(st['network_queue'] > 0, 'the network holds the rest')
        gw = start(m)
        gw.wait(settled(gw, m, len(exp)), 40, 'everything from a full SIM')
        check_all(c, gw, m, exp, 'sim full')
        c.eq(gw.stop(), 0, 'sim full: clean exit')


def no_network(c):
    with Modem() as m:
        m.fault('no-network', 5)
        exp = send_batch(m, 'mat song', n=2)	# held by the network until it is back
        gw = Gateway(m, users=collaborators(N))
        gw.start(wait_ready=False)
        gw.wait(lambda: 'waiting for the network' in gw.log(), 20, 'a clear waiting status')
        gw.wait(settled(gw, m, len(exp)), 40, 'messages once the network is back')
        # And once more while ready: replies wait for the network.
        m.fault('no-network', 4)
        exp |= send_batch(m, 'lan hai', n=2, first=2)
        gw.wait(settled(gw, m, len(exp)), 40, 'messages after the second outage')
        check_all(c, gw, m, exp, 'no network')
        c.eq(gw.stop(), 0, 'no network: clean exit')


def modem_reset(c):
    with Modem() as m:
        gw = start(m)
        m.fault('reset')
        exp = send_batch(m, 'khoi dong')
        gw.wait(settled(gw, m, len(exp)), 60, 'all after a modem reset')
        check_all(c, gw, m, exp, 'reset')
        c.eq(gw.stop(), 0, 'reset: clean exit')


def disk_full(c):
    # TINBAO_FAULT_STORE=n: the n-th database write after start fails as if
    # the disk were full. Swept over the first writes of a start (users,
    # the pid, requeue, health, the received parts, dispatch, outbox): whichever it
    # hits, a message concerned stays on the SIM and the next sweep (every
    # 10 s here) stores it; nothing is lost or doubled.
    with Modem() as m:
        exp = set()
        kept = 0
        db = os.path.join(m.dir, 'disk.db')
        for n in range(0, 15):	# 0: a first start that seeds the users
            exp |= send_batch(m, 'dia%d' % n, n=2, first=len(exp))
            time.sleep(0.2)
            os.environ['TINBAO_FAULT_STORE'] = str(n)
            try:
                gw = Gateway(m, users=collaborators(N), modem_conf={'sweep_every': '10s'}, tag='disk')
                with open(gw.conf) as f:
                    text = f.read()
                with open(gw.conf, 'w') as f:
                    f.write(text.replace(gw.db, db))
                gw.db = db
                gw.start()
            finally:
                del os.environ['TINBAO_FAULT_STORE']
            gw.wait(settled(gw, m, len(exp)), 40, 'everything stored after write %d failed' % n)
            if 'on the SIM until' in gw.log():
                kept += 1
            print('write %d: %s' % (n, '; '.join(l[13:90] for l in gw.log().splitlines()
                                                 if 'injected' in l) or '(a write that is not logged)'))
            c.eq(gw.stop(), 0, 'disk full n=%d: clean exit' % n)
            os.unlink(gw.log_path)
        c.check(kept >= 1, 'some failed write kept a message on the SIM, saying why (%d rounds)' % kept)
        check_all(c, gw, m, exp, 'disk full')


def main():
    c = Checks()
    for fn in (unplug_and_replug, hang, garbage, cms_error_on_send, wrong_pin, sim_full, no_network,
               modem_reset, disk_full):
        c.run(fn)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
