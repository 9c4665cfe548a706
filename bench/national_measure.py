"""`python bench/national.py measure`: the pages of issue 14's table over HTTP through gunicorn, against a database
loaded by `national.py load`, as the national admin and/or the rayon clerk. For every page: the median of N timed
requests (after one untimed), the statements and database time inside the request and the worker's peak memory
(bench/national_wsgi.py), and the raw SQL of the page's answer timed with psycopg: the rows it shows, plus the
count where the page shows one (capped at COUNT_CAP as the app counts). Prints one markdown table per user."""
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE_SIZE = 25  # views.base.SanaripModelView.page_size
COUNT_CAP = 10_000  # config LIST_COUNT_CAP: lists, the REST list and exports count up to it (views.base.capped_count)
LOOKUP_TERM = "Манас"
EXPORT_TERM = "асановна"  # a patronymic: about 110,000 members at national scale (1.5 %), the size of the
# issue's export goal (100,000 rows in 10 s)
MEMBER = "household_book_member m JOIN household_book_household h ON h.id = m.household_id"


# --- the server ------------------------------------------------------------------------------------------------
def serve(database_url, workers, timeout, stats):
    from bench.national import SECRET_KEY

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    instance = tempfile.mkdtemp(prefix="sanarip-bench-serve-")
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY, SANARIP_INSTANCE=instance,
               LOGIN_RATE_LIMIT="100000 per minute", LOGIN_THROTTLE_DELAY_SEC="0", BENCH_STATS=stats,
               FLASK_DEBUG="0")
    command = [sys.executable, "-m", "gunicorn", "--chdir", ROOT, "--bind", f"127.0.0.1:{port}", "--workers",
               str(workers), "--worker-class", "sync", "--timeout", str(timeout), "--log-level", "warning",
               "bench.national_wsgi:app"]
    log = open(os.path.join(os.path.dirname(stats), "gunicorn.log"), "w")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/login/", timeout=5)
            return url, proc, instance
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer")


