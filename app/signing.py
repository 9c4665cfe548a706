"""The one PDF-signing mechanism: PAdES signatures (pyHanko) by organisations' certificates, and their verification.

    signer = signer_for(session, territory_or_office, now)          # the organisation's SigningCertificate
    pdf = sign_pdf(pdf_bytes, signer, reason, location, now, language="ky", document_keys={...})
    result = verify_pdf(pdf_bytes, trust_roots())                    # Verification: status, signer, time, chain

Level: PAdES-B-B (ETSI EN 319 142-1, sub-filter ETSI.CAdES.detached, SHA-256, signing certificate as a signed
attribute, claimed signing time in /M). B-T would add a signature time-stamp from a TSA, which an offline
installation does not have; `sign_pdf` takes a `timestamper` for the day one is configured.

Keys: every private key is in a PKCS#12 file under `<instance>/signing/` (folder 0700, files 0600), encrypted with
SIGNING_KEY_PASSPHRASE (or a passphrase generated once into that folder); the database holds only the public
certificate and the file name. A demo installation (SIGNING_DEMO_CA=1, the default) has its own certification
authority, a root and an issuing CA, made by `flask sanarip setup`; it issues a certificate to every LSG body. In
production the admin loads each organisation's real PKCS#12 (Administration → Signing certificates) and lists the
trusted roots in SIGNING_TRUST_ROOTS."""
import dataclasses
import datetime
import io
import logging
import os
import secrets
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app
from flask_babel import force_locale, gettext, lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.errors import DomainError
from app.i18n import localized_name, names_by_language
from models.signing import SigningCertificate

log = logging.getLogger(__name__)
logging.getLogger("fontTools").setLevel(logging.ERROR)  # subsetting the stamp font reports every dropped table

DEMO_ROOT_FILE = "demo-root-ca.p12"
DEMO_ROOT_PEM = "demo-root-ca.pem"
DEMO_ISSUING_FILE = "demo-issuing-ca.p12"
DEMO_ORGANISATION = "Sanarip demo CA (not for legal use)"
ROOT_DAYS, ISSUING_DAYS, SIGNER_DAYS = 20 * 365, 10 * 365, 3 * 365
KDF_ROUNDS = 20000  # PBKDF2 rounds of the PKCS#12 files (the passphrase itself is long and random by default)
FIELD_NAME = "Signature"

STATUSES = {
    "valid": _l("Valid signature"),
    "invalid": _l("Invalid signature"),
    "modified": _l("Changed after signing"),
    "unknown_signer": _l("Unknown signer"),
    "not_signed": _l("Not signed"),
    "unreadable": _l("Not a readable PDF"),
}
MESSAGES = {
    "valid": _l("The document is unchanged since it was signed, and the signer's certificate leads to a trusted "
                "certification authority."),
    "invalid": _l("The signature does not match the document: its signed content was altered, or the signature "
                  "is damaged. Do not rely on this document."),
    "modified": _l("The signature itself is intact, but content was added to the document after it was signed. "
                   "Only the signed version can be relied on."),
    "unknown_signer": _l("The signature matches the document, but the signer's certificate does not lead to a "
                         "trusted certification authority."),
    "not_signed": _l("The document has no electronic signature."),
    "unreadable": _l("The file is not a readable PDF document."),
}
TRUST_PROBLEMS = {
    "EXPIRED": _l("The signer's certificate has expired."),
    "NOT_YET_VALID": _l("The signer's certificate is not valid yet."),
    "REVOKED": _l("The signer's certificate was revoked."),
}


class SigningError(DomainError):
    pass


