"""Load the SOATE territory tree from data/ (vendored from the shared reference folder)."""
import csv
import os

from sqlalchemy import insert, select

from app import audit
from models.reference import Territory

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "data")


def read_rows(data_dir=DATA_DIR):
    """The whole tree, parents before children, with ky/en names where the top two levels have them."""
    with open(os.path.join(data_dir, "territories_l1_l2.csv"), encoding="utf-8") as fh:
        named = {row["soate"]: row for row in csv.DictReader(fh)}
    with open(os.path.join(data_dir, "soate_ru.csv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows.sort(key=lambda r: (int(r["level"]), r["soate"]))
    for row in rows:
        extra = named.get(row["soate"], {})
        yield {
            "code": row["soate"], "level": int(row["level"]), "kind": row["kind"],
            "parent_code": row["parent_soate"] or None, "name_ru": row["name_ru"],
            "name_ky": extra.get("name_ky") or None, "name_en": extra.get("name_en") or None,
            "iso_code": extra.get("iso3166_2") or None,
        }


def load(session, echo=print, data_dir=DATA_DIR):
    """Insert the territories that are missing; existing ones keep their (possibly edited) names."""
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
    return added
