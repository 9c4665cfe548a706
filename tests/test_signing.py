"""The PDF-signing mechanism (app/signing.py): a real X.509 chain from the demo CA, PAdES signatures checked by
validators that are not pyHanko (poppler's pdfsig with an NSS database trusting the demo root, and a hand check
of the CMS with asn1crypto + cryptography), tampering and foreign signers recognised, keys kept safe, real
PKCS#12 files loaded by the admin."""
import datetime
import hashlib
import io
import os
import re
import shutil
import stat
import subprocess
import tempfile

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests.conftest import Browser

# an instant of the clock passed in, not the wall clock of the signing moment (the demo certificates start at setup)
FIXED_NOW = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=7, seconds=13)).replace(
    microsecond=0)


@pytest.fixture(autouse=True)
def generous_upload_limit(app):
    app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "1000 per minute"
    yield
    app.config["SIGNATURE_CHECK_RATE_LIMIT"] = "10 per minute"


def _certificate(db, language="ky", kind="household_composition"):
    from models.household_book import Certificate

    return (db.session.query(Certificate).filter_by(language=language, kind=kind)
            .order_by(Certificate.id).first())


def _signed(app, db, certificate, now=None):
    from views import certificates

    with app.test_request_context():
        return certificates.render(certificate, now)


def _signature_parts(pdf):
    """ByteRange and the CMS blob of the (only) signature, read straight from the file's bytes."""
    byte_range = [int(n) for n in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf).groups()]
    start, length, second, second_length = byte_range
    contents = pdf[start + length:second]
    assert contents.startswith(b"<") and contents.endswith(b">")
    der = bytes.fromhex(contents[1:-1].decode())
    signed = pdf[start:start + length] + pdf[second:second + second_length]
    return byte_range, signed, der.rstrip(b"\x00")


def _demo_root(app):
    from app import signing

    with app.app_context():
        return signing.demo_root()


# --- the demo certification authority --------------------------------------------------------------------------
def test_setup_makes_a_real_chain_with_keys_kept_safe(app, db):
    from app import signing
    from models.household_book import Certificate
    from models.signing import SigningCertificate

    root = _demo_root(app)
    folder = signing.signing_dir()
    assert root.issuer == root.subject and root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    root.verify_directly_issued_by(root)
    rows = db.session.query(SigningCertificate).filter_by(source="demo", is_active=True).all()
    # every LSG body whose household book issued the demo certificates has its own signing certificate
    bodies = {c.signer.holder_id for c in db.session.query(Certificate)}
    assert bodies and bodies <= {r.holder_id for r in rows if r.holder_type == "ref_territory"}
    for row in rows[:5]:
        leaf = x509.load_pem_x509_certificate(row.certificate_pem.encode())
        issuing = x509.load_pem_x509_certificate(row.chain_pem.encode())
        leaf.verify_directly_issued_by(issuing)
        issuing.verify_directly_issued_by(root)
        assert issuing.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
        assert row.fingerprint == leaf.fingerprint(hashes.SHA256()).hex()
        assert "PRIVATE KEY" not in row.certificate_pem + row.chain_pem  # keys never enter the database
        path = os.path.join(folder, row.key_file)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with open(path, "rb") as fh:
            data = fh.read()
        with pytest.raises(ValueError):
            pkcs12.load_key_and_certificates(data, None)  # encrypted: useless without the passphrase
        key, cert, _ = pkcs12.load_key_and_certificates(data, signing.passphrase())
        assert cert == leaf and key.public_key() == leaf.public_key()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(folder, signing.DEMO_ROOT_FILE)).st_mode) == 0o600
    assert os.path.commonpath([folder, app.instance_path]) == app.instance_path


