"""Flask-AppBuilder's user, extended with a scope and a validity period."""
import datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import ApiKey, RegisterUser, User
from sqlalchemy import Column, Date, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from flask_babel import lazy_gettext as _l

from models.types import UTCDateTime, utc_columns
from models.dictionary import Dataset, F, Legal


class SanaripUser(User):
    """A login. Scope: a territory subtree, or none for national users.

    Room is left for organisation and service-centre-office scopes (`organisation`, `position` keep the access
    request's data)."""

    __tablename__ = "ab_user"
    __dataset__ = Dataset(
        _l("Users"), _l("User"),
        _l("Logins of the system with their roles, territory and validity period, and the data of the access "
           "request."), Legal("personal_data_law"), personal="personal",
        retention=_l("Kept while the account exists; the audit trail keeps the history."),
        fields={"first_name": _l("First name"), "last_name": _l("Last name"), "username": _l("User name"),
                "password": F(_l("Password"), _l("Stored as a hash only.")), "active": _l("Active"),
                "email": _l("E-mail"), "last_login": _l("Last login"), "login_count": _l("Number of logins"),
                "fail_login_count": _l("Failed logins"), "roles": _l("Roles"),
                "territory": F(_l("Territory"), _l("The user's scope: records of this territory and below. Empty: "
                                                  "the whole republic."), personal="none"),
                "organisation": _l("Organisation"), "organisation_inn": _l("INN of the organisation"),
                "organisation_address": _l("Address of the organisation"), "pin": _l("PIN"),
                "position": _l("Position"), "valid_from": _l("Valid from"), "valid_until": _l("Valid until"),
                "locked_at": _l("Locked at"),
                "scope_organisation": F(_l("Organisation of the scope"), _l("An authorised employee of the "
                                                                            "e-government register sees and "
                                                                            "writes only this organisation's "
                                                                            "records."), personal="none"),
                "scope_organisation_id": F(_l("Organisation of the scope"), personal="none"),
                "scope_office": F(_l("Service centre office"), _l("A member of a public service centre office "
                                                                  "sees and writes only this office's records."),
                                  personal="none"),
                "scope_office_id": F(_l("Service centre office"), personal="none"),
                "session_version": F(_l("Session version"), _l("Increased on logout, password change, lock and "
                                                              "\"End sessions\": older sessions and tokens stop "
                                                              "working."), personal="none")})

    territory_id = Column(Integer, ForeignKey("ref_territory.id"), index=True)
    territory = relationship("Territory", foreign_keys=[territory_id])
    # the access request's data (e.g. the child-protection regulation: organisation, its INN, address, the
    # person's PIN and position; the territorial unit is `territory`)
    organisation = Column(String(255))
    organisation_inn = Column(String(14))
    organisation_address = Column(String(255))
    pin = Column(String(14))
    position = Column(String(255))
    valid_from = Column(Date)
    valid_until = Column(Date)
    locked_at = Column(UTCDateTime)
    # increased to end every session and token of the user (app/security.py, "Sessions")
    session_version = Column(Integer, nullable=False, default=0, server_default="0")
    # an authorised employee of the e-government register (cl. 19): an account valid for that organisation's
    # records only (app/scope.py, the organisation part of the scope)
    scope_organisation_id = Column(Integer, ForeignKey("egov_organisation.id"), index=True)
    scope_organisation = relationship("EgovOrganisation", foreign_keys=[scope_organisation_id])
    # a member of one public service centre office: that office's rows only (app/scope.py, the office part)
    scope_office_id = Column(Integer, ForeignKey("sc_office.id", use_alter=True, name="fk_ab_user_scope_office"),
                             index=True)
    scope_office = relationship("ScOffice", foreign_keys=[scope_office_id])

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    @property
    def is_locked(self):
        return self.locked_at is not None


class UserActivation(Model):
    """A one-time activation link of an account (app/services/accounts.py, "Activation"): only the SHA-256 of
    the token is stored; it works once (`used_at`), until `expires_at`, and a new link revokes the old one."""

    __tablename__ = "ab_user_activation"
    __dataset__ = Dataset(
        _l("Activation links"), _l("Activation link"),
        _l("One-time links by which a new account sets its password; only a hash of the link is kept."),
        Legal("personal_data_law"), personal="none",
        retention=_l("Kept while the account exists; the audit trail keeps the history."),
        fields={"user": F(_l("User"), personal="none"), "user_id": F(_l("User"), personal="none"),
                "token_hash": F(_l("Hash of the link"), _l("SHA-256 of the token; the token itself is never "
                                                            "stored."), personal="none"),
                "issued_at": _l("Link issued at"), "expires_at": _l("Expires at"), "used_at": _l("Used at"),
                "revoked_at": _l("Revoked at"), "issued_by_id": F(_l("Link issued by"), personal="none"),
                "issued_by": F(_l("Link issued by"), personal="none")})

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    user = relationship(SanaripUser, foreign_keys=[user_id])
    token_hash = Column(String(64), nullable=False, unique=True)
    issued_at = Column(UTCDateTime, nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    used_at = Column(UTCDateTime)
    revoked_at = Column(UTCDateTime)
    issued_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    issued_by = relationship(SanaripUser, foreign_keys=[issued_by_id])


# FAB's own tables store instants like ours (aware UTC); FAB writes `datetime.now()`, converted when assigned.
utc_columns(User, RegisterUser, ApiKey)


def _api_key_is_active(self) -> bool:
    """FAB's check compares the (now aware) expiry with a naive `datetime.now()`; the same rule on the one
    clock."""
    from app import clock

    return bool(self.active) and self.revoked_on is None and (
        self.expires_on is None or self.expires_on >= clock.now())


ApiKey.is_active = property(_api_key_is_active)
