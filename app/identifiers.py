"""Identification numbers of the Kyrgyz Republic: the personal number (PIN), an organisation's taxpayer number
(INN) and the identification code of immovable property (the cadastral number). One definition of each; the
services, forms and imports call these. Part of the side-effect-free core (no app, no database).

- PIN, 14 digits `S DDMMYYYY NNNNN`: S is 1 for a woman and 2 for a man, then the date of birth, then a 5-digit
  serial. No public check digit is known, so the layout and the date are validated, not a checksum (State
  Registration Service layout, /work/shared/data/README.md).
- Organisation INN, 14 digits `0 DDMMYYYY NNNNN`: 0, the date of state registration, a serial. An individual's
  taxpayer number is the PIN, so a number starting with 1 or 2 is no organisation's.
- Cadastral number (идентификационный код объекта недвижимости, ИКН) of the unified register of immovable
  property: `R-RR-ZZ-QQQQ-PPPP` (region, rayon, cadastral zone, quarter, land plot), followed for a building by
  its number and for premises by theirs: `1-02-05-0001-0234-01-002`."""
import datetime
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.errors import DomainError

FEMALE, MALE = "F", "M"

#: region (1 digit, never 0), rayon (2), zone (2), quarter (4), plot (4); then building (2) and premises (3)
CADASTRAL_NUMBER = re.compile(r"^[1-9]-\d{2}-\d{2}-\d{4}-\d{4}(-\d{2}(-\d{3})?)?$")


@dataclass(frozen=True)
class PinInfo:
    pin: str
    sex: str
    birth_date: datetime.date


@dataclass(frozen=True)
class InnInfo:
    inn: str
    registered: datetime.date


def _date_in(number, start=1):
    """The DDMMYYYY date at `start` of a 14-digit number, or None when it is no real date."""
    try:
        return datetime.date(int(number[start + 4:start + 8]), int(number[start + 2:start + 4]),
                             int(number[start:start + 2]))
    except ValueError:
        return None


def parse_pin(pin, field="pin", today=None) -> PinInfo:
    pin = (pin or "").strip()
    if len(pin) != 14 or not pin.isdigit():
        raise DomainError(_l("A PIN has exactly 14 digits."), field=field, code="pin_format")
    if pin[0] not in "12":
        raise DomainError(_l("A PIN starts with 1 (female) or 2 (male)."), field=field, code="pin_sex_digit")
    birth = _date_in(pin)
    if birth is None:
        raise DomainError(_l("Digits 2–9 of a PIN must be a real date of birth (DDMMYYYY)."), field=field,
                          code="pin_date")
    if birth > (today or local_today()) or birth.year < 1900:
        raise DomainError(_l("The date of birth in the PIN is impossible."), field=field, code="pin_date")
    return PinInfo(pin, FEMALE if pin[0] == "1" else MALE, birth)


def check_person(pin, sex, birth_date, field="pin") -> PinInfo:
    """The PIN must agree with the recorded sex and date of birth."""
    info = parse_pin(pin, field)
    if sex and sex != info.sex:
        raise DomainError(_l("The sex does not match the first digit of the PIN."), field="sex", code="pin_sex")
    if birth_date and birth_date != info.birth_date:
        raise DomainError(_l("The date of birth does not match the PIN."), field="birth_date", code="pin_birth")
    return info


def parse_inn(inn, field="inn", today=None) -> InnInfo:
    """An organisation's INN, checked: 14 digits, 0 first, a real registration date between 1900 and today."""
    inn = (inn or "").strip()
    if len(inn) != 14 or not inn.isdigit():
        raise DomainError(_l("An organisation's INN has exactly 14 digits."), field=field, code="inn_format")
    if inn[0] != "0":
        raise DomainError(_l("The INN of an organisation starts with 0 (an individual is identified by the PIN)."),
                          field=field, code="inn_org_digit")
    registered = _date_in(inn)
    if registered is None:
        raise DomainError(_l("Digits 2–9 of an organisation's INN must be a real registration date (DDMMYYYY)."),
                          field=field, code="inn_date")
    if registered > (today or local_today()):
        raise DomainError(_l("The registration date in the INN is in the future."), field=field, code="inn_date")
    if registered.year < 1900:
        raise DomainError(_l("The registration date in the INN is impossible."), field=field, code="inn_date")
    return InnInfo(inn, registered)


def parse_cadastral(number, field="cadastral_number") -> str:
    """A cadastral number without surrounding spaces, in its layout; refused otherwise."""
    number = (number or "").strip()
    if not CADASTRAL_NUMBER.match(number):
        raise DomainError(_l("A cadastral number has the form 1-02-05-0001-0234 (region, rayon, zone, quarter, "
                             "plot), for a building or premises followed by their numbers: 1-02-05-0001-0234-01-002."),
                          field=field, code="cadastral_format")
    return number
