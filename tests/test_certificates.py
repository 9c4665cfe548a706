"""Certificates to citizens: issued through the service, PDF in the citizen's language with a QR code,
public verification showing only number, date, kind and validity; every issue and print audited."""
import datetime

from app.clock import local_today
import io
import json
import re

import pytest
from pypdf import PdfReader

from tests.conftest import Browser, audit_events


@pytest.fixture
def clerk(app, make_user):
    b = Browser(app.test_client())
    b.get("/lang/ky")
    b.login(make_user(("LSG clerk",), territory="41708203000000"))
    return b


def _head_in_clerk_territory(db):
    from models.household_book import Household, HouseholdMember
    from models.reference import Territory

    return (db.session.query(HouseholdMember).join(Household).join(Territory)
            .filter(Territory.path.startswith("/41708000000000/41708203000000/"), HouseholdMember.is_active,
                    HouseholdMember.relation == "head").first())


def _pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_clerk_issues_a_kyrgyz_certificate_and_prints_it(app, db, clerk):
    from models.household_book import Certificate

    head = _head_in_clerk_territory(db)
    response = clerk.post("/certificateview/add", {
        "member": head.id, "kind": "household_composition", "language": "ky", "signer_name": "Осмонов Б.",
        "signer_position": "Айыл өкмөтүнүн башчысы"}, token_from="/certificateview/add")
    assert response.status_code == 302 and "/certificateview/show/" in response.headers["Location"]
    certificate = db.session.query(Certificate).filter_by(member_id=head.id).order_by(Certificate.id.desc()).first()
    assert re.fullmatch(r"\d{4}-\d{6}", certificate.number) and len(certificate.verification_code) == 10
    assert certificate.valid_until == certificate.issued_on + datetime.timedelta(days=30)
    content = json.loads(certificate.content)
    assert {m["name"] for m in content["members"]} == {m.full_name for m in head.household.active_members}

    pdf = clerk.get(f"/certificateview/print/{certificate.id}")
    assert pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert "Үй-бүлөнүн курамы жөнүндө маалымкат" in text or "маалымкат" in text.lower()
    assert certificate.number in text and head.full_name in text and certificate.verification_code in text
    assert any(letter in text for letter in "ңөү")
    assert audit_events(app, action="create", object_type="household_book_certificate",
                        object_id=str(certificate.id))
    assert audit_events(app, action="pdf", object_type="household_book_certificate", object_id=str(certificate.id))


def test_russian_certificate_prints_in_russian(app, db):
    from app.services import household_book
    from models.household_book import Certificate

    with app.test_request_context():
        head = _head_in_clerk_territory(db)
        certificate = household_book.issue_certificate(db.session, Certificate(
            member=head, kind="residence", language="ru", signer_name="Асанов", signer_position="Глава"),
            local_today())
        db.session.commit()
    b = Browser(app.test_client())
    b.get("/lang/ky")  # the clerk works in Kyrgyz; the certificate is still Russian
    b.login("admin")
    text = _pdf_text(b.get(f"/certificateview/print/{certificate.id}").data)
    assert "Справка о месте жительства" in text or "Настоящая справка" in text or "справка" in text.lower()
    assert head.pin in text


def test_public_check_shows_only_number_date_kind_validity(app, db):
    from models.household_book import Certificate

    certificate = db.session.query(Certificate).first()
    client = Browser(app.test_client())  # nobody logged in
    page = client.get(f"/check/?number={certificate.number}&code={certificate.verification_code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="check-result"' in html and certificate.number in html
    member = certificate.member
    for secret in (member.pin, member.last_name, member.household.address):
        assert secret not in html
    assert 'label-success' in html
    wrong = client.get(f"/check/?number={certificate.number}&code=0000000000").get_data(as_text=True)
    assert 'label-success' not in wrong and certificate.number not in wrong.split('id="check-result"')[1]


def test_expired_and_revoked_certificates_are_reported(app, db):
    from app.services.household_book import certificate_status
    from models.household_book import Certificate

    certificate = db.session.query(Certificate).first()
    assert certificate_status(certificate, certificate.valid_until) == "valid"
    assert certificate_status(certificate, certificate.valid_until + datetime.timedelta(days=1)) == "expired"
    revoked = Certificate(valid_until=certificate.valid_until, revoked_on=local_today())
    assert certificate_status(revoked, local_today()) == "revoked"


def test_no_certificate_for_someone_who_left(app, db):
    from app.errors import DomainError
    from app.services import household_book
    from models.household_book import Certificate, HouseholdMember

    gone = db.session.query(HouseholdMember).filter(HouseholdMember.is_active.is_(False)).first()
    with app.test_request_context(), pytest.raises(DomainError) as error:
        household_book.issue_certificate(db.session, Certificate(member=gone, kind="residence", language="ky",
                                                                 signer_name="x", signer_position="y"),
                                         local_today())
    assert error.value.code == "not_active"
    db.session.rollback()


def test_certificates_cannot_be_edited_or_deleted(app):
    view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "CertificateView")
    assert not {"can_edit", "can_delete"} & set(view.base_permissions)


