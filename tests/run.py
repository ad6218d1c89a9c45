#!/usr/bin/python3
"""tests/run.py: runs every test tinbao has and prints one closing line
"N passed, N failed" for CI.

Kinds, in order: unit binaries (build/test/tests/test_*), fuzz corpus replays
(build/test/tests/replay_fuzz_* over tests/fuzz/corpus/<name>/), integration
scripts (tests/integration/test_*.py and test_*.sh, run with TINBAO_BUILD set).
Every program prints its own "N passed, N failed" line; a program that exits
non-zero without one counts as one failure.
"""
import argparse, os, re, subprocess, sys, time, glob
from concurrent.futures import ThreadPoolExecutor

LINE = re.compile(r'^(\d+) passed, (\d+) failed', re.M)

def run(cmd, env, timeout):
    t0 = time.time()
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        out, rc = p.stdout.decode('utf-8', 'replace'), p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('utf-8', 'replace') + '\nTIMEOUT after %ds\n' % timeout
        rc = -1
    m = LINE.findall(out)
    passed, failed = (int(m[-1][0]), int(m[-1][1])) if m else (0, 0)
    if rc != 0 and failed == 0:
        failed = 1
    return passed, failed, out, rc, time.time() - t0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build/test')
    ap.add_argument('--only', choices=['unit', 'fuzz', 'integration'])
    ap.add_argument('-k', help='substring of the test file names to run')
    ap.add_argument('--valgrind-build', help='a plain (non-ASan) build folder: the daemon '
                    'tests also run there with every tinbaod under valgrind')
    ap.add_argument('-v', action='store_true', help='print every output')
    ap.add_argument('-j', type=int, default=int(os.environ.get('TINBAO_TEST_JOBS', '2')),
                    help='programs run at once (default 2, one per core here; the '
                         'integration tests mostly wait on ptys and sockets)')
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    build = os.path.abspath(a.build)
    env = dict(os.environ, TINBAO_BUILD=build, TINBAO_ROOT=root,
               ASAN_OPTIONS='detect_leaks=1:abort_on_error=1',
               UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1')
    jobs = []
    if a.only in (None, 'unit'):
        for b in sorted(glob.glob(os.path.join(build, 'tests', 'test_*'))):
            jobs.append(('unit', b, [b], 300))
    if a.only in (None, 'fuzz'):
        for b in sorted(glob.glob(os.path.join(build, 'tests', 'replay_fuzz_*'))):
            name = os.path.basename(b)[len('replay_fuzz_'):]
            jobs.append(('fuzz', b, [b, os.path.join('tests', 'fuzz', 'corpus', name)], 300))
    if a.only in (None, 'integration'):
        for s in sorted(glob.glob('tests/integration/test_*.py') + glob.glob('tests/integration/test_*.sh')):
            cmd = ['/usr/bin/python3', s] if s.endswith('.py') else ['bash', s]
            jobs.append(('integration', s, cmd, 600))
        if a.valgrind_build:
            # ASan and valgrind do not mix, so "the daemon is valgrind-clean"
            # is checked on a release build: gwctl.py wraps every tinbaod in
            # valgrind --error-exitcode when TINBAO_VALGRIND is set.
            s = 'tests/integration/test_gateway_daemon.py'
            jobs.append(('valgrind', s, ['/usr/bin/python3', s], 600,
                         {'TINBAO_BUILD': os.path.abspath(a.valgrind_build), 'TINBAO_VALGRIND': '1'}))
    if a.k:
        jobs = [j for j in jobs if a.k in j[1]]
    tp = tf = 0
    # Results are printed in submission order as they complete, so the log
    # reads the same whatever -j is.
    with ThreadPoolExecutor(max_workers=max(1, a.j)) as pool:
        futures = [(j, pool.submit(run, j[2], dict(env, **(j[4] if len(j) > 4 else {})), j[3]))
                   for j in jobs]
        for (kind, name, cmd, timeout, *_), fut in futures:
            p, f, out, rc, dt = fut.result()
            tp += p; tf += f
            status = 'ok' if f == 0 else 'FAIL'
            print('%-4s %-11s %-50s %4d passed %3d failed %6.1fs' % (status, kind, os.path.relpath(name), p, f, dt), flush=True)
            if f or a.v:
                sys.stdout.write(''.join('    | ' + l + '\n' for l in out.splitlines()[-60:]))
    print('%d passed, %d failed' % (tp, tf))
    return 1 if tf else 0

if __name__ == '__main__':
    sys.exit(main())
