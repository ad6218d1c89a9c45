#!/usr/bin/python3
"""test_install.py: `make install` into a DESTDIR, with PREFIX=/usr and the
default /usr/local, as a packager or an admin runs it.

Checks what the installed tree must be for `systemctl start tinbaod` to work:
the binaries where PREFIX says, the systemd unit naming those same paths
(ExecStart, ExecStartPre, its Documentation file), the udev rule and the
sysusers file, the live tinbao.conf and catalog.conf next to their .example
copies, the config (it holds the SIM PIN) owner-only (0600), the installed
daemon accepting the installed config (`tinbaod -t`), and a second install
leaving an admin's edited tinbao.conf alone. The binaries are the ones
already built in $TINBAO_BUILD (`make -o all`: nothing is rebuilt here).
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwctl import Checks, ROOT, build_dir  # noqa: E402


def make_install(destdir, prefix=None):
    argv = ['make', '--no-print-directory', '-C', ROOT, '-o', 'all', 'install',
            'DESTDIR=' + destdir, 'BUILD=' + build_dir()]
    if prefix:
        argv.append('PREFIX=' + prefix)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return p.returncode, p.stdout.decode('utf-8', 'replace')


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def unit_paths(unit_text):
    """The absolute paths the unit runs or points at."""
    paths = []
    for key in ('ExecStartPre', 'ExecStart'):
        for m in re.finditer(r'^%s=-?(\S+)' % key, unit_text, re.M):
            paths.append(m.group(1))
    paths += re.findall(r'^Documentation=file:(\S+)', unit_text, re.M)
    return paths


def installed_tree(c, prefix):
    d = tempfile.mkdtemp(prefix='tinbao-install-')
    try:
        rc, out = make_install(d, prefix)
        label = 'PREFIX=%s' % (prefix or '/usr/local (default)')
        if not c.eq(rc, 0, '%s: make install exit status (%s)' % (label, out[-500:])):
            return
        pre = prefix or '/usr/local'
        for rel, want in (('sbin/tinbaod', 0o755), ('bin/tinbao', 0o755), ('bin/tinbao-modem', 0o755)):
            p = d + pre + '/' + rel
            c.check(os.path.isfile(p) and mode(p) == want, '%s: %s installed %o' % (label, rel, want))
        unit = d + '/lib/systemd/system/tinbaod.service'
        with open(unit) as f:
            text = f.read()
        c.check('ExecStart=%s/sbin/tinbaod -c /etc/tinbao/tinbao.conf' % pre in text,
                '%s: the unit starts the installed tinbaod' % label)
        for p in unit_paths(text):
            c.check(os.path.exists(d + p), '%s: the unit names %s, which is installed' % (label, p))
        c.check(os.path.isfile(d + '/etc/udev/rules.d/99-tinbao-modem.rules'), '%s: udev rule' % label)
        with open(d + '/usr/lib/sysusers.d/tinbao.conf') as f:
            users = f.read()
        c.check(re.search(r'^u tinbao ', users, re.M) and re.search(r'^m tinbao dialout', users, re.M),
                '%s: sysusers creates tinbao in dialout (the unit\'s User=)' % label)
        conf = d + '/etc/tinbao/tinbao.conf'
        for p in (conf, conf + '.example'):
            c.eq(mode(p), 0o600, '%s: %s is owner-only (it holds the PIN)' % (label, p[len(d):]))
        c.check(os.path.isfile(d + '/etc/tinbao/catalog.conf'), '%s: catalog.conf installed' % label)
        r = subprocess.run([d + pre + '/sbin/tinbaod', '-t', '-c', conf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        c.eq(r.returncode, 0, '%s: tinbaod -t accepts the installed config (%s)'
             % (label, r.stdout.decode()[-300:]))
        # An admin's edit survives a reinstall; the example is refreshed.
        with open(conf, 'a') as f:
            f.write('# edited by the admin\n')
        rc, out = make_install(d, prefix)
        c.eq(rc, 0, '%s: second make install' % label)
        with open(conf) as f:
            c.check(f.read().endswith('# edited by the admin\n'), '%s: the edited tinbao.conf kept' % label)
        with open(conf + '.example') as f, open(os.path.join(ROOT, 'config', 'tinbao.conf')) as g:
            c.check(f.read() == g.read(), '%s: tinbao.conf.example is the shipped one' % label)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def prefix_usr(c):
    installed_tree(c, '/usr')


def prefix_default(c):
    installed_tree(c, None)


def main():
    c = Checks()
    c.run(prefix_usr)
    c.run(prefix_default)
    return c.done()


if __name__ == '__main__':
    sys.exit(main())
