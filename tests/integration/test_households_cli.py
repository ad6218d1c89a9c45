#!/usr/bin/python3
"""test_households_cli.py: the household desk outputs with exact values, on a
small register written here (so every figure is known) and a fixed clock
(TINBAO_NOW, 25/11/2026 10:00 in Vietnam):

- `tinbao places` and `places --json` (codes, names, dates, merges and
  moves; `--on D` leaves out the units that did not exist that day);
- `tinbao households list` with `--village` (by code, or by name with
  `--commune`; a village that moved to another commune: its households
  follow it);
- `tinbao households coverage --json`: every key, `never_reached` and
  `projects` included, for the district, a commune and a period;
- `tinbao export --by household`: the columns, one row per target
  household with the projects that reached it in the period, the head's
  name only with `--names` (and nowhere without it).
Prints "N passed, N failed".
"""
import csv, datetime, io, json, os, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwctl import Checks  # noqa: E402

ROOT = os.environ.get("TINBAO_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("TINBAO_BUILD", os.path.join(ROOT, "build"))
TINBAO = os.path.join(BUILD, "tinbao")
VN = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=VN)

CHECKS = Checks()
check, eq = CHECKS.check, CHECKS.eq


def run(env, *args):
    p = subprocess.run([TINBAO] + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", errors="replace")


# VT-05 lives in Vô Tranh Thôn 5, which became Lệnh Khanh Thôn 6 on
# 2025-07-01; VT-04 escaped in March 2025 (still counted: 36 months).
REGISTER = ("ma_ho,chu_ho,xa,thon,tinh_trang,ngay\n"
            "VT-01,Nguyễn Văn An,Vô Tranh,Thôn 3,ngheo,2025-01-10\n"
            "VT-02,Trần Thị Bình,Vô Tranh,Thôn 3,can_ngheo,2025-01-10\n"
            "VT-03,Lê Văn Cường,Vô Tranh,Thôn 1,ngheo,2025-01-10\n"
            "VT-04,Phạm Thị Dung,Vô Tranh,Thôn 1,thoat_ngheo,2025-03-01\n"
            "LK-01,Hoàng Văn Em,Lệnh Khanh,Thôn 1,can_ngheo,2025-01-10\n"
            "VT-05,Đỗ Thị Giang,Vô Tranh,Thôn 5,ngheo,2024-05-01\n")
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Đỗ Thị Giang"]
REACH = [("VT-01", "DA3.1", "2026-11-10"), ("VT-01", "DA4.1", "2026-11-12"), ("VT-03", "DA3.1", "2026-11-15"),
         ("LK-01", "DA2", "2026-10-01"), ("VT-05", "DA4.1", "2026-11-20")]


def places(env):
    rc, out, err = run(env, "places", "--json")
    rows = [json.loads(l) for l in out.splitlines()]
    eq(rc, 0, "places --json exit (%s)" % err)
    vt = [r for r in rows if r["code"] == "vo-tranh" or r.get("commune") == "vo-tranh"]
    eq(vt, [
        {"type": "commune", "code": "vo-tranh", "name": "Vô Tranh", "kind": "xa", "from": None, "until": None,
         "merged_into": None},
        {"type": "village", "code": "vo-tranh/thon-1", "name": "Thôn 1", "commune": "vo-tranh", "from": None,
         "until": None, "moved_to": None},
        {"type": "village", "code": "vo-tranh/thon-2", "name": "Thôn 2", "commune": "vo-tranh", "from": None,
         "until": None, "moved_to": None},
        {"type": "village", "code": "vo-tranh/thon-3", "name": "Thôn 3", "commune": "vo-tranh", "from": None,
         "until": None, "moved_to": None},
        {"type": "village", "code": "vo-tranh/thon-4", "name": "Thôn 4", "commune": "vo-tranh", "from": None,
         "until": None, "moved_to": None},
        {"type": "village", "code": "vo-tranh/thon-5", "name": "Thôn 5", "commune": "vo-tranh", "from": None,
         "until": "2025-06-30", "moved_to": "lenh-khanh/thon-6"},
    ], "places --json: Vô Tranh and its villages, Thôn 5 moved")
    by = {r["code"]: r for r in rows}
    eq(by.get("tt-ha-hoa"), {"type": "commune", "code": "tt-ha-hoa", "name": "Hạ Hòa", "kind": "thi tran",
                             "from": None, "until": "2025-06-30", "merged_into": "ha-hoa"},
       "places --json: the old town, merged")
    eq(by.get("ha-hoa", {}).get("from"), "2025-07-01", "places --json: the merged commune's first day")
    eq(sum(r["type"] == "commune" for r in rows), 23, "places --json: every commune ever")
    rc, out, err = run(env, "places", "--json", "--on", "2026-01-01")
    rows = [json.loads(l) for l in out.splitlines()]
    eq(sum(r["type"] == "commune" for r in rows), 21, "places --on 2026-01-01: communes of that day")
    check(not any(r["code"] in ("tt-ha-hoa", "minh-hac", "vo-tranh/thon-5") for r in rows),
          "places --on 2026-01-01: merged and moved units left out")
    check(any(r["code"] == "lenh-khanh/thon-6" for r in rows), "places --on 2026-01-01: the moved village's new code")
    rc, out, err = run(env, "places")
    lines = out.splitlines()
    eq(rc, 0, "places exit")
    i = lines.index(next(l for l in lines if l.startswith("vo-tranh ")))
    eq(lines[i:i + 6], [
        "vo-tranh                     Vô Tranh                 -..-",
        "  vo-tranh/thon-1            Thôn 1                   -..-",
        "  vo-tranh/thon-2            Thôn 2                   -..-",
        "  vo-tranh/thon-3            Thôn 3                   -..-",
        "  vo-tranh/thon-4            Thôn 4                   -..-",
        "  vo-tranh/thon-5            Thôn 5                   -..2025-06-30 -> lenh-khanh/thon-6",
    ], "places: text lines, columns aligned by characters")
    check(any(l.startswith("tt-ha-hoa                    Hạ Hòa                   -..2025-06-30 -> ha-hoa")
              for l in lines), "places: the merge in text")
    rc, out, err = run(env, "places", "--on", "yesterday")
    check(rc == 2 and "not a date" in err, "places --on with a bad date: %s" % err)


def listing(env):
    def codes(*args):
        rc, out, err = run(env, "households", "list", "--json", *args)
        eq(rc, 0, "list %s (%s)" % (args, err))
        return [json.loads(l) for l in out.splitlines()]

    rows = codes("--commune", "Vô Tranh", "--village", "Thôn 3")
    eq([(r["code"], r["head"], r["commune"], r["village"], r["status"], sorted(r["reached"])) for r in rows],
       [("VT-01", "Nguyễn Văn An", "vo-tranh", "vo-tranh/thon-3", "poor", ["DA3.1", "DA4.1"]),
        ("VT-02", "Trần Thị Bình", "vo-tranh", "vo-tranh/thon-3", "near_poor", [])],
       "list --commune --village by name")
    rows = codes("--village", "vo-tranh/thon-1")
    eq([(r["code"], r["status"], r["since"], r["reached"]) for r in rows],
       [("VT-03", "poor", "2025-01-10", ["DA3.1"]), ("VT-04", "escaped", "2025-03-01", [])],
       "list --village by code")
    # A village that moved: its households follow it to the new commune.
    rows = codes("--village", "lenh-khanh/thon-6")
    eq([(r["code"], r["commune"], r["village"], r["reached"]) for r in rows],
       [("VT-05", "lenh-khanh", "lenh-khanh/thon-6", ["DA4.1"])], "list --village, a moved village")
    eq(codes("--village", "vo-tranh/thon-5"), [], "list --village, the old code of a moved village: nobody today")
    # The period decides `reached`: LK-01 was reached in October only.
    rows = codes("--commune", "lenh-khanh", "--from", "2026-11-01")
    eq([(r["code"], r["reached"]) for r in rows], [("LK-01", []), ("VT-05", ["DA4.1"])], "list --from")
    rc, out, err = run(env, "households", "list", "--village", "Thôn 3")
    check(rc == 2 and "unknown village 'Thôn 3'" in err, "a village name without --commune: %s" % err)


KEYS = ("poor", "poor_reached", "near_poor", "near_poor_reached", "escaped", "escaped_reached", "never_reached",
        "projects")


def coverage(env):
    def cov(*args):
        rc, out, err = run(env, "households", "coverage", "--json", *args)
        eq(rc, 0, "coverage %s (%s)" % (args, err))
        j = json.loads(out)
        return {k: j.get(k) for k in KEYS}, j

    got, j = cov()
    eq(got, {"poor": 3, "poor_reached": 3, "near_poor": 2, "near_poor_reached": 1, "escaped": 1,
             "escaped_reached": 0, "never_reached": 2, "projects": {"DA3.1": 2, "DA4.1": 2, "DA2": 1}},
       "coverage: the district this year")
    eq((j["from"], j["to"], j["status_on"], j["commune"], j["village"]),
       ("2026-01-01", "2026-11-25", "2026-11-25", None, None), "coverage: the period and place")
    got, j = cov("--commune", "vo-tranh")
    eq(got, {"poor": 2, "poor_reached": 2, "near_poor": 1, "near_poor_reached": 0, "escaped": 1,
             "escaped_reached": 0, "never_reached": 2, "projects": {"DA3.1": 2, "DA4.1": 1}},
       "coverage: Vô Tranh")
    got, j = cov("--commune", "Lệnh Khanh")
    eq(got, {"poor": 1, "poor_reached": 1, "near_poor": 1, "near_poor_reached": 1, "escaped": 0,
             "escaped_reached": 0, "never_reached": 0, "projects": {"DA2": 1, "DA4.1": 1}},
       "coverage: Lệnh Khanh, with the household of the moved village")
    got, j = cov("--from", "2026-11-11", "--to", "2026-11-30")
    eq(got, {"poor": 3, "poor_reached": 3, "near_poor": 2, "near_poor_reached": 0, "escaped": 1,
             "escaped_reached": 0, "never_reached": 3, "projects": {"DA4.1": 2, "DA3.1": 1}},
       "coverage: 11/11-30/11")
    got, j = cov("--village", "vo-tranh/thon-3")
    eq((got["never_reached"], got["projects"], j["village"]), (1, {"DA3.1": 1, "DA4.1": 1}, "vo-tranh/thon-3"),
       "coverage: one village")
    rc, out, err = run(env, "households", "coverage")
    check(rc == 0 and "never_reached           2" in out and "  DA3.1         2 households" in out,
          "coverage as text: %s" % out)


def export(env):
    def csv_rows(*args):
        rc, out, err = run(env, "export", "--by", "household", *args)
        eq(rc, 0, "export --by household %s (%s)" % (args, err))
        check(out.startswith("\ufeff") and "\r\n" in out, "export %s: BOM and CRLF" % (args,))
        return out, list(csv.reader(io.StringIO(out.lstrip("\ufeff"), newline="")))

    def norm(rows, col):
        # The projects of a household come in the order the store grouped
        # them: compared sorted.
        return [r[:col] + [" ".join(sorted(r[col].split()))] + r[col + 1:] for r in rows]

    out, rows = csv_rows()
    eq(rows[0], ["ma_ho", "ma_thon", "thon", "xa", "tinh_trang", "du_an_ho_tro", "da_tiep_can"], "header")
    eq(norm(rows[1:], 5), [
        ["LK-01", "lenh-khanh/thon-1", "Thôn 1", "Lệnh Khanh", "near_poor", "", "0"],
        ["VT-03", "vo-tranh/thon-1", "Thôn 1", "Vô Tranh", "poor", "DA3.1", "1"],
        ["VT-04", "vo-tranh/thon-1", "Thôn 1", "Vô Tranh", "escaped", "", "0"],
        ["VT-01", "vo-tranh/thon-3", "Thôn 3", "Vô Tranh", "poor", "DA3.1 DA4.1", "1"],
        ["VT-02", "vo-tranh/thon-3", "Thôn 3", "Vô Tranh", "near_poor", "", "0"],
        ["VT-05", "lenh-khanh/thon-6", "Thôn 6", "Lệnh Khanh", "poor", "DA4.1", "1"],
    ], "export --by household: this month (LK-01's October support not in it)")
    check(not any(n in out for n in NAMES), "no name without --names")
    out, rows = csv_rows("--names", "--from", "2026-10-01", "--to", "2026-11-30", "--sep", ";")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"), newline=""), delimiter=";"))
    eq(rows[0], ["ma_ho", "chu_ho", "ma_thon", "thon", "xa", "tinh_trang", "du_an_ho_tro", "da_tiep_can"],
       "header with --names")
    eq([(r[0], r[1], r[6], r[7]) for r in norm(rows[1:], 6)], [
        ("LK-01", "Hoàng Văn Em", "DA2", "1"), ("VT-03", "Lê Văn Cường", "DA3.1", "1"),
        ("VT-04", "Phạm Thị Dung", "", "0"), ("VT-01", "Nguyễn Văn An", "DA3.1 DA4.1", "1"),
        ("VT-02", "Trần Thị Bình", "", "0"), ("VT-05", "Đỗ Thị Giang", "DA4.1", "1"),
    ], "export --by household --names, October and November")


def main():
    tmp = tempfile.mkdtemp(prefix="tinbao-hhcli-")
    db = os.path.join(tmp, "db.sqlite")
    conf = os.path.join(tmp, "tinbao.conf")
    with open(conf, "w") as f:
        f.write('modem = { device = "tcp://127.0.0.1:1"; };\n'
                'database = { path = "%s"; };\n' % db +
                'catalog = "%s";\n' % os.path.join(ROOT, "config", "catalog.conf"))
    env = dict(os.environ, TINBAO_CONF=conf, TINBAO_NOW=str(int(NOW.timestamp())))
    places(env)
    reg = os.path.join(tmp, "register.csv")
    with open(reg, "w", encoding="utf-8") as f:
        f.write(REGISTER)
    rc, out, err = run(env, "households", "import", reg)
    eq((rc, out.strip()), (0, "6 households: 6 added, 0 updated, 0 unchanged, 6 status changes recorded"), "import")
    for code, proj, day in REACH:
        rc, out, err = run(env, "households", "reach", code, proj, "--day", day)
        eq((rc, out.strip()), (0, "%s: %s recorded" % (code, proj)), "reach %s %s" % (code, proj))
    listing(env)
    coverage(env)
    export(env)
    return CHECKS.done()


if __name__ == "__main__":
    sys.exit(main())
