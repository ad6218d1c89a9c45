#!/usr/bin/python3
"""test_office_cli.py: the office's desk commands end to end through the real
`tinbao` binary with a fixed clock (TINBAO_NOW):

- the 2,000-household register imported, re-imported (nothing changes), the
  2026 review on top (history kept), a file with one bad line refused whole;
- coverage (`tinbao households coverage --json`) checked against an
  independent count made here from the CSV files (status rules, the 36-month
  expiry, villages that moved) and the reach recorded with `households reach`;
- reports written into the database as H6's schema stores them (versions,
  amended, cancelled, training), then `tinbao export` parsed back with the
  csv module: totals equal an independent SQL sum over active versions;
- `tinbao report` is one self-contained HTML page; `tinbao summary --send`
  queues once per recipient however often it is run; `tinbao summary
  --commune C` holds that commune's totals and its villages that did not
  report, nothing of the other communes.
Prints "N passed, N failed".
"""
import csv, io, json, os, random, re, sqlite3, subprocess, sys, tempfile, datetime
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwctl import Checks  # noqa: E402

ROOT = os.environ.get("TINBAO_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("TINBAO_BUILD", os.path.join(ROOT, "build"))
TINBAO = os.path.join(BUILD, "tinbao")
FIX = os.path.join(ROOT, "tests", "fixtures", "households")
VN = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=VN)

CHECKS = Checks()
check = CHECKS.check


def run(env, *args, ok=True):
    p = subprocess.run([TINBAO] + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if ok and p.returncode != 0:
        print("command failed:", args, p.stderr.decode(errors="replace"))
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", errors="replace")


# ---- independent model of the register ----

def fold(s):
    import unicodedata
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if unicodedata.category(c) != "Mn").lower()


def status_of(word):
    k = "".join(ch for ch in fold(word) if ch.isalnum())
    return {"ngheo": "poor", "canngheo": "near_poor", "thoatngheo": "escaped"}[k]


def parse_day(s):
    if "-" in s:
        return datetime.date.fromisoformat(s)
    d, m, y = s.split("/")
    return datetime.date(int(y), int(m), int(d))


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    import calendar
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


# Old units and where they went on 2025-07-01 (config/catalog.conf).
MOVES = {("minh hac", "thon 1"): "ha hoa", ("minh hac", "thon 2"): "ha hoa", ("minh hac", "thon 3"): "ha hoa",
         ("thi tran ha hoa", "khu 1"): "ha hoa", ("thi tran ha hoa", "khu 2"): "ha hoa",
         ("vo tranh", "thon 5"): "lenh khanh"}


def load_register():
    hh = {}
    for name in ("register_2025.csv", "register_2026.csv"):
        with open(os.path.join(FIX, name), encoding="utf-8-sig", newline="") as f:
            sample = f.readline()
            f.seek(0)
            rd = csv.reader(f, delimiter=";" if sample.count(";") > sample.count(",") else ",")
            header = [fold(h).replace(" ", "").replace("_", "") for h in next(rd)]
            ix = {k: header.index(k) for k in ("maho", "xa", "thon", "tinhtrang", "ngay")}
            for row in rd:
                code = row[ix["maho"]]
                st, day = status_of(row[ix["tinhtrang"]]), parse_day(row[ix["ngay"]])
                commune = fold(row[ix["xa"]])
                h = hh.setdefault(code, {"hist": []})
                h["commune"] = MOVES.get((commune, fold(row[ix["thon"]])), commune)
                if not h["hist"] or h["hist"][-1][0] != st:
                    h["hist"].append((st, day))
    return hh


def status_on(h, day):
    st = None
    since = None
    for s, d in h["hist"]:
        if d <= day:
            st, since = s, d
    if st == "escaped" and day >= add_months(since, 36):
        st = None
    return st


