#!/usr/bin/python3
"""test_serial_port.py: the daemon's libserialport path, run for real.

A real modem is `/dev/ttyUSB2` or `usb:2c7c:0125:2`: tinbaod looks it up with
sp_list_ports / sp_get_port_by_name (which read /sys/class/tty), opens it with
sp_open, configures it with sp_set_*, reads and writes with sp_nonblocking_*.
None of that runs against a pty as such: libserialport wants the kernel's
/sys/class/tty/<name> entry, and sp_open fails on the pty's missing modem
lines (TIOCMGET). So this test builds what the kernel shows for a USB modem,
in a private mount namespace (unshare -m, root) where nothing leaks out:

- /dev is a fresh tmpfs holding the usual nodes, and /dev/ttyUSB2 is the
  virtual modem's pty slave bind-mounted under that name;
- /sys/class/tty is a fresh tmpfs holding the sysfs layout of a Quectel EC25
  (2c7c:0125, four interfaces, ttyUSB0..3, the AT port on interface 2);
- tinbaod runs with tests/shim/tty_lines.c preloaded, which answers only the
  four modem-line ioctls that a pty refuses with ENOTTY (see that file).

Then, through the virtual modem: the usb: form finds ttyUSB2, a report is
stored and answered; the port is locked against a second user; the modem is
unplugged and comes back as ttyUSB4 (what the kernel does when the old name
is still held), the daemon finds it by its USB identity and carries on; the
plain form through a udev-style symlink (/dev/ttyGSM) works as well; and
without the shim sp_open's TIOCMGET fails with ENOTTY and that is what the
daemon reports, which shows that libserialport, not the pty code, is on the path.

Outside a namespace it can make (not root, no unshare) it prints SKIPPED and
counts nothing.
"""
import errno
import fcntl
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mountns  # noqa: E402
from modemctl import Modem  # noqa: E402
from gwctl import Gateway, Checks, build_dir, phone, collaborators  # noqa: E402

VID, PID, AT_IFACE = '2c7c', '0125', 2
SYS_TTY = '/sys/class/tty'
DEVICES = SYS_TTY + '/.devices/pci0000:00/0000:00:14.0/usb1/1-1'


