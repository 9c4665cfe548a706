"""The personal identification number (PIN) of the Kyrgyz Republic: 14 digits `S DDMMYYYY NNNNN`.

S is 1 for a woman and 2 for a man, then the date of birth, then a 5-digit serial. No public check digit is known,
so the layout and the date are validated, not a checksum (State Registration Service layout)."""
import datetime
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.clock import local_today

FEMALE, MALE = "F", "M"


@dataclass(frozen=True)
class PinInfo:
    pin: str
    sex: str
    birth_date: datetime.date


def parse_pin(pin, field="pin") -> PinInfo:
    pin = (pin or "").strip()
    if len(pin) != 14 or not pin.isdigit():
        raise DomainError(_l("A PIN has exactly 14 digits."), field=field, code="pin_format")
    if pin[0] not in "12":
        raise DomainError(_l("A PIN starts with 1 (female) or 2 (male)."), field=field, code="pin_sex_digit")
    try:
        birth = datetime.date(int(pin[5:9]), int(pin[3:5]), int(pin[1:3]))
    except ValueError:
        raise DomainError(_l("Digits 2–9 of a PIN must be a real date of birth (DDMMYYYY)."), field=field,
                          code="pin_date")
    if birth > local_today() or birth.year < 1900:
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


def parse_inn(inn, field="organisation_inn") -> datetime.date:
    """An organisation's taxpayer number (INN): 14 digits `0 DDMMYYYY NNNNN` (0, the registration date, a
    serial). Returns the registration date."""
    inn = (inn or "").strip()
    if len(inn) != 14 or not inn.isdigit():
        raise DomainError(_l("An organisation's INN has exactly 14 digits."), field=field, code="inn_format")
    if inn[0] != "0":
        raise DomainError(_l("An organisation's INN starts with 0."), field=field, code="inn_first_digit")
    try:
        registered = datetime.date(int(inn[5:9]), int(inn[3:5]), int(inn[1:3]))
    except ValueError:
        raise DomainError(_l("Digits 2–9 of an INN must be the registration date (DDMMYYYY)."), field=field,
                          code="inn_date")
    if registered > local_today():
        raise DomainError(_l("The registration date in the INN is in the future."), field=field, code="inn_date")
    return registered
