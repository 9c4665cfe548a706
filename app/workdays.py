"""Working days on the Kyrgyz calendar (the `holidays` package, country KG): every deadline counted in working
days goes through here. Saturdays and Sundays are days off (five-day week, Labour Code art. 90)."""
import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of(year: int):
    return holidays.country_holidays("KG", years=year)


def is_holiday(day: datetime.date) -> bool:
    return day in _holidays_of(day.year)


def holiday_name(day: datetime.date):
    return _holidays_of(day.year).get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted): a 3-working-day review of an
    application received on Friday ends on Wednesday."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