def _outside_event_loop(function):
    """pyHanko's synchronous calls run `asyncio.run`, which refuses to start inside a running event loop (an
    async server, or a test that left Playwright's loop running): then the call runs in a worker thread."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


# --- files and keys ---------------------------------------------------------------------------------------------
def signing_dir():
    path = current_app.config.get("SIGNING_DIR") or os.path.join(current_app.instance_path, "signing")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _write_private(path, data: bytes):
    """Write a key file readable by its owner only (created 0600, then moved into place atomically)."""
    tmp = f"{path}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def passphrase() -> bytes:
    """SIGNING_KEY_PASSPHRASE, else one generated once into the signing folder (0600)."""
    configured = current_app.config.get("SIGNING_KEY_PASSPHRASE")
    if configured:
        return configured.encode()
    path = os.path.join(signing_dir(), "passphrase")
    if not os.path.exists(path):
        _write_private(path, secrets.token_urlsafe(32).encode())
    with open(path, "rb") as fh:
        return fh.read().strip()


def _pkcs12_bytes(key, certificate, chain, friendly_name):
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(KDF_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(passphrase()))
    return pkcs12.serialize_key_and_certificates(friendly_name[:40].encode(), key, certificate, list(chain),
                                                 encryption)


@dataclasses.dataclass(frozen=True)
class KeyMaterial:
    key: object
    certificate: x509.Certificate
    chain: tuple  # intermediates (the root may be included by an imported file)


_cache = {}
_cache_lock = threading.Lock()


def _load_key_file(name) -> KeyMaterial:
    path = os.path.join(signing_dir(), name)
    stamp = (path, os.stat(path).st_mtime_ns)
    with _cache_lock:
        material = _cache.get(stamp)
    if material is None:
        with open(path, "rb") as fh:
            key, certificate, chain = pkcs12.load_key_and_certificates(fh.read(), passphrase())
        material = KeyMaterial(key, certificate, tuple(chain))
        with _cache_lock:
            _cache[stamp] = material
    return material


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def to_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _fit(value, limit=64, in_bytes=False):
    """RFC 5280 caps names at 64 characters; cryptography counts a common name in UTF-8 bytes, so that one is
    cut at a character boundary within 64 bytes."""
    if in_bytes:
        return value.encode()[:limit].decode(errors="ignore").strip()
    return value[:limit].strip()


def _name(common_name, organisation=None, serial=None):
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "KG")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name, in_bytes=True)))
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, _fit(serial)))
    return x509.Name(attributes)


def _certificate(subject, key, issuer_name, issuer_key, now, days, ca_path_length=None):
    """An X.509 v3 certificate: a CA (path length given) or a document signer (digital signature and
    non-repudiation, as PAdES validators expect)."""
    is_ca = ca_path_length is not None
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=ca_path_length), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not is_ca, content_commitment=not is_ca,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=is_ca, crl_sign=is_ca, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


def _new_key():
    return ec.generate_private_key(ec.SECP256R1())  # P-256: fast to make (setup issues hundreds) and to verify


# --- the demo certification authority ---------------------------------------------------------------------------
def demo_enabled():
    return bool(current_app.config.get("SIGNING_DEMO_CA", True))


def ensure_demo_ca(now=None) -> KeyMaterial:
    """The demo root CA and its issuing CA, made once (files under the signing folder). Returns the issuing CA."""
    now = now or clock.now()
    folder = signing_dir()
    issuing_path = os.path.join(folder, DEMO_ISSUING_FILE)
    if os.path.exists(issuing_path):
        return _load_key_file(DEMO_ISSUING_FILE)
    root_key, issuing_key = _new_key(), _new_key()
    root_name = _name("Sanarip demo root CA", DEMO_ORGANISATION)
    root = _certificate(root_name, root_key, root_name, root_key, now, ROOT_DAYS, ca_path_length=1)
    issuing = _certificate(_name("Sanarip demo issuing CA", DEMO_ORGANISATION), issuing_key, root_name, root_key,
                           now, ISSUING_DAYS, ca_path_length=0)
    _write_private(os.path.join(folder, DEMO_ROOT_FILE), _pkcs12_bytes(root_key, root, [], "demo root CA"))
    with open(os.path.join(folder, DEMO_ROOT_PEM), "w") as fh:
        fh.write(to_pem(root))
    _write_private(issuing_path, _pkcs12_bytes(issuing_key, issuing, [root], "demo issuing CA"))
    return _load_key_file(DEMO_ISSUING_FILE)


def demo_root():
    path = os.path.join(signing_dir(), DEMO_ROOT_PEM)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as fh:
        return x509.load_pem_x509_certificate(fh.read())


def trust_roots():
    """The certificates a signature must lead to: the demo root in a demo installation, and every certificate
    in the PEM files named by SIGNING_TRUST_ROOTS (comma-separated paths)."""
    roots = []
    if demo_enabled():
        root = demo_root()
        if root is not None:
            roots.append(root)
    for path in [p.strip() for p in (current_app.config.get("SIGNING_TRUST_ROOTS") or "").split(",") if p.strip()]:
        with open(path, "rb") as fh:
            roots.extend(x509.load_pem_x509_certificates(fh.read()))
    return roots


# --- signers ----------------------------------------------------------------------------------------------------
def holder_key(holder):
    """(holder_type, holder_id) of any organisation row: its table and id."""
    return holder.__tablename__, holder.id


def _holder_territory_id(holder):
    if holder.__tablename__ == "ref_territory":
        return holder.id
    return getattr(holder, "territory_id", None)


def _default_names(holder):
    if holder.__tablename__ == "ref_territory":
        from app.services.lsg_bodies import body_names

        return body_names(holder)
    name = str(holder)
    return {language: value or name for language, value in names_by_language(holder).items()}


def current_names(session, holder):
    """The organisation's names as its certificate in use has them (admins may have corrected them), else the
    default ones."""
    holder_type, holder_id = holder_key(holder)
    row = session.scalar(select(SigningCertificate).where(
        SigningCertificate.holder_type == holder_type, SigningCertificate.holder_id == holder_id,
        SigningCertificate.is_active.is_(True)))
    if row is None:
        return _default_names(holder)
    return names_by_language(row)


def _holder_serial(holder):
    code = getattr(holder, "code", None)
    return code or f"{holder.__tablename__}:{holder.id}"


def _record(session, holder, material: KeyMaterial, key_file, source, names):
    """A SigningCertificate row for key material stored in `key_file`; the holder's earlier certificate is
    retired (one in use per organisation)."""
    holder_type, holder_id = holder_key(holder)
    for old in session.scalars(select(SigningCertificate).where(
            SigningCertificate.holder_type == holder_type, SigningCertificate.holder_id == holder_id,
            SigningCertificate.is_active.is_(True))):
        old.is_active = False
    session.flush()
    certificate = material.certificate
    row = SigningCertificate(
        holder_type=holder_type, holder_id=holder_id, territory_id=_holder_territory_id(holder),
        name_ky=names.get("ky"), name_ru=names.get("ru") or names.get("ky") or str(holder), name_en=names.get("en"),
        subject=certificate.subject.rfc4514_string(), issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        valid_from=certificate.not_valid_before_utc, valid_until=certificate.not_valid_after_utc,
        fingerprint=fingerprint(certificate), certificate_pem=to_pem(certificate),
        chain_pem="".join(to_pem(c) for c in material.chain), key_file=key_file, source=source, is_active=True)
    session.add(row)
    return row


def issue_demo_certificate(session, holder, now, names=None) -> SigningCertificate:
    """A certificate from the demo CA for an organisation (an LSG body, an office): a new key pair in its own
    PKCS#12 file. Only where the demo CA is enabled."""
    if not demo_enabled():
        raise SigningError(_l("The demo certification authority is switched off: load the organisation's "
                              "PKCS#12 file."), code="demo_ca_disabled")
    issuing = ensure_demo_ca(now)
    names = names or _default_names(holder)
    key = _new_key()
    subject = _name(names.get("ky") or names["ru"], names["ru"], _holder_serial(holder))
    certificate = _certificate(subject, key, issuing.certificate.subject, issuing.key, now, SIGNER_DAYS)
    key_file = f"signer-{fingerprint(certificate)[:24]}.p12"
    chain = (issuing.certificate,)
    _write_private(os.path.join(signing_dir(), key_file), _pkcs12_bytes(key, certificate, chain, names["ru"]))
    return _record(session, holder, KeyMaterial(key, certificate, chain), key_file, "demo", names)


