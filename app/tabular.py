"""Tables in and out: xlsx/csv export of any list, all-or-nothing import with a per-row error report."""
import datetime
import decimal
import io
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


def frame_response(frame, fmt, name) -> Response:
    stamp = local_today().isoformat()
    return Response(
        frame_bytes(frame, fmt), mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt}"'},
    )


def read_table(upload) -> pd.DataFrame:
    """An uploaded xlsx or csv as a DataFrame of strings (empty cells as '')."""
    if upload is None or not upload.filename:
        raise DomainError(_l("Choose a file to import."))
    name = upload.filename.lower()
    try:
        if name.endswith(".xlsx"):
            frame = pd.read_excel(upload.stream, dtype=str, engine="openpyxl")
        elif name.endswith(".csv"):
            frame = pd.read_csv(upload.stream, dtype=str, encoding="utf-8-sig", sep=None, engine="python")
        else:
            raise DomainError(_l("Only .xlsx and .csv files can be imported."))
    except DomainError:
        raise
    except Exception:
        raise DomainError(_l("The file could not be read as a table. Save it as .xlsx or UTF-8 .csv."))
    if len(frame) > current_app.config["UPLOAD_MAX_ROWS"]:
        raise DomainError(_l("The file has too many rows (at most %(n)s).", n=current_app.config["UPLOAD_MAX_ROWS"]))
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("")


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
    for col in view.all_import_columns():
        candidates = {col, str(view.label_columns.get(col, col))}
        for header in frame.columns:
            if header in candidates:
                mapping[col] = header
    return mapping


def _lookup(view, col, raw):
    """Turn a sheet value of a relation column into the related row's primary key (scope applies: the add form's
    dropdown query decides what is a valid choice)."""
    key = view.import_keys.get(col)
    if not raw or key is None:
        return raw
    related = view.datamodel.get_related_model(col)
    session = view.datamodel.session
    obj = session.query(related).filter(getattr(related, key) == raw).first()
    return str(obj.id) if obj is not None else f"missing:{raw}"


def import_frame(view, frame) -> ImportReport:
    """Validate every row with the view's add form and pre_add rules; write all rows or none."""
    report = ImportReport()
    mapping = _header_map(view, frame)
    missing = [str(view.label_columns.get(c, c)) for c in view.import_columns if c not in mapping]
    # a custom column may be left out of an older sheet: its value is then simply not given
    if missing:
        report.errors.append((1, "", gettext("Missing columns: %(cols)s", cols=", ".join(missing))))
        return report
    session = view.datamodel.session
    items = []
    written = True  # after a database error nothing more is written, but every row is still checked
    for index, row in frame.iterrows():
        line = index + 2  # header is line 1
        data = MultiDict()
        for col, header in mapping.items():
            value = str(row[header]).strip()
            if col in view.import_columns and view.datamodel.is_relation(col):
                value = _lookup(view, col, value)
            if value != "":
                data.add(col, value)
        form = view.add_form(formdata=data, meta={"csrf": False})
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
        items.append(item)
    if report.errors:
        session.rollback()
        return report
    session.commit()
    report.imported = len(items)
    return report
