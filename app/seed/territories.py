"""Load the SOATE territory tree and its Kyrgyz/English names from data/ (vendored, see data/README.md)."""
import csv
import os

import click
from flask.cli import with_appcontext
from collections import Counter

from sqlalchemy import bindparam, case, func, insert, or_, select, update

from app import audit
from app import territory_kinds as kinds
from models.reference import Territory

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "data")

# Coverage is reported for these groups of SOATE kinds (data/README.md, "Territory names").
COVERAGE_GROUPS = {
    "oblast": kinds.OBLAST_LEVEL,
    "rayon": (kinds.RAYON, kinds.CITY_DISTRICT, kinds.CITY_OBLAST, kinds.OTHER),
    "aiyl aimak": (kinds.AIYL_AIMAK,),
    "town": (kinds.CITY_RAYON, kinds.URBAN_TYPE_SETTLEMENT),
    "village": (kinds.VILLAGE, kinds.VILLAGE_UNDER_CITY, kinds.SETTLEMENT),
}


def _read_csv(data_dir, name):
    with open(os.path.join(data_dir, name), encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_names(data_dir=DATA_DIR):
    """{code: (name_ru it was found for, name_ky, name_en)} from the top-level file and territory_names.csv."""
    names = {}
    for row in _read_csv(data_dir, "territory_names.csv"):
        names[row["soate"]] = (row["name_ru"], row["name_ky"] or None, row["name_en"] or None)
    soate_ru = {row["soate"]: row["name_ru"] for row in _read_csv(data_dir, "soate_ru.csv")}
    for row in _read_csv(data_dir, "territories_l1_l2.csv"):
        # the tree is inserted with soate_ru.csv's Russian names: those are what an unedited row still carries
        names[row["soate"]] = (soate_ru.get(row["soate"], row["name_ru"]), row["name_ky"] or None,
                               row["name_en"] or None)
    return names


def read_rows(data_dir=DATA_DIR):
    """The whole tree, parents before children, with the ky/en names the sources give."""
    top = {row["soate"]: row for row in _read_csv(data_dir, "territories_l1_l2.csv")}
    names = read_names(data_dir)
    rows = _read_csv(data_dir, "soate_ru.csv")
    rows.sort(key=lambda r: (int(r["level"]), r["soate"]))
    for row in rows:
        _ru, name_ky, name_en = names.get(row["soate"], (None, None, None))
        yield {
            "code": row["soate"], "level": int(row["level"]), "kind": row["kind"],
            "parent_code": row["parent_soate"] or None, "name_ru": row["name_ru"],
            "name_ky": name_ky, "name_en": name_en,
            "iso_code": top.get(row["soate"], {}).get("iso3166_2") or None,
        }


def load(session, echo=print, data_dir=DATA_DIR):
    """Insert the territories that are missing, then fill names that are still empty (see fill_names)."""
    existing = dict(session.execute(select(Territory.code, Territory.path)).all())
    ids = dict(session.execute(select(Territory.code, Territory.id)).all())
    added = 0
    batch = []

    def flush():
        nonlocal batch
        if batch:
            session.execute(insert(Territory), batch)
            ids.update(session.execute(select(Territory.code, Territory.id)
                                       .where(Territory.code.in_([b["code"] for b in batch]))).all())
            batch = []

    level = None
    for row in read_rows(data_dir):
        if row["level"] != level:  # parents of this level are all inserted: their ids are known
            flush()
            level = row["level"]
        if row["code"] in existing:
            continue
        parent = row.pop("parent_code")
        parent_path = existing.get(parent, "/") if parent else "/"
        row["path"] = f"{parent_path}{row['code']}/"
        row["parent_id"] = ids.get(parent) if parent else None
        existing[row["code"]] = row["path"]
        batch.append(row)
        added += 1
        if added % 500 == 0:
            echo(f"  territories: {added} added")
    flush()
    if added:
        audit.record(session, "create", Territory.__tablename__, None, {"loaded": added})
    echo(f"  territories: {added} added, {len(existing) - added} already present")
    fill_names(session, echo, data_dir)
    return added


def fill_names(session, echo=print, data_dir=DATA_DIR):
    """Give an existing installation the Kyrgyz and English names a newer edition of data/ has.

    Only an empty name is filled, and only on a unit whose Russian name is still the one the name was found for:
    a name an admin has typed is never overwritten, and a unit an admin has renamed does not get the old name's
    translation. Returns the number of names filled."""
    names = read_names(data_dir)
    empty = lambda column: or_(column.is_(None), column == "")  # noqa: E731
    rows = session.execute(select(Territory.id, Territory.code, Territory.name_ru, Territory.name_ky,
                                  Territory.name_en)
                           .where(or_(empty(Territory.name_ky), empty(Territory.name_en)))).all()
    changes = []
    filled = Counter()
    for id_, code, name_ru, name_ky, name_en in rows:
        source = names.get(code)
        if source is None or (name_ru or "").strip() != source[0].strip():
            continue
        change = {}
        if not name_ky and source[1]:
            change["name_ky"] = source[1]
        if not name_en and source[2]:
            change["name_en"] = source[2]
        if change:
            filled.update(change.keys())
            changes.append({"id": id_, **change})
    # one UPDATE per column set (executemany by primary key), not one per row
    # a Core UPDATE: the ORM's bulk form by primary key would ask for each row's version; the version still
    # moves, so a form opened before the names were filled is refused as stale instead of undoing them
    table = Territory.__table__
    for columns in {tuple(sorted(c)) for c in changes}:
        group = [c for c in changes if tuple(sorted(c)) == columns]
        values = {c: bindparam(f"new_{c}") for c in columns if c != "id"}
        if "version" in table.c:
            values["version"] = table.c.version + 1
        session.execute(update(table).where(table.c.id == bindparam("row_id")).values(values),
                        [{"row_id": c["id"], **{f"new_{k}": v for k, v in c.items() if k != "id"}} for c in group])
    if changes:
        audit.record(session, "update", Territory.__tablename__, None,
                     {"names_filled": {"ky": filled["name_ky"], "en": filled["name_en"]}})
    echo(f"  territory names: {filled['name_ky']} Kyrgyz and {filled['name_en']} English filled")
    return filled["name_ky"] + filled["name_en"]


def coverage(session):
    """[(group, units, with a Kyrgyz name, with an English name)] per level, counted in SQL, plus a total row."""
    group_of = case(*[(Territory.kind.in_(kinds), group) for group, kinds in COVERAGE_GROUPS.items()],
                    else_="unclassified")
    named = lambda column: func.sum(case((func.coalesce(column, "") != "", 1), else_=0))  # noqa: E731
    counts = {group: (total, int(ky or 0), int(en or 0)) for group, total, ky, en in session.execute(
        select(group_of, func.count(), named(Territory.name_ky), named(Territory.name_en)).group_by(group_of))}
    rows = [(group, *counts.get(group, (0, 0, 0))) for group in [*COVERAGE_GROUPS, "unclassified"]
            if group in COVERAGE_GROUPS or group in counts]
    rows.append(("total", *(sum(r[i] for r in rows) for i in (1, 2, 3))))
    return rows


def format_coverage(rows):
    lines = [f"{'level':<12}{'units':>7}{'ky':>7}{'ky %':>8}{'en':>7}{'en %':>8}"]
    for group, total, ky, en in rows:
        pct = lambda n: f"{100 * n / total:.1f}" if total else "-"  # noqa: E731
        lines.append(f"{group:<12}{total:>7}{ky:>7}{pct(ky):>8}{en:>7}{pct(en):>8}")
    return "\n".join(lines)


@click.command("territory-names")
@with_appcontext
def coverage_command():
    """Kyrgyz and English name coverage of the territories, per level."""
    from app.extensions import db

    click.echo(format_coverage(coverage(db.session)))
