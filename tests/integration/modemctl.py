"""tests/integration/modemctl.py: drive tinbao-modem (the virtual modem of
firmware/) from Python tests. Standard library only; import it from any test
in tests/integration (the folder is on sys.path when a test runs from it):

    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from modemctl import Modem

    with Modem(profile='ec25') as m:          # `tinbao-modem run` on a temp pty
        m.port                                # symlink to the pty: give it to the gateway
        m.sms('+84912345678', 'Xin chào')     # the network delivers an SMS -> parts
        m.sms('+84912345678', long_text, order=[2, 1], ref16=True)
        m.sms_pdu(['0791...'])                # raw PDUs (hostile or foreign)
        m.wait('delivered', timeout=5)        # network queue empty (stored or +CMT'd)
        m.wait('sim-empty', timeout=5)        # the gateway deleted everything
        m.sent(wait=5, count=1)               # what the modem sent: list of dicts
        #   {'to', 'text', 'parts', 'encoding', 'status_report', 'pdus', 'mr'}
        #   taken off the list unless keep=True
        m.ussd('*101#', 'TKC {balance}d')     # the network's answer ({balance} expands)
        m.ussd('*100#', '1. Nap the', menu=True); m.ussd('*100#*1', 'Nhap ma')
        m.balance(2000, cost=350)             # a balance that runs out
        m.fault('hang', 2)                    # hang / garbage / unplug / cms-error /
        m.fault('cms-error', 1, 500)          #   slow / no-network / reset
        m.status()                            # dict: registration, storage, counters...
        m.stop(); m.start()                   # restart (same port, same --state SIM)
        m.kill()                              # SIGKILL, a crash
        with m.at() as at:                    # talk AT to it directly
            lines, final = at.cmd('AT+CMGL=4')
            at.expect(rb'\+CMTI: "SM",(\d+)', timeout=3)

Modem(...) arguments: build (folder with tinbao-modem, default $TINBAO_BUILD or
build), profile, pin, puk, state (a --state file), slots (SIM size), tcp=True
(serve on 127.0.0.1:<free port> instead of a pty; m.port is then "HOST:PORT"),
cnma_timeout (ms), trace=True (AT traffic into m.log_path), extra (more argv).
Every call has a timeout; nothing sleeps a fixed time. The control protocol is
documented in docs/modem.md.
"""
import json
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import termios
import time
import tty

__all__ = ['Modem', 'AtPort', 'ModemError', 'modem_binary']


class ModemError(Exception):
    pass


def modem_binary(build=None):
    build = build or os.environ.get('TINBAO_BUILD') or 'build'
    path = os.path.join(build, 'tinbao-modem')
    if not os.path.exists(path):
        raise ModemError('no tinbao-modem in %s (set TINBAO_BUILD)' % build)
    return os.path.abspath(path)


