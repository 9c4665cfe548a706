"""Tables in and out: xlsx/csv export of any list, all-or-nothing import with a per-row error report."""
import csv
import datetime
import decimal
import io
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd
from flask import Response, current_app
from flask_babel import gettext, lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.errors import DomainError
from app.clock import local_today, to_local

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def cell(value):
    """A value as a spreadsheet cell: numbers and dates stay typed, everything else is text. An instant is
    written as the wall-clock time of the configured zone (spreadsheets have no time zones)."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return to_local(value).replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, bool, datetime.date)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


def frame_bytes(frame: pd.DataFrame, fmt: str, sheet_name="data") -> bytes:
    buffer = io.BytesIO()
    frame = frame.map(lambda v: cell(v) if isinstance(v, datetime.datetime) else v) if len(frame) else frame
    if fmt == "xlsx":
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=sheet_name[:31])
    else:
        buffer.write(frame.to_csv(index=False).encode("utf-8-sig"))  # BOM: Excel opens Cyrillic correctly
    return buffer.getvalue()


def table_response(headers, rows, fmt, name) -> Response:
    frame = pd.DataFrame(rows, columns=headers)
    return frame_response(frame, fmt, name)


STREAM_CHUNK = 1 << 16


def _csv_chunks(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # BOM: Excel opens Cyrillic correctly
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in (cell(c) for c in row)])
        if buffer.tell() >= STREAM_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_chunks(headers, rows, sheet_name):
    """openpyxl's write-only workbook keeps one row in memory; the zip is spooled to a temporary file (a zip's
    directory comes last, so it cannot go to the client before the last row is written)."""
    import tempfile

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([cell(c) for c in row])
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        book.save(spool)
        spool.seek(0)
        while chunk := spool.read(STREAM_CHUNK):
            yield chunk


def chunks(headers, rows, fmt):
    """The bytes of a table as they are written (a response body or a job's result file)."""
    return _csv_chunks(headers, rows) if fmt == "csv" else _xlsx_chunks(headers, rows, "data")


def stream_response(headers, rows, fmt, name) -> Response:
    """A table of any length as xlsx or csv, `rows` an iterable read once while the response is sent (a
    database cursor read in batches), so memory does not grow with the rows."""
    from flask import stream_with_context

    stamp = local_today().isoformat()
    return Response(stream_with_context(chunks(headers, rows, fmt)), mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt}"'})


def frame_response(frame, fmt, name) -> Response:
    stamp = local_today().isoformat()
    return Response(
        frame_bytes(frame, fmt), mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt}"'},
    )


class Sheet:
    """An uploaded table read as a stream: `columns` (the first row) and `iterrows()` giving (index, {header:
    text}) with line = index + 2 as in the file; empty rows are skipped. Size, width and row count were checked
    before (`read_table`), and the stream checks the width again for files whose cells carry no references."""

    def __init__(self, rows_factory, rows):
        self._rows_factory = rows_factory
        self.rows = rows  # data rows counted before reading (empty ones included)
        first = next(self._rows_factory(None), None)
        self.columns = [_text(c).strip() for c in (first[1] if first else [])]
        while self.columns and not self.columns[-1]:  # read-only rows are padded to the width read
            self.columns.pop()

    def __len__(self):
        return self.rows

    def iterrows(self):
        rows = self._rows_factory(len(self.columns))  # cells right of the header name no column: not read
        next(rows, None)  # the header
        for line, values in rows:
            texts = [_text(v) for v in values]
            if not any(t.strip() for t in texts):
                continue
            yield line - 2, {header: (texts[i] if i < len(texts) else "") for i, header in enumerate(self.columns)}