def test_signing_certificates_name_the_body_in_each_language(app, db):
    from models.household_book import Certificate

    certificate = db.session.query(Certificate).filter_by(language="ky").first()
    signer = certificate.signer
    assert signer.name_ky.endswith(("айыл өкмөтү", "мэриясы", "администрациясы"))
    assert "айылный" not in signer.name_ky and "аймак" not in signer.name_ky
    assert signer.name_ru.startswith(("Айыл окмоту ", "Мэрия ", "Администрация "))
    assert re.fullmatch(r"[A-Za-z .'()-]+", signer.name_en)
    leaf = x509.load_pem_x509_certificate(signer.certificate_pem.encode())
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == signer.name_ky
    assert leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == signer.territory.code


def test_lsg_body_names():
    from types import SimpleNamespace as Unit

    from app.services.lsg_bodies import body_names

    aimak = body_names(Unit(kind="aiyl_aimak", name_ru="Кара-Джыгачский айылный аймак", name_ky=None, name_en=None))
    assert aimak == {"ky": "Кара-Жыгач айыл өкмөтү", "ru": "Айыл окмоту Кара-Джыгачского айылного аймака",
                     "en": "Kara-Jygach aiyl okmotu"}
    assert body_names(Unit(kind="aiyl_aimak", name_ru="Ала-Букинский айылный аймак", name_ky=None,
                           name_en=None))["ky"] == "Ала-Бука айыл өкмөтү"
    assert body_names(Unit(kind="aiyl_aimak", name_ru="Кок-Бельский айылный аймак", name_ky=None,
                           name_en=None))["ky"] == "Көк-Бел айыл өкмөтү"
    honoured = body_names(Unit(kind="aiyl_aimak", name_ru="Айылный аймак им. Токтомата Зулпуева", name_ky=None,
                               name_en=None))
    assert honoured["ky"] == "Токтомат Зулпуев атындагы айыл өкмөтү"
    assert honoured["ru"] == "Айыл окмоту айылного аймака им. Токтомата Зулпуева"
    named = body_names(Unit(kind="aiyl_aimak", name_ru="Ак-Булунский айылный аймак", name_ky="Ак-Булуң айыл аймагы",
                            name_en="Ak-Bulung aiyl aimak"))
    assert named == {"ky": "Ак-Булуң айыл өкмөтү", "ru": "Айыл окмоту Ак-Булунского айылного аймака",
                     "en": "Ak-Bulung aiyl okmotu"}
    city = body_names(Unit(kind="city_oblast", name_ru="г. Таш-Кумыр", name_ky="Таш-Көмүр шаары", name_en="Tash-Kumyr"))
    assert city == {"ky": "Таш-Көмүр шаарынын мэриясы", "ru": "Мэрия города Таш-Кумыр", "en": "Tash-Kumyr City Hall"}
    district = body_names(Unit(kind="city_district", name_ru="Ленинский район", name_ky="Ленин району",
                               name_en="Lenin District"))
    assert district == {"ky": "Ленин районунун администрациясы", "ru": "Администрация Ленинского района",
                        "en": "Lenin District Administration"}


# --- independent validators -----------------------------------------------------------------------------------
def test_signed_certificate_checked_by_hand_with_asn1crypto_and_cryptography(app, db):
    """Without pyHanko: the digest of the ByteRange is the signed message digest, the signature over the signed
    attributes verifies with the signer's public key, the signer leads to the demo root, and the claimed signing
    time is the clock's instant passed in."""
    certificate = _certificate(db)
    pdf = _signed(app, db, certificate, FIXED_NOW)
    byte_range, signed, der = _signature_parts(pdf)
    assert byte_range[0] == 0 and byte_range[2] + byte_range[3] == len(pdf)  # the whole file but the blob
    content = cms.ContentInfo.load(der)
    assert content["content_type"].native == "signed_data"
    signed_data = content["content"]
    signer_info = signed_data["signer_infos"][0]
    attributes = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
    assert attributes["message_digest"].native == hashlib.sha256(signed).digest()
    assert "signing_certificate_v2" in attributes  # PAdES: the signer's certificate is bound to the signature

    certificates = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed_data["certificates"]]
    serial = signer_info["sid"].chosen["serial_number"].native
    leaf = next(c for c in certificates if c.serial_number == serial)
    to_verify = signer_info["signed_attrs"].untag().dump()  # DER as a SET, not the [0] IMPLICIT tag
    leaf.public_key().verify(signer_info["signature"].native, to_verify, ec.ECDSA(hashes.SHA256()))

    issuing = next(c for c in certificates if c.subject == leaf.issuer)
    leaf.verify_directly_issued_by(issuing)
    root = _demo_root(app)
    issuing.verify_directly_issued_by(root)
    assert leaf.fingerprint(hashes.SHA256()).hex() == certificate.signer.fingerprint

    claimed = re.search(rb"/M\s*\(D(?::|\\072)(\d{14})", pdf).group(1).decode()  # ":" may be written \072
    assert claimed == FIXED_NOW.strftime("%Y%m%d%H%M%S")
    assert b"/SubFilter /ETSI.CAdES.detached" in pdf


