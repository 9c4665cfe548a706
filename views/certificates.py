"""Certificates to citizens: the PDF (in the citizen's language, with a QR code to the public check, signed by the
issuing LSG body) and the public verification page, which shows only number, date, kind and validity, and checks
the signature of an uploaded PDF."""
import base64
import datetime
import io
import json

import qrcode
from flask import Blueprint, Response, current_app, render_template, request, url_for
from babel import dates as babel_dates
from flask_babel import force_locale, format_date, get_locale, gettext
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock, signing
from app.extensions import db
from app.pdf import render_pdf
from app.services import household_book
from models.household_book import CERTIFICATE_KINDS, RELATIONS

verification = Blueprint("certificate_check", __name__, url_prefix="/check")
verification.rate_limit = "30 per minute"  # per address: guessing codes is pointless, and slow
# uploads cost a signature validation each: their own, stricter limit (SIGNATURE_CHECK_RATE_LIMIT)
document_check = Blueprint("certificate_document_check", __name__, url_prefix="/check/document")
document_check.rate_limit = lambda: current_app.config.get("SIGNATURE_CHECK_RATE_LIMIT", "10 per minute")

DOCUMENT_TYPE = "household_book_certificate"


def verification_url(certificate):
    return url_for("certificate_check.check", number=certificate.number, code=certificate.verification_code,
                   _external=True)


def qr_data_uri(text):
    image = qrcode.make(text, box_size=4, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render(certificate, now=None):
    """The certificate as signed PDF bytes, in the language it was issued in: PAdES signature of the issuing
    body's certificate, made at `now` (the print time), with the number and code in the signed revision."""
    now = now or clock.now()
    content = json.loads(certificate.content)
    url = verification_url(certificate)
    with force_locale(certificate.language):
        relation = {key: str(label) for key, label in RELATIONS.items()}
        members = [dict(m, relation=relation.get(m["relation"], m["relation"]),
                        birth_date=format_date(datetime.date.fromisoformat(m["birth_date"]), "medium"))
                   for m in content.get("members", [])]
        title = str(CERTIFICATE_KINDS[certificate.kind])
        pdf = render_pdf(
            "household_book/certificate.html", certificate=certificate, content=content, members=members,
            title=title, birth_date=format_date(datetime.date.fromisoformat(content["person"]["birth_date"]), "long"),
            issued_on=format_date(certificate.issued_on, "long"),
            valid_until=format_date(certificate.valid_until, "long"),
            qr=qr_data_uri(url), check_url=url, current_language=certificate.language)
        reason = gettext("%(title)s №%(number)s", title=title, number=certificate.number)
    signer = household_book.certificate_signer(db.session, certificate, now)
    return signing.sign_pdf(pdf, signer, reason, content.get("place") or "", now, language=certificate.language,
                            document_keys={"document": DOCUMENT_TYPE, "number": certificate.number,
                                           "code": certificate.verification_code})


def _certificate_result(certificate):
    status = household_book.certificate_status(certificate, clock.local_today())
    return {"found": True, "number": certificate.number, "kind": CERTIFICATE_KINDS[certificate.kind],
            "issued_on": format_date(certificate.issued_on, "long"),
            "valid_until": format_date(certificate.valid_until, "long"), "status": status,
            "revoked_on": format_date(certificate.revoked_on, "long") if certificate.revoked_on else None,
            "status_label": {"valid": gettext("Valid"), "expired": gettext("Expired"),
                             "revoked": gettext("Revoked")}[status]}


def _page(**context):
    appbuilder = current_app.appbuilder
    context.setdefault("number", "")
    context.setdefault("code", "")
    return render_template("household_book/check.html", appbuilder=appbuilder,
                           base_template=appbuilder.base_template, title=gettext("Check a certificate"),
                           max_mb=_max_bytes() // (1024 * 1024), **context)


@verification.route("/", methods=["GET", "POST"])
def check():
    """Anyone may check a certificate by its number and code (from the QR code or typed in)."""
    source = request.form if request.method == "POST" else request.args
    number, code = source.get("number", "")[:64], source.get("code", "")[:64]
    result = None
    if number or code:
        certificate = household_book.find_certificate(db.session, number, code)
        result = {"found": False} if certificate is None else _certificate_result(certificate)
    return _page(result=result, number=number, code=code)


@verification.route("/roots.pem")
def roots():
    """The certification authorities this installation trusts, for importing into a PDF reader."""
    pem = "".join(signing.to_pem(root) for root in signing.trust_roots())
    return Response(pem, mimetype="application/x-pem-file",
                    headers={"Content-Disposition": 'attachment; filename="sanarip-trusted-roots.pem"'})


def _max_bytes():
    return int(current_app.config.get("SIGNATURE_CHECK_MAX_BYTES", 10 * 1024 * 1024))


def _local_time(instant):
    """An instant in the configured zone (Asia/Bishkek), in the page's language, with the zone named."""
    local = clock.to_local(instant)
    return f"{babel_dates.format_datetime(local, 'medium', tzinfo=local.tzinfo, locale=get_locale())} " \
           f"({local:%Z})"


def describe(verification_result):
    """The result of `signing.verify_pdf` for the page: translated status, signer, local signing time, chain."""
    signature = verification_result.signature
    described = {"status": verification_result.status, "label": str(verification_result.label),
                 "message": str(verification_result.message)}
    if signature is not None:
        described.update(
            signer=signature.signer_name, organisation=signature.organisation, serial=signature.serial,
            chain=signature.chain, reason=signature.reason,
            chain_names=signature.chain_names,
            signed_at=_local_time(signature.signed_at) if signature.signed_at else "")
    return described


def signed_upload(missing):
    """The uploaded PDF of a public signature check (the form field `document`) as (bytes, None), or (b"", the
    message) for no file (`missing`), one too large (SIGNATURE_CHECK_MAX_BYTES) or one that is not a PDF: every
    public page that verifies an uploaded document reads it here."""
    too_large = gettext("The file is too large (at most %(mb)s MB).", mb=_max_bytes() // 2 ** 20)
    try:
        upload = request.files.get("document")
    except RequestEntityTooLarge:
        return b"", too_large
    if upload is None or not upload.filename:
        return b"", missing
    data = upload.stream.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        return b"", too_large
    if data.lstrip()[:5] != b"%PDF-":
        return b"", gettext("This is not a PDF file.")
    return data, None


@document_check.route("/", methods=["POST"])
def check_document():
    """An uploaded certificate PDF: its signature checked against the trusted roots, then the certificate named
    in its signed content (number and code) looked up like a typed-in check. Anything but a PDF of a sensible
    size is refused with a message, never an error page."""
    data, error = signed_upload(gettext("Choose the PDF file of the certificate."))
    if error is not None:
        return _page(upload_error=error), 400
    outcome = signing.verify_pdf(data)
    signature = describe(outcome)
    result = None
    keys = outcome.document_keys
    if keys.get("document") == DOCUMENT_TYPE:
        certificate = household_book.find_certificate(db.session, keys.get("number"), keys.get("code"))
        result = {"found": False} if certificate is None else _certificate_result(certificate)
    return _page(signature=signature, result=result, number=keys.get("number", ""), code=keys.get("code", ""))