# --- signed PDFs and the public signature check ------------------------------------------------------------------
@pytest.fixture
def upload_limit(app):
    app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "1000 per minute"
    yield
    app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "10 per minute"


def _printed(app, certificate):
    from views import certificates

    with app.test_request_context():
        return certificates.render(certificate)


def _upload(client, data, language, name="certificate.pdf", **kw):
    client.get(f"/lang/{language}")
    return client.post("/check/document/", {"document": (io.BytesIO(data), name)}, token_from="/check/",
                       content_type="multipart/form-data", **kw)


@pytest.mark.parametrize("language,valid_label,status_label", [
    ("ky", "Кол тамга жарактуу", "Жарактуу"), ("ru", "Подпись действительна", "Действительна")])
def test_public_check_verifies_an_uploaded_signed_certificate(app, db, upload_limit, language, valid_label,
                                                                status_label):
    from app import clock
    from app.services.household_book import certificate_status
    from models.household_book import Certificate

    certificate = db.session.query(Certificate).filter_by(language="ky").first()
    assert certificate_status(certificate, clock.local_today()) == "valid"
    pdf = _printed(app, certificate)
    client = Browser(app.test_client())  # a citizen, nobody logged in
    page = _upload(client, pdf, language)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-status="valid"' in html and valid_label in html
    assert certificate.signer.name_ky in html and "Sanarip demo root CA" in html  # signer and chain
    result = html.split('id="check-result"')[1]
    assert certificate.number in result and status_label in result
    for secret in (certificate.member.pin, certificate.member.last_name):
        assert secret not in html

    tampered = bytearray(pdf)
    at = tampered.index(b"code=" + certificate.verification_code.encode()) + 5
    tampered[at] = ord("0") if tampered[at] != ord("0") else ord("1")
    html = _upload(client, bytes(tampered), language).get_data(as_text=True)
    assert 'data-status="invalid"' in html and ("Кол тамга жараксыз" if language == "ky" else
                                                "Подпись недействительна") in html
    assert 'id="check-result"' not in html  # nothing of a broken file is looked up


@pytest.mark.parametrize("language,message", [("ky", "Бул PDF файл эмес."), ("ru", "Это не PDF-файл.")])
def test_public_check_refuses_garbage_with_a_translated_message(app, upload_limit, language, message):
    client = Browser(app.test_client())
    page = _upload(client, b"MZ\x90\x00 not a pdf", language, name="virus.exe")
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    unreadable = _upload(client, b"%PDF-1.7\n" + bytes(range(256)) * 20, language)
    assert unreadable.status_code == 200 and 'data-status="unreadable"' in unreadable.get_data(as_text=True)
    empty = _upload(client, b"", language, name="")
    assert empty.status_code == 400
    app.config["SIGNATURE_CHECK_MAX_BYTES"] = 1024
    try:
        big = _upload(client, b"%PDF-1.7\n" + b"0" * 4096, language)
        assert big.status_code == 400 and ("өтө чоң" if language == "ky" else "слишком большой") in \
            big.get_data(as_text=True)
    finally:
        app.config["SIGNATURE_CHECK_MAX_BYTES"] = 10 * 1024 * 1024


def test_public_signature_check_is_rate_limited(app, db):
    app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "2 per minute"
    try:
        client = Browser(app.test_client())
        codes = [_upload(client, b"%PDF-1.4\n", "ru", environ_base={"REMOTE_ADDR": "10.77.0.1"}).status_code
                 for _ in range(4)]
    finally:
        app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "10 per minute"
    assert codes[:2] == [200, 200] and codes[-1] == 429