def _text(value):
    """A cell as the text a clerk typed: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _too_many_rows():
    return DomainError(_l("The file has too many rows (at most %(n)s).", n=current_app.config["UPLOAD_MAX_ROWS"]))


def _too_wide():
    return DomainError(_l("The file has too many columns (at most %(n)s).",
                          n=current_app.config["UPLOAD_MAX_COLUMNS"]))


def _unreadable():
    return DomainError(_l("The file could not be read as a table. Save it as .xlsx or UTF-8 .csv."))


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})[0-9]")


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index


def _widest(xml):
    return max((_column_index(letters) for letters in set(_CELL_COLUMN.findall(xml))), default=0)


def _count_xlsx(archive, member, max_rows, max_columns):
    """Rows and the widest cell reference of a sheet, from its XML streamed out of the zip (a few MB at a time),
    so a huge or very wide sheet is refused before openpyxl or anything else builds it."""
    rows, tail = 0, b""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(4 << 20)
            if not chunk:
                break
            data = tail + chunk
            cut = data.rfind(b"<")  # the last tag may be cut by the chunk: it is counted in the next round
            cut = len(data) if cut < 0 else cut
            head, tail = data[:cut], data[cut:]
            rows += len(_ROW.findall(head))
            if _widest(head) > max_columns:
                raise _too_wide()
            if rows > max_rows + 1:
                raise _too_many_rows()
        rows += len(_ROW.findall(tail))
        if _widest(tail) > max_columns:
            raise _too_wide()
    return rows


def _read_xlsx(stream, config):
    import openpyxl

    max_rows, max_columns = config["UPLOAD_MAX_ROWS"], config["UPLOAD_MAX_COLUMNS"]
    try:
        archive = zipfile.ZipFile(stream)
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable()
    if unpacked > config["UPLOAD_MAX_UNPACKED_MB"] * 1024 * 1024:
        raise DomainError(_l("The file is too large once unpacked (at most %(n)s MB).",
                             n=config["UPLOAD_MAX_UNPACKED_MB"]))
    try:
        # every sheet is counted before openpyxl opens the workbook (it would scan a sheet without a declared
        # dimension in full just to size it)
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                rows = _count_xlsx(archive, info.filename, max_rows, max_columns)
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        if (sheet.max_column or 0) > max_columns:  # the declared dimension, when the file has one
            raise _too_wide()
        rows = _count_xlsx(archive, sheet._worksheet_path.lstrip("/"), max_rows, max_columns)
    except DomainError:
        raise
    except Exception:
        raise _unreadable()

    def rows_factory(width):
        for row in sheet.iter_rows(max_col=(width or max_columns) + 1):
            values = [getattr(c, "value", None) for c in row]
            if width is None and len(values) > max_columns and values[max_columns] not in (None, ""):
                raise _too_wide()
            line = next((c.row for c in row if getattr(c, "row", None)), None)
            yield line, values[:max_columns]

    return Sheet(_numbered(rows_factory), max(rows - 1, 0))


def _numbered(factory):
    """Rows without a row number (empty ones in read-only mode) take the next line."""
    def numbered(width):
        line = 0
        for number, values in factory(width):
            line = number or line + 1
            yield line, values
    return numbered


def _read_csv(stream, config):
    max_rows, max_columns = config["UPLOAD_MAX_ROWS"], config["UPLOAD_MAX_COLUMNS"]

    def reader():
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        sample = text.read(64 * 1024)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        text.seek(0)
        return text, csv.reader(text, dialect)

    try:
        text, rows = reader()
        count = 0
        for row in rows:
            count += 1
            if len(row) > max_columns and any(v.strip() for v in row[max_columns:]):
                raise _too_wide()
            if count > max_rows + 1:
                raise _too_many_rows()
        text.detach()
    except DomainError:
        raise
    except (UnicodeDecodeError, csv.Error, ValueError):
        raise _unreadable()

    def rows_factory(width):
        text, rows = reader()
        try:
            for line, row in enumerate(rows, start=1):
                yield line, row[:max_columns]
        except (UnicodeDecodeError, csv.Error):
            raise _unreadable()
        finally:
            text.detach()

    return Sheet(rows_factory, max(count - 1, 0))


def read_table(upload) -> Sheet:
    """An uploaded xlsx or csv as a stream of rows of text. Refused with a translated message, before any row is
    built, when it is not a table, unpacks to more than UPLOAD_MAX_UNPACKED_MB, or has more than UPLOAD_MAX_ROWS
    rows or UPLOAD_MAX_COLUMNS columns; memory stays bounded by one row (openpyxl's read-only mode, csv reader)."""
    if upload is None or not upload.filename:
        raise DomainError(_l("Choose a file to import."))
    name = upload.filename.lower()
    config = current_app.config
    if name.endswith(".xlsx"):
        return _read_xlsx(upload.stream, config)
    if name.endswith(".csv"):
        return _read_csv(upload.stream, config)
    raise DomainError(_l("Only .xlsx and .csv files can be imported."))


@dataclass
class ImportReport:
    imported: int = 0
    errors: list = field(default_factory=list)  # (row number as in the file, column label or '', message)

    @property
    def ok(self):
        return not self.errors


def _header_map(view, frame):
    """Accept a column by its field name or by its label in any language the user sees."""
    mapping = {}
    extra = {name: label for filters in view.import_filters.values() for name, (label, _, _) in filters.items()}
    for col in list(view.all_import_columns()) + list(extra):
        candidates = {col, str(extra[col] if col in extra else view.label_columns.get(col, col))}
        for header in frame.columns:
            if header in candidates:
                mapping[col] = header
    return mapping


def _lookup(view, col, raw, row):
    """Turn a sheet value of a relation column into the related row's primary key: inside the user's scope and
    narrowed by the view's `import_filters` (a member's household by its number in the given village), never
    the first match in the country; a value that matches several rows is refused on its row."""
    from app.scope import current_scope

    key = view.import_keys.get(col)
    if not raw or key is None:
        return raw
    related = view.datamodel.get_related_model(col)
    session = view.datamodel.session
    query = current_scope().apply(session.query(related.id).filter(getattr(related, key) == raw), related)
    for name, (label, relation, relation_key) in view.import_filters.get(col, {}).items():
        given = (row.get(name) or "").strip()
        if given:
            target = getattr(related, relation).property.mapper.class_
            query = query.filter(getattr(related, relation).has(getattr(target, relation_key) == given))
    matches = query.limit(2).all()
    if len(matches) > 1:
        names = ", ".join(str(label) for label, _, _ in view.import_filters.get(col, {}).values())
        raise DomainError(_l("%(value)s matches several records: give %(columns)s.", value=raw,
                             columns=names or col), field=col, code="ambiguous")
    return str(matches[0].id) if matches else f"missing:{raw}"


class _RelationChoices:
    """The choices of the add form's relation fields, narrowed to the keys a row gives and kept for the import.

    FAB's select field loads every row of the related table (every village, every household in scope) to check
    one submitted key, once per form, i.e. once per imported row: thousands of objects per row. The import asks
    the same question with the field's own filters (`add_form_query_rel_fields`, which carry the scope filter)
    plus the key, once per distinct key; the cache is emptied when it grows, so memory stays bounded."""

    LIMIT = 4096

    def __init__(self, view):
        self.view = view
        self.cache = {}
        self.keys = {}
        self.filters = {}

    def narrow(self, form):
        from flask_appbuilder.fields import QuerySelectField

        for fld in form:
            if not isinstance(fld, QuerySelectField) or fld._object_list is not None or fld._formdata is None:
                continue
            given = fld._formdata if isinstance(fld._formdata, (list, tuple)) else [fld._formdata]
            fld._object_list = self.choices(fld.name, tuple(str(pk) for pk in given))

    def choices(self, name, pks):
        key = (name, pks)
        found = self.cache.get(key)
        if found is None:
            from flask_appbuilder.models.sqla.filters import set_value_to_type

            if name not in self.filters:
                related = self.view.datamodel.get_related_interface(name)
                declared = related.get_filters().add_filter_list(self.view.add_form_query_rel_fields.get(name, []))
                self.filters[name] = related, declared
            related, declared = self.filters[name]
            pk = related.get_pk_name()
            typed = [v for v in (set_value_to_type(related, pk, p) for p in pks) if v is not None]
            query = declared.apply_all(related.session.query(related.obj))
            objs = query.filter(getattr(related.obj, pk).in_(typed)).all() if typed else []
            found = [(str(related.get_pk_value(obj)), obj) for obj in objs]
            if found:  # a key not found yet may be a row this import adds further down
                if len(self.cache) >= self.LIMIT:
                    self.cache.clear()
                self.cache[key] = found
        return found

    def lookup(self, col, raw, row):
        """`_lookup` once per distinct value and narrowing columns (a village's code repeats on every row)."""
        key = (col, raw) + tuple((row.get(name) or "").strip() for name in self.view.import_filters.get(col, {}))
        found = self.keys.get(key)
        if found is None:
            found = _lookup(self.view, col, raw, row)
            if not found.startswith("missing:"):
                if len(self.keys) >= self.LIMIT:
                    self.keys.clear()
                self.keys[key] = found
        return found


def import_frame(view, frame, progress=None) -> ImportReport:
    """Validate every row with the view's add form and pre_add rules; write all rows or none. `progress(n)` is
    told the number of rows checked (a background job's progress bar)."""
    session = view.datamodel.session
    try:
        return _import_rows(view, frame, progress)
    except DomainError:  # the stream found what the checks before reading could not (a row too wide)
        session.rollback()
        raise


def _import_rows(view, frame, progress=None) -> ImportReport:
    report = ImportReport()
    mapping = _header_map(view, frame)
    missing = [str(view.label_columns.get(c, c)) for c in view.import_columns if c not in mapping]
    # a custom column may be left out of an older sheet: its value is then simply not given
    if missing:
        report.errors.append((1, "", gettext("Missing columns: %(cols)s", cols=", ".join(missing))))
        return report
    session = view.datamodel.session
    form_columns = set(view.all_import_columns())
    imported = 0  # rows are not kept: after its flush a row leaves memory (bounded for large files)
    written = True  # after a database error nothing more is written, but every row is still checked
    choices = _RelationChoices(view)
    for index, row in frame.iterrows():
        line = index + 2  # header is line 1
        if progress is not None:
            progress(index + 1)
        data = MultiDict()
        sheet = {col: str(row[header]) for col, header in mapping.items()}
        try:
            for col, header in mapping.items():
                if col not in form_columns:
                    continue  # a column that only narrows a lookup
                value = sheet[col].strip()
                if col in view.import_columns and view.datamodel.is_relation(col):
                    value = choices.lookup(col, value, sheet)
                if value != "":
                    data.add(col, value)
        except DomainError as exc:
            report.errors.append((line, str(view.label_columns.get(exc.field, exc.field or "")), str(exc)))
            continue
        form = view.add_form(formdata=data, meta={"csrf": False})
        choices.narrow(form)
        if not form.validate():
            for name, messages in form.errors.items():
                label = str(view.label_columns.get(name, name))
                for message in messages:
                    report.errors.append((line, label, str(message)))
            continue
        if not written:
            continue
        item = view.datamodel.obj()
        try:
            form.populate_obj(item)
            view.check_write(item)
            view.on_add(item)
            session.add(item)
            session.flush()  # constraints of this row, reported on this row
        except DomainError as exc:
            label = str(view.label_columns.get(exc.field, exc.field or ""))
            report.errors.append((line, label, str(exc)))
            if item in session:
                session.expunge(item)
        except Exception as exc:  # a database constraint: report it on its row instead of a server error
            current_app.logger.info("import row %s failed: %s", line, exc)
            report.errors.append((line, "", gettext("The row conflicts with existing data (duplicate or invalid "
                                                    "reference).")))
            session.rollback()
            written = False
        imported += 1
    if report.errors:
        session.rollback()
        return report
    session.commit()
    report.imported = imported
    return report