def _nss_database(app, tmp):
    shutil.which("certutil") or pytest.skip("certutil (libnss3-tools) is not installed")
    root_pem = os.path.join(tmp, "root.pem")
    with open(root_pem, "wb") as fh:
        fh.write(_demo_root(app).public_bytes(serialization.Encoding.PEM))
    subprocess.run(["certutil", "-N", "-d", f"sql:{tmp}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{tmp}", "-n", "sanarip-demo-root", "-t", "C,C,C", "-i", root_pem],
                   check=True, capture_output=True)
    return f"sql:{tmp}"


def _pdfsig(pdf, nss):
    shutil.which("pdfsig") or pytest.skip("pdfsig (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        return subprocess.run(["pdfsig", "-nssdir", nss, fh.name], capture_output=True, text=True).stdout


@pytest.mark.parametrize("language,kind", [("ky", "household_composition"), ("ru", "residence")])
def test_poppler_pdfsig_trusts_the_signed_certificate(app, db, tmp_path, language, kind):
    certificate = _certificate(db, language, kind)
    nss = _nss_database(app, str(tmp_path))
    report = _pdfsig(_signed(app, db, certificate), nss)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Total document signed" in report
    assert "ETSI.CAdES.detached" in report
    assert certificate.signer.name_ky in report  # the signer's common name


def test_pdfsig_and_verify_pdf_reject_a_tampered_certificate(app, db, tmp_path):
    from app import signing

    certificate = _certificate(db)
    pdf = bytearray(_signed(app, db, certificate))
    number = certificate.number.encode()
    # the certificate number in the document info (inside the signed range), changed by one digit
    at = pdf.index(b"number=" + number) + len(b"number=") + len(number) - 1
    pdf[at] = ord("9") if pdf[at] != ord("9") else ord("8")
    report = _pdfsig(bytes(pdf), _nss_database(app, str(tmp_path)))
    assert "Signature is Valid" not in report and ("Digest Mismatch" in report or "Invalid" in report)
    with app.app_context():
        result = signing.verify_pdf(bytes(pdf))
    assert result.status == "invalid" and result.document_keys == {}


def test_content_added_after_signing_is_reported(app, db):
    """A well-formed incremental update after the signature (text stamped on the page) leaves the signature
    intact, but the document is no longer what was signed."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import TextStampStyle
    from pyhanko.stamp.text import TextStamp

    from app import signing

    pdf = _signed(app, db, _certificate(db))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    TextStamp(writer, TextStampStyle(stamp_text="VOID")).apply(0, 100, 400)
    out = io.BytesIO()
    writer.write(out)
    with app.app_context():
        result = signing.verify_pdf(out.getvalue())
        clean = signing.verify_pdf(pdf)
    assert clean.status == "valid" and result.status == "modified"


def _foreign_pkcs12(password=b"Foreign-pass-1", days=365, ca=False, usage=True):
    """A PKCS#12 of a certification authority this installation has never heard of."""
    now = datetime.datetime.now(datetime.timezone.utc)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Foreign root CA")])
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name).public_key(root_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(root_key, hashes.SHA256()))
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Foreign signer")]))
               .issuer_name(root_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=2)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if usage:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=ca, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
    leaf = builder.sign(root_key, hashes.SHA256())
    data = pkcs12.serialize_key_and_certificates(b"foreign", key, leaf, [root],
                                                 serialization.BestAvailableEncryption(password))
    return data, root, leaf


