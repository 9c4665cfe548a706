"""Signing certificates of organisations (LSG bodies, later service-centre offices): who signs PDFs, with which
X.509 certificate. The private key never enters the database: it lives in an encrypted PKCS#12 file under the
instance folder (app/signing.py)."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import relationship

from models.base import Multilingual, Tracked, Versioned
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.types import UTCDateTime

CERTIFICATE_SOURCES = classifier("signing_source", _l("Sources of signing certificates"), {
    "demo": _l("Demo certification authority"), "imported": _l("Loaded PKCS#12 file")}, open=False,
    system=("demo", "imported"))


class SigningCertificate(Multilingual, Versioned, Tracked, Model):
    """The certificate an organisation signs with. The holder is any row (`holder_type` is its table, e.g.
    `ref_territory` for an LSG body, `service_centre_office` for an office), so one mechanism serves every kind of
    signer; `territory` places the holder for people reading the list. The names are the organisation's official
    name in three languages as printed on its documents (admins correct them here)."""

    __tablename__ = "signing_certificate"
    __dataset__ = Dataset(
        _l("Signing certificates"), _l("Signing certificate"),
        _l("The X.509 certificates organisations sign their PDF documents with, and the organisations' official "
           "names in three languages; the private keys stay in encrypted files, never in the database."),
        Legal("platform"),
        fields={"name": _l("Organisation"),
                "name_ky": F(_l("Official name (Kyrgyz)"), _l("Printed as the issuing body on the organisation's "
                                                              "documents.")),
                "name_ru": _l("Official name (Russian)"), "name_en": _l("Official name (English)"),
                "holder_type": _l("Kind of organisation"), "holder_id": _l("Organisation record"),
                "source": F(_l("Source"), classifier="signing_source"), "subject": _l("Subject"),
                "issuer": _l("Issued by"), "serial": _l("Serial number"), "valid_from": _l("Valid from"),
                "valid_until": _l("Valid until"), "fingerprint": _l("SHA-256 fingerprint"),
                "certificate_pem": _l("Certificate (PEM)"), "chain_pem": _l("Chain of issuing authorities (PEM)"),
                "key_file": _l("Key file"), "chain": _l("Certificate chain"), "is_active": _l("In use")},
        layout=Layout(
            list=("name", "territory", "source", "serial", "valid_until", "is_active"),
            search=("name_ky", "name_ru", "name_en", "territory", "source", "serial", "fingerprint", "is_active",
                    "valid_until"),
            edit=("name_ky", "name_ru", "name_en"),
            show=("name_ky", "name_ru", "name_en", "territory", "holder_type", "holder_id", "source", "subject",
                  "issuer", "serial", "valid_from", "valid_until", "fingerprint", "chain", "is_active", "created_on",
                  "created_by")))
    __table_args__ = (
        # one certificate in use per organisation: a new one (renewal, a real PKCS#12) retires the old
        Index("ix_signing_certificate_holder", "holder_type", "holder_id"),
        Index("uq_signing_active_holder", "holder_type", "holder_id", unique=True,
              sqlite_where=text("is_active"), postgresql_where=text("is_active")),
    )

    id = Column(Integer, primary_key=True)
    holder_type = Column(String(64), nullable=False)
    holder_id = Column(Integer, nullable=False)
    territory_id = Column(Integer, ForeignKey("ref_territory.id"), index=True)
    territory = relationship("Territory")
    subject = Column(String(1000), nullable=False)
    issuer = Column(String(1000), nullable=False)
    serial = Column(String(64), nullable=False)
    valid_from = Column(UTCDateTime, nullable=False)
    valid_until = Column(UTCDateTime, nullable=False)
    fingerprint = Column(String(64), nullable=False, unique=True)  # SHA-256 of the DER certificate, hex
    certificate_pem = Column(Text, nullable=False)
    chain_pem = Column(Text, nullable=False, default="")  # intermediate CAs, up to (not including) the root
    key_file = Column(String(255), nullable=False)  # relative to the signing folder of the instance
    source = Column(String(16), nullable=False, default="demo")
    is_active = Column(Boolean, nullable=False, default=True)

    @property
    def chain(self):
        """Subjects from this certificate up through its issuing CAs."""
        from app.signing import certificate_details

        return " → ".join(certificate_details(self))

    def __repr__(self):
        return f"{self.name} ({self.serial[:16]})"
