"""Anonymised statistics for the statistics agency: counts of people by territory, sex and age group, never
names, PINs or addresses, with small cells suppressed.

Rule (statistical disclosure control, as practised by the National Statistical Committee for tables from
administrative registers; Law "On official statistics", art. 30, confidentiality of primary data):
1. primary suppression: every cell counting fewer than 5 persons is withheld (shown as "x");
2. secondary suppression: a row with exactly one withheld cell would let the row total reveal it, so the
   smallest other non-zero cell of that row is withheld too;
3. only row totals are published (no column totals), so withheld cells cannot be recovered by subtraction."""
import datetime

import pandas as pd
from sqlalchemy import func, select

from app.services.household_book import age_band_case
from models.household_book import Household, HouseholdMember
from models.reference import Territory

THRESHOLD = 5
AGE_BANDS = [(0, 6, "0–6"), (7, 17, "7–17"), (18, 34, "18–34"), (35, 62, "35–62"), (63, 200, "63+")]
SEXES = ("F", "M")


def age_band(today):
    return age_band_case(today, AGE_BANDS)


def columns():
    return [f"{sex} {label}" for sex in SEXES for _, _, label in AGE_BANDS]


def population_table(session, scope, parent_code=None, today=None):
    """People (active household-book members) per territory one level below `parent_code` (default: the top
    level of the user's scope), by sex and age band, counted in SQL. Returns (frame of raw counts, level)."""
    today = today or datetime.date.today()
    parent = session.scalar(select(Territory).where(Territory.code == parent_code)) if parent_code else None
    if parent is not None and not scope.national and not parent.path.startswith(scope.territory_path):
        parent = None
    level = parent.level + 1 if parent is not None else (scope.territory_level or 0) + 1
    unit = Territory.__table__.alias("unit")
    band = age_band(today).label("band")
    query = (select(unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en, HouseholdMember.sex, band,
                    func.count(HouseholdMember.id))
             .select_from(HouseholdMember).join(Household).join(Territory, Territory.id == Household.territory_id)
             .join(unit, Territory.path.startswith(unit.c.path))
             .where(unit.c.level == level, HouseholdMember.is_active.is_(True), scope.condition(HouseholdMember))
             .group_by(unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en, HouseholdMember.sex, band))
    if parent is not None:
        query = query.where(unit.c.path.startswith(parent.path))
    rows = session.execute(query).all()
    names, counts = {}, {}
    for code, ru, ky, en, sex, label, count in rows:
        names[code] = {"ru": ru, "ky": ky, "en": en}
        counts[(code, f"{sex} {label}")] = count
    frame = pd.DataFrame(0, index=sorted(names), columns=columns(), dtype="Int64")
    for (code, column), count in counts.items():
        if column in frame.columns:
            frame.loc[code, column] = count
    frame.index.name = "code"
    return frame, names


def suppress(frame: pd.DataFrame, threshold=THRESHOLD) -> pd.DataFrame:
    """Apply the rule of this module's docstring: withheld cells become <NA>; a `total` column is added."""
    total = frame.sum(axis=1)
    out = frame.astype("Int64").copy()
    out = out.mask(out < threshold)
    for code in out.index:
        row = out.loc[code]
        if int(row.isna().sum()) == 1:
            visible = row.dropna()
            visible = visible[visible > 0]
            if len(visible):
                out.loc[code, visible.idxmin()] = pd.NA
    out["total"] = total.where(total >= threshold).astype("Int64")
    return out