def import_pkcs12(session, holder, data: bytes, password: str, now, names=None) -> SigningCertificate:
    """Load an organisation's real signing certificate from a PKCS#12 file (.p12/.pfx) with its password. The
    key is stored re-encrypted with the installation's passphrase; the organisation's earlier certificate is
    retired. Refused: not PKCS#12, wrong password, no key, a CA certificate, a key not for signing, expired."""
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, (password or "").encode() or None)
    except Exception:  # cryptography says only "could not deserialize" for a wrong password or a broken file
        raise SigningError(_l("The file is not a PKCS#12 file, or the password is wrong."), field="file",
                           code="pkcs12_unreadable")
    if key is None or certificate is None:
        raise SigningError(_l("The file holds no private key with its certificate."), field="file",
                           code="pkcs12_no_key")
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise SigningError(_l("Only RSA and elliptic-curve keys can sign PDF documents."), field="file",
                           code="pkcs12_key_type")
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = constraints.ca
    except x509.ExtensionNotFound:
        is_ca = False
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        can_sign = usage.digital_signature or usage.content_commitment
    except x509.ExtensionNotFound:
        can_sign = True
    if is_ca or not can_sign:
        raise SigningError(_l("This certificate is not meant for signing documents."), field="file",
                           code="pkcs12_not_signing")
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise SigningError(_l("The certificate is not valid today (valid from %(start)s to %(end)s).",
                              start=certificate.not_valid_before_utc.date().isoformat(),
                              end=certificate.not_valid_after_utc.date().isoformat()),
                           field="file", code="pkcs12_expired")
    if session.scalar(select(SigningCertificate.id).where(SigningCertificate.fingerprint == fingerprint(certificate))):
        raise SigningError(_l("This certificate is already loaded."), field="file", code="pkcs12_duplicate")
    key_file = f"signer-{fingerprint(certificate)[:24]}.p12"
    _write_private(os.path.join(signing_dir(), key_file), _pkcs12_bytes(key, certificate, chain, "imported"))
    names = {**current_names(session, holder), **{k: v for k, v in (names or {}).items() if v}}
    return _record(session, holder, KeyMaterial(key, certificate, tuple(chain)), key_file, "imported", names)


