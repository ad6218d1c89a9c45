"""tests/integration/gwctl.py: run tinbaod against tinbao-modem in tests.

    from modemctl import Modem
    from gwctl import Gateway, Checks

    with Modem(slots=600) as m:
        gw = Gateway(m, users=collaborators(20))     # writes a config in m.dir
        gw.start()                                   # waits until the modem is ready
        ...
        gw.stop()                                    # SIGTERM; returns the exit status
        gw.kill()                                    # SIGKILL (a crash)
        gw.q('SELECT count(*) FROM messages')        # the database, read-only
        gw.log()                                     # its stderr

Standard library only. The daemon is $TINBAO_BUILD/tinbaod; with
TINBAO_VALGRIND=1 it runs under valgrind (memcheck, leak check, error exit
code 99).
"""
import atexit
import os
import signal
import sqlite3
import subprocess
import time

ROOT = os.environ.get('TINBAO_ROOT') or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def build_dir():
    return os.path.abspath(os.environ.get('TINBAO_BUILD') or os.path.join(ROOT, 'build'))


def scale(default):
    """Message counts scale with TINBAO_SCALE (1 in make test; make torture
    sets it so that the counts reach the full 500 + 500)."""
    try:
        f = float(os.environ.get('TINBAO_SCALE', '1'))
    except ValueError:
        f = 1.0
    return max(1, int(default * f))


def phone(i):
    """The i-th test collaborator's number, national form."""
    return '09%08d' % (10000000 + i)


def e164(i):
    return '+849%08d' % (10000000 + i)


def collaborators(n):
    return [{'phone': phone(i), 'name': 'CTV %d' % i, 'role': 'collaborator',
             'commune': 'am-ha', 'village': 'am-ha/thon-1'} for i in range(n)]


def _conf_value(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    return '"%s"' % str(v).replace('\\', '\\\\').replace('"', '\\"')


_running = []


@atexit.register
def _kill_leftovers():
    """A scenario that failed half-way must not leave a daemon behind."""
    for gw in list(_running):
        gw.kill()


class Gateway:
    def __init__(self, modem, users=(), modem_conf=None, limits=None, level='debug', tag='gw',
                 dirname=None, env=None):
        self.modem = modem
        self.env = dict(env or {})	# on top of os.environ as it is at each start
        self.dir = dirname or modem.dir
        self.conf = os.path.join(self.dir, tag + '.conf')
        self.db = os.path.join(self.dir, tag + '.db')
        self.log_path = os.path.join(self.dir, tag + '.log')
        self.binary = os.path.join(build_dir(), 'tinbaod')
        self.proc = None
        self.starts = 0
        device = modem.port
        if modem.tcp:
            device = 'tcp://' + modem.port
        mc = {'device': device, 'sweep_every': '5m', 'health_every': '5m',
              'command_timeout': '5s', 'reset_min_interval': '1m'}
        mc.update(modem_conf or {})
        lim = {'replies_per_hour_per_number': 1000, 'incomplete_wait': '30s',
               'send_attempts': 5, 'send_backoff': '1s', 'send_backoff_max': '2s',
               'outbox_check_every': '1m'}
        lim.update(limits or {})
        lines = ['modem = {'] + ['\t%s = %s;' % (k, _conf_value(v)) for k, v in mc.items()]
        lines += ['};', 'database = { path = %s; };' % _conf_value(self.db),
                  'catalog = %s;' % _conf_value(os.path.join(ROOT, 'config', 'catalog.conf')),
                  'log = { level = %s; };' % _conf_value(level), 'limits = {']
        lines += ['\t%s = %s;' % (k, _conf_value(v)) for k, v in lim.items()]
        lines += ['};']
        if users:
            lines.append('users = (')
            lines.append(',\n'.join('\t{ ' + ' '.join('%s = %s;' % (k, _conf_value(v))
                                                     for k, v in u.items()) + ' }'
                                    for u in users))
            lines.append(');')
        with open(self.conf, 'w') as f:
            f.write('\n'.join(lines) + '\n')

    # -- process --------------------------------------------------------------
    def argv(self):
        argv = [self.binary, '-c', self.conf]
        if os.environ.get('TINBAO_VALGRIND') == '1':
            argv = ['valgrind', '-q', '--leak-check=full', '--show-leak-kinds=definite,indirect',
                    '--errors-for-leak-kinds=definite,indirect', '--error-exitcode=99',
                    '--track-fds=no'] + argv
        return argv

    def start(self, wait_ready=True, timeout=30):
        before = self.log().count('-> ready')
        self.logf = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(self.argv(), stdout=self.logf, stderr=self.logf,
                                     stdin=subprocess.DEVNULL, env=dict(os.environ, **self.env))
        _running.append(self)
        self.starts += 1
        if wait_ready:
            self.wait(lambda: self.log().count('-> ready') > before, timeout,
                      'the modem to become ready')
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30):
        """SIGTERM; returns the exit status."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.logf.close()
                self.proc = None
                if self in _running:
                    _running.remove(self)
                raise AssertionError('tinbaod did not stop within %ds on SIGTERM' % timeout)
        rc = self.proc.returncode
        self.logf.close()
        self.proc = None
        if self in _running:
            _running.remove(self)
        return rc

    def kill(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.logf.close()
            self.proc = None
        if self in _running:
            _running.remove(self)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def log(self):
        try:
            with open(self.log_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def wait(self, fn, timeout, what):
        end = time.monotonic() + timeout
        delay = 0.02
        while True:
            try:
                if fn():
                    return
            except sqlite3.OperationalError:
                pass	# the schema is not there yet
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError('tinbaod exited (%s) while waiting for %s; log tail:\n%s'
                                     % (self.proc.returncode, what, self.log()[-3000:]))
            if time.monotonic() > end:
                extra = ''
                if getattr(self, 'modem_log', None):
                    extra = '\nmodem log tail:\n' + self.modem_log()[-2000:]
                    keep = os.environ.get('TINBAO_KEEP_LOGS')
                    if keep:
                        with open(os.path.join(keep, 'modem.log'), 'w') as f:
                            f.write(self.modem_log())
                        with open(os.path.join(keep, 'tinbaod.log'), 'w') as f:
                            f.write(self.log())
                raise AssertionError('timeout waiting for %s; log tail:\n%s%s'
                                     % (what, self.log()[-3000:], extra))
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)

    # -- database -----------------------------------------------------------------
    def q(self, sql, args=()):
        con = sqlite3.connect('file:%s?mode=ro' % self.db, uri=True, timeout=10)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()

    def q1(self, sql, args=()):
        rows = self.q(sql, args)
        return rows[0][0] if rows else None


class Checks:
    """Counts checks and prints the closing line tests/run.py reads."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print('FAIL: %s' % what, flush=True)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, '%s: got %r, want %r' % (what, got, want))

    def run(self, fn, *args):
        """Runs one scenario; an exception counts as one failure."""
        name = fn.__name__
        t0 = time.monotonic()
        try:
            fn(self, *args)
        except Exception as e:	# noqa: BLE001 (a scenario that blows up is a failure)
            import traceback
            self.failed += 1
            print('FAIL: %s raised %s' % (name, e), flush=True)
            traceback.print_exc()
            _kill_leftovers()
        print('%-50s %.1fs' % (name, time.monotonic() - t0), flush=True)

    def done(self):
        print('%d passed, %d failed' % (self.passed, self.failed), flush=True)
        return 1 if self.failed else 0