def summary_commune(env, db):
    """`tinbao summary --commune C`: the commune's version counts that
    commune's reports only and lists its villages that did not report
    (not the other communes). Week 50 of 2026 (7/12-13/12) holds only the
    reports written here; week 49 one, for the comparison."""
    con = sqlite3.connect(db)
    rows = [  # (village, day, project, {indicator: value})
        ("vo-tranh/thon-1", "2026-12-08", "DA4.1", {"LOP": 1, "HV": 12}),
        ("vo-tranh/thon-2", "2026-12-10", "DA4.1", {"LOP": 1, "HV": 8}),
        ("lenh-khanh/thon-1", "2026-12-09", "DA4.1", {"LOP": 3, "HV": 100}),
        ("yen-ky/khu-2", "2026-12-11", "DA3.1", {"HO": 7}),
        ("vo-tranh/thon-1", "2026-12-01", "DA4.1", {"LOP": 1, "HV": 5}),	# week 49
    ]
    for i, (village, day, proj, vals) in enumerate(rows):
        cur = con.execute("INSERT INTO reports (ref, version, kind, phone, commune, village, project, day, "
                          "received_at, source_msg_id, status) VALUES (?,1,'activity','+84900000002',?,?,?,?,1,?,"
                          "'active')", ("W5%02d" % i, village.split("/")[0], village, proj, day, 90000 + i))
        for ind, v in vals.items():
            con.execute("INSERT INTO report_values (report_id, indicator, value) VALUES (?,?,?)",
                        (cur.lastrowid, ind, v))
    con.commit()
    con.close()
    rc, out, err = run(env, "summary", "--week", "2026-W50", "--commune", "Vô Tranh")
    t = out.strip()
    check(rc == 0 and t.startswith("TINBAO TUAN 50/2026 (7/12-13/12) Vo Tranh: 2 bao cao (tuan truoc 1), 2/4 thon."),
          "commune summary header: " + t + err)
    check("LOP 2(+1)" in t and "HV 20(+15)" in t, "the commune's totals only: " + t)
    check("HV 120" not in t and "DA3.1" not in t and "HO 7" not in t, "no other commune's figures: " + t)
    m = re.search(r" Chua BC: ([^.]*)\.", t)
    missing = m.group(1).split(", ") if m else []
    check(sorted(missing) == ["Thon 3", "Thon 4"], "its villages that did not report: %r in %s" % (missing, t))
    check("Lenh Khanh" not in t and "Yen Ky" not in t and "Xuan Ang" not in t,
          "no other commune named: " + t)
    check(t.isascii() and len(t) <= 459, "ASCII, three segments at most: %d" % len(t))
    # The district version of the same week, for contrast: every commune.
    rc, out, err = run(env, "summary", "--week", "2026-W50")
    d = out.strip()
    check("toan huyen: 4 bao cao (tuan truoc 1), 3/" in d and "HV 120(+115)" in d, "district summary: " + d)
    rc, out, err = run(env, "summary", "--week", "2026-W50", "--commune", "Khong Co Xa", ok=False)
    check(rc == 2 and out == "", "an unknown commune refused: rc %d %s" % (rc, err))


