"""The public status page of the service centre (issue 12, items 5 and 7): stage, expected date, office and
service by tracking number and code, nothing personal; a wrong number and a wrong code answered alike; a rate
limit; hostile input never a 500; an uploaded signed receipt verified and its application's stage shown."""
import datetime
import io
import re

import pytest

from tests.conftest import Browser
from tests.sc_dist_rows import make_application, make_office, make_service


@pytest.fixture(autouse=True)
def generous_limits(app):
    app.config["SC_STATUS_RATE_LIMIT"] = "1000 per minute"
    app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "1000 per minute"
    yield
    app.config["SC_STATUS_RATE_LIMIT"] = "30 per minute"
    app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "10 per minute"


@pytest.fixture
def application(app):
    from app.extensions import db

    with app.app_context():
        office = make_office(db.session, head=False)
        service = make_service(db.session, "Адрестик маалымкат")
        row = make_application(db.session, office, service, state="sent", applicant_name="Секретова Айгуль",
                               applicant_pin="21212199912345", applicant_phone="+996700123456",
                               expected_on=datetime.date(2026, 12, 21))
        db.session.commit()
        return {"id": row.id, "number": row.number, "code": row.code, "office_id": office.id,
                "secrets": ("Секретова", "21212199912345", "+996700123456", "asan@example.kg")}


def _status(client, number, code, language="ru", method="post"):
    client.get(f"/lang/{language}")
    if method == "get":
        return client.get("/status/", query_string={"number": number, "code": code})
    return client.post("/status/", {"number": number, "code": code}, token_from="/status/")


def _result(html):
    match = re.search(r'<div id="status-result".*?</div>', html, re.S)
    return match.group(0) if match else None


def _stage(app, language, state="sent"):
    """The stage's label as the catalog translates it (the model's strings are the lead's)."""
    from flask_babel import force_locale

    from models.service_centre import APPLICATION_STATES

    with app.test_request_context("/"), force_locale(language):
        return str(APPLICATION_STATES[state])


@pytest.mark.parametrize("language,office", [("ru", "ЦОН тест"), ("ky", "ЦОН сынак")])
def test_the_stage_and_date_and_nothing_personal(app, application, language, office):
    stage = _stage(app, language)
    client = Browser(app.test_client())  # nobody logged in
    page = _status(client, f' {application["number"].lower()} ', application["code"].lower(), language)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    result = _result(html)
    assert stage in result and office in result and f"Адрестик маалымкат ({language})" in result
    assert "2026" in result and 'data-state="sent"' in result
    for secret in application["secrets"]:
        assert secret not in html
    # the link of a notification (GET with both) shows the same
    assert _result(_status(client, application["number"], application["code"], language, "get")
                   .get_data(as_text=True)) == result


def test_a_wrong_number_and_a_wrong_code_are_answered_alike(app, application):
    client = Browser(app.test_client())
    wrong_code = _status(client, application["number"], "ZZZZZZ")
    wrong_number = _status(client, "T-NOSUCH0000", application["code"])
    assert wrong_code.status_code == wrong_number.status_code == 200
    a, b = _result(wrong_code.get_data(as_text=True)), _result(wrong_number.get_data(as_text=True))
    assert a == b and 'id="status-not-found"' in a
    assert application["number"] not in a


@pytest.mark.parametrize("number,code", [
    ("' OR 1=1 --", "x"), ("A" * 5000, "B" * 5000), ("<script>alert(1)</script>", "<b>"), ("", ""),
    ("%00", "%"), ("１２３", "ß"), ("T-1", None)])
def test_hostile_input_is_never_a_server_error(app, number, code):
    client = Browser(app.test_client())
    data = {"number": number} if code is None else {"number": number, "code": code}
    for page in (client.post("/status/", data, token_from="/status/"), client.get("/status/", query_string=data)):
        assert page.status_code < 500
        assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    assert client.client.post("/status/", data={"number": "x", "code": "y"}).status_code == 400  # no CSRF token
    assert client.get("/status/", query_string={"number": "a\x00b", "code": "c"}).status_code == 400


def test_the_status_page_is_rate_limited(app, application):
    app.config["SC_STATUS_RATE_LIMIT"] = "3 per 5 minutes"
    client = Browser(app.test_client())
    codes = [client.get("/status/", query_string={"number": "x", "code": str(n)},
                        environ_base={"REMOTE_ADDR": "10.88.0.7"}).status_code for n in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


def _signed_receipt(app, application, document="sc_receipt", code=None):
    from reportlab.pdfgen import canvas

    from app import clock, signing
    from app.extensions import db
    from models.service_centre import ScOffice

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, "Receipt")
    page.save()
    with app.test_request_context("/"):
        office = db.session.get(ScOffice, application["office_id"])
        signer = signing.signer_for(db.session, office, clock.now())
        db.session.commit()
        return signing.sign_pdf(buffer.getvalue(), signer, "Receipt", "Bishkek", clock.now(), language="ru",
                                document_keys={"document": document, "number": application["number"],
                                               "code": code or application["code"]})


def _upload(client, data, name="receipt.pdf", language="ru"):
    client.get(f"/lang/{language}")
    return client.post("/status/document/", {"document": (io.BytesIO(data), name)}, token_from="/status/",
                       content_type="multipart/form-data")


def test_a_signed_receipt_is_verified_and_shows_the_stage(app, application):
    client = Browser(app.test_client())
    pdf = _signed_receipt(app, application)
    html = _upload(client, pdf).get_data(as_text=True)
    assert 'data-status="valid"' in html and "Sanarip demo root CA" in html
    found = html.split('id="document-application"')[1]
    assert application["number"] in found and 'data-state="sent"' in found and _stage(app, "ru") in found
    for secret in application["secrets"]:
        assert secret not in html
    # a tampered file is invalid and nothing is looked up
    tampered = bytearray(pdf)
    at = tampered.index(b"code=" + application["code"].encode()) + 5
    tampered[at] = ord("0") if tampered[at] != ord("0") else ord("1")
    html = _upload(client, bytes(tampered)).get_data(as_text=True)
    assert 'data-status="invalid"' in html and 'id="document-stage"' not in html
    # a valid signature of a document that names no application of the centre
    other = _signed_receipt(app, application, document="household_book_certificate")
    html = _upload(client, other).get_data(as_text=True)
    assert 'data-status="valid"' in html and 'id="document-stage"' not in html


def test_garbage_uploads_are_refused_with_a_message(app):
    client = Browser(app.test_client())
    assert _upload(client, b"MZ\x90\x00 not a pdf", "virus.exe").status_code == 400
    assert _upload(client, b"", "").status_code == 400
    unreadable = _upload(client, b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert unreadable.status_code == 200 and 'data-status="unreadable"' in unreadable.get_data(as_text=True)
    assert client.post("/status/document/", {}, token_from="/status/").status_code == 400
    assert client.get("/status/document/").status_code == 405