def test_a_signer_outside_the_trusted_roots_is_unknown(app, db, tmp_path):
    from app import clock, signing
    from models.reference import Territory

    data, foreign_root, _ = _foreign_pkcs12()
    with app.test_request_context():
        holder = db.session.query(Territory).filter_by(kind="aiyl_aimak").order_by(Territory.code.desc()).first()
        row = signing.import_pkcs12(db.session, holder, data, "Foreign-pass-1", clock.now())
        db.session.flush()
        pdf = signing.sign_pdf(b"%PDF-1.4\n" + _blank_pdf_body(), row, "test", "Бишкек", clock.now())
        unknown = signing.verify_pdf(pdf)
        trusted_elsewhere = signing.verify_pdf(pdf, [foreign_root])
        db.session.rollback()
    assert unknown.status == "unknown_signer" and unknown.signature.signer_name == "Foreign signer"
    assert trusted_elsewhere.status == "valid"
    report = _pdfsig(pdf, _nss_database(app, str(tmp_path)))
    assert "Signature is Valid." in report and "Certificate is Trusted." not in report


def _blank_pdf_body():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, "Sanarip")
    page.save()
    return buffer.getvalue().split(b"\n", 1)[1]


def test_garbage_and_unsigned_files(app):
    from app import signing

    with app.app_context():
        assert signing.verify_pdf(b"").status == "unreadable"
        assert signing.verify_pdf(b"%PDF-1.7\n\x00\xff garbage").status == "unreadable"
        assert signing.verify_pdf(os.urandom(2048)).status == "unreadable"
        assert signing.verify_pdf(b"%PDF-1.4\n" + _blank_pdf_body()).status == "not_signed"


def test_invisible_signature_and_document_keys(app, db):
    from app import clock, signing

    certificate = _certificate(db)
    with app.test_request_context():
        pdf = signing.sign_pdf(b"%PDF-1.4\n" + _blank_pdf_body(), certificate.signer, "r", "l", clock.now(),
                               visible=False, document_keys={"document": "x", "number": "7"})
        result = signing.verify_pdf(pdf)
    assert result.status == "valid" and result.document_keys == {"document": "x", "number": "7"}
    assert re.search(rb"/Rect\s*\[\s*0\s+0\s+0\s+0\s*\]", pdf)


def test_a_retired_or_expired_certificate_does_not_sign(app, db):
    from app import signing

    certificate = _certificate(db)
    signer = certificate.signer
    later = signer.valid_until + datetime.timedelta(days=1)
    with app.test_request_context(), pytest.raises(signing.SigningError):
        signing.sign_pdf(b"%PDF-1.4\n" + _blank_pdf_body(), signer, "r", "l", later)


# --- loading a real PKCS#12 ------------------------------------------------------------------------------------
def test_import_refuses_bad_files_with_a_message_at_the_field(app, db):
    from app import clock, signing
    from models.reference import Territory

    holder = db.session.query(Territory).filter_by(kind="aiyl_aimak").first()
    good, _, _ = _foreign_pkcs12()
    cases = [(b"not a pkcs12 file", "Foreign-pass-1", "pkcs12_unreadable"),
             (good, "wrong password", "pkcs12_unreadable"),
             (_foreign_pkcs12(ca=True)[0], "Foreign-pass-1", "pkcs12_not_signing"),
             (_foreign_pkcs12(days=-1)[0], "Foreign-pass-1", "pkcs12_expired")]
    with app.test_request_context():
        for data, password, code in cases:
            with pytest.raises(signing.SigningError) as error:
                signing.import_pkcs12(db.session, holder, data, password, clock.now())
            assert error.value.code == code and error.value.field == "file"
        db.session.rollback()


