"""Benchmark of spreadsheet imports (app/tabular.py), run on demand; prints numbers, asserts nothing.

Measures, in one process, the extra memory (peak resident set above the level before the step, reset between
steps through /proc/self/clear_refs) and the time of:
- refusing a small xlsx with one cell in column XFD (the width is checked before anything is built);
- refusing a sheet of 1,000,000 rows (xlsx and csv: the rows are counted before they are read);
- streaming 50,000 rows of an xlsx through `read_table`;
- importing 50,000 households through the household view (form validation, rules, audit, one transaction).
`BENCH_DATABASE_URL=postgresql+psycopg://…` for PostgreSQL; `--rows` to change the size of the import."""
import argparse
import io
import os
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.run import PASSWORD  # noqa: E402


def _rss_mb(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def measured(label, fn):
    import gc

    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to the current RSS
        fh.write("5")
    before = _rss_mb("VmRSS")
    start = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:  # a refusal is the expected outcome of some steps
        result = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - start
    print(f"{label:<62} {elapsed:8.2f} s   +{_rss_mb('VmHWM') - before:7.1f} MB peak   {result}")
    return result


def xlsx(rows, wide_cell=None):
    import openpyxl

    book = openpyxl.Workbook(write_only=wide_cell is None)
    sheet = book.create_sheet() if wide_cell is None else book.active
    for row in rows:
        sheet.append(row)
    if wide_cell:
        sheet.cell(row=wide_cell[0], column=wide_cell[1], value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def huge_xlsx(rows):
    """A sheet of `rows` rows written straight as XML into the zip (openpyxl would take minutes to write it)."""
    template = zipfile.ZipFile(io.BytesIO(xlsx([["a"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in template.infolist():
            if info.filename.startswith("xl/worksheets/sheet"):
                with target.open(info.filename, "w") as sheet:
                    sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
                                b'.org/spreadsheetml/2006/main"><sheetData>')
                    for n in range(1, rows + 1):
                        sheet.write(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>v</t></is></c></row>' % (n, n))
                    sheet.write(b"</sheetData></worksheet>")
            else:
                target.writestr(info, template.read(info))
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--huge", type=int, default=1000000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="sanarip-bench-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    os.environ["SANARIP_INSTANCE"] = tmp
    from werkzeug.datastructures import FileStorage

    from app import create_app, tabular

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-secret-key-of-at-least-32-bytes",
                     LOGIN_RATE_LIMIT="100000 per minute", UPLOAD_MAX_ROWS=max(args.rows, 50000),
                     MAX_CONTENT_LENGTH=200 * 1024 * 1024)
    with app.app_context():
        from sqlalchemy import select

        from app.cli import create_user, prepare_database
        from app.extensions import db
        from models.reference import Territory

        prepare_database(echo=lambda message: None)
        create_user("admin", PASSWORD, ["Admin"])
        villages = db.session.scalars(select(Territory.code).where(Territory.kind == "village")
                                      .order_by(Territory.code)).all()
    print(f"database: {url.split(':')[0]}; limits: {app.config['UPLOAD_MAX_ROWS']} rows, "
          f"{app.config['UPLOAD_MAX_COLUMNS']} columns, {app.config['UPLOAD_MAX_UNPACKED_MB']} MB unpacked")

    wide = xlsx([["territory", "number", "address", "phone"]], wide_cell=(2, 16384))
    big = huge_xlsx(args.huge)
    big_csv = ("territory,number,address,phone\n" + "".join(f"1,{n},x,\n" for n in range(args.huge))).encode()
    rows = [["territory", "number", "address", "phone"]] + [
        [villages[n % len(villages)], f"I{n:07d}", f"Көчө {n % 97}", ""] for n in range(args.rows)]
    sheet = xlsx(rows)
    del rows
    print(f"files: XFD {len(wide) / 1024:.0f} KB, {args.huge} rows xlsx {len(big) / 1e6:.1f} MB, csv "
          f"{len(big_csv) / 1e6:.1f} MB, {args.rows} rows xlsx {len(sheet) / 1e6:.1f} MB")

    def read(content, name, consume=False):
        with app.test_request_context():
            table = tabular.read_table(FileStorage(io.BytesIO(content), name))
            return sum(1 for _ in table.iterrows()) if consume else len(table)

    measured("refuse one cell in column XFD (xlsx)", lambda: read(wide, "wide.xlsx"))
    measured(f"refuse {args.huge} rows (xlsx)", lambda: read(big, "big.xlsx"))
    measured(f"refuse {args.huge} rows (csv)", lambda: read(big_csv, "big.csv"))
    del big, big_csv
    measured(f"stream {args.rows} rows of an xlsx (read_table + iterrows)", lambda: read(sheet, "rows.xlsx", True))

    from tests.conftest import Browser

    browser = Browser(app.test_client())
    browser.login("admin", PASSWORD)

    def import_households():
        response = browser.post("/householdview/import/", {"file": (io.BytesIO(sheet), "households.xlsx")},
                                token_from="/householdview/import/", content_type="multipart/form-data")
        with app.app_context():
            from models.household_book import Household

            saved = db.session.query(Household).filter(Household.number.startswith("I")).count()
        return f"HTTP {response.status_code}, {saved} households saved"

    start = time.perf_counter()
    measured(f"import {args.rows} households (all-or-nothing, one transaction)", import_households)
    print(f"import: {(time.perf_counter() - start) / args.rows * 1000:.2f} ms per row")


if __name__ == "__main__":
    main()
