#!/usr/bin/python3
"""test_gateway_daemon.py: tinbaod as a process. -t on the shipped config
and on broken ones, SIGHUP reloads users without touching the modem, SIGTERM
exits cleanly, the modem over tcp://, a second daemon refused by the port
lock, a usb: identity that is not plugged in (the libserialport path says
why and the daemon waits), idle quiet (no wake-ups beyond the configured
checks), and a short session under valgrind when the build allows it.
"""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, ROOT, build_dir, phone, e164, collaborators  # noqa: E402


def tinbaod(*args, env=None):
    p = subprocess.run([os.path.join(build_dir(), 'tinbaod')] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30, env=env)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def check_config(c):
    rc, out, err = tinbaod('-t', '-c', os.path.join(ROOT, 'config', 'tinbao.conf'))
    c.eq(rc, 0, 'tinbaod -t on the shipped config: exit status (%s)' % err.strip()[:200])
    c.check('modem = {' in out and 'device = ' in out, 'the normalised config is printed')
    c.check('"/dev/ttyGSM"' in out, 'the shipped device is the udev name')
    tmp = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'tinbaod-t-%d.conf' % os.getpid())
    with open(tmp, 'w') as f:
        f.write('modem = {\n\tdevice = "/dev/ttyGSM";\n\tbaud = "fast";\n\tcolour = "red";\n};\n'
                'database = { path = "x.db"; };\n')
    try:
        rc, out, err = tinbaod('-t', '-c', tmp)
    finally:
        os.unlink(tmp)
    c.check(rc != 0, 'a broken config is refused (exit %d)' % rc)
    c.check(re.search(re.escape(tmp) + r':3:', err) is not None, 'errors name FILE:LINE: %r' % err[:300])
    c.check('colour' in err, 'the unknown key is named')
    rc, out, err = tinbaod('--nonsense')
    c.eq(rc, 2, 'an unknown option: usage, exit 2')
    rc, out, err = tinbaod('-h')
    c.check(rc == 0 and '-t' in out, 'tinbaod -h prints the usage')


def hup_and_term(c):
    with Modem() as m:
        gw = Gateway(m, users=collaborators(2))
        gw.start()
        m.sms(phone(0), 'BC DA4.1 HV 11')
        gw.wait(lambda: gw.q1("SELECT count(*) FROM outbox WHERE state IN ('sent','delivered')") == 1,
                20, 'the first reply')
        c.eq(gw.q1('SELECT count(*) FROM users'), 2, 'users seeded from the config')
        # A third collaborator in the config, then SIGHUP.
        with open(gw.conf) as f:
            text = f.read()
        text = text.replace('\n);', ',\n\t{ phone = "%s"; name = "CTV moi"; role = "collaborator"; '
                            'commune = "am-ha"; village = "am-ha/thon-2"; }\n);' % phone(7))
        with open(gw.conf, 'w') as f:
            f.write(text)
        opened = gw.log().count('modem: opened')
        gw.signal(signal.SIGHUP)
        gw.wait(lambda: 'reloaded' in gw.log(), 10, 'the reload')
        c.eq(gw.q1('SELECT count(*) FROM users WHERE phone = ?', (e164(7),)), 1, 'the new user is in')
        c.eq(gw.log().count('modem: opened'), opened, 'SIGHUP did not touch the modem')
        # A broken config on SIGHUP is refused; the daemon keeps running.
        with open(gw.conf, 'a') as f:
            f.write('nonsense = ;\n')
        gw.signal(signal.SIGHUP)
        gw.wait(lambda: 'keeping the running configuration' in gw.log(), 10, 'the refusal')
        m.sms(phone(7), 'BC DA4.1 HV 12')
        gw.wait(lambda: gw.q1("SELECT count(*) FROM outbox WHERE state IN ('sent','delivered')") == 2,
                20, 'a reply after the refused reload')
        c.eq(gw.stop(), 0, 'SIGTERM: exit status 0')
        log = gw.log()
        c.check('finishing the exchange in flight' in log and 'stopped' in log, 'SIGTERM is logged')
        events = [r[0] for r in gw.q("SELECT what FROM events WHERE what LIKE 'daemon.%' ORDER BY id")]
        c.eq(events[-2:], ['daemon.start', 'daemon.stop'], 'start and stop are in the event log')


def tcp_link(c):
    with Modem(tcp=True) as m:
        gw = Gateway(m, users=collaborators(2))
        gw.start()
        c.check(('tcp://' + m.port) in gw.log(), 'the daemon talks to tcp://%s' % m.port)
        m.sms(phone(1), 'BC DA4.1 HV 13')
        sent = m.sent(wait=20, count=1)
        c.eq([s['to'] for s in sent], [e164(1)], 'a reply over TCP')
        c.eq(gw.stop(), 0, 'tcp: clean exit')


