#!/usr/bin/python3
"""test_torture.py: the short crash and fault campaign inside make test.

torture.py's three scenarios at a small size (120 messages, 3 SIGKILLs, every
modem fault kind once, `hang` included, 4 restarts with a store write failing
like a full disk), each well under 20 s. The full campaign (1,000 messages,
more kills and every fault kind) is `make torture`. A hang that swallows an
AT+CMGS costs the command timeout (3 s in the campaign's config), not the
60 s send timeout, since the prompt wait has the short one (docs/daemon.md,
timeouts). TINBAO_SEED=N replays a run; the default seed is fixed so that
make test is repeatable.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torture import Campaign, HEADER, MODEM_FAULTS  # noqa: E402


def main():
    seed = int(os.environ.get('TINBAO_SEED') or 1)
    print('torture (short): seed %d' % seed)
    results = []
    for scenario, faults in (('crash', 0), ('modem', len(MODEM_FAULTS)), ('disk', 4)):
        results.append(Campaign(seed=seed, messages=120, kills=3, faults=faults,
                                scenario=scenario, modem_faults=MODEM_FAULTS).run())
    for r in results:	# the SUA/HUY check is only as good as the changes it saw
        print('  %s: %d SUA and %d HUY applied, %d unchanged, %d refused'
              % (r.scenario, r.changes['SUA'], r.changes['HUY'], r.changes['unchanged'],
                 r.changes['refused']))
    print(HEADER)
    for r in results:
        print(r.row())
    passed = sum(1 for r in results if r.ok)
    print('%d passed, %d failed' % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