class Modem:
    def __init__(self, build=None, profile='ec25', pin=None, puk=None, state=None, slots=None,
                 tcp=False, cnma_timeout=None, trace=False, extra=(), tmpdir=None, start=True):
        self.binary = modem_binary(build)
        self._own_tmp = tmpdir is None
        self.dir = tmpdir or tempfile.mkdtemp(prefix='tinbao-modem-')
        self.control = os.path.join(self.dir, 'modem.ctl')
        self.log_path = os.path.join(self.dir, 'modem.log')
        self.tcp = tcp
        self.port = None
        self.device = None
        self.proc = None
        args = [self.binary, 'run', '--control', self.control]
        if tcp:
            args += ['--tcp', '127.0.0.1:0']
        else:
            args += ['--link', os.path.join(self.dir, 'modem')]
        if profile:
            args += ['--profile', profile]
        if pin:
            args += ['--pin', pin]
        if puk:
            args += ['--puk', puk]
        if state:
            args += ['--state', state]
        if slots:
            args += ['--slots', str(slots)]
        if cnma_timeout:
            args += ['--cnma-timeout', str(cnma_timeout)]
        if trace:
            args += ['--trace']
        self.args = args + list(extra)
        if start:
            self.start()

    # -- process ---------------------------------------------------------
    def start(self, timeout=10):
        log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=log,
                                     stdin=subprocess.DEVNULL)
        log.close()
        line = self._readline(self.proc.stdout, timeout)
        m = re.match(r'READY (\S+)', line or '')
        if not m:
            self.stop()
            raise ModemError('tinbao-modem did not start: %r; log:\n%s' % (line, self.log()))
        self.device = m.group(1)
        self.port = self.device if self.tcp else os.path.join(self.dir, 'modem')
        return self

    @staticmethod
    def _readline(f, timeout):
        fd = f.fileno()
        buf = b''
        end = time.monotonic() + timeout
        while not buf.endswith(b'\n'):
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1)
            if not chunk:
                return None
            buf += chunk
        return buf.decode('utf-8', 'replace').strip()

    def stop(self, timeout=5):
        """Stops the modem (SIGTERM, then SIGKILL); returns its exit status."""
        rc = None
        if self.proc:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            rc = self.proc.returncode
            self.proc.stdout.close()
            self.proc = None
        return rc

    def kill(self):
        """SIGKILL: a crash of the modem process (the --state file stays)."""
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc.stdout.close()
            self.proc = None

    def close(self):
        self.stop()
        if self._own_tmp:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def log(self):
        try:
            with open(self.log_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    # -- control socket ----------------------------------------------------
    def request(self, req, timeout=10):
        """Sends one JSON request, returns the answer (raises on ok=false)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.control)     # blocking: waits for room in the backlog
            s.settimeout(timeout + float(req.get('wait', 0)))
            s.sendall(json.dumps(req).encode() + b'\n')
            buf = b''
            while not buf.endswith(b'\n'):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        finally:
            s.close()
        ans = json.loads(buf.decode('utf-8'))
        if not ans.get('ok'):
            raise ModemError(ans.get('error', 'error'))
        return ans

    def sms(self, sender, text, encoding=None, ref=None, ref16=False, order=None, drop=None,
            duplicate=False, alnum=None, time=None, smsc=None):
        """The network delivers text from sender; returns the number of parts."""
        req = {'cmd': 'sms', 'from': sender, 'text': text}
        for k, v in (('encoding', encoding), ('ref', ref), ('order', order), ('drop', drop),
                     ('alnum', alnum), ('time', time), ('smsc', smsc)):
            if v is not None:
                req[k] = v
        if ref16:
            req['ref16'] = True
        if duplicate:
            req['duplicate'] = True
        return self.request(req)['parts']

    def sms_pdu(self, pdus):
        """Delivers PDUs (hex with SMSC prefix) exactly as given."""
        if isinstance(pdus, str):
            pdus = [pdus]
        return self.request({'cmd': 'sms', 'pdu': list(pdus)})['parts']

    def sent(self, wait=None, count=None, keep=False):
        """Messages the modem sent (reassembled), oldest first. With wait,
        blocks up to wait seconds for count (default 1) of them."""
        req = {'cmd': 'sent'}
        if wait is not None:
            req['wait'] = wait
        if count is not None:
            req['count'] = count
        if keep:
            req['keep'] = True
        return self.request(req)['sent']

    def ussd(self, code, reply, menu=False):
        return self.request({'cmd': 'ussd', 'code': code, 'reply': reply, 'menu': menu})

    def balance(self, balance, cost=None):
        req = {'cmd': 'ussd', 'balance': balance}
        if cost is not None:
            req['cost'] = cost
        return self.request(req)

    def fault(self, kind, value=None, code=None):
        req = {'cmd': 'fault', 'kind': kind}
        if value is not None:
            req['value'] = value
        if code is not None:
            req['code'] = code
        return self.request(req)

    def status(self):
        return self.request({'cmd': 'status'})

    def wait(self, until, timeout=5):
        """until: 'registered', 'sms-ready', 'delivered', 'sim-empty'."""
        return self.request({'cmd': 'wait', 'until': until, 'wait': timeout})

    def at(self, timeout=5):
        """An AtPort on the modem's pty (or TCP port)."""
        return AtPort(self.port, timeout=timeout)


FINAL = re.compile(rb'(?:^|\r\n)(OK|ERROR|\+CME ERROR: [^\r\n]*|\+CMS ERROR: [^\r\n]*)\r\n')


class AtPort:
    """A minimal AT client for tests: raw pty (or TCP), explicit timeouts."""

    def __init__(self, port, timeout=5):
        self.timeout = timeout
        self.buf = b''
        if re.match(r'^[\w.\-]+:\d+$', port) and not os.path.exists(port):
            host, p = port.rsplit(':', 1)
            self.sock = socket.create_connection((host, int(p)), timeout=timeout)
            self.sock.setblocking(False)
            self.fd = self.sock.fileno()
        else:
            self.sock = None
            self.fd = os.open(port, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            tty.setraw(self.fd)
            termios.tcflush(self.fd, termios.TCIOFLUSH)

    def close(self):
        if self.sock:
            self.sock.close()
        elif self.fd is not None:
            os.close(self.fd)
        self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        while data:
            try:
                n = os.write(self.fd, data)
            except BlockingIOError:
                select.select([], [self.fd], [], self.timeout)
                continue
            data = data[n:]

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self.fd], [], [], left)[0]:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            raise ModemError('port gone')
        if not chunk:
            raise ModemError('port closed')
        self.buf += chunk
        return True

    def expect(self, pattern, timeout=None):
        """Waits for a regex (bytes) in the input; returns the match and
        drops everything up to its end. Raises ModemError on timeout."""
        if isinstance(pattern, re.Pattern):
            rx = pattern
        else:
            rx = re.compile(pattern if isinstance(pattern, bytes) else pattern.encode())
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if not self._fill(deadline):
                raise ModemError('timeout waiting for %r; got %r' % (rx.pattern, self.buf[-300:]))

    def drain(self, quiet=0.05):
        """Reads whatever arrives until the line is quiet for `quiet` s."""
        while self._fill(time.monotonic() + quiet):
            pass
        out, self.buf = self.buf, b''
        return out

    def cmd(self, line, timeout=None, body=None):
        """Sends an AT command line; returns (info lines, final result).
        With body, waits for the "> " prompt and sends body (bytes or str,
        ended by the caller with b'\\x1a' or b'\\x1b'). The echo is skipped."""
        self.write(line + '\r')
        if body is not None:
            m = self.expect(rb'\r\n> |' + FINAL.pattern, timeout)
            if not m.group(0).endswith(b'> '):
                return [], m.group(1).decode()
            self.write(body)
        m = self.expect(FINAL, timeout)
        text = self.buf_before(m)
        return text, m.group(1).decode('utf-8', 'replace')

    def buf_before(self, m):
        before = m.string[:m.start()]
        lines = [l.decode('utf-8', 'replace') for l in before.split(b'\r\n')]
        return [l for l in lines if l and not l.upper().startswith('AT') and l != '> ']


def run_tests(namespace, argv=None):
    """Runs every function named test_* in namespace (in definition order),
    prints one line each and the closing "N passed, N failed"; returns the
    exit status. A test name given on the command line runs alone."""
    import sys
    import traceback
    argv = sys.argv[1:] if argv is None else argv
    tests = [(k, v) for k, v in namespace.items() if k.startswith('test_') and callable(v)]
    if argv:
        tests = [(k, v) for k, v in tests if k in argv]
    passed = failed = 0
    for name, fn in tests:
        t0 = time.monotonic()
        try:
            fn()
        except Exception:
            failed += 1
            print('FAIL %s (%.1fs)' % (name, time.monotonic() - t0))
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print('ok   %s (%.1fs)' % (name, time.monotonic() - t0))
        sys.stdout.flush()
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0