def test_admin_loads_a_real_pkcs12_and_certificates_are_signed_with_it(app, db, make_user):
    from models.household_book import Certificate
    from models.signing import SigningCertificate

    certificate = db.session.query(Certificate).filter_by(language="ru").order_by(Certificate.id.desc()).first()
    old = certificate.signer
    admin = Browser(app.test_client())
    admin.get("/lang/ru")
    admin.login(make_user(("Admin",)))
    page = admin.get("/signingcertificateview/list/").get_data(as_text=True)
    assert "Сертификаты подписи" in page and old.name_ru in page
    form = admin.get("/signingcertificateview/load/").get_data(as_text=True)
    assert f'value="ref_territory:{old.holder_id}"' in form
    data, _, leaf = _foreign_pkcs12(password=b"Real-pass-2")
    refused = admin.post("/signingcertificateview/load/", {
        "holder": f"ref_territory:{old.holder_id}", "password": "wrong",
        "file": (io.BytesIO(data), "body.p12")}, token_from="/signingcertificateview/load/",
        content_type="multipart/form-data")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "пароль неверен" in text and "has-error" in text
    loaded = admin.post("/signingcertificateview/load/", {
        "holder": f"ref_territory:{old.holder_id}", "password": "Real-pass-2",
        "file": (io.BytesIO(data), "body.p12")}, token_from="/signingcertificateview/load/",
        content_type="multipart/form-data")
    assert loaded.status_code == 302
    db.session.expire_all()
    active = db.session.query(SigningCertificate).filter_by(holder_type="ref_territory", holder_id=old.holder_id,
                                                            is_active=True).one()
    assert active.source == "imported" and active.fingerprint == leaf.fingerprint(hashes.SHA256()).hex()
    assert active.name_ru == old.name_ru  # the organisation keeps its names
    assert not db.session.get(SigningCertificate, old.id).is_active
    show = admin.get(f"/signingcertificateview/show/{active.id}").get_data(as_text=True)
    assert "Foreign root CA" in show and active.fingerprint in show
    try:
        # printed copies of the body's certificates are signed with the loaded certificate from now on
        pdf = admin.get(f"/certificateview/print/{certificate.id}").data
        _, _, der = _signature_parts(pdf)
        signer_info = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
        assert signer_info["sid"].chosen["serial_number"].native == leaf.serial_number
    finally:  # the other tests expect the body's demo certificate
        active.is_active = False
        db.session.flush()
        db.session.get(SigningCertificate, old.id).is_active = True
        db.session.commit()


def test_only_admins_reach_signing_certificates(app, make_user):
    clerk = Browser(app.test_client())
    clerk.login(make_user(("LSG clerk",), territory="41708203000000"))
    assert clerk.get("/signingcertificateview/list/").status_code in (302, 403)
    assert clerk.get("/signingcertificateview/load/").status_code in (302, 403)
    anonymous = Browser(app.test_client())
    assert anonymous.get("/signingcertificateview/list/").status_code in (302, 401, 403)


def test_signing_and_verifying_inside_a_running_event_loop(app, db):
    """pyHanko's synchronous API starts its own event loop; inside a running one (an async server, a browser
    test's loop) the signature was refused with 'asyncio.run() cannot be called from a running event loop'."""
    import asyncio

    from app import signing

    certificate = _certificate(db)

    async def sign_and_verify():
        pdf = _signed(app, db, certificate)
        with app.app_context():
            return signing.verify_pdf(pdf).status

    # The coroutine runs in a thread of its own: the test process may itself hold a running loop (Playwright's
    # sync API leaves one in the main thread after a browser test), where asyncio.run would refuse to start.
    import threading

    result = {}
    worker = threading.Thread(target=lambda: result.update(status=asyncio.run(sign_and_verify())))
    worker.start()
    worker.join()
    assert result["status"] == "valid"
