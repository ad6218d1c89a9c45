#!/usr/bin/python3
"""test_report_browser.py: the monthly HTML report in a real browser.

`tinbao report --month 2026-11` over a register and a month of reports, then
headless Chromium, offline (every request to the network refused by a dead
proxy), takes a screenshot and prints it to PDF:
- the screenshot is not blank and shows the charts' bar colour (the inline
  SVG rendered);
- the PDF pages are A4 (595 x 842 points) and the page count is sane;
- Chromium logged no failed resource load (nothing external is referenced).
Without Chromium the test says SKIPPED with the reason and counts nothing.
Prints "N passed, N failed".
"""
import datetime, os, re, shutil, sqlite3, struct, subprocess, sys, tempfile, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gwctl import Checks  # noqa: E402

ROOT = os.environ.get("TINBAO_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("TINBAO_BUILD", os.path.join(ROOT, "build"))
TINBAO = os.path.join(BUILD, "tinbao")
VN = datetime.timezone(datetime.timedelta(hours=7))
CHECKS = Checks()
check = CHECKS.check


def png_pixels(path):
    """Decodes an 8-bit RGB/RGBA PNG (what Chromium writes) with zlib."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            bpp = {2: 3, 6: 4}[ctype]
            assert depth == 8
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium:
        print("SKIPPED: no chromium on this machine (scripts/deps.sh installs it); the HTML checks of "
              "test_office_cli.py and test_export.c still run")
        print("0 passed, 0 failed")
        return 0
    tmp = tempfile.mkdtemp(prefix="tinbao-browser-")
    db = os.path.join(tmp, "db.sqlite")
    conf = os.path.join(tmp, "tinbao.conf")
    with open(conf, "w") as f:
        f.write('modem = { device = "tcp://127.0.0.1:1"; };\ndatabase = { path = "%s"; };\n'
                'catalog = "%s";\n' % (db, os.path.join(ROOT, "config", "catalog.conf")))
    now = int(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=VN).timestamp())
    env = dict(os.environ, TINBAO_CONF=conf, TINBAO_NOW=str(now))
    p = subprocess.run([TINBAO, "households", "import",
                        os.path.join(ROOT, "tests", "fixtures", "households", "register_2025.csv")],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, "register imported: %s" % p.stderr.decode()[-200:])
    con = sqlite3.connect(db)
    places = [("vo-tranh", "vo-tranh/thon-1"), ("lenh-khanh", "lenh-khanh/thon-2"), ("yen-ky", "yen-ky/khu-1"),
              ("am-ha", "am-ha/thon-3"), ("ha-hoa", "ha-hoa/khu-2")]
    for i in range(60):
        c, v = places[i % 5]
        cur = con.execute("INSERT INTO reports (ref, kind, phone, commune, village, project, day, received_at, "
                          "source_msg_id) VALUES (?, 'activity', '+84900000001', ?, ?, ?, ?, 1, ?)",
                          ("R%03d" % i, c, v, ["DA4.1", "DA3.1", "DA2"][i % 3], "2026-11-%02d" % (1 + i % 27), i + 1))
        con.execute("INSERT INTO report_values (report_id, indicator, value) VALUES (?, 'HO', ?)", (cur.lastrowid, 1 + i % 7))
    con.commit()
    con.close()
    p = subprocess.run([TINBAO, "report", "--month", "2026-11"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, "tinbao report: %s" % p.stderr.decode()[-200:])
    html = os.path.join(tmp, "report.html")
    with open(html, "wb") as f:
        f.write(p.stdout)
    png, pdf = os.path.join(tmp, "shot.png"), os.path.join(tmp, "report.pdf")
    base = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--proxy-server=http://127.0.0.1:9", "--disable-background-networking",
            "--user-data-dir=" + os.path.join(tmp, "profile"), "--enable-logging=stderr", "--v=0"]
    r1 = subprocess.run(base + ["--window-size=1240,1754", "--screenshot=" + png, "file://" + html],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    r2 = subprocess.run(base + ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + html],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    check(os.path.exists(png), "screenshot written (%s)" % r1.stderr.decode()[-300:])
    check(os.path.exists(pdf), "PDF written (%s)" % r2.stderr.decode()[-300:])
    log = (r1.stderr + r2.stderr).decode(errors="replace")
    check(not re.search(r"net::ERR_|Failed to load resource", log), "no resource requested: %s" %
          "\n".join(l for l in log.splitlines() if "ERR_" in l)[:300])
    if os.path.exists(png):
        w, h, bpp, rows = png_pixels(png)
        check((w, h) == (1240, 1754), "screenshot size %dx%d" % (w, h))
        colours = set()
        bar = 0
        for y in range(0, h, 3):
            row = rows[y]
            for x in range(0, w * bpp, bpp * 3):
                px = row[x:x + 3]
                colours.add(px)
                if abs(px[0] - 0x3b) < 8 and abs(px[1] - 0x6e) < 8 and abs(px[2] - 0xa5) < 8:
                    bar += 1
        check(len(colours) > 20, "the page is not blank (%d colours)" % len(colours))
        check(bar > 200, "chart bars rendered (%d bar pixels)" % bar)
    if os.path.exists(pdf):
        data = open(pdf, "rb").read()
        pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
        check(1 <= pages <= 60, "PDF pages: %d" % pages)
        check(boxes and all(abs(float(a) - 595.9) < 2 and abs(float(b) - 842.9) < 2 for a, b in boxes),
              "A4 pages: %s" % boxes[:2])
    return CHECKS.done()


if __name__ == "__main__":
    sys.exit(main())
