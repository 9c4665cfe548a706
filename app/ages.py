"""Age on a date, and its inverse for queries. Part of the side-effect-free core (no app, no database).

A term counted in years that ends in a month without the starting date ends on that month's last day (Civil Code
of the Kyrgyz Republic, computation of terms): someone born on 29 February is a year older on 28 February of a
common year. `age_on` and `born_by` follow that one rule, so a person counts as 18 on the same day whether a
service computes the age of one row or a query selects dates of birth (tests/test_core.py checks they agree)."""
import calendar
import datetime


def anniversary(birth: datetime.date, year: int) -> datetime.date:
    """The day in `year` on which someone born on `birth` is a year older (28 February for 29 February)."""
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return birth.replace(year=year)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Full years of someone born on `birth` on `day`."""
    return day.year - birth.year - (day < anniversary(birth, day.year))


def born_by(day: datetime.date, years: int) -> datetime.date:
    """The latest date of birth of someone who is at least `years` old on `day`: `age_on(b, day) >= years`
    exactly when `b <= born_by(day, years)`."""
    year = day.year - years
    if (day.month, day.day) == (2, 28) and calendar.isleap(year) and not calendar.isleap(day.year):
        return datetime.date(year, 2, 29)  # born on 29 February: of age on 28 February of a common year
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return day.replace(year=year)
