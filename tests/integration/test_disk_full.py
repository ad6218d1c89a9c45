#!/usr/bin/python3
"""test_disk_full.py: a disk that really fills up under tinbaod, and stays full.

TINBAO_FAULT_STORE (test_gateway_faults.py, torture.py) fails one write of the
store's own on purpose; this test lets SQLite itself hit ENOSPC. In a private
mount namespace (mountns.py) the database lives on a 4 MB tmpfs. The daemon
stores and answers a first batch; then a filler file takes every free block,
and a second batch arrives while the disk stays full for a while (several
sweeps, longer than the dispatch retries would last). Meanwhile:
- nothing of the second batch is lost or half stored: each message stays on
  the SIM, and the log says why ("database or disk is full ... stays on the
  SIM");
- no message is given up (no `dispatch.gave_up`), none answered twice;
- the daemon keeps running.
When the filler goes, every message is stored once and answered once, the SIM
empties, and `PRAGMA integrity_check` says ok.
"""
import collections
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mountns  # noqa: E402
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, collaborators  # noqa: E402
from test_gateway_faults import N, send_batch  # noqa: E402



def fill(path):
    """Writes until ENOSPC; returns the bytes written."""
    n = 0
    chunk = b'\0' * 65536
    with open(path, 'wb', buffering=0) as f:
        while True:
            try:
                n += f.write(chunk)
            except OSError:
                break
        # The last partial blocks too, so that not even a page is left.
        for size in (4096, 512, 1):
            while True:
                try:
                    n += f.write(b'\0' * size)
                except OSError:
                    break
    return n


def disk_stays_full(c):
    dbdir = os.path.join(mountns.scratch(), 'db')
    os.mkdir(dbdir)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=4m,mode=700', 'tinbao-small', dbdir],
                   check=True)
    with Modem() as m:
        gw = Gateway(m, users=collaborators(N), dirname=dbdir,
                     modem_conf={'sweep_every': '10s'})
        gw.modem_log = m.log
        gw.start()
        exp = send_batch(m, 'truoc')
        gw.wait(lambda: gw.q1("SELECT count(*) FROM outbox WHERE state IN ('sent','delivered')") >= N,
                30, 'the first batch answered')
        filler = os.path.join(dbdir, 'filler')
        print('filler: %d bytes' % fill(filler))
        stored_before = gw.q1('SELECT count(*) FROM messages')
        exp |= send_batch(m, 'day', first=N)
        # Full for a while: many sweeps and more than the dispatch retries.
        gw.wait(lambda: gw.log().count('database or disk is full') >= 3, 30,
                'the daemon to hit the full disk')
        time.sleep(20)	# two sweeps more, and as long as 4 dispatch retries
        c.check(gw.running(), 'the daemon keeps running on a full disk')
        c.eq(gw.q1('SELECT count(*) FROM messages'), stored_before,
             'nothing of the second batch stored while the disk is full')
        c.check(m.status()['storage']['SM']['used'] > 0, 'the second batch waits on the SIM')
        # SQLite fails at COMMIT here (the WAL cannot grow), so the whole
        # received group is refused: "... part(s) (COMMIT: database or disk
        # is full); they stay on the SIM until they can be".
        c.check(re.search(r'disk is full\); (it stays|they stay) on the SIM until', gw.log()),
                'the log says the message stays on the SIM, and why: %s'
                % [l[13:] for l in gw.log().splitlines() if 'full' in l][:6])
        os.unlink(filler)
        gw.wait(lambda: gw.q1('SELECT count(*) FROM messages') >= 2 * N
                and gw.q1('SELECT count(*) FROM messages WHERE handled_at IS NULL') == 0
                and gw.q1("SELECT count(*) FROM outbox WHERE state IN ('queued','sending')") == 0,
                60, 'everything stored and answered once the disk has room')
        m.wait('sim-empty', timeout=30)
        rows = gw.q('SELECT id, sender, text FROM messages')
        got = collections.Counter((r[1], r[2]) for r in rows)
        c.eq(sorted(got), sorted(exp), 'every message stored')
        c.eq([k for k, v in got.items() if v > 1], [], 'none stored twice')
        per = dict(gw.q('SELECT origin_msg_id, count(*) FROM outbox WHERE origin_msg_id > 0 GROUP BY 1'))
        c.eq([r[0] for r in rows if per.get(r[0]) != 1], [], 'every message answered exactly once')
        c.eq(gw.q1("SELECT count(*) FROM events WHERE what = 'dispatch.gave_up'"), 0,
             'no message given up because the disk was full')
        c.eq(gw.q1('PRAGMA integrity_check'), 'ok', 'integrity_check')
        c.eq(gw.stop(), 0, 'clean exit')


def main():
    if mountns.inside():
        c = Checks()
        c.run(disk_stays_full)
        return c.done()
    return mountns.rerun(__file__, 'a really full disk')


if __name__ == '__main__':
    sys.exit(main())