def sh(*argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def write(path, text):
    with open(path, 'w') as f:
        f.write(text + '\n')


class UsbRig:
    """The kernel's view of one USB modem, inside this mount namespace."""

    def __init__(self):
        self.old_dev = mountns.scratch()
        sh('mount', '--rbind', '/dev', self.old_dev)
        sh('mount', '-t', 'tmpfs', '-o', 'mode=755', 'tinbao-dev', '/dev')
        for n in ('null', 'zero', 'full', 'random', 'urandom', 'tty'):
            self._bind(os.path.join(self.old_dev, n), '/dev/' + n)
        os.mkdir('/dev/pts')
        sh('mount', '--bind', os.path.join(self.old_dev, 'pts'), '/dev/pts')
        # The kernel finds a ptmx node's pty instance through its sibling
        # "pts", which a bind-mounted node no longer has: use devpts' own.
        os.symlink('pts/ptmx', '/dev/ptmx')
        os.mkdir('/dev/shm')
        sh('mount', '-t', 'tmpfs', 'tinbao-shm', '/dev/shm')
        os.symlink('/proc/self/fd', '/dev/fd')
        sh('mount', '-t', 'tmpfs', 'tinbao-sys', SYS_TTY)
        usb = DEVICES
        os.makedirs(usb)
        for k, v in (('busnum', '1'), ('devnum', '4'), ('idVendor', VID), ('idProduct', PID),
                     ('manufacturer', 'Quectel'), ('product', 'EC25'), ('serial', '0123456789ABCDEF')):
            write(os.path.join(usb, k), v)
        for i in range(4):
            os.makedirs(os.path.join(usb, '1-1:1.%d' % i))
            write(os.path.join(usb, '1-1:1.%d' % i, 'bInterfaceNumber'), '%02x' % i)
        # A virtual console too: enumeration must skip it.
        os.makedirs(SYS_TTY + '/.devices/virtual/tty/tty1')
        os.symlink('.devices/virtual/tty/tty1', SYS_TTY + '/tty1')
        for i in (0, 1, 3):
            self.plug('ttyUSB%d' % i, i, None)

    @staticmethod
    def _bind(src, dst):
        open(dst, 'w').close()
        sh('mount', '--bind', src, dst)

    def plug(self, name, iface, pty):
        """Publishes interface iface as /dev/<name> (the pty slave, if any)."""
        port = os.path.join(DEVICES, '1-1:1.%d' % iface, name)
        cls = os.path.join(port, 'tty', name)
        os.makedirs(cls)
        os.symlink('../../../' + name, os.path.join(cls, 'device'))
        os.symlink(os.path.relpath(cls, SYS_TTY), os.path.join(SYS_TTY, name))
        if pty:
            self._bind(pty, '/dev/' + name)

    def unplug(self, name, iface):
        os.unlink(os.path.join(SYS_TTY, name))
        shutil.rmtree(os.path.join(DEVICES, '1-1:1.%d' % iface, name))
        if os.path.exists('/dev/' + name):
            sh('umount', '-l', '/dev/' + name)
            os.unlink('/dev/' + name)


def shim_env():
    return {'LD_PRELOAD': os.path.join(build_dir(), 'tests', 'libtty_lines.so'),
            # A preloaded library comes before the ASan runtime; the shim
            # only forwards ioctl, so ASan's order check is waived for it.
            'ASAN_OPTIONS': os.environ.get('ASAN_OPTIONS', '') + ':verify_asan_link_order=0'}


def report_answered(c, gw, m, k, label):
    n = gw.q1('SELECT count(*) FROM messages')
    m.sms(phone(k), 'BC DA4.1 LOP 1 HV %d HN 3' % (20 + k))
    gw.wait(lambda: gw.q1('SELECT count(*) FROM messages') > n, 30, label + ': the report stored')
    sent = m.sent(wait=20)
    c.eq(len(sent), 1, label + ': one reply')
    c.check(sent and sent[0]['text'].startswith('Da nhan'),
            '%s: a receipt (%r)' % (label, sent[0]['text'] if sent else None))


def pty_of(m):
    return os.readlink(m.port)


def usb_identity(c, rig):
    with Modem() as m:
        rig.plug('ttyUSB2', AT_IFACE, pty_of(m))
        gw = Gateway(m, users=collaborators(4), env=shim_env(),
                     modem_conf={'device': 'usb:%s:%s:%d' % (VID, PID, AT_IFACE)})
        gw.modem_log = m.log
        gw.start()
        c.check('modem: opened /dev/ttyUSB2 for usb:2c7c:0125:2' in gw.log(),
                'usb: found interface 2 as /dev/ttyUSB2 through sp_list_ports')
        report_answered(c, gw, m, 0, 'usb')
        # flock keeps a second gateway (or minicom) off the port.
        fd = os.open('/dev/ttyUSB2', os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            c.check(False, 'the port is locked while the daemon has it')
        except OSError as e:
            c.eq(e.errno, errno.EWOULDBLOCK, 'the port is locked while the daemon has it')
        finally:
            os.close(fd)
        # A USB glitch: the port vanishes; while tinbaod still holds the old
        # name the kernel brings the modem back as the next free ttyUSB.
        m.fault('unplug', 2)
        rig.unplug('ttyUSB2', AT_IFACE)
        end = time.monotonic() + 20
        while not os.path.exists(m.port) and time.monotonic() < end:
            time.sleep(0.05)
        rig.plug('ttyUSB4', AT_IFACE, pty_of(m))
        gw.wait(lambda: 'modem: opened /dev/ttyUSB4 for usb:2c7c:0125:2' in gw.log(), 40,
                'the modem found again under its new name')
        gw.wait(lambda: gw.log().count('-> ready') >= 2, 40, 'the modem ready after the replug')
        report_answered(c, gw, m, 1, 'usb after the replug')
        c.eq(gw.stop(), 0, 'usb: clean exit')
        rig.unplug('ttyUSB4', AT_IFACE)


def named_port(c, rig):
    with Modem() as m:
        rig.plug('ttyUSB2', AT_IFACE, pty_of(m))
        os.symlink('ttyUSB2', '/dev/ttyGSM')	# what the shipped udev rule makes
        try:
            gw = Gateway(m, users=collaborators(4), env=shim_env(),
                         modem_conf={'device': '/dev/ttyGSM'})
            gw.modem_log = m.log
            gw.start()
            c.check('modem: opened /dev/ttyUSB2 for /dev/ttyGSM' in gw.log(),
                    'a udev symlink is resolved to the kernel name libserialport wants')
            report_answered(c, gw, m, 2, 'named port')
            c.eq(gw.stop(), 0, 'named port: clean exit')
        finally:
            os.unlink('/dev/ttyGSM')
            rig.unplug('ttyUSB2', AT_IFACE)


def without_the_shim(c, rig):
    """The control: the same port without the shim fails inside sp_open."""
    with Modem() as m:
        rig.plug('ttyUSB2', AT_IFACE, pty_of(m))
        try:
            gw = Gateway(m, modem_conf={'device': '/dev/ttyUSB2'})
            gw.start(wait_ready=False)
            gw.wait(lambda: 'cannot open /dev/ttyUSB2' in gw.log(), 20, 'the open to fail')
            # sp_open's TIOCMGET got ENOTTY; libserialport reports errno's text.
            c.check('cannot open /dev/ttyUSB2: Inappropriate ioctl for device' in gw.log(),
                    'sp_open itself refused the pty: %s'
                    % [l for l in gw.log().splitlines() if 'cannot open' in l][:1])
            c.eq(m.status()['counters']['at_commands'], 0, 'not a command reached the modem')
            c.eq(gw.stop(), 0, 'no shim: clean exit while retrying')
        finally:
            rig.unplug('ttyUSB2', AT_IFACE)


def in_namespace():
    c = Checks()
    rig = UsbRig()
    for fn in (usb_identity, named_port, without_the_shim):
        c.run(fn, rig)
    return c.done()


def main():
    if mountns.inside():
        return in_namespace()
    return mountns.rerun(__file__, 'the libserialport path')


if __name__ == '__main__':
    sys.exit(main())
