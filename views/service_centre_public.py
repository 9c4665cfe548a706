"""The public status page of the service centre (no login, issue 12 items 5 and 7): an application's stage and
expected date by tracking number and verification code, nothing personal; and the check of a signed receipt or
result (an uploaded PDF verified against the trusted roots, then the application it names). Rate-limited per
address like the certificate check (/check/). Also this part's screens for the staff: "My alerts" and the manual
reassignment (views/service_centre_distribution.py)."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext, lazy_gettext as _l

from app import signing
from app.dashboard import Tile
from app.extensions import db
from app.registry import SERVICE_CENTRE_CATEGORY, MenuItem, ModulePart
from app.scope import scoped_select
from app.seed.roles import grant
from app.services import service_centre_notify as notify
from models.service_centre import ScNotification
from views.certificates import describe, signed_upload
from views.service_centre_distribution import ScDistributionView, ScMyAlertsView

public_status = Blueprint("sc_public", __name__, url_prefix="/status")
public_status.rate_limit = lambda: current_app.config.get("SC_STATUS_RATE_LIMIT", "30 per minute")
# an upload costs a signature validation: the stricter limit of the certificate check's uploads
document_check = Blueprint("sc_public_document", __name__, url_prefix="/status/document")
document_check.rate_limit = lambda: current_app.config.get("SIGNATURE_CHECK_RATE_LIMIT", "10 per minute")

#: the document types the centre signs (the receipt at intake, the result handed over), in the signed keywords
DOCUMENT_TYPES = ("sc_receipt", "sc_result")


def _max_bytes():
    return int(current_app.config.get("SIGNATURE_CHECK_MAX_BYTES", 10 * 1024 * 1024))


def _page(status=200, **context):
    appbuilder = current_app.appbuilder
    context.setdefault("number", "")
    context.setdefault("code", "")
    return render_template("service_centre/public_status.html", appbuilder=appbuilder,
                           base_template=appbuilder.base_template, title=gettext("Status of an application"),
                           max_mb=_max_bytes() // (1024 * 1024), **context), status


def _lookup(number, code):
    application = notify.find_application(db.session, number, code)
    return {"found": False} if application is None else {"found": True, **notify.public_status(application)}


@public_status.route("/", methods=["GET", "POST"])
def status():
    """The stage by number and code (typed in, or from the link of a notification)."""
    source = request.form if request.method == "POST" else request.args
    number, code = (source.get("number") or "")[:64], (source.get("code") or "")[:64]
    result = _lookup(number, code) if (number or code) else None
    return _page(result=result, number=number, code=code)


@document_check.route("/", methods=["POST"])
def check_document():
    """An uploaded receipt or result: its signature checked, then the application named in the signed revision
    (its stage only). Anything but a PDF of a sensible size is refused with a message."""
    data, error = signed_upload(gettext("Choose the signed PDF file (the receipt or the result)."))
    if error is not None:
        return _page(400, upload_error=error)
    outcome = signing.verify_pdf(data, signing.trust_roots())
    found = None
    keys = outcome.document_keys
    if keys.get("document") in DOCUMENT_TYPES:
        found = _lookup(keys.get("number"), keys.get("code"))
    return _page(signature=describe(outcome), document_result=found)


def _menu(view, name, label, icon):
    return MenuItem(view, name, label, SERVICE_CENTRE_CATEGORY, _l("Public service centre"), icon, "fa-university")


_alerts = [grant(ScMyAlertsView, "read", "can_mark_read", menu=True)]


def _unread_alerts(session, scope, today):
    from flask import g

    return scoped_select(ScNotification, scope).where(ScNotification.recipient_user_id == g.user.id,
                                                      ScNotification.read_at.is_(None))

#: the public status page, "My alerts" and the manual reassignment
PART = ModulePart(
    menu=[_menu(ScMyAlertsView, "Sc my alerts", _l("My alerts"), "fa-bell"),
          _menu(ScDistributionView, "Sc distribution", _l("Distribution of work"), "fa-random")],
    public_blueprints=[public_status, document_check],
    dashboard=[Tile(ScMyAlertsView, _l("Unread alerts"), rows=_unread_alerts, style="warning", icon="fa-bell")],
    grants={"operator": [*_alerts], "back_office": [*_alerts],
            "head": [*_alerts, grant(ScDistributionView, "read", menu=True)],
            "admin": [grant(ScDistributionView, "read", menu=True)]},
)