class Client:
    """A logged-in browser over urllib: session cookie, CSRF token of the login form."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path, bench_id=None, timeout=600):
        request = urllib.request.Request(self.base + path, headers={"X-Bench-Id": bench_id or ""})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read(), response.geturl()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), path
        except (OSError, http.client.HTTPException) as exc:  # a worker killed by gunicorn's timeout
            return f"no answer ({type(exc).__name__})", b"", path

    def login(self, username, password):
        _status, page, _url = self.get("/login/")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or \
            re.search(rb'<meta name="csrf-token" content="([^"]+)"', page)
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrf_token": token.group(1).decode()}).encode()
        with self.opener.open(urllib.request.Request(self.base + "/login/", data=data), timeout=60) as response:
            response.read()
        status, _page, url = self.get("/memberview/list/")
        if status != 200 or "/login" in url:
            raise SystemExit(f"{username} could not log in ({status} {url})")


def stats_of(path, bench_id, wait=3.0):
    """The worker's line of request `bench_id` (written when the worker closes the response, which may be just
    after the client has read it)."""
    deadline = time.monotonic() + wait
    while True:
        with open(path) as fh:
            for line in fh:
                row = json.loads(line)
                if row["id"] == bench_id:
                    return row
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


# --- what each page asks and the raw SQL of its answer ---------------------------------------------------------
def scenario(cursor, user):
    """The page list for `user`: [(label, url, [(raw label, sql, params)])]."""
    from bench.national import CLERK_RAYON, RARE, RARE_CLERK

    if user == "clerk":
        cursor.execute("SELECT path FROM ref_territory WHERE code = %s", (CLERK_RAYON,))
        path = cursor.fetchone()[0]
        scope = " AND h.territory_id IN (SELECT id FROM ref_territory WHERE path LIKE %(path)s)"
        level_below = 3
    else:
        path, scope, level_below = None, "", 1
    p = {"path": (path or "") + "%"}
    cursor.execute(f"SELECT count(*) FROM {MEMBER} WHERE true{scope}", p)
    members = cursor.fetchone()[0]
    cursor.execute(f"SELECT m.pin FROM {MEMBER} WHERE m.is_active{scope} ORDER BY m.id OFFSET %(half)s LIMIT 1",
                   dict(p, half=members // 2))
    pin = cursor.fetchone()[0]
    cursor.execute(f"SELECT h.territory_id, count(*) FROM household_book_household h JOIN ref_territory t "
                   f"ON t.id = h.territory_id WHERE t.kind = 'village'{scope} GROUP BY 1 ORDER BY 2 DESC LIMIT 1", p)
    village, village_households = cursor.fetchone()
    page = min(4999, max(0, (members - 1) // PAGE_SIZE))
    rare = " ".join(RARE_CLERK if user == "clerk" else RARE)
    columns = "m.id, m.full_name, m.pin, m.sex, m.birth_date, m.relation, m.is_active, m.household_id"

    def listing(where="true", extra=None, offset=0, limit=PAGE_SIZE, order="m.full_name, m.id"):
        params = dict(p, **(extra or {}))
        page_of = f" LIMIT {limit} OFFSET {offset}" if limit else ""
        return [("rows", f"SELECT {columns} FROM {MEMBER} WHERE {where}{scope} ORDER BY {order}{page_of}", params),
                ("count", f"SELECT count(*) FROM (SELECT 1 FROM {MEMBER} WHERE {where}{scope} "
                          f"LIMIT {COUNT_CAP + 1}) c", params)]

    def contains(term, limit=PAGE_SIZE):  # as app.search.contains: the expression the trigram index is built on
        return listing("lower(m.full_name) LIKE %(term)s", {"term": f"%{term.lower()}%"}, limit=limit)

    q = urllib.parse.quote
    cursor.execute(f"SELECT count(*) FROM {MEMBER} WHERE lower(m.full_name) LIKE %(term)s{scope}",
                   dict(p, term=f"%{EXPORT_TERM}%"))
    export_rows = cursor.fetchone()[0]
    age = "least(date_part('year', age(current_date, m.birth_date))::int / 5, 14)"
    pages = [
        ("home page (the role's dashboard)", "/", []),
        ("member list, page 1", "/memberview/list/", listing()),
        (f"member list, page {page + 1}", f"/memberview/list/?page_MemberView={page}",
         listing(offset=page * PAGE_SIZE)),
        ("PIN exact", f"/memberview/list/?_flt_3_pin={pin}", listing("m.pin = %(pin)s", {"pin": pin})),
        ("name contains 'ова'", f"/memberview/list/?_flt_2_full_name={q('ова')}", contains("ова")),
        ("name contains 'асанов'", f"/memberview/list/?_flt_2_full_name={q('асанов')}", contains("асанов")),
        ("name contains a rare full name", f"/memberview/list/?_flt_2_full_name={q(rare)}", contains(rare)),
        (f"household lookup '{LOOKUP_TERM}'", f"/memberview/lookup/household?q={q(LOOKUP_TERM)}",
         [("rows", f"SELECT h.id, h.number, h.address FROM household_book_household h WHERE (lower(h.number) LIKE "
                   f"%(term)s OR lower(h.address) LIKE %(term)s){scope} LIMIT 20",
           dict(p, term=f"%{LOOKUP_TERM.lower()}%"))]),
        ("population pyramid", "/householdcharts/?chart=pyramid",
         [("rows", f"SELECT {age}, m.sex, count(*) FROM {MEMBER} WHERE m.is_active{scope} GROUP BY 1, 2", p)]),
        ("population by territory", "/householdcharts/?chart=territories",
         [("rows", f"SELECT split_part(t.path, '/', {level_below + 1}), count(*) FROM {MEMBER} JOIN ref_territory t "
                   f"ON t.id = h.territory_id WHERE m.is_active{scope} GROUP BY 1", p)]),
        ("REST list, 100 rows", "/api/v1/household_member/?q=(page_size:100)",
         listing(limit=100, order="m.id")),
        (f"xlsx export, name contains '{EXPORT_TERM}' ({export_rows:,} members)",
         f"/memberview/export/xlsx?_flt_2_full_name={q(EXPORT_TERM)}", contains(EXPORT_TERM, limit=None)[:1]),
        (f"xlsx export of one village ({village_households} households)",
         f"/householdview/export/xlsx?_flt_0_territory={village}",
         [("rows", "SELECT h.id, h.number, h.address, max(m.full_name) FILTER (WHERE m.relation = 'head' AND "
                   "m.is_active), count(m.id) FILTER (WHERE m.is_active) FROM household_book_household h "
                   "LEFT JOIN household_book_member m ON m.household_id = h.id WHERE h.territory_id = %(village)s "
                   "GROUP BY h.id ORDER BY h.number", {"village": village})]),
    ]
    for label, url, table, order in (
            ("social passports, page 1", "/socialpassportview/list/", "social_passport_passport", "id"),
            ("land queue, page 1", "/landapplicationview/list/", "land_queue_application", "id"),
            ("property objects, page 1", "/propertyobjectview/list/", "municipal_property_object", "id"),
            ("child cases, page 1", "/cpchildview/list/", "child_protection_child", "id")):
        where = " WHERE x.territory_id IN (SELECT id FROM ref_territory WHERE path LIKE %(path)s)" if path else ""
        pages.append((label, url, [
            ("rows", f"SELECT x.* FROM {table} x{where} ORDER BY x.{order} DESC LIMIT {PAGE_SIZE}", p),
            ("count", f"SELECT count(*) FROM (SELECT 1 FROM {table} x{where} LIMIT {COUNT_CAP + 1}) c", p)]))
    for label, url in (("chart: social passports", "/socialpassportcharts/"),
                       ("chart: land queue", "/landqueuecharts/"), ("chart: property", "/propertycharts/"),
                       ("chart: child protection", "/childprotectioncharts/")):
        pages.append((label, url, []))
    expect = {"PIN exact": pin, "name contains a rare full name": rare}
    return members, pages, expect


def raw_ms(cursor, sql, params, repeat):
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:])


def fmt_ms(ms):
    if ms is None:
        return "—"
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


def measure(args):
    import psycopg

    from bench.national import PASSWORD, psycopg_url

    users = args.user or ["admin", "clerk"]
    work = tempfile.mkdtemp(prefix="sanarip-bench-measure-")
    stats = os.path.join(work, "stats.jsonl")
    open(stats, "w").close()
    url, proc, instance = serve(args.database_url, args.workers, args.timeout, stats)
    conn = psycopg.connect(psycopg_url(args.database_url), autocommit=True)
    cursor = conn.cursor()
    cursor.execute("SELECT count(*) FROM household_book_member")
    national = cursor.fetchone()[0]
    try:
        for user in users:
            client = Client(url)
            client.login(user, PASSWORD)
            members, pages, expect = scenario(cursor, user)
            print(f"\n### as {user} ({members:,} members in scope, {national:,} in the database; gunicorn "
                  f"{args.workers} sync workers, median of {args.repeat})\n", flush=True)
            print("| page | Sanarip over HTTP | SQL in the request | statements | raw SQL: rows + count "
                  "| worker peak RSS | status |")
            print("|---|---|---|---|---|---|---|")
            for label, path, raw in pages:
                times, bench_id, status = [], None, None
                heavy = "/export/" in path  # one timed run, no untimed one: an export takes seconds
                for run in range(1 if heavy else 0, 2 if heavy else args.repeat + 1):
                    bench_id = uuid.uuid4().hex
                    started = time.perf_counter()
                    status, body, final = client.get(path, bench_id, timeout=args.timeout + 30)
                    elapsed = (time.perf_counter() - started) * 1000
                    if status == 200 and urllib.parse.urlsplit(final).path != urllib.parse.urlsplit(path).path:
                        status = f"200 after a redirect to {urllib.parse.urlsplit(final).path}"
                    elif status == 200 and expect.get(label) and expect[label].encode() not in body:
                        status = f"200 without {expect[label]!r}"
                    if run:
                        times.append(elapsed)
                    if status != 200:
                        break
                last = stats_of(stats, bench_id)
                raws = [(name, raw_ms(cursor, sql, params, min(args.repeat, 3))) for name, sql, params in raw]
                raw_text = " + ".join(fmt_ms(ms) for _name, ms in raws) if raws else "—"
                if len(raws) == 2:
                    raw_text += f" = {fmt_ms(sum(ms for _n, ms in raws))}"
                print(f"| {label} | {fmt_ms(statistics.median(times)) if times else '—'} "
                      f"| {fmt_ms(last['sql_ms']) if last else '—'} | {last['statements'] if last else '—'} "
                      f"| {raw_text} | {last['max_rss_kb'] / 1024:.0f} MB | {status} |" if last else
                      f"| {label} | — | — | — | {raw_text} | — | {status} |", flush=True)
    finally:
        conn.close()
        proc.terminate()
        proc.wait(timeout=60)
        with open(os.path.join(work, "gunicorn.log")) as fh:
            errors = [line.rstrip() for line in fh if "Traceback" in line or "Error" in line or "TIMEOUT" in line]
        if errors:
            print(f"\ngunicorn logged {len(errors)} error lines, the first: {errors[:5]}")
        shutil.rmtree(instance, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
