"""Certificates to citizens: the PDF (in the citizen's language, with a QR code to the public check) and the
public verification page, which shows only number, date, kind and validity."""
import base64
import datetime
import io
import json

import qrcode
from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import force_locale, format_date, gettext

from app.extensions import db
from app.pdf import render_pdf
from app.services import household_book
from models.household_book import CERTIFICATE_KINDS, RELATIONS

verification = Blueprint("certificate_check", __name__, url_prefix="/check")
verification.rate_limit = "30 per minute"  # per address: guessing codes is pointless, and slow


def verification_url(certificate):
    return url_for("certificate_check.check", number=certificate.number, code=certificate.verification_code,
                   _external=True)


def qr_data_uri(text):
    image = qrcode.make(text, box_size=4, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render(certificate):
    """The certificate as PDF bytes, in the language it was issued in."""
    content = json.loads(certificate.content)
    url = verification_url(certificate)
    with force_locale(certificate.language):
        relation = {key: str(label) for key, label in RELATIONS.items()}
        members = [dict(m, relation=relation.get(m["relation"], m["relation"]),
                        birth_date=format_date(datetime.date.fromisoformat(m["birth_date"]), "medium"))
                   for m in content.get("members", [])]
        return render_pdf(
            "household_book/certificate.html", certificate=certificate, content=content, members=members,
            title=str(CERTIFICATE_KINDS[certificate.kind]),
            birth_date=format_date(datetime.date.fromisoformat(content["person"]["birth_date"]), "long"),
            issued_on=format_date(certificate.issued_on, "long"),
            valid_until=format_date(certificate.valid_until, "long"),
            qr=qr_data_uri(url), check_url=url, current_language=certificate.language)


@verification.route("/", methods=["GET", "POST"])
def check():
    """Anyone may check a certificate by its number and code (from the QR code or typed in)."""
    source = request.form if request.method == "POST" else request.args
    number, code = source.get("number", ""), source.get("code", "")
    result = None
    if number or code:
        certificate = household_book.find_certificate(db.session, number, code)
        if certificate is None:
            result = {"found": False}
        else:
            status = household_book.certificate_status(certificate, datetime.date.today())
            result = {"found": True, "number": certificate.number, "kind": CERTIFICATE_KINDS[certificate.kind],
                      "issued_on": format_date(certificate.issued_on, "long"),
                      "valid_until": format_date(certificate.valid_until, "long"), "status": status,
                      "status_label": {"valid": gettext("Valid"), "expired": gettext("Expired"),
                                       "revoked": gettext("Revoked")}[status]}
    appbuilder = current_app.appbuilder
    return render_template("household_book/check.html", result=result, number=number, code=code,
                           appbuilder=appbuilder, base_template=appbuilder.base_template,
                           title=gettext("Check a certificate"))
