"""The one report mechanism: a report is a query plus its columns; `ReportView` gives the rest.

A module declares

    VOTER_LIST = Report(key="voter_list", title=_l("Voter list"), model=HouseholdMember,
                        query=lambda session, scope, args: household_book.voters_query(scope, ...),
                        columns=[Column("full_name", label), ...], params=[Param("territory", ...)])

    class VoterListView(ReportView):
        route_base = "/voterlist"
        report = VOTER_LIST

and lists the view in its ModuleSpec's menu. `query(session, scope, args)` returns a SQLAlchemy `Select` (built on
`app.scope.scoped_select`, so it is inside the user's scope) of the report's rows in their order; `args` holds the
declared parameters parsed from the request. The view then gives, the same for every report:

* the screen (`/`): the parameter form, the count and one page of rows, both computed in SQL (COUNT over the
  query, LIMIT/OFFSET), never loading the whole list;
* exports: `/export/xlsx`, `/export/csv` (permission `can_export`) and `/pdf` (`can_print`, refused above
  `pdf_max_rows` with a message; above JOBS_PDF_ROWS rendered by a background job (app/jobs.py), since
  xhtml2pdf renders about 40 rows a second);
* the scope: a territory parameter outside the user's scope answers 404 and is audited `denied`
  (`scope.require_territory_code`), an unknown one 404;
* the audit of personal data: every screen view (`report`), export (`export`) and PDF (`pdf`) is one bulk read
  (`audit.record_bulk_read`: the dataset, the parameters, rows matched and rows sent).
"""
import datetime
import decimal
import math
from dataclasses import dataclass, field
from typing import Callable

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import format_date, format_datetime, format_decimal, gettext
from sqlalchemy import func, select

from app import audit, clock, tabular
from app.pdf import render_pdf
from app.scope import current_scope, require_territory_code


@dataclass
class Column:
    key: str
    label: object  # lazy translated label
    #: row -> value (typed: dates, numbers stay typed in the spreadsheet); default: the row's attribute `key`
    value: Callable = None
    #: value -> text on the screen and in the PDF; default by type (dates, numbers, yes/no)
    display: Callable = None
    #: (view class name, row -> pk): the cell links to that view's show page for users who may open it
    link: tuple = None
    screen: bool = True
    export: bool = True
    pdf: bool = True
    pdf_width: int = None  # % of the PDF table's width

    def of(self, row):
        return self.value(row) if self.value is not None else getattr(row, self.key)


@dataclass
class Param:
    """A parameter read from the query string. `territory`: a SOATE code (an ancestor-or-self unit of the rows;
    one outside the scope is denied); `date`: ISO date; `choice`: one of `choices`."""

    name: str
    label: object
    kind: str = "territory"
    required: bool = False
    #: (session, scope) -> [(value, label)]: the options the form offers (a text box without them)
    choices: Callable = None


@dataclass
class Report:
    key: str
    title: object
    model: type  # the dataset whose rows the report reads: audit and personal-data class
    query: Callable  # (session, scope, args) -> Select of the rows, in the report's order
    columns: list
    params: list = field(default_factory=list)
    description: object = None
    total_label: object = None  # "Voters: 12"
    numbered: bool = False  # the spreadsheet starts with a "№" column (the screen and the PDF always number)
    group: Callable = None  # row -> heading: the PDF prints one section per heading, with its count
    dom_id: str = None  # HTML id prefix of the screen (`<dom_id>-total`, rows `class="<dom_id>-row"`)

    @property
    def html_id(self):
        return self.dom_id or self.key


