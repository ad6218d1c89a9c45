#!/usr/bin/python3
"""test_gateway_outbox.py: the send queue through the real tinbaod and
tinbao-modem, with exact values.

- Delivery reports: a reply asks for one; the modem's +CDS (AT+CNMI ds=1)
  and, with direct delivery, its stored report announced by +CDSI (ds=2)
  make the row `delivered`, a two-part message only once both parts are; a
  report saying "still trying" (TP-ST 0x20) changes nothing and a permanent
  error (0x41) makes the row `failed` with the reason (the network side
  hands the gateway a STATUS-REPORT PDU, as a SIM holding a +CDSI report
  would).
- send_attempts used up: `+CMS ERROR: 500` on more sends than
  limits.send_attempts: the row ends `failed` with the reason after exactly
  that many attempts, is not tried again, `tinbao outbox` shows it, and the
  next row still goes out.
- `tinbao send` wakes the real daemon (its pid, recorded as health key
  `pid`, superseded by a restart, removed at a clean exit).
- SIGTERM while an AT+CMGS is in flight: a slow modem (`slow`) finishes the
  exchange (sent once, not again after a restart); a hung one (`hang`)
  leaves the row queued with the attempt counted, and the restarted daemon
  sends it, once; stopped between the two parts of a message, the row is
  left `sending` without counting an attempt and resumes at part 2.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, build_dir, phone, e164, collaborators  # noqa: E402


def tinbao(gw, *args):
    p = subprocess.run([os.path.join(build_dir(), 'tinbao'), '-c', gw.conf] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def outbox_json(gw):
    rc, out, err = tinbao(gw, 'outbox', '--json')
    assert rc == 0, err
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _semi(digits):
    """BCD semi-octets, low nibble first (23.040 9.1.2.3)."""
    if len(digits) % 2:
        digits += 'F'
    return ''.join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2))


def status_report_pdu(mr, to, st):
    """An SMS-STATUS-REPORT as the network sends it (23.040 9.2.2.3),
    hex with an empty SMSC prefix: MTI 10 and MMS, TP-MR, TP-RA
    (international), TP-SCTS and TP-DT (now, +07:00), TP-ST."""
    digits = to.lstrip('+')
    t = time.gmtime(time.time() + 7 * 3600)
    stamp = _semi('%02d%02d%02d%02d%02d%02d' % (t.tm_year % 100, t.tm_mon, t.tm_mday, t.tm_hour,
                                                t.tm_min, t.tm_sec)) + _semi('28')
    return '00' + '06%02X%02X91%s%s%s%02X' % (mr, len(digits), _semi(digits), stamp, stamp, st)


def health(gw):
    return dict(gw.q('SELECT key, value FROM modem_health'))


def delivered_by_cds(c):
    # AT+CNMI=2,1,0,1,0: the report comes as +CDS with its PDU, 300 ms
    # after the send; a two-part message (tinbao send) is delivered only
    # when both parts are.
    with Modem() as m:
        gw = Gateway(m, users=collaborators(2))
        gw.start()
        m.sms(phone(0), 'BC DA4.1 HV 21')
        sent = m.sent(wait=20, count=1)
        c.eq([(s['to'], s['parts'], s['status_report']) for s in sent], [(e164(0), 1, True)],
             'cds: one reply, asking for a status report')
        gw.wait(lambda: gw.q1('SELECT state FROM outbox WHERE id = 1') == 'delivered', 10,
                'the reply delivered')
        mr = sent[0]['mr'][0]
        c.eq(gw.q('SELECT seq, mr, state, status FROM outbox_parts WHERE outbox_id = 1'),
             [(1, mr, 'delivered', 0)], 'cds: the part, its reference and TP-ST')
        c.eq(gw.q('SELECT mr, recipient, status, outbox_id FROM status_reports'),
             [(mr, e164(0), 0, 1)], 'cds: the report is kept and matched')
        c.check('delivery report for outbox 1: status 0x00' in gw.log(), 'cds: logged')
        long_text = 'Thong bao: ' + 'hop giao ban cong tac giam ngheo quy 4 tai UBND xa. ' * 4
        rc, out, err = tinbao(gw, 'send', phone(1), long_text.strip())
        c.check(rc == 0 and 'tinbaod told' in out, 'cds: tinbao send: %r %r' % (out, err))
        sent = m.sent(wait=10, count=1)
        c.eq([(s['to'], s['parts']) for s in sent], [(e164(1), 2)], 'cds: two parts sent')
        gw.wait(lambda: gw.q1('SELECT state FROM outbox WHERE id = 2') == 'delivered', 10,
                'the two-part message delivered')
        c.eq(gw.q('SELECT seq, mr, state, status FROM outbox_parts WHERE outbox_id = 2 ORDER BY seq'),
             [(1, sent[0]['mr'][0], 'delivered', 0), (2, sent[0]['mr'][1], 'delivered', 0)],
             'cds: both parts delivered')
        rows = sorted(outbox_json(gw), key=lambda r: r['id'])	# newest first
        c.eq([(r['id'], r['state'], r['attempts'], r['parts_sent'], r['delivered_at'] is not None)
              for r in rows], [(1, 'delivered', 1, 1, True), (2, 'delivered', 1, 2, True)],
             'cds: tinbao outbox --json')
        rc, out, err = tinbao(gw, 'status', '--json')
        st = json.loads(out)
        c.eq((st['outbox']['delivered'], st['outbox']['sent'], st['outbox']['failed']), (2, 0, 0),
             'cds: tinbao status queue depths')
        c.eq(gw.stop(), 0, 'cds: clean exit')


def delivered_by_cdsi(c):
    # Direct delivery: AT+CNMI=2,2,0,2,0 stores the report on the SIM and
    # announces it with +CDSI; the gateway reads it like a message and
    # deletes it.
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1), modem_conf={'direct_delivery': True})
        gw.start()
        c.eq(m.status()['settings'].get('cnmi'), [2, 2, 0, 2, 0], 'cdsi: the modem routes as asked')
        m.sms(phone(0), 'BC DA4.1 HV 23')
        sent = m.sent(wait=20, count=1)
        c.eq(len(sent), 1, 'cdsi: one reply')
        gw.wait(lambda: gw.q1('SELECT state FROM outbox WHERE id = 1') == 'delivered', 10,
                'the reply delivered through +CDSI')
        c.eq(gw.q('SELECT seq, mr, state, status FROM outbox_parts'),
             [(1, sent[0]['mr'][0], 'delivered', 0)], 'cdsi: the part delivered')
        m.wait('sim-empty', timeout=10)
        c.eq(m.status()['storage']['SM']['used'], 0, 'cdsi: the stored report left the SIM')
        c.eq(gw.stop(), 0, 'cdsi: clean exit')


def failed_delivery_report(c):
    # The modem's own reports always say "delivered" (TP-ST 0), so the
    # replies here ask for none and the network side delivers reports
    # made here: 0x20 (the SMSC is still trying), then 0x41 (incompatible
    # destination, permanent).
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1), modem_conf={'status_reports': False})
        gw.start()
        m.sms(phone(0), 'BC DA4.1 HV 24')
        sent = m.sent(wait=20, count=1)
        c.eq([s['status_report'] for s in sent], [False], 'status_reports = false: none asked for')
        gw.wait(lambda: gw.q1('SELECT state FROM outbox WHERE id = 1') == 'sent', 10, 'sent')
        mr = sent[0]['mr'][0]
        m.sms_pdu(status_report_pdu(mr, e164(0), 0x20))
        gw.wait(lambda: gw.q1('SELECT count(*) FROM status_reports') == 1, 10, 'the 0x20 report')
        c.eq(gw.q('SELECT state, last_error FROM outbox'), [('sent', None)],
             'TP-ST 0x20 (still trying) changes nothing')
        c.eq(gw.q('SELECT state, status FROM outbox_parts'), [('sent', None)],
             'nor the part')
        final = status_report_pdu(mr, e164(0), 0x41)
        m.sms_pdu(final)
        gw.wait(lambda: gw.q1('SELECT count(*) FROM status_reports') == 2, 10, 'the 0x41 report')
        c.eq(gw.q('SELECT state, last_error FROM outbox'),
             [('failed', 'not delivered (status 0x41, part 1)')], 'TP-ST 0x41: failed, with why')
        c.eq(gw.q('SELECT state, status FROM outbox_parts'), [('failed', 0x41)], 'the part failed')
        c.eq(gw.q('SELECT status, outbox_id FROM status_reports ORDER BY id'), [(0x20, 1), (0x41, 1)],
             'both reports kept and matched')
        rc, out, err = tinbao(gw, 'outbox')
        c.check(rc == 0 and 'failed' in out and '(not delivered (status 0x41, part 1))' in out,
                'tinbao outbox shows the failure: %r' % out)
        # The same report again (the network repeating it) is kept once.
        m.sms_pdu(final)
        m.wait('delivered', timeout=10)	# on the SIM
        m.wait('sim-empty', timeout=10)	# committed, then deleted
        c.eq(gw.q1('SELECT count(*) FROM status_reports'), 2, 'the repeated report kept once')
        c.eq(gw.q('SELECT state FROM outbox'), [('failed',)], 'still failed')
        c.eq(gw.q1('SELECT count(*) FROM messages'), 1, 'reports never become messages')
        c.eq(m.sent(wait=0), [], 'nothing sent again')
        c.eq(gw.stop(), 0, 'report failed: clean exit')


def send_attempts_used_up(c):
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1),
                     limits={'send_attempts': 3, 'send_backoff': '1s', 'send_backoff_max': '1s'})
        gw.start()
        m.fault('cms-error', 5, 500)	# two more than send_attempts
        m.sms(phone(0), 'BC DA4.1 HV 25')
        gw.wait(lambda: gw.q1('SELECT state FROM outbox WHERE id = 1') == 'failed', 30,
                'the reply failed')
        c.eq(gw.q('SELECT state, attempts, parts_sent, last_error FROM outbox'),
             [('failed', 3, 0, '+CMS ERROR: 500')], 'failed after exactly send_attempts')
        time.sleep(2.5)	# more than the backoff: no fourth attempt
        c.eq(gw.q1('SELECT attempts FROM outbox WHERE id = 1'), 3, 'not tried again')
        log = gw.log()
        c.eq(log.count('sending outbox 1 to %s failed (+CMS ERROR: 500); will retry' % e164(0)), 2,
             'two retries logged')
        c.eq(log.count('sending outbox 1 to %s failed (+CMS ERROR: 500); giving up' % e164(0)), 1,
             'giving up logged once')
        c.eq(m.status()['faults']['cms_error'], 2, 'the modem saw exactly three AT+CMGS')
        c.eq(m.sent(wait=0), [], 'nothing reached the network')
        rc, out, err = tinbao(gw, 'outbox')
        line = out.splitlines()[0] if out else ''
        c.check(rc == 0 and 'failed' in line and 'attempts 3' in line and '(+CMS ERROR: 500)' in line,
                'tinbao outbox: %r' % line)
        rows = outbox_json(gw)
        c.eq([(r['state'], r['attempts'], r['last_error']) for r in rows],
             [('failed', 3, '+CMS ERROR: 500')], 'tinbao outbox --json')
        rc, out, err = tinbao(gw, 'status', '--json')
        c.eq(json.loads(out)['outbox']['failed'], 1, 'tinbao status: one failed')
        # The queue goes on: the next reply takes the two errors left and
        # goes out at its third attempt.
        m.sms(phone(0), 'BC DA4.1 HV 26')
        sent = m.sent(wait=20, count=1)
        c.eq([s['to'] for s in sent], [e164(0)], 'the next reply goes out')
        gw.wait(lambda: gw.q1("SELECT state FROM outbox WHERE id = 2") in ('sent', 'delivered'), 10,
                'the next reply sent')
        c.eq(gw.q('SELECT attempts, last_error FROM outbox WHERE id = 2'), [(3, '+CMS ERROR: 500')],
             'at its third attempt')
        c.eq(gw.q1('SELECT state FROM outbox WHERE id = 1'), 'failed', 'the failed one stays failed')
        c.eq(gw.stop(), 0, 'attempts: clean exit')


def send_wakes_daemon(c):
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1))	# outbox_check_every 1m
        gw.start()
        c.eq(health(gw).get('pid'), str(gw.proc.pid), 'the daemon records its pid')
        rc, out, err = tinbao(gw, 'send', phone(3), 'Hop luc 8h sang mai')
        c.eq((rc, out.strip()), (0, 'queued #1 to %s; tinbaod told' % e164(3)), 'tinbao send')
        sent = m.sent(wait=5, count=1)
        c.eq([(s['to'], s['text']) for s in sent], [(e164(3), 'Hop luc 8h sang mai')],
             'the SMS reaches the network at once, not at the next outbox check')
        # A crash leaves its pid; the next start supersedes it.
        old = gw.proc.pid
        gw.kill()
        c.eq(health(gw).get('pid'), str(old), 'a crash leaves the pid behind')
        rc, out, err = tinbao(gw, 'send', phone(3), 'Khong ai nghe')
        c.eq((rc, out.strip()), (0, 'queued #2 to %s; tinbaod sends it at its next outbox check'
                                 % e164(3)), 'a dead pid is not told')
        gw.start()
        c.eq(health(gw).get('pid'), str(gw.proc.pid), 'the restart records its own pid')
        sent = m.sent(wait=10, count=1)
        c.eq([s['text'] for s in sent], ['Khong ai nghe'], 'queued while down: sent at the start')
        rc, out, err = tinbao(gw, 'send', phone(3), 'Lan thu ba')
        c.check(rc == 0 and out.strip().endswith('tinbaod told'), 'send after the restart: %r' % out)
        sent = m.sent(wait=5, count=1)
        c.eq([s['text'] for s in sent], ['Lan thu ba'], 'the restarted daemon is woken too')
        c.eq(gw.stop(), 0, 'pid: clean exit')
        c.eq(health(gw).get('pid'), None, 'a clean exit removes the pid')


def wait_log(gw, text, timeout):
    gw.wait(lambda: text in gw.log(), timeout, repr(text))


def sigterm_during_cmgs_slow(c):
    # Every answer of the modem 1.5 s late: SIGTERM after AT+CMGS went
    # out; the daemon waits for the prompt, sends the PDU, waits for
    # +CMGS, records the row sent, and exits 0.
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1))
        gw.start()
        m.fault('slow', 1500)
        before = gw.log().count('modem -> AT+CMGS=')
        rc, out, err = tinbao(gw, 'send', phone(4), 'Hop luc 9h')
        c.check(rc == 0 and 'tinbaod told' in out, 'slow: queued: %r' % out)
        gw.wait(lambda: gw.log().count('modem -> AT+CMGS=') > before, 10, 'AT+CMGS written')
        c.eq(gw.stop(timeout=20), 0, 'slow: exit status after SIGTERM')	# one SIGTERM
        log = gw.log()
        term = log.rfind('SIGTERM: finishing the exchange in flight')
        c.check(0 <= term < log.rfind('sent outbox 1 to') < log.rfind('exiting'),
                'slow: the exchange finished between SIGTERM and the exit')
        # The +CDS is due 300 ms after the send, inside the modem's 1.5 s
        # hold: it may come with the +CMGS answer and be stored on the way out.
        c.eq(gw.q("SELECT state IN ('sent', 'delivered'), attempts, parts_sent, last_error FROM outbox"),
             [(1, 1, 1, None)], 'slow: the row is sent, one attempt')
        m.fault('slow', 0)
        sent = m.sent(wait=5, count=1)
        c.eq([(s['to'], s['text']) for s in sent], [(e164(4), 'Hop luc 9h')], 'slow: on the network once')
        gw.start()
        time.sleep(1.5)
        c.eq(m.sent(wait=0), [], 'slow: not sent again after the restart')
        c.eq(gw.q('SELECT count(*), max(attempts) FROM outbox'), [(1, 1)], 'slow: one row, one attempt')
        c.eq(gw.stop(), 0, 'slow: second exit')


def sigterm_during_cmgs_hang(c):
    # The modem hangs (takes nothing) just before the AT+CMGS: SIGTERM
    # finds the command waiting for its prompt, which never comes within
    # the command timeout (5 s here): the attempt is counted, the row stays
    # queued, the daemon exits 0; the next start sends it once.
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1))
        gw.start()
        m.fault('hang', 7)
        hang_end = time.monotonic() + 7
        rc, out, err = tinbao(gw, 'send', phone(5), 'Hop luc 10h')
        c.check(rc == 0 and 'tinbaod told' in out, 'hang: queued: %r' % out)
        wait_log(gw, 'modem -> AT+CMGS=', 10)
        c.eq(gw.stop(timeout=20), 0, 'hang: exit status after SIGTERM')
        c.check('no "> " prompt for AT+CMGS' in gw.log(), 'hang: the prompt wait ran out')
        c.eq(gw.q('SELECT state, attempts, parts_sent, last_error FROM outbox'),
             [('queued', 1, 0, 'no answer from the modem')], 'hang: queued again, attempt counted')
        c.eq(m.sent(wait=0), [], 'hang: nothing reached the network')
        time.sleep(max(0, hang_end - time.monotonic()) + 0.3)
        gw.start()
        sent = m.sent(wait=10, count=1)
        c.eq([(s['to'], s['text']) for s in sent], [(e164(5), 'Hop luc 10h')], 'hang: sent after the restart')
        gw.wait(lambda: gw.q1('SELECT state FROM outbox') in ('sent', 'delivered'), 10, 'recorded sent')
        c.eq(gw.q('SELECT count(*), max(attempts), max(parts_sent) FROM outbox'), [(1, 2, 1)],
             'hang: one row, sent at its second attempt')
        time.sleep(0.5)
        c.eq(m.sent(wait=0), [], 'hang: sent once')
        c.eq(gw.stop(), 0, 'hang: second exit')


def sigterm_between_parts(c):
    # A two-part message on a slow modem, SIGTERM while part 1 is in
    # flight: part 1 finishes, part 2 is not started, and the stop is no
    # failed attempt (with send_attempts = 1 counting it would fail the row
    # for good, half of it delivered). After the restart the row resumes
    # at part 2 with the same concatenation reference: the recipient's
    # phone puts one message together.
    with Modem() as m:
        gw = Gateway(m, users=collaborators(1), limits={'send_attempts': 1})
        gw.start()
        text = 'Thong bao: ' + 'hop giao ban cong tac giam ngheo quy 4 tai UBND xa. ' * 4
        text = text.strip()
        m.fault('slow', 1500)
        before = gw.log().count('modem -> AT+CMGS=')
        rc, out, err = tinbao(gw, 'send', phone(6), text)
        c.check(rc == 0 and 'tinbaod told' in out, 'parts: queued: %r' % out)
        gw.wait(lambda: gw.log().count('modem -> AT+CMGS=') > before, 10, 'part 1 written')
        c.eq(gw.stop(timeout=20), 0, 'parts: exit status after SIGTERM')
        c.eq(gw.log().count('modem -> AT+CMGS=') - before, 1, 'parts: part 2 not started')
        c.eq(gw.q('SELECT state, attempts, parts_total, parts_sent, last_error FROM outbox'),
             [('sending', 1, 2, 1, None)], 'parts: left sending at part 1, nothing counted')
        m.fault('slow', 0)
        c.eq(m.sent(wait=1), [], 'parts: the network waits for part 2')
        gw.start()
        c.check('1 interrupted send(s) queued again' in gw.log(), 'parts: requeued at start')
        sent = m.sent(wait=10, count=1)
        c.eq([(s['to'], s['parts'], s['text']) for s in sent], [(e164(6), 2, text)],
             'parts: one message, both parts, on the network')
        gw.wait(lambda: gw.q1('SELECT state FROM outbox') in ('sent', 'delivered'), 10, 'sent')
        c.eq(gw.q('SELECT attempts, parts_sent, last_error FROM outbox'), [(2, 2, None)],
             'parts: resumed at part 2')
        c.eq(gw.q1('SELECT count(*) FROM outbox_parts'), 2, 'parts: two parts recorded')
        c.eq(gw.stop(), 0, 'parts: second exit')


def main():
    c = Checks()
    for fn in (delivered_by_cds, delivered_by_cdsi, failed_delivery_report, send_attempts_used_up,
               send_wakes_daemon, sigterm_during_cmgs_slow, sigterm_during_cmgs_hang,
               sigterm_between_parts):
        if len(sys.argv) > 1 and fn.__name__ not in sys.argv[1:]:
            continue
        c.run(fn)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