def signer_for(session, holder, now, issue_demo=None) -> SigningCertificate | None:
    """The certificate `holder` (an LSG body's territory, a service-centre office, …) signs with at `now`: its
    active certificate, valid at `now`. In a demo installation a missing or expired one is replaced by a new one
    from the demo CA."""
    holder_type, holder_id = holder_key(holder)
    row = session.scalar(select(SigningCertificate).where(
        SigningCertificate.holder_type == holder_type, SigningCertificate.holder_id == holder_id,
        SigningCertificate.is_active.is_(True)))
    if row is not None and row.valid_from <= now <= row.valid_until:
        return row
    if row is not None and now < row.valid_from:
        return None  # an instant before the certificate was made: never replace one that is still to come
    if issue_demo if issue_demo is not None else demo_enabled():
        return issue_demo_certificate(session, holder, now, current_names(session, holder))
    return None


def require_signer(session, holder, now) -> SigningCertificate:
    signer = signer_for(session, holder, now)
    if signer is None:
        raise SigningError(_l("%(holder)s has no valid signing certificate. An administrator loads one in "
                              "Administration → Signing certificates.", holder=str(holder)),
                           code="no_signing_certificate")
    return signer


def ensure_demo_signers(session, holders, now, echo=print):
    """Demo certificates for every organisation in `holders` that has none in use (setup; idempotent)."""
    if not demo_enabled():
        return 0
    ensure_demo_ca(now)
    holders = list(holders)
    if not holders:
        return 0
    holder_type = holders[0].__tablename__
    having = set(session.scalars(select(SigningCertificate.holder_id).where(
        SigningCertificate.holder_type == holder_type, SigningCertificate.is_active.is_(True))))
    issued = 0
    for holder in holders:
        if holder.id not in having:
            issue_demo_certificate(session, holder, now)
            issued += 1
    session.flush()
    if issued:
        echo(f"  signing: {issued} demo signing certificates issued")
    return issued


# --- signing ----------------------------------------------------------------------------------------------------
_font_lock = threading.Lock()
_font_bytes = None


def _stamp_font():
    """DejaVu Sans (Kyrgyz ң ө ү) cut to Latin and Cyrillic and rescaled to 1000 units per em: pyHanko writes the
    glyph widths of its stamp font unscaled, which is only right for a 1000-unit font (DejaVu has 2048)."""
    global _font_bytes
    with _font_lock:
        if _font_bytes is None:
            from fontTools import subset
            from fontTools.ttLib import TTFont
            from fontTools.ttLib.scaleUpem import scale_upem

            from app.pdf import FONT_DIR

            font = TTFont(os.path.join(FONT_DIR, "DejaVuSans.ttf"))
            options = subset.Options()
            options.layout_features = ["kern", "liga"]
            options.notdef_outline = True
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=[*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x400, 0x530),
                                         0x2013, 0x2014, 0x2116, 0x201C, 0x201D, 0x2192])
            subsetter.subset(font)
            scale_upem(font, 1000)
            out = io.BytesIO()
            font.save(out)
            _font_bytes = out.getvalue()
    return _font_bytes