def test_every_certificate_text_reads_right_in_each_language(app, db):
    """No double full stop after a Russian date ("г.."), the issuing body named in the certificate's language,
    and no sentence left in another language, for both kinds in ky, ru and en."""
    from app.services import household_book
    from models.household_book import Certificate

    head = _head_in_clerk_territory(db)
    english = ("This certifies", "valid until", "Executive body", "signed with")
    russian = ("Настоящая справка", "действительна", "Исполнительный орган", "подписан")
    try:
        for language in ("ky", "ru", "en"):
            for kind in ("household_composition", "residence"):
                with app.test_request_context():
                    certificate = household_book.issue_certificate(db.session, Certificate(
                        member=head, kind=kind, language=language, signer_name="Асанов", signer_position="Башчы"),
                        local_today())
                    db.session.flush()
                text = " ".join(_pdf_text(_printed(app, certificate)).split())
                assert ".." not in text.replace("...", ""), (language, kind, text)
                assert certificate.issuing_body in text
                signer = certificate.signer
                assert certificate.issuing_body == {"ky": signer.name_ky, "ru": signer.name_ru,
                                                    "en": signer.name_en}[language]
                if language == "ky":
                    assert "айылный" not in certificate.issuing_body and "өкмөтү" in certificate.issuing_body
                    assert not any(p in text for p in english + russian), text
                    assert "жарактуулук мөөнөтү" in text and "Жергиликтүү өз алдынча башкаруунун" in text
                elif language == "ru":
                    assert not any(p in text for p in english), text
                    assert "г. года" not in text and "Справка действительна до: " in text
                else:
                    assert not any(p in text for p in russian), text
    finally:
        db.session.rollback()


def test_the_head_revokes_a_certificate_with_a_reason_and_every_check_says_so(app, db, clerk, make_user):
    """Sanarip Aimak cl. 25: a certificate withdrawn by the head (a workflow step with a required reason, audited)
    is "revoked" with its date on the public check, by number and code and for an uploaded signed copy; the clerk
    who issued it cannot revoke it."""
    from flask_babel import force_locale, format_date

    from models.household_book import Certificate

    head = _head_in_clerk_territory(db)
    clerk.post("/certificateview/add", {"member": head.id, "kind": "residence", "language": "ru",
                                        "signer_name": "Осмонов Б.", "signer_position": "Глава"},
               token_from="/certificateview/add")
    certificate = db.session.query(Certificate).filter_by(member_id=head.id).order_by(Certificate.id.desc()).first()
    printed = _printed(app, certificate)  # a copy the citizen holds, signed before the revocation
    url = f"/certificateview/revoke/{certificate.id}"
    assert clerk.get(url).status_code in (302, 403)  # not the clerk's step
    assert clerk.post(url, {"reason": "ошибка"}, token_from=f"/certificateview/show/{certificate.id}").status_code \
        in (302, 403)
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).revoked_on is None

    chief = Browser(app.test_client())
    chief.get("/lang/ky")
    chief.login(make_user(("LSG head",), territory="41708203000000"))
    assert "/certificateview/revoke/" in chief.get(f"/certificateview/show/{certificate.id}").get_data(as_text=True)
    refused = chief.post(url, {"reason": "  "}, token_from=url)
    assert refused.status_code == 200  # the form again, with the error at its field
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).revoked_on is None
    done = chief.post(url, {"reason": "Выдана по ошибке: неверный состав семьи"}, token_from=url)
    assert done.status_code == 302
    db.session.expire_all()
    revoked = db.session.get(Certificate, certificate.id)
    assert revoked.revoked_on == local_today() and revoked.revoked_reason.startswith("Выдана по ошибке")
    assert audit_events(app, action="transition", object_type="household_book_certificate",
                        object_id=str(certificate.id))
    assert chief.post(url, {"reason": "ещё раз"}, token_from=f"/certificateview/show/{certificate.id}") \
        .status_code != 500

    citizen = Browser(app.test_client())
    citizen.get("/lang/ru")
    page = citizen.get(f"/check/?number={certificate.number}&code={certificate.verification_code}")
    html = page.get_data(as_text=True)
    with app.test_request_context(), force_locale("ru"):
        day = format_date(revoked.revoked_on, "long")
    result = html.split('id="check-result"')[1]
    assert "Отозвана" in result or "Отозван" in result
    assert day in result and "ошибке" not in html  # the date, never the reason
    uploaded = _upload(citizen, printed, "ru").get_data(as_text=True)
    assert 'data-status="valid"' in uploaded  # the signature is still the body's
    assert day in uploaded.split('id="check-result"')[1]
