"""Benchmark of the land-plot queue (run on demand: `.venv/bin/python bench/land_queue.py`, N=2000 by default;
TEST_DATABASE_URL selects PostgreSQL). Prints numbers, asserts nothing."""
import datetime, os, sys, tempfile, time, threading
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("SANARIP_INSTANCE", tempfile.mkdtemp())
from tests.conftest import make_app, _database_url
url = _database_url(tempfile.mkdtemp()) if os.environ.get("TEST_DATABASE_URL") else "sqlite:///" + tempfile.mkdtemp() + "/b.db"
app = make_app(url, LAND_QUEUE_CHECK_RATE_LIMIT="100000 per minute")
N = int(os.environ.get("N", 2000))
with app.app_context():
    from app.cli import prepare_database
    from app.extensions import db
    from app.services import land_queue
    from models.land_queue import LandApplication, LandCategory
    from models.reference import Territory
    prepare_database(echo=lambda m: None)
    t = db.session.query(Territory).filter_by(code="41708203805000").one()
    cats = {c.code: c for c in db.session.query(LandCategory)}
    def app_(i, cat="general", received=None):
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=i % 5000)
        return LandApplication(territory=t, kind="housing", category=cats[cat], received_at=received or datetime.datetime(2020,1,1)+datetime.timedelta(hours=i),
                               last_name="Асанов", first_name="Улан", pin=f"2{birth:%d%m%Y}{i:05d}", address="x", family_size=1)
    t0 = time.perf_counter()
    for i in range(N):
        land_queue.register(db.session, app_(i))
        if i % 200 == 199: db.session.commit()
    db.session.commit()
    t1 = time.perf_counter()
    print(f"{db.engine.dialect.name}: {N} registrations appended at the end: {(t1-t0)/N*1000:.1f} ms each")
    t0 = time.perf_counter(); a = land_queue.register(db.session, app_(N+1, "orphans", datetime.datetime(2025,1,1))); db.session.commit(); t1 = time.perf_counter()
    print(f"registration at the top of a queue of {N} (renumbers {N}): {(t1-t0)*1000:.0f} ms, position {a.position}")
    first = db.session.query(LandApplication).filter_by(position=2).one()
    t0 = time.perf_counter(); land_queue.remove(db.session, first, "own_request", datetime.date.today()); db.session.commit(); t1 = time.perf_counter()
    print(f"removal at position 2 of {N+1} (renumbers {N-1}): {(t1-t0)*1000:.0f} ms")
    q = [p for (p,) in db.session.query(LandApplication.position).filter(LandApplication.status=="queue").order_by(LandApplication.position)]
    assert q == list(range(1, len(q)+1))
    num, pin = a.number, a.pin
    dialect = db.engine.dialect.name
client = app.test_client()
import re
page = client.get("/land-queue/check").get_data(as_text=True)
token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
t0 = time.perf_counter()
for _ in range(50):
    r = client.post("/land-queue/check", data={"number": num, "pin": pin, "csrf_token": token}); assert r.status_code == 200
print(f"public check: {(time.perf_counter()-t0)/50*1000:.1f} ms per request")
if dialect == "postgresql":
    def worker(i, out):
        with app.app_context():
            a = app_(N + 100 + i, "general", None)
            a.territory = db.session.query(Territory).filter_by(code="41708203805000").one()
            a.category = db.session.query(LandCategory).filter_by(code="general").one()
            a.received_at = None
            land_queue.register(db.session, a); db.session.commit()
    t0 = time.perf_counter()
    ths = [threading.Thread(target=worker, args=(i, None)) for i in range(20)]
    [x.start() for x in ths]; [x.join() for x in ths]
    print(f"20 parallel registrations at the end of the queue: {(time.perf_counter()-t0)*1000:.0f} ms wall")
    with app.app_context():
        q = [p for (p,) in db.session.query(LandApplication.position).filter(LandApplication.status=="queue").order_by(LandApplication.position)]
        assert q == list(range(1, len(q)+1)), "gap"
        print("queue length", len(q), "gap-free")
