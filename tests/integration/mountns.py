"""tests/integration/mountns.py: runs a test script again inside a private
mount namespace (`unshare --mount`, root), where it may mount tmpfs over
/dev, /sys/class/tty or a small database folder without anything showing
outside, and everything it mounted goes away with it.

    import mountns
    def main():
        if mountns.inside():
            return run_the_checks(mountns.scratch())
        return mountns.rerun(__file__, 'the libserialport path')

Outside a namespace it can make (not root, no unshare, unshare refused) the
script prints SKIPPED with the reason and counts nothing.
"""
import os
import shutil
import subprocess
import sys
import tempfile

FLAG = 'TINBAO_MOUNT_NS'


def inside():
    return bool(os.environ.get(FLAG))


def scratch():
    """An empty folder made (and removed) outside the namespace."""
    return os.environ[FLAG]


def rerun(script, what):
    why = None
    if os.geteuid() != 0:
        why = 'not root'
    elif not shutil.which('unshare'):
        why = 'no unshare'
    elif subprocess.run(['unshare', '--mount', 'true'], stderr=subprocess.DEVNULL).returncode:
        why = 'unshare --mount is not allowed here'
    if why:
        print('SKIPPED: %s: %s needs a private mount namespace' % (why, what))
        print('0 passed, 0 failed')
        return 0
    d = tempfile.mkdtemp(prefix='tinbao-ns-')
    try:
        return subprocess.run(['unshare', '--mount', '--propagation', 'private',
                               sys.executable, os.path.abspath(script)],
                              env=dict(os.environ, **{FLAG: d})).returncode
    finally:
        shutil.rmtree(d, ignore_errors=True)
