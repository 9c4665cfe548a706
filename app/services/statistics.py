"""Anonymised statistics for the statistics agency: counts of people by territory, sex and age group, never
names, PINs or addresses, with small cells suppressed.

Rule (statistical disclosure control, as practised by the National Statistical Committee for tables from
administrative registers; Law "On official statistics", art. 30, confidentiality of primary data):
1. primary suppression: every cell counting fewer than 5 persons is withheld (shown as "x");
2. secondary suppression, across the hierarchy: every published sum is an equation (a unit's total is the sum of
   its row; a unit's cell is the sum of the same cell of its subordinate units; the whole table's column sums are
   published by other tables and charts). An equation with exactly one withheld term reveals it by subtraction
   (10 - 8 = 2), so the smallest other non-zero term of that equation is withheld too, repeated until no equation
   has exactly one withheld term. A unit's row is the same on every page (it is computed over the whole tree of
   the scope once), so a parent's page and its children's page cannot be played against each other.

`withhold` is the one implementation; the population tables and the chart builder both use it."""
import pandas as pd
from sqlalchemy import func, select

from app.clock import local_today
from app.scope import scoped_select
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
    today = today or local_today()
    parent = session.scalar(select(Territory).where(Territory.code == parent_code)) if parent_code else None
    if parent is not None and not scope.national and not parent.path.startswith(scope.territory_path):
        parent = None
    level = parent.level + 1 if parent is not None else (scope.territory_level or 0) + 1
    unit = Territory.__table__.alias("unit")
    band = age_band(today).label("band")
    query = (scoped_select(HouseholdMember, scope, unit.c.code, unit.c.name_ru, unit.c.name_ky, unit.c.name_en,
                           HouseholdMember.sex, band, func.count(HouseholdMember.id))
             .join(Household).join(Territory, Territory.id == Household.territory_id)
             .join(unit, Territory.path.startswith(unit.c.path))
             .where(unit.c.level == level, HouseholdMember.is_active.is_(True))
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


MARGIN = "\0margin"  # the virtual row of column sums (never shown)


def withhold(frame: pd.DataFrame, threshold=THRESHOLD, parents=None, margins=True) -> pd.DataFrame:
    """Which cells of `frame` (rows: units, columns: categories; raw counts) and of its `total` column are
    withheld, as a boolean frame with the `total` column added.

    `parents` maps a row to the row it is part of (its cells are the sums of its children's); `margins` says the
    column sums of the top rows are published elsewhere, so they are equations too."""
    parents = dict(parents or {})
    counts = frame.astype("int64").copy()
    counts["total"] = counts.sum(axis=1)
    rows = list(counts.index)
    if margins and len(rows):
        tops = [r for r in rows if parents.get(r) not in counts.index]
        counts.loc[MARGIN] = counts.loc[tops].sum(axis=0)
        parents.update({r: MARGIN for r in tops})
    values = {(r, c): int(counts.at[r, c]) for r in counts.index for c in counts.columns}
    hidden = {key for key, v in values.items() if v < threshold}
    cells = [c for c in counts.columns if c != "total"]
    # equations: (terms, preferred terms to withhold in addition: the parts rather than the sum)
    equations = [([(r, c) for c in counts.columns], [(r, c) for c in cells]) for r in counts.index]
    children = {}
    for child, parent in parents.items():
        if parent in counts.index and child in counts.index:
            children.setdefault(parent, []).append(child)
    for parent, kids in children.items():
        for c in counts.columns:
            parts = [(k, c) for k in kids]
            equations.append(([(parent, c), *parts], parts))
    changed = True
    while changed:
        changed = False
        for terms, parts in equations:
            if sum(t in hidden for t in terms) != 1:
                continue
            candidates = [t for t in parts if t not in hidden and values[t] > 0] or \
                [t for t in terms if t not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda t: (values[t], str(t))))
                changed = True
    out = pd.DataFrame(False, index=rows, columns=list(counts.columns))
    for r, c in hidden:
        if r != MARGIN:
            out.at[r, c] = True
    out.index.name = frame.index.name
    return out


def suppress(frame: pd.DataFrame, threshold=THRESHOLD, parents=None, margins=True) -> pd.DataFrame:
    """Apply the rule of this module's docstring: withheld cells become <NA>; a `total` column is added."""
    out = frame.astype("Int64").copy()
    out["total"] = frame.sum(axis=1).astype("Int64")
    return out.mask(withhold(frame, threshold, parents, margins))


def population_tree(session, scope, today):
    """Raw counts as `population_table`, for every unit of the scope at every level below its top, with the
    parent of each unit and its level: the input of a suppression that is the same on every page."""
    unit = Territory.__table__.alias("unit")
    band = age_band(today).label("band")
    top = scope.territory_level or 0
    query = (scoped_select(HouseholdMember, scope, unit.c.code, unit.c.level, unit.c.parent_id, unit.c.id,
                           unit.c.name_ru, unit.c.name_ky, unit.c.name_en, HouseholdMember.sex, band,
                           func.count(HouseholdMember.id))
             .join(Household).join(Territory, Territory.id == Household.territory_id)
             .join(unit, Territory.path.startswith(unit.c.path))
             .where(unit.c.level > top, HouseholdMember.is_active.is_(True))
             .group_by(unit.c.code, unit.c.level, unit.c.parent_id, unit.c.id, unit.c.name_ru, unit.c.name_ky,
                       unit.c.name_en, HouseholdMember.sex, band))
    rows = session.execute(query).all()
    names, counts, levels, ids, parent_ids = {}, {}, {}, {}, {}
    for code, level, parent_id, uid, ru, ky, en, sex, label, count in rows:
        names[code] = {"ru": ru, "ky": ky, "en": en}
        levels[code], ids[uid], parent_ids[code] = level, code, parent_id
        counts[(code, f"{sex} {label}")] = count
    frame = pd.DataFrame(0, index=sorted(names), columns=columns(), dtype="int64")
    for (code, column), count in counts.items():
        if column in frame.columns:
            frame.loc[code, column] = count
    frame.index.name = "code"
    parents = {code: ids[pid] for code, pid in parent_ids.items() if pid in ids}
    return frame, names, parents, levels


def published_population(session, scope, parent_code=None, today=None):
    """The suppressed table of the units one level below `parent_code` (default: the top of the scope), cut out
    of the suppression of the whole tree. Returns (frame with <NA> for withheld cells and `total`, names)."""
    today = today or local_today()
    _, names_level = population_table(session, scope, parent_code, today)
    frame, names, parents, levels = population_tree(session, scope, today)
    table = suppress(frame, parents=parents)
    rows = [code for code in table.index if code in names_level]
    return table.loc[rows], {code: names[code] for code in rows}
