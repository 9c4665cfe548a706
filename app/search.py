"""The global search (the box in the top bar): one query finds a person by PIN or name, a household, an application,
a certificate or a case by number, within the user's scope and permissions.

Each module declares what can be found in its `ModuleSpec.search` (app/registry.py), as configuration:

    SearchTarget(MemberView, pin="pin", name="full_name")
    SearchTarget(HouseholdView, number="number")

The view gives the model, the permission (`can_show` on the view: a user who may not open a record does not find
it) and the page a hit links to; the model's scope condition (app/scope.py) limits the rows. Every lookup is an
indexed equality or a prefix of a name (`LIKE 'Асанов%'` on the b-tree of the name; on PostgreSQL the
text_pattern_ops index of migration 0300 serves it whatever the collation), at most `LIMIT` rows per target, so a
search costs a few index probes at national scale. Hits of personal datasets are audited as one bulk read per
target (app/audit.py).

`contains(column, text)` is the one way a text is matched anywhere inside a column (the lists' "contains" filter,
views/base.py, and the form lookups, views/lookup.py): `lower(column) LIKE '%text%'`, the expression the pg_trgm
GIN indexes of migration 0310 are built on."""
import re
from dataclasses import dataclass

from app import audit
from app.scope import scoped_select

LIMIT = 10  # hits per target: the search points to records, the lists page through them
PIN = re.compile(r"^\d{14}$")
MIN_NAME = 3  # characters before a name prefix is searched (shorter ones match half the country)


@dataclass(frozen=True)
class SearchTarget:
    """What a module's view lets the global search find: `pin` and `number` are columns matched exactly, `name` a
    column matched by its beginning (each word capitalised as names are stored)."""

    view: type
    pin: str = None
    name: str = None
    number: str = None

    @property
    def model(self):
        return self.view.datamodel.obj


@dataclass
class Group:
    target: SearchTarget
    label: object
    hits: list  # (text, url)


def kind_of(query):
    query = (query or "").strip()
    if PIN.match(query):
        return "pin"
    return "text"


def name_prefix(query):
    """"асанов бакыт" → "Асанов Бакыт": names are stored with capitals, so the prefix stays an index range."""
    return " ".join(word[:1].upper() + word[1:] for word in query.split())


def normalised(text):
    """What a contains-search looks for: lower case, inner spaces as names are stored (one), LIKE's wildcards
    escaped (a typed `%` or `_` is that character)."""
    text = " ".join(str(text or "").split()).lower()
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text):
    """`column` contains `text`, any case: lower(column) LIKE '%text%'. On PostgreSQL the trigram index on
    lower(column) serves it (FAB's ILIKE on the bare column is served by no index we keep); on SQLite `lower` is
    the app's Unicode function (app/__init__.py), so Cyrillic folds as on PostgreSQL."""
    from sqlalchemy import func

    return func.lower(column).like(f"%{normalised(text)}%", escape="\\")


def conditions(target, query):
    model, kind = target.model, kind_of(query)
    out = []
    if kind == "pin" and target.pin:
        out.append(getattr(model, target.pin) == query)
    if kind == "text":
        if target.number:
            out.append(getattr(model, target.number) == query.upper())
            if query.upper() != query:
                out.append(getattr(model, target.number) == query)
        if target.name and len(query) >= MIN_NAME and not query.isdigit():
            prefix = name_prefix(query).replace("\\", "").replace("%", "").replace("_", "")
            out.append(getattr(model, target.name).like(prefix + "%"))
    return out


def search(session, query, targets, scope, may_show, url_of, label_of):
    """[Group] of the targets the user may open (`may_show(target)`), each with its hits in `scope`.
    `url_of(target, row)` is the record's page, `label_of(target)` the group's heading."""
    from sqlalchemy import or_

    query = (query or "").strip()[:100]
    groups = []
    if not query:
        return groups
    for target in targets:
        found = conditions(target, query)
        if not found or not may_show(target):
            continue
        model = target.model
        statement = scoped_select(model, scope).where(or_(*found))
        order = getattr(model, target.name) if target.name else getattr(model, target.number or target.pin)
        rows = session.scalars(statement.order_by(order, model.id).limit(LIMIT)).all()
        if not rows:
            continue
        audit.record_bulk_read(session, model, [["q", "search", query]], len(rows), action="search")
        groups.append(Group(target, label_of(target), [(str(row), url_of(target, row)) for row in rows]))
    return groups
