"""Flask-AppBuilder's user, extended with a scope and a validity period."""
import datetime

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship


class SanaripUser(User):
    """A login. Scope: a territory subtree, or none for national users.

    Room is left for organisation and service-centre-office scopes (`organisation`, `position` keep the access
    request's data)."""

    __tablename__ = "ab_user"

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
    locked_at = Column(DateTime)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    @property
    def is_locked(self):
        return self.locked_at is not None