def display(value):
    """A cell as text on the screen and in the PDF."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return format_datetime(value, "short")
    if isinstance(value, datetime.date):
        return format_date(value, "short")
    if isinstance(value, decimal.Decimal):
        return format_decimal(value, "#,##0.00")
    return str(value)


def spreadsheet_cell(value):
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return tabular.cell(value)


def rows_of(session, statement):
    """Rows of a report query: the entities when it selects one (a model), otherwise the result rows."""
    result = session.execute(statement)
    return result.scalars().all() if len(statement.column_descriptions) == 1 else result.all()


def streamed_rows(session, statement, batch=1000):
    """The rows of `rows_of` read from the cursor in batches while an export is sent."""
    result = session.execute(statement.execution_options(yield_per=batch))
    yield from (result.scalars() if len(statement.column_descriptions) == 1 else result)


def count_of(session, statement):
    """COUNT(*) of a report query in SQL (order and eager loads dropped)."""
    return session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))


class ReportView(BaseView):
    """Screen, paging, exports, scope and audit of one `Report` (see the module docstring)."""

    route_base = None
    report: Report = None
    default_view = "index"
    template = "sanarip/report.html"
    page_size = 100
    pdf_max_rows = None  # None: JOBS_PDF_MAX_ROWS; above JOBS_PDF_ROWS the PDF is a background job
    formats = ("xlsx", "csv", "pdf")

    # --- parameters ----------------------------------------------------------------------------------------------
    def parse(self):
        """(args, given, error): parsed parameters, the raw values asked for, and a translated error (or None).
        A territory outside the scope ends the request here (404, audited); an unknown one is not found."""
        session = self.appbuilder.session
        args, given, missing = {}, {}, []
        for param in self.report.params:
            raw = (request.args.get(param.name) or "").strip()
            if raw:
                given[param.name] = raw
            value = None
            if raw and param.kind == "territory":
                value = require_territory_code(session, raw)
                if value is None:
                    abort(404)
            elif raw and param.kind == "date":
                try:
                    value = datetime.date.fromisoformat(raw)
                except ValueError:
                    value = None
            elif raw and param.kind == "choice":
                allowed = {str(v) for v, _ in param.choices(session, current_scope())}
                value = raw if raw in allowed else None
            if value is None and (param.required or raw):
                missing.append(str(param.label))
            args[param.name] = value
        error = gettext("Fill in correctly: %(fields)s.", fields=", ".join(missing)) if missing else None
        return args, given, error

    def statement(self, args):
        return self.report.query(self.appbuilder.session, current_scope(), args)

    def options(self, param):
        return param.choices(self.appbuilder.session, current_scope()) if param.choices else None

    # --- cells ---------------------------------------------------------------------------------------------------
    def screen_columns(self):
        sm = self.appbuilder.sm
        out = []
        for column in self.report.columns:
            if column.screen:
                linked = column.link is not None and sm.has_access("can_show", column.link[0])
                out.append((column, linked))
        return out

    def cell_link(self, column, row):
        view, pk = column.link
        return url_for(f"{view}.show", pk=pk(row))

    def text(self, column, row):
        value = column.of(row)
        return column.display(value) if column.display is not None and value is not None else display(value)

    def _filters(self, given):
        kinds = {p.name: p.kind for p in self.report.params}
        return [[name, kinds[name], value] for name, value in given.items()]

    def _audit(self, args_given, count, rows, action, **details):
        audit.record_bulk_read(self.appbuilder.session, self.report.model, self._filters(args_given), count, rows,
                               action=action, report=self.report.key, **details)

    def _back(self, given, message):
        flash(message, "warning")
        return redirect(url_for(f"{self.endpoint}.index", **given))

    # --- endpoints -----------------------------------------------------------------------------------------------
    @expose("/")
    @has_access
    def index(self):
        session = self.appbuilder.session
        args, given, error = self.parse()
        rows, total, page = None, None, 0
        if error is None:
            statement = self.statement(args)
            total = count_of(session, statement)
            raw_page = request.args.get("page", "0")
            page = int(raw_page) if raw_page.isdigit() and len(raw_page) < 9 else 0
            rows = rows_of(session, statement.limit(self.page_size).offset(page * self.page_size))
            self._audit(given, total, len(rows), "report", page=page)
        elif not given:
            error = None  # the first visit: the form, no complaint
        return self.render_template(
            self.template, title=self.report.title, report=self.report, view=self, error=error, rows=rows,
            total=total, page=page, pages=max(1, math.ceil((total or 0) / self.page_size)), given=given,
            params=[(p, self.options(p)) for p in self.report.params], columns=self.screen_columns(),
            formats=[f for f in self.formats
                     if self.appbuilder.sm.has_access("can_print" if f == "pdf" else "can_export", self.class_name)])

    @property
    def class_name(self):
        return self.__class__.__name__

    @expose("/export/<string:fmt>")
    @has_access
    @permission_name("export")
    def export(self, fmt):
        if fmt not in tabular.FORMATS or fmt not in self.formats:
            abort(404)
        args, given, error = self.parse()
        if error is not None:
            return self._back(given, error)
        total = count_of(self.appbuilder.session, self.statement(args))
        if total > current_app.config["JOBS_EXPORT_ROWS"]:  # a long table is written by a background job
            from app import jobs

            jobs.launch("report_export", f"{self.report.title} ({fmt})", {"view": self.class_name, "fmt": fmt},
                        g.user, total=total)
            return redirect(url_for("JobsView.index"))
        headers, data, name = self.export_table(args, given, fmt, total)
        return tabular.stream_response(headers, data, fmt, name)

    def export_table(self, args, given, fmt, total):
        """(headers, rows read in batches, file name stem) of the export; the export is audited here."""
        session, statement = self.appbuilder.session, self.statement(args)
        columns = [c for c in self.report.columns if c.export]
        headers = [str(c.label) for c in columns]
        data = ([spreadsheet_cell(c.of(row)) for c in columns] for row in streamed_rows(session, statement))
        if self.report.numbered:
            headers = [gettext("№"), *headers]
            data = ([n, *cells] for n, cells in enumerate(data, 1))
        self._audit(given, total, total, "export", format=fmt)
        return headers, data, "-".join([self.report.key, *given.values()])

    @expose("/pdf")
    @has_access
    @permission_name("print")
    def pdf(self):
        if "pdf" not in self.formats:
            abort(404)
        session = self.appbuilder.session
        args, given, error = self.parse()
        if error is not None:
            return self._back(given, error)
        statement = self.statement(args)
        total = count_of(session, statement)
        limit = self.pdf_max_rows or current_app.config["JOBS_PDF_MAX_ROWS"]
        if total > limit:
            return self._back(given, gettext("A PDF holds at most %(n)s rows: narrow the list, or export to "
                                             "Excel.", n=limit))
        if total > current_app.config["JOBS_PDF_ROWS"]:
            # a long list renders in a background job (xhtml2pdf: about 40 rows a second); My jobs shows it
            from app import jobs

            jobs.launch("report_pdf", f"{self.report.title} (PDF)", {"view": self.class_name}, g.user, total=total)
            return redirect(url_for("JobsView.index"))
        data, name = self.pdf_document(args, given)
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})

    def pdf_document(self, args, given, progress=None):
        """The list's PDF (bytes, file name stem), audited; `progress(n)` is told the rows laid out."""
        session = self.appbuilder.session
        rows = rows_of(session, self.statement(args))
        columns = [c for c in self.report.columns if c.pdf]
        groups = []
        for n, row in enumerate(rows, 1):
            heading = self.report.group(row) if self.report.group is not None else None
            if not groups or groups[-1][0] != heading:
                groups.append((heading, []))
            groups[-1][1].append([self.text(c, row) for c in columns])
            if progress is not None and n % 100 == 0:
                progress(n // 2)  # laying out is the quick half, rendering the slow one
        data = render_pdf("pdf/report.html", title=str(self.report.title), report=self.report, columns=columns,
                          groups=groups, total=len(rows), lines=self._pdf_lines(args),
                          printed_on=format_datetime(clock.now(), "short"), printed_by=g.user.username)
        self._audit(given, len(rows), len(rows), "pdf")  # written with the request's (or the job's) transaction
        return data, "-".join([self.report.key, *given.values()])

    def _pdf_lines(self, args):
        """The parameters in the PDF's head; without a territory parameter the user's own territory."""
        lines = []
        for param in self.report.params:
            value = args.get(param.name)
            if value is None:
                continue
            if param.kind == "date":
                value = format_date(value, "long")
            elif param.kind == "choice":
                value = dict((str(v), t) for v, t in param.choices(self.appbuilder.session, current_scope())
                             ).get(value, value)
            lines.append(f"{param.label}: {value}")
        if not any(p.kind == "territory" and args.get(p.name) is not None for p in self.report.params):
            territory = getattr(g.user, "territory", None)
            lines.append(f"{gettext('Territory')}: "
                         f"{territory.name if territory is not None else gettext('Kyrgyz Republic')}")
        return lines


def _register_jobs():
    from app import jobs

    @jobs.handler("report_pdf")
    def report_pdf_job(job, payload, progress):
        view = jobs.view_named(payload["view"])
        args, given, error = view.parse()
        if error is not None:
            raise jobs.JobError(error)
        data, name = view.pdf_document(args, given, progress=progress.step)
        view.appbuilder.session.commit()  # the audit of the print
        return jobs.Result(f"{name}.pdf", "application/pdf", [data])

    @jobs.handler("report_export")
    def report_export_job(job, payload, progress):
        view, fmt = jobs.view_named(payload["view"]), payload["fmt"]
        args, given, error = view.parse()
        if error is not None:
            raise jobs.JobError(error)
        total = count_of(view.appbuilder.session, view.statement(args))
        progress.set_total(total)
        headers, data, name = view.export_table(args, given, fmt, total)
        view.appbuilder.session.commit()  # the audit of the export, before the long read
        return jobs.table_result(name, fmt, headers, data, progress)


_register_jobs()
