"""The public register of the e-government infrastructure (no login): registered, non-internal elements with
their published fields, searchable and paged in SQL, in the reader's language, with the CSV and the DCAT-AP
entry of the catalogue's open data. Rows and fields come only from app/services/egov_public.py."""
import csv
import io

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext

from app.catalogue import schema
from app.extensions import db
from app.services import egov_public

public_register = Blueprint("egov_public", __name__, url_prefix="/egov-register")
public_register.rate_limit = lambda: current_app.config.get("EGOV_PUBLIC_RATE_LIMIT", "60 per minute")

DATASET = "egov_element"
CSV_FIELDS = ("number", "full_name", "short_name", "kind", "kind_name", "organisation", "purpose", "registered_on")

schema.public_extract(DATASET, "egov_public.index", "egov_public.export_csv", CSV_FIELDS)


def _page_number():
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


@public_register.route("/")
def index():
    """Search by name, short name, register number or owner; 20 per page."""
    query = (request.args.get("q") or "").strip()[:egov_public.MAX_QUERY]
    elements, total, pages = egov_public.search(db.session, query, _page_number())
    page = min(_page_number(), pages)
    appbuilder = current_app.appbuilder
    return render_template("egov_registry/public.html", appbuilder=appbuilder,
                           base_template=appbuilder.base_template, title=gettext("Register of the state "
                                                                                "infrastructure of e-government"),
                           elements=elements, total=total, pages=pages, page=page, q=query)


@public_register.route("/elements.csv")
def export_csv():
    """Every published element (or those matching `q`), streamed; names of types and owners in the reader's
    language, the type's code alongside for machines."""
    query = (request.args.get("q") or "").strip()[:egov_public.MAX_QUERY]
    elements = egov_public.every(db.session, query)

    def stream():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_FIELDS)
        yield "\ufeff" + buffer.getvalue()
        for element in elements:
            buffer.seek(0)
            buffer.truncate()
            row = element.row()
            writer.writerow([row[f] for f in CSV_FIELDS])
            yield buffer.getvalue()

    return Response(stream(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="egov_register.csv"'})


@public_register.route("/dcat.jsonld")
def export_dcat():
    """The register's entry of the catalogue's DCAT-AP export (the same document as /open/dcat.jsonld, for this
    dataset alone)."""
    from app.catalogue import dictionary
    from views.catalogue import _base_url, _publisher
    import json

    info = dictionary.dataset(DATASET)
    document = schema.dcat([info] if info is not None else [], _base_url(), _publisher)
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/ld+json")
