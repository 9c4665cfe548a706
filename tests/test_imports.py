"""Imports with bounded memory (app/tabular.py): sizes, widths and row counts refused before anything is built,
rows streamed, all-or-nothing with a per-row report; relation lookups inside the user's scope and the given
village. The memory and time figures are in bench/imports.py."""
import io
import time
import uuid

from tests.conftest import Browser


def _xlsx(rows, wide_cell=None):
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if wide_cell:
        book.active.cell(row=wide_cell[0], column=wide_cell[1], value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _post(browser, url, content, name):
    return browser.post(url, {"file": (content, name)}, token_from=url, content_type="multipart/form-data")


def _ru_admin(app):
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login("admin")
    return b


TERRITORY_HEADER = ["parent", "code", "kind", "name_ky", "name_ru", "name_en"]


def test_a_cell_in_column_xfd_is_refused_at_once_and_nothing_is_saved(app, db):
    from models.reference import Territory

    b = _ru_admin(app)
    before = db.session.query(Territory).count()
    sheet = _xlsx([TERRITORY_HEADER, ["41708203000000", "41708203990101", "village", "", "Широкий", ""]],
                  wide_cell=(2, 16384))
    assert len(sheet.getvalue()) < 30_000
    started = time.monotonic()
    page = _post(b, "/territoryview/import/", sheet, "wide.xlsx").get_data(as_text=True)
    assert time.monotonic() - started < 10
    assert "слишком много столбцов" in page  # ru: "too many columns"
    db.session.expire_all()
    assert db.session.query(Territory).count() == before


def test_too_many_rows_are_refused_before_reading_in_xlsx_and_csv(app, db):
    from models.reference import Territory

    b = _ru_admin(app)
    before = db.session.query(Territory).count()
    rows = [["41708203000000", f"417082039902{i:02d}", "village", "", f"Строка {i}", ""] for i in range(12)]
    csv_text = "\n".join(",".join(r) for r in [TERRITORY_HEADER] + rows).encode("utf-8")
    app.config["UPLOAD_MAX_ROWS"] = 10
    try:
        for content, name in ((_xlsx([TERRITORY_HEADER] + rows), "many.xlsx"), (io.BytesIO(csv_text), "many.csv")):
            page = _post(b, "/territoryview/import/", content, name).get_data(as_text=True)
            assert "слишком много строк" in page, name
    finally:
        app.config["UPLOAD_MAX_ROWS"] = 50000
    db.session.expire_all()
    assert db.session.query(Territory).count() == before


def test_the_row_count_is_taken_from_the_sheet_not_from_its_declared_dimension(app):
    from werkzeug.datastructures import FileStorage

    from app import tabular
    from app.errors import DomainError

    sheet = _xlsx([["a"]] + [[str(i)] for i in range(30)])
    # a sheet that claims to be one cell: the streamed count still sees every row
    import re
    import zipfile

    source, target = zipfile.ZipFile(sheet), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1"', data)
            out.writestr(info, data)
    target.seek(0)
    with app.test_request_context():
        app.config["UPLOAD_MAX_ROWS"] = 10
        try:
            try:
                tabular.read_table(FileStorage(target, "lying.xlsx"))
            except DomainError as exc:
                assert exc.code is None or True
                assert "10" in str(exc)
            else:
                raise AssertionError("31 rows were accepted with a maximum of 10")
        finally:
            app.config["UPLOAD_MAX_ROWS"] = 50000


def test_rows_are_streamed_as_text_with_file_line_numbers(app):
    import datetime

    from werkzeug.datastructures import FileStorage

    from app import tabular

    sheet = _xlsx([["name", "born", "count"], ["Айгүл", datetime.date(1990, 1, 2), 3], [None, None, None],
                   ["Бакыт", "2001-05-06", 4.5]])
    with app.test_request_context():
        table = tabular.read_table(FileStorage(sheet, "x.xlsx"))
        assert table.columns == ["name", "born", "count"]
        rows = list(table.iterrows())
    assert rows == [(0, {"name": "Айгүл", "born": "1990-01-02", "count": "3"}),
                    (2, {"name": "Бакыт", "born": "2001-05-06", "count": "4.5"})]  # line 4 of the file


# --- relation lookups: scope and village -------------------------------------------------------------------------
def _villages(db):
    from models.reference import Territory

    demo = db.session.query(Territory).filter(Territory.path.startswith("/41708000000000/41708203000000/"),
                                              Territory.level == 4).order_by(Territory.code).limit(2).all()
    elsewhere = db.session.query(Territory).filter(~Territory.path.startswith("/41708000000000/"),
                                                   Territory.level == 4).order_by(Territory.code).first()
    return demo[0], demo[1], elsewhere


MEMBER_HEADER = ["household", "village", "last_name", "first_name", "patronymic", "pin", "sex", "birth_date",
                 "relation", "citizenship", "registration", "employment"]


def _member_row(number, village, pin):
    return [number, village, "Тестова", "Айгүл", "", pin, "F", "", "head", "KG", "permanent", "employed"]


def test_member_import_finds_the_household_by_number_in_the_users_scope_and_the_given_village(app, db, make_user):
    from app.identifiers import parse_pin
    from models.household_book import Household, HouseholdMember

    first, second, elsewhere = _villages(db)
    number = f"V{uuid.uuid4().hex[:6]}"
    households = {}
    for village in (elsewhere, first, second):  # the one outside the scope is the first in the country
        households[village.code] = Household(territory=village, number=number, address="Манас көчөсү, 2")
        db.session.add(households[village.code])
    db.session.commit()
    clerk = make_user(["LSG clerk"], territory="41708203000000")
    b = Browser(app.test_client())
    b.get("/lang/ru")
    b.login(clerk)

    def pin(serial):
        return f"1150319{90 + serial % 9}{serial:05d}"

    # two villages of the clerk's rayon have this number: without the village the row is refused, nothing saved
    row = _member_row(number, "", pin(11))
    row[7] = parse_pin(row[5]).birth_date.isoformat()
    page = _post(b, "/memberview/import/", _xlsx([MEMBER_HEADER, row]), "m.xlsx").get_data(as_text=True)
    assert 'id="import-errors"' in page
    db.session.expire_all()
    assert db.session.query(HouseholdMember).filter_by(pin=row[5]).count() == 0
    # with the village: the household of that village, never the one outside the scope
    rows = []
    for serial, village in ((12, second), (13, first)):
        row = _member_row(number, village.code, pin(serial))
        row[7] = parse_pin(row[5]).birth_date.isoformat()
        rows.append(row)
    response = _post(b, "/memberview/import/", _xlsx([MEMBER_HEADER] + rows), "m.xlsx")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    placed = {m.pin: m.household.territory.code for m in
              db.session.query(HouseholdMember).filter(HouseholdMember.pin.in_([r[5] for r in rows]))}
    assert placed == {rows[0][5]: second.code, rows[1][5]: first.code}
    assert not households[elsewhere.code].members
    # a number inside the scope only once is found without the village, although the country has it twice
    lone = f"L{uuid.uuid4().hex[:6]}"
    db.session.add_all([Household(territory=elsewhere, number=lone, address="x"),
                        Household(territory=first, number=lone, address="y")])
    db.session.commit()
    row = _member_row(lone, "", pin(14))
    row[7] = parse_pin(row[5]).birth_date.isoformat()
    assert _post(b, "/memberview/import/", _xlsx([MEMBER_HEADER, row]), "m.xlsx").status_code == 302
    db.session.expire_all()
    assert db.session.query(HouseholdMember).filter_by(pin=row[5]).one().household.territory.code == first.code


def test_an_import_loads_each_related_row_once_not_the_whole_related_table_per_row(app, db):
    """FAB's select field checks a submitted key against every row of the related table, built anew for each
    form, i.e. for each imported row (a 5,000-row import did not finish); the import narrows it to the key."""
    from sqlalchemy import event

    from models.household_book import Household
    from models.reference import Territory

    first, second, _ = _villages(db)
    loaded = []

    def count(target, context):
        loaded.append(target.id)

    prefix = f"N{uuid.uuid4().hex[:5]}"
    rows = [["territory", "number", "address", "phone"]] + [
        [(first, second)[n % 2].code, f"{prefix}{n:03d}", f"Көчө {n}", ""] for n in range(30)]
    b = _ru_admin(app)
    event.listen(Territory, "load", count)
    try:
        response = _post(b, "/householdview/import/", _xlsx(rows), "h.xlsx")
    finally:
        event.remove(Territory, "load", count)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert db.session.query(Household).filter(Household.number.startswith(prefix)).count() == 30
    assert len(loaded) < 100, len(loaded)  # was 30 rows x every territory of the country
