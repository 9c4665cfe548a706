"""A many-to-one relation chosen by searching on the server (select2 with AJAX), for tables too large to list in
a dropdown (households, people). A related model opts in with `lookup_fields`, the columns a search matches, and
names in `lookup_loads` the relations its label reads (loaded with the rows, not one query per row)."""
from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import or_
from sqlalchemy.orm import selectinload
from wtforms import Field
from wtforms.validators import ValidationError

from app import search as text_search
from app.scope import current_scope

LOOKUP_LIMIT = 20


def uses_lookup(model) -> bool:
    return bool(getattr(model, "lookup_fields", None))


def scoped_query(session, model):
    return session.query(model).filter(current_scope().condition(model))


def search(session, model, term, limit=LOOKUP_LIMIT, audited=False):
    """Rows of `model` inside the user's scope whose lookup fields contain `term` (any case: `app.search.contains`,
    served on PostgreSQL by the trigram index of each lookup field, migration 0310). `audited`: the search answers
    a user (the lookup box), a bulk read of personal data recorded as one audit entry."""
    query = scoped_query(session, model)
    term = (term or "").strip()
    if term:
        query = query.filter(or_(*[text_search.contains(getattr(model, f), term) for f in model.lookup_fields]))
    loads = [selectinload(getattr(model, name)) for name in getattr(model, "lookup_loads", ())]
    # no ORDER BY in SQL: sorting every match to keep the first `limit` reads them all (a common street name
    # matches thousands of households), while without it the index scan, or the scan of a common term, stops at
    # `limit` rows. When more match than are shown the user types more; the rows shown are sorted here.
    first = model.lookup_fields[0]
    rows = sorted(query.options(*loads).limit(limit).all(), key=lambda row: (getattr(row, first) or "", row.id))
    if audited:
        from app import audit

        audit.record_bulk_read(session, model, [[f, "ilike", term] for f in model.lookup_fields] if term else [],
                               len(rows), action="lookup")
    return rows


class LookupWidget:
    def __call__(self, field, **kwargs):
        return Markup(render_template("sanarip/_lookup_widget.html", field=field).strip())


class LookupField(Field):
    widget = LookupWidget()

    def __init__(self, label=None, validators=None, model=None, session_func=None, endpoint=None, column=None,
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model, self.session_func, self.endpoint, self.column = model, session_func, endpoint, column
        self._invalid = False

    def url(self):
        return url_for(f"{self.endpoint}.lookup", column=self.column)

    def process_formdata(self, valuelist):
        self.data, self._invalid = None, False
        raw = (valuelist[0] if valuelist else "") or ""
        if raw:
            found = scoped_query(self.session_func(), self.model).filter(self.model.id == int(raw)).first() \
                if raw.isdigit() else None
            self.data, self._invalid = found, found is None

    def pre_validate(self, form):
        if self._invalid:  # not found, or outside the user's territory
            raise ValidationError(self.gettext("Not a valid choice"))