def second_daemon_refused(c):
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1))
        gw.start()
        gw2 = Gateway(m, users=collaborators(1), tag='second')
        gw2.start(wait_ready=False)
        gw2.wait(lambda: 'in use by another program' in gw2.log(), 15, 'the lock refusing the second')
        c.check(gw.running() and gw2.running(), 'both keep running; the second waits for the port')
        m.sms(phone(0), 'BC DA4.1 HV 14')
        sent = m.sent(wait=20, count=1)
        c.eq(len(sent), 1, 'the first daemon still answers, once')
        c.eq(gw2.q1('SELECT count(*) FROM messages'), 0, 'the second stored nothing')
        c.eq(gw2.stop(), 0, 'second: clean exit')
        c.eq(gw.stop(), 0, 'first: clean exit')


def usb_identity_missing(c):
    with Modem() as m:
        gw = Gateway(m, modem_conf={'device': 'usb:2c7c:0125:2'})
        gw.start(wait_ready=False)
        gw.wait(lambda: 'cannot open usb:2c7c:0125:2' in gw.log(), 10, 'the reason')
        c.check('no USB serial port 2c7c:0125 (interface 2) is plugged in' in gw.log(),
                'libserialport enumeration says what is missing')
        time.sleep(1.5)
        c.check(gw.running(), 'the daemon waits for the modem instead of exiting')
        c.eq(gw.stop(), 0, 'usb: clean exit while waiting')
        health = dict(gw.q('SELECT key, value FROM modem_health'))
        c.check(health.get('state') != 'ready', 'health does not claim ready (%r)' % health.get('state'))


def reply_cap(c):
    # An auto-responder answering every reply would loop for ever at the
    # SIM's expense: at most limits.replies_per_hour_per_number go out.
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1), limits={'replies_per_hour_per_number': 3})
        gw.start()
        for k in range(6):
            m.sms(phone(0), 'BC DA4.1 HV %d lan %d' % (30 + k, k))
        gw.wait(lambda: gw.q1("SELECT count(*) FROM outbox WHERE state IN ('queued','sending')") == 0
                and gw.q1('SELECT count(*) FROM messages WHERE handled_at IS NULL') == 0
                and gw.q1('SELECT count(*) FROM messages') == 6, 30, 'six handled')
        sent = m.sent(wait=2, count=3)
        time.sleep(0.5)
        sent += m.sent(wait=0)
        c.eq(len(sent), 3, 'three replies went out')
        failed = gw.q("SELECT last_error FROM outbox WHERE state = 'failed'")
        c.eq(len(failed), 3, 'three replies held back')
        c.check(all('cap' in (f[0] or '') for f in failed), 'with the reason: %r' % failed[:1])
        c.eq(gw.stop(), 0, 'cap: clean exit')


def ctx_switches(pid):
    with open('/proc/%d/status' % pid) as f:
        s = f.read()
    return sum(int(x) for x in re.findall(r'(?:non)?voluntary_ctxt_switches:\s+(\d+)', s))


def idle_quiet(c):
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1))
        gw.start()
        m.sms(phone(0), 'BC DA4.1 HV 15')
        m.sent(wait=20, count=1)
        time.sleep(1.0)	# delivery report, last writes
        pid = gw.proc.pid
        before = ctx_switches(pid)
        time.sleep(4.0)
        after = ctx_switches(pid)
        # Checks are configured at 1 min and more: 4 s idle is silence.
        c.check(after - before <= 2, 'idle: %d context switches in 4 s' % (after - before))
        c.eq(gw.stop(), 0, 'idle: clean exit')


def is_asan(path):
    with open(path, 'rb') as f:
        return b'__asan_init' in f.read()


def valgrind_session(c):
    binary = os.path.join(build_dir(), 'tinbaod')
    if is_asan(binary) or subprocess.run(['which', 'valgrind'], stdout=subprocess.DEVNULL).returncode:
        print('valgrind session skipped: %s is an ASan build (see docs/daemon.md: run '
              'TINBAO_VALGRIND=1 with a plain build)' % binary)
        return
    old = os.environ.get('TINBAO_VALGRIND')
    os.environ['TINBAO_VALGRIND'] = '1'
    try:
        with Modem() as m:
            gw = Gateway(m, users=collaborators(2))
            gw.start(timeout=90)
            for k in range(3):
                m.sms(phone(k % 2), 'BC DA4.1 HV %d' % (20 + k))
            m.sms(phone(1), 'x' * 400)	# multipart, unknown text: a hint
            gw.wait(lambda: gw.q1("SELECT count(*) FROM outbox WHERE state IN ('sent','delivered')") >= 4,
                    90, 'replies under valgrind')
            gw.signal(signal.SIGHUP)
            gw.wait(lambda: 'reloaded' in gw.log(), 30, 'reload under valgrind')
            rc = gw.stop(timeout=90)
            c.eq(rc, 0, 'valgrind: no errors, no leaks (exit %s); log tail: %s' % (rc, gw.log()[-1500:]))
    finally:
        if old is None:
            del os.environ['TINBAO_VALGRIND']
        else:
            os.environ['TINBAO_VALGRIND'] = old


def main():
    c = Checks()
    for fn in (check_config, hup_and_term, tcp_link, second_daemon_refused, usb_identity_missing,
               reply_cap, idle_quiet, valgrind_session):
        c.run(fn)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
