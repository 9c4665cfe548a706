"""The role dashboard (app/dashboard.py): each role sees the tiles of the views it may open, numbers counted in SQL
within its scope, each linking to the list or report behind it."""
import re

import pytest

from tests.conftest import Browser

RAYON = "41708203000000"  # the demo rayon


def _tiles(page):
    """{tile id: (number, link)} of the home page."""
    html = page.get_data(as_text=True)
    found = re.findall(r'<div class="sn-tile[^"]*" id="tile-([^"]+)">\s*<a class="sn-tile-number" href="([^"]+)">'
                       r'.*?<strong>([^<]+)</strong>', html, re.S)
    return {tile: (int(re.sub(r"\D", "", number)), link.replace("&amp;", "&")) for tile, link, number in found}


def _scope(db, code):
    from app.scope import Scope
    from models.reference import Territory

    territory = db.session.query(Territory).filter_by(code=code).one()
    return Scope(territory.id, territory.path, territory.level)


@pytest.mark.parametrize("role,present,absent", [
    ("LSG clerk", {"HouseholdView", "CertificateView", "LandApplicationView-queue"}, {"CpOverdueView"}),
    ("LSG head", {"SocialPassportView-submitted", "PropertyDecommissionView-pending"}, {"CpOverdueView"}),
    ("Child protection case worker", {"CpOverdueView", "CpChildView"}, {"HouseholdView", "SocialPassportView-submitted"}),
])
def test_each_role_sees_its_own_work(app, make_user, role, present, absent):
    b = Browser(app.test_client())
    b.login(make_user((role,), territory=RAYON))
    b.get("/lang/ky")
    tiles = _tiles(b.get("/"))
    assert present <= set(tiles) and not absent & set(tiles), tiles
    for number, link in tiles.values():
        assert b.get(link).status_code == 200, link


def test_the_numbers_are_those_of_sql_within_the_scope(app, db, make_user):
    from sqlalchemy import func, select

    from app.scope import scoped_select
    from models.household_book import Household
    from models.land_queue import LandApplication

    b = Browser(app.test_client())
    b.login(make_user(("LSG clerk",), territory=RAYON))
    tiles = _tiles(b.get("/"))
    scope = _scope(db, RAYON)
    households = db.session.scalar(select(func.count()).select_from(scoped_select(Household, scope).subquery()))
    queue = db.session.scalar(select(func.count()).select_from(
        scoped_select(LandApplication, scope).where(LandApplication.status == "queue").subquery()))
    national = db.session.query(Household).count()
    assert tiles["HouseholdView"][0] == households < national
    assert tiles["LandApplicationView-queue"][0] == queue
    listed = b.get(tiles["LandApplicationView-queue"][1]).get_data(as_text=True)
    assert "_flt_" in tiles["LandApplicationView-queue"][1] and listed.count("/landapplicationview/show/") >= min(queue, 1)


def test_the_overdue_report_tile_counts_the_report(app, db, make_user):
    from app.reports import count_of
    from views.child_protection import OVERDUE

    b = Browser(app.test_client())
    b.login(make_user(("Child protection case worker",), territory=RAYON))
    tiles = _tiles(b.get("/"))
    with app.test_request_context():
        expected = count_of(db.session, OVERDUE.query(db.session, _scope(db, RAYON), {}))
    assert tiles["CpOverdueView"][0] == expected