def main():
    tmp = tempfile.mkdtemp(prefix="tinbao-office-")
    db = os.path.join(tmp, "db.sqlite")
    conf = os.path.join(tmp, "tinbao.conf")
    with open(conf, "w") as f:
        f.write('modem = { device = "tcp://127.0.0.1:1"; };\n'
                'database = { path = "%s"; };\n' % db +
                'catalog = "%s";\n' % os.path.join(ROOT, "config", "catalog.conf") +
                'summary = { recipients = [ "role:official", "0912345678" ]; per_commune_chairs = true; };\n')
    env = dict(os.environ, TINBAO_CONF=conf, TINBAO_NOW=str(int(NOW.timestamp())))

    # -- import, re-import, review --
    rc, out, err = run(env, "households", "import", os.path.join(FIX, "register_2025.csv"))
    check(rc == 0 and "2000 added" in out, "first import: " + out + err)
    rc, out, err = run(env, "households", "import", os.path.join(FIX, "register_2025.csv"))
    check(rc == 0 and "0 added, 0 updated, 2000 unchanged, 0 status changes" in out, "re-import: " + out)
    rc, out, err = run(env, "households", "import", os.path.join(FIX, "register_2026.csv"))
    check(rc == 0 and "50 added" in out and "350 status changes" in out, "review: " + out)
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("ma_ho,chu_ho,xa,thon,tinh_trang,ngay\nNEW1,A,Vô Tranh,Thôn 1,ngheo,1/1/2026\n"
                "NEW2,B,Vô Tranh,Thôn 9,ngheo,1/1/2026\nNEW3,C,Vô Tranh,Thôn 1,giau,1/1/2026\n")
    rc, out, err = run(env, "households", "import", bad, ok=False)
    check(rc != 0 and "bad.csv:4:" in err and "nothing imported" in err, "bad file refused: " + err)
    rc, out, err = run(env, "households", "show", "NEW1", ok=False)
    check(rc != 0, "nothing half-imported")

    # -- reach recorded at the desk for a seeded sample --
    reg = load_register()
    rnd = random.Random(7)
    reached = {}
    for code in rnd.sample(sorted(reg), 150):
        proj = rnd.choice(["DA2", "DA3.1", "DA4.1"])
        day = datetime.date(2026, rnd.randint(1, 11), rnd.randint(1, 20))
        rc, out, err = run(env, "households", "reach", code, proj, "--day", day.isoformat())
        reached.setdefault(code, set()).add(proj)
    today = NOW.date()
    for commune in (None, "vo tranh", "ha hoa"):
        want = {"poor": 0, "poor_reached": 0, "near_poor": 0, "near_poor_reached": 0,
                "escaped": 0, "escaped_reached": 0}
        for code, h in reg.items():
            if commune and h["commune"] != commune:
                continue
            st = status_on(h, today)
            if not st:
                continue
            want[st] += 1
            want[st + "_reached"] += code in reached
        args = ["households", "coverage", "--json"] + (["--commune", commune] if commune else [])
        rc, out, err = run(env, *args)
        got = json.loads(out) if rc == 0 else {}
        for k, v in want.items():
            check(got.get(k) == v, "coverage %s %s: got %s want %s" % (commune, k, got.get(k), v))
    # The expiry with the fixed clock: in mid-2027 more escaped households have
    # left the list than now.
    env27 = dict(env, TINBAO_NOW=str(int(datetime.datetime(2027, 6, 30, 10, 0, tzinfo=VN).timestamp())))
    rc, out, err = run(env27, "households", "coverage", "--json", "--from", "2027-01-01")
    got = json.loads(out)
    want = sum(1 for h in reg.values() if status_on(h, datetime.date(2027, 6, 30)) == "escaped")
    check(got["escaped"] == want, "escaped in 2027: %s vs %s" % (got["escaped"], want))
    rc, out, err = run(env, "households", "list", "--commune", "Vô Tranh", "--json")
    rows = [json.loads(l) for l in out.splitlines()]
    check(rows and all(r["commune"] == "vo-tranh" for r in rows) and all("reached" in r for r in rows),
          "list --commune")

    # -- reports as H6 stores them, then export parsed back --
    con = sqlite3.connect(db)
    places = [("vo-tranh", "vo-tranh/thon-1"), ("vo-tranh", "vo-tranh/thon-2"), ("lenh-khanh", "lenh-khanh/thon-1"),
              ("yen-ky", "yen-ky/khu-2"), ("ha-hoa", "ha-hoa/minh-hac-1")]
    projects = {"DA4.1": ["LOP", "HV", "HN"], "DA3.1": ["HO", "BO", "KP"], "DA2": ["MH", "HO"]}
    msg = 1
    for i in range(300):
        commune, village = rnd.choice(places)
        proj = rnd.choice(sorted(projects))
        day = datetime.date(2026, 11, 1) + datetime.timedelta(days=rnd.randint(-10, 24))
        status = rnd.choices(["active", "cancelled", "training"], [85, 10, 5])[0]
        ref = "R%03d" % i
        cur = con.execute("INSERT INTO reports (ref, version, kind, phone, commune, village, project, day, "
                          "received_at, source_msg_id, status, training) VALUES (?,1,'activity','+84900000001',?,?,?,?,1,?,?,?)",
                          (ref, commune, village, proj, day.isoformat(), msg, status, status == "training"))
        msg += 1
        rid = cur.lastrowid
        for ind in projects[proj]:
            con.execute("INSERT INTO report_values (report_id, indicator, value) VALUES (?,?,?)",
                        (rid, ind, rnd.choice([1, 2, 5, 12.5, 30])))
        if status == "active" and rnd.random() < 0.15:    # SUA: a new version, the old amended
            cur = con.execute("INSERT INTO reports (ref, version, supersedes, kind, phone, commune, village, project, day, "
                              "received_at, source_msg_id, status) VALUES (?,2,?,'activity','+84900000001',?,?,?,?,2,?,'active')",
                              (ref, rid, commune, village, proj, day.isoformat(), msg))
            msg += 1
            for ind in projects[proj]:
                con.execute("INSERT INTO report_values (report_id, indicator, value) VALUES (?,?,?)",
                            (cur.lastrowid, ind, 7))
            con.execute("UPDATE reports SET status='amended' WHERE id=?", (rid,))
    con.commit()
    truth = {}
    for proj, ind, v in con.execute(
            "SELECT r.project, v.indicator, sum(v.value) FROM reports r JOIN report_values v ON v.report_id = r.id "
            "WHERE r.status = 'active' AND r.day BETWEEN '2026-11-01' AND '2026-11-30' GROUP BY 1, 2"):
        truth[(proj, ind)] = v
    nreports = con.execute("SELECT count(*) FROM reports WHERE status='active' AND day BETWEEN '2026-11-01' AND '2026-11-30'").fetchone()[0]
    con.close()
    for by, key in (("commune", ("du_an", "chi_so")), ("project", ("du_an", "chi_so")), ("village", ("du_an", "chi_so"))):
        rc, out, err = run(env, "export", "--from", "2026-11-01", "--to", "2026-11-30", "--by", by)
        raw = out.encode("utf-8")
        check(raw.startswith(b"\xef\xbb\xbf"), "export %s has a BOM" % by)
        check("\r\n" in out, "export %s has CRLF" % by)
        rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"), newline="")))
        sums = {}
        for r in rows:
            k = (r["du_an"], r["chi_so"])
            sums[k] = sums.get(k, 0) + float(r["gia_tri"])
        check(set(sums) == set(truth) and all(abs(sums[k] - truth[k]) < 1e-6 for k in truth),
              "export --by %s totals: %s vs %s" % (by, sorted(sums.items())[:4], sorted(truth.items())[:4]))
        if by == "commune":
            names = {r["xa"] for r in rows}
            check("Vô Tranh" in names and "Lệnh Khanh" in names, "Vietnamese names intact: %s" % names)
    rc, out, err = run(env, "export", "--by", "commune", "--sep", ";", "--from", "2026-11-01", "--to", "2026-11-30")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"), newline=""), delimiter=";"))
    check(rows and "gia_tri" in rows[0], "semicolon export")

    # -- the HTML report --
    rc, out, err = run(env, "report", "--month", "2026-11")
    html = out
    check(rc == 0 and html.startswith("<!DOCTYPE html>"), "report is HTML")
    low = html.lower()
    check("<script" not in low and "src=" not in low and "href=" not in low and "url(" not in low,
          "report has no script and no external resource")
    check("@page{size:a4" in low, "report prints on A4")
    check("<svg" in html and "Vô Tranh" in html, "report has charts and names")
    check(("(%d)" % nreports) in html, "report lists %d reports" % nreports)
    with open(os.path.join(tmp, "report.html"), "w", encoding="utf-8") as f:
        f.write(html)
    import html.parser as hp

    class P(hp.HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.bad = [], 0

        def handle_starttag(self, tag, a):
            if tag not in ("meta", "rect", "br"):
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if tag in ("rect",):
                return
            if not self.stack or self.stack.pop() != tag:
                self.bad += 1
    p = P()
    p.feed(html)
    check(p.bad == 0 and not p.stack, "report HTML is well nested (%d bad, left %s)" % (p.bad, p.stack[-3:]))

    # -- summary --
    rc, out, err = run(env, "user", "add", "--phone", "0913000001", "--role", "official", "--name", "Chu tich",
                       "--commune", "vo-tranh")
    rc, out, err = run(env, "summary", "--week", "2026-W47")
    check(rc == 0 and "TUAN 47/2026" in out, "summary prints: " + out)
    rc, out, err = run(env, "summary", "--week", "2026-W47", "--send")
    check(rc == 0 and out.startswith("2 summaries queued"), "summary --send: " + out + err)
    rc, out, err = run(env, "summary", "--week", "2026-W47", "--send")
    check(rc == 0 and out.startswith("0 summaries queued"), "summary --send again: " + out)
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM outbox WHERE slot LIKE 'summary:2026-W47:%'").fetchone()[0]
    txt = con.execute("SELECT text FROM outbox WHERE recipient='+84913000001'").fetchone()
    con.close()
    check(n == 2, "two summaries in the outbox: %d" % n)
    check(txt and "Vo Tranh" in txt[0], "the chair gets the commune's version")

    summary_commune(env, db)

    return CHECKS.done()


if __name__ == "__main__":
    sys.exit(main())