def _stamp_style(text):
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    class StampFont(FontEngineFactory):
        def create_font_engine(self, writer, obj_stream=None):
            return GlyphAccumulator(writer, io.BytesIO(_stamp_font()), font_size=7, obj_stream=obj_stream)

    return TextStampStyle(
        stamp_text=text.replace("%", "%%"), text_box_style=TextBoxStyle(font=StampFont(), font_size=7, leading=9),
        border_width=1, background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(6, 4, 4, 4)))


def stamp_text(signer: SigningCertificate, now, language):
    local = clock.to_local(now)
    with force_locale(language):
        return "\n".join([gettext("Signed with an electronic signature"),
                          localized_name(signer, language=language, mark_missing=False),
                          gettext("Certificate %(serial)s", serial=signer.serial[:20]),
                          f"{local:%d.%m.%Y %H:%M} ({local:%Z})"])


def sign_pdf(pdf_bytes: bytes, signer: SigningCertificate, reason: str, location: str, now: datetime.datetime, *,
             language="ky", visible=True, box=None, document_keys=None, timestamper=None) -> bytes:
    """`pdf_bytes` with a PAdES-B-B signature of `signer`, made at `now` (the one clock's instant: the claimed
    signing time). `visible` puts a stamp with the signer's name and the time on the last page (at `box`, in
    points; default the bottom margin on the left); `document_keys` (e.g. a certificate's number and code) go
    into the signed revision's keywords, where `verify_pdf` reads them back."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not signer.is_active or not signer.valid_from <= now <= signer.valid_until:
        raise SigningError(_l("The signing certificate of %(name)s is not valid now.", name=signer.name_ru),
                           code="signer_not_valid")
    material = _load_key_file(signer.key_file)
    if fingerprint(material.certificate) != signer.fingerprint:
        raise SigningError(_l("The key file does not belong to this signing certificate."), code="key_mismatch")
    from asn1crypto import keys as asn1_keys, x509 as asn1_x509
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    simple = signers.SimpleSigner(
        signing_cert=asn1(material.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(material.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in material.chain]))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    if document_keys:
        meta = writer.document_meta
        meta.keywords = [f"{key}={value}" for key, value in document_keys.items()]
        meta.last_modified = now
    field_spec = None
    if visible:
        if box is None:
            box = (40, 6, 300, 52)  # in the 2 cm bottom margin of an A4 page
        field_spec = fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=box)
    else:
        field_spec = fields.SigFieldSpec(FIELD_NAME, on_page=-1)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason, location=location, name=signer.name_ru,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")

    class ClockedSigner(signers.PdfSigner):
        def init_signing_session(self, pdf_out, existing_fields_only=False):
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = now  # the one clock, not pyHanko's own datetime.now()
            return session

    pdf_signer = ClockedSigner(metadata, simple, timestamper=timestamper, new_field_spec=field_spec,
                               stamp_style=_stamp_style(stamp_text(signer, now, language)) if visible else None)
    return _outside_event_loop(lambda: pdf_signer.sign_pdf(writer, in_place=False).getvalue())


# --- verification -----------------------------------------------------------------------------------------------
@dataclasses.dataclass
class SignatureReport:
    status: str
    signer_name: str = ""
    signer_subject: str = ""
    organisation: str = ""
    serial: str = ""
    fingerprint: str = ""
    signed_at: datetime.datetime | None = None
    chain: list = dataclasses.field(default_factory=list)  # subjects from the signer up to the root
    chain_names: list = dataclasses.field(default_factory=list)  # their common names
    reason: str = ""
    location: str = ""
    problem: object = None  # a lazy message when a trust problem is known (expired, revoked)

    @property
    def label(self):
        return STATUSES[self.status]

    @property
    def message(self):
        return self.problem or MESSAGES[self.status]


@dataclasses.dataclass
class Verification:
    """What `verify_pdf` found: the document's status (that of its weakest signature), each signature, and the
    keys the signer put into the signed revision."""
    status: str
    signatures: list = dataclasses.field(default_factory=list)
    document_keys: dict = dataclasses.field(default_factory=dict)

    @property
    def label(self):
        return STATUSES[self.status]

    @property
    def message(self):
        return self.signatures[0].message if self.signatures else MESSAGES[self.status]

    @property
    def signature(self):
        return self.signatures[0] if self.signatures else None


_ORDER = ["valid", "unknown_signer", "modified", "invalid", "not_signed", "unreadable"]


def _attribute(name: x509.Name, oid):
    values = name.get_attributes_for_oid(oid)
    return values[0].value if values else ""


def _report(embedded, context) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko.sign.diff_analysis import ModificationLevel

    certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    report = SignatureReport(
        status="invalid", signer_name=_attribute(certificate.subject, NameOID.COMMON_NAME),
        signer_subject=certificate.subject.rfc4514_string(),
        organisation=_attribute(certificate.subject, NameOID.ORGANIZATION_NAME),
        serial=format(certificate.serial_number, "x"), fingerprint=fingerprint(certificate),
        reason=str(embedded.sig_object.get("/Reason", "") or ""),
        location=str(embedded.sig_object.get("/Location", "") or ""))
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(embedded, context))
    except Exception as error:  # a malformed signature dictionary or CMS blob: not a valid signature
        log.info("signature validation failed: %s", error)
        return report
    report.signed_at = clock.as_utc(status.signer_reported_dt) if status.signer_reported_dt else None
    if status.validation_path is not None:
        path = [x509.load_der_x509_certificate(c.dump())
                for c in reversed(list(status.validation_path.iter_certs(include_root=True)))]
    else:
        path = [certificate]
    report.chain = [c.subject.rfc4514_string() for c in path]
    report.chain_names = [_attribute(c.subject, NameOID.COMMON_NAME) or c.subject.rfc4514_string() for c in path]
    if not (status.intact and status.valid):
        report.status = "invalid"
    elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE and status.modification_level not in (
            ModificationLevel.NONE, ModificationLevel.LTA_UPDATES):
        report.status = "modified"
    elif not status.trusted:
        problem = status.trust_problem_indic.name if status.trust_problem_indic is not None else ""
        if problem in ("NO_CERTIFICATE_CHAIN_FOUND", "CHAIN_CONSTRAINTS_FAILURE", "") or \
                status.validation_path is None:
            report.status = "unknown_signer"
        else:
            report.status = "invalid"
            report.problem = next((m for k, m in TRUST_PROBLEMS.items() if k in problem), None)
    else:
        report.status = "valid"
    return report


def _document_keys(reader, embedded):
    try:
        info = reader.get_historical_resolver(embedded.signed_revision).trailer_view.get("/Info")
        keywords = str(info.get_object().get("/Keywords", "")) if info is not None else ""
    except Exception:
        return {}
    pairs = [part.split("=", 1) for part in keywords.replace(";", ",").split(",") if "=" in part]
    return {k.strip(): v.strip() for k, v in pairs}


def verify_pdf(pdf_bytes: bytes, trust_roots_=None, now=None) -> Verification:
    """Check every signature of a PDF against `trust_roots_` (cryptography certificates; default: this
    installation's `trust_roots()`), at `now` (default the one clock). Never raises on bad input: garbage is
    'unreadable', a PDF without a signature 'not_signed'."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    roots = trust_roots() if trust_roots_ is None else trust_roots_
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:
        log.info("unreadable PDF: %s", error)
        return Verification("unreadable")
    if not embedded:
        return Verification("not_signed")
    context_args = dict(
        trust_roots=[asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER)) for r in roots],
        allow_fetching=False, revocation_mode="soft-fail", moment=now or clock.now())
    reports = []
    for signature in embedded:
        try:
            reports.append(_report(signature, ValidationContext(**context_args)))
        except Exception as error:
            log.info("unverifiable signature: %s", error)
            reports.append(SignatureReport("invalid"))
    worst = max(reports, key=lambda r: _ORDER.index(r.status)).status
    keys = _document_keys(reader, embedded[-1]) if worst in ("valid", "unknown_signer") else {}
    return Verification(worst, reports, keys)


def certificate_details(row: SigningCertificate):
    """Subjects of the chain stored with a signing certificate, signer first (for its page)."""
    certificates = [x509.load_pem_x509_certificate(row.certificate_pem.encode())]
    if row.chain_pem:
        certificates.extend(x509.load_pem_x509_certificates(row.chain_pem.encode()))
    return [c.subject.rfc4514_string() for c in certificates]


