#!/usr/bin/python3
"""test_cli_admin.py: the admin commands against a real database, without
the modem: tinbao user add|list|disable|enable, send, outbox, inbox, status,
-c before or after the command, the database created owner-only, reads and
writes while another connection holds the write lock (WAL + busy_timeout),
and `tinbao send` poking a running tinbaod with SIGUSR1 (a stand-in process
named tinbaod that holds the database open). The same with the real daemon,
its recorded pid and the SMS reaching the modem: test_gateway_outbox.py.
"""
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwctl import Checks  # noqa: E402

BUILD = os.environ.get('TINBAO_BUILD', 'build')
ROOT = os.environ.get('TINBAO_ROOT', os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
TINBAO = os.path.join(BUILD, 'tinbao')

CHECKS = Checks()
check = CHECKS.check


def run(*args, env=None):
    p = subprocess.run([TINBAO] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def jlines(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    tmp = tempfile.mkdtemp(prefix='tinbao-cli-')
    conf = os.path.join(tmp, 'tinbao.conf')
    with open(conf, 'w') as f:
        f.write('modem = { device = "/dev/null"; };\n'
                'database = { path = "data/tinbao.db"; };\n'
                'catalog = "%s/config/catalog.conf";\n'
                'timezone = "Asia/Ho_Chi_Minh";\n' % ROOT)
    os.mkdir(os.path.join(tmp, 'data'))
    db = os.path.join(tmp, 'data', 'tinbao.db')

    # Reading before the daemon ever ran: a clear message, no file made.
    rc, out, err = run('-c', conf, 'status')
    check(rc == 1 and 'no database' in err, 'status without a database: %d %r' % (rc, err))
    check(not os.path.exists(db), 'a read-only command created the database')

    # Users; the first write creates the database owner-only.
    rc, out, err = run('-c', conf, 'user', 'add', '--phone', '0912000001', '--role', 'staff',
                       '--name', 'Cán bộ Phòng LĐTBXH')
    check(rc == 0 and 'added +84912000001' in out, 'user add staff: %d %r %r' % (rc, out, err))
    check(os.path.exists(db) and stat.S_IMODE(os.stat(db).st_mode) == 0o600,
          'database mode is not 0600')
    rc, out, err = run('user', 'add', '--phone', '84912000002', '--role', 'collaborator',
                       '--name', 'Nguyễn Văn A', '--commune', 'vo-tranh', '-c', conf)
    check(rc == 0, 'user add collaborator with -c after the command: %r' % err)
    rc, out, err = run('-c', conf, 'user', 'add', '--phone', '0912000003', '--role',
                       'collaborator', '--name', 'X')
    check(rc == 2 and 'commune' in err, 'collaborator without a commune accepted')
    rc, out, err = run('-c', conf, 'user', 'add', '--phone', '0912000003', '--role', 'boss',
                       '--name', 'X')
    check(rc == 2, 'unknown role accepted')
    rc, out, err = run('-c', conf, 'user', 'add', '--phone', '1414', '--role', 'staff',
                       '--name', 'X')
    check(rc == 2, 'short code accepted as a user')
    rc, out, err = run('-c', conf, 'user', 'add', '--phone', '0912000004', '--role',
                       'collaborator', '--name', 'Y', '--commune', 'no-such-commune')
    check(rc == 2 and 'no-such-commune' in err, 'unknown commune code accepted: %r' % err)

    rc, out, err = run('-c', conf, 'user', 'list', '--json')
    users = jlines(out) if rc == 0 else []
    check([u['phone'] for u in users] == ['+84912000001', '+84912000002'],
          'user list: %r' % users)
    check(users and users[1]['name'] == 'Nguyễn Văn A' and users[1]['commune'] == 'vo-tranh'
          and users[1]['role'] == 'collaborator' and users[1]['active'] is True,
          'user fields: %r' % users)
    rc, out, err = run('-c', conf, 'user', 'disable', '0912000002')
    check(rc == 0 and 'disabled +84912000002' in out, 'user disable: %r' % err)
    rc, out, err = run('-c', conf, 'user', 'list', '--json', '--active')
    check([u['phone'] for u in jlines(out)] == ['+84912000001'], 'list --active: %r' % out)
    rc, out, err = run('-c', conf, 'user', 'disable', '0999999999')
    check(rc == 1 and 'no user' in err, 'disable of an unknown user')
    rc, out, err = run('-c', conf, 'user', 'enable', '+84912000002')
    check(rc == 0, 'user enable')

    # Events never carry names.
    con = sqlite3.connect(db)
    details = ' '.join(r[0] + ' ' + r[1] for r in con.execute('SELECT what, detail FROM events'))
    con.close()
    check('user.added' in details and 'Nguy' not in details and 'LĐTBXH' not in details,
          'events: %r' % details)

    # send: queued for the daemon; never to short codes or names.
    rc, out, err = run('-c', conf, 'send', '0912345678', 'Xin', 'chào', 'các', 'bạn')
    check(rc == 0 and 'queued #1 to +84912345678' in out, 'send: %r %r' % (out, err))
    rc, out, err = run('-c', conf, 'send', 'VIETTEL', 'hi')
    check(rc == 2, 'send to an alphanumeric name')
    rc, out, err = run('-c', conf, 'send', '*101#', 'hi')
    check(rc == 2, 'send to a service code')
    rc, out, err = run('-c', conf, 'outbox', '--json')
    rows = jlines(out)
    check(len(rows) == 1 and rows[0]['to'] == '+84912345678' and rows[0]['state'] == 'queued'
          and rows[0]['text'] == 'Xin chào các bạn' and rows[0]['origin_msg_id'] is None,
          'outbox: %r' % rows)
    check(rows and rows[0]['created_at'].endswith('+07:00'), 'times in the configured zone')
    rc, out, err = run('-c', conf, 'outbox')
    check(rc == 0 and 'queued' in out and 'Xin chào' in out, 'outbox text form')

    rc, out, err = run('-c', conf, 'inbox', '--json')
    check(rc == 0 and out == '', 'empty inbox: %r' % out)
    # A message as the daemon stores it, with its reply.
    con = sqlite3.connect(db, timeout=10)
    con.execute("INSERT INTO messages (sender, sender_kind, text, text_hash, sent_at, received_at,"
                " assembled_at, parts, parts_total, handled_at) VALUES ('+84912000002', 0,"
                " 'BC DA4.1 HV 25', 'x', 1795573800, 1795573805, 1795573805, 1, 1, 1795573806)")
    mid = con.execute('SELECT max(id) FROM messages').fetchone()[0]
    con.execute("INSERT INTO outbox (recipient, text, origin_msg_id, slot, next_attempt_at,"
                " created_at) VALUES ('+84912000002', 'OK K7Q2', ?, 'reply', 1, 1)", (mid,))
    con.commit()
    con.close()
    rc, out, err = run('-c', conf, 'inbox', '--json', '--replies')
    msgs = jlines(out)
    check(len(msgs) == 1 and msgs[0]['from'] == '+84912000002' and msgs[0]['text'] == 'BC DA4.1 HV 25'
          and msgs[0]['received_at'] == '2026-11-25T09:30:05+07:00'
          and [r['text'] for r in msgs[0]['replies']] == ['OK K7Q2'], 'inbox --replies: %r' % out)
    rc, out, err = run('-c', conf, 'inbox', '--replies')
    check(rc == 0 and 'BC DA4.1 HV 25' in out and '-> #' in out and 'OK K7Q2' in out,
          'inbox text --replies: %r' % out)
    rc, out, err = run('-c', conf, 'inbox', '--json')
    check(rc == 0 and 'replies' not in jlines(out)[0], 'replies only when asked')
    rc, out, err = run('-c', conf, 'inbox', '--limit', 'x')
    check(rc == 2, 'bad --limit accepted')

    rc, out, err = run('-c', conf, 'status', '--json')
    st = json.loads(out) if rc == 0 else {}
    check(st.get('outbox', {}).get('queued') == 2, 'status outbox: %r' % st)
    check(st.get('schema_version', 0) >= 1 and st.get('inbox', {}).get('messages') == 1,
          'status schema/inbox: %r' % st)
    rc, out, err = run('-c', conf, 'status')
    check(rc == 0 and 'schema version' in out and '2 queued' in out, 'status text: %r' % out)

    # $TINBAO_CONF instead of -c.
    rc, out, err = run('user', 'list', env=dict(os.environ, TINBAO_CONF=conf))
    check(rc == 0 and '+84912000001' in out, 'TINBAO_CONF: %r' % err)

    # A writer holds the lock for a second: reads go on (WAL), writes wait.
    con = sqlite3.connect(db, isolation_level=None, timeout=10, check_same_thread=False)
    con.execute('BEGIN IMMEDIATE')
    con.execute("INSERT INTO events (at, level, what, detail) VALUES (1, 'info', 'x', '')")
    t0 = time.time()
    rc, out, err = run('-c', conf, 'outbox', '--json')
    check(rc == 0 and len(jlines(out)) == 2, 'read beside a writer: %r' % err)
    check(time.time() - t0 < 1.0, 'read waited for the writer')
    threading.Timer(1.0, lambda: con.execute('COMMIT')).start()
    t0 = time.time()
    rc, out, err = run('-c', conf, 'send', '0912345678', 'second')
    waited = time.time() - t0
    check(rc == 0 and waited >= 0.8, 'write waited for the lock (%.2fs): %r' % (waited, err))
    time.sleep(0.1)
    con.close()

    # A running daemon is told to look at its outbox.
    bindir = os.path.join(tmp, 'bin')
    os.mkdir(bindir)
    fake = os.path.join(bindir, 'tinbaod')
    os.symlink(sys.executable, fake)
    marker = os.path.join(tmp, 'usr1')
    script = ('import os, signal, sys, time\n'
              'f = open(%r, "rb")\n'
              'def h(s, fr):\n'
              '    open(%r, "w").write("usr1")\n'
              '    sys.exit(0)\n'
              'signal.signal(signal.SIGUSR1, h)\n'
              'print("ready", flush=True)\n'
              'time.sleep(30)\n' % (db, marker))
    p = subprocess.Popen([fake, '-c', script], stdout=subprocess.PIPE)
    p.stdout.readline()
    rc, out, err = run('-c', conf, 'send', '0912345678', 'third')
    check(rc == 0 and 'tinbaod told' in out, 'send did not poke the daemon: %r' % out)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
    check(os.path.exists(marker), 'the daemon got no SIGUSR1')
    rc, out, err = run('-c', conf, 'outbox', '--json')
    check(len(jlines(out)) == 4, 'four in the outbox')

    # A broken config is refused with its errors.
    bad = os.path.join(tmp, 'bad.conf')
    with open(bad, 'w') as f:
        f.write('modem = { device = "/dev/null"; baud = "fast"; };\n'
                'database = { path = "x.db"; };\n')
    rc, out, err = run('-c', bad, 'status')
    check(rc == 1 and 'bad.conf:1: modem.baud: expected an integer' in err, 'bad config: %r' % err)

    return CHECKS.done()


if __name__ == '__main__':
    sys.exit(main())
