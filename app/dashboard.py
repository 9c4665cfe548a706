"""The role dashboard of the home page: the numbers that matter and the work waiting, declared by each module
(`ModuleSpec.dashboard`, app/registry.py) as configuration:

    Tile(SocialPassportView, _l("Passports awaiting approval"), rows=awaiting, filter=("status", "submitted"),
         style="warning")
    Tile(CpOverdueView, _l("Overdue activities"), style="danger")   # a report: its own query counts

A tile shows when the user may open its view (`can_list`, or `can_index` of a report), so each role sees its own
work without a dashboard per role. `rows(session, scope, today)` is a Select built on `scope.scoped_select` (a
report tile counts its report's query with the report's defaults); the count runs in SQL (`COUNT(*)` over it), and
`recent` lists the newest few rows as links. Nothing is counted for a tile the user cannot open."""
from dataclasses import dataclass
from typing import Callable

from flask_babel import format_decimal

from app.reports import count_of

RECENT = 5  # rows a tile lists under its number


@dataclass(frozen=True)
class Tile:
    view: type
    label: object
    rows: Callable = None  # (session, scope, today) -> Select; None: the view's report with its defaults
    filter: tuple = None  # (column, value): the number links to the view's list filtered by that equality
    recent: bool = False  # also list the newest RECENT rows (by id) as links to their pages
    style: str = "default"  # bootstrap colour: "warning"/"danger" when the number is work waiting
    icon: str = None

    @property
    def is_report(self):
        return self.rows is None


@dataclass
class Shown:
    tile: Tile
    count: int
    url: str
    items: list  # (text, url)

    @property
    def number(self):
        return format_decimal(self.count)  # thousands separated as the language writes them


def statement_of(tile, session, scope, today):
    if tile.is_report:
        report = tile.view.report
        return report.query(session, scope, {p.name: None for p in report.params})
    return tile.rows(session, scope, today)


def tiles_for(session, tiles, scope, today, may_open, url_of, show_url):
    """[Shown] of the tiles the user may open: `may_open(tile)`, `url_of(tile)` the link of the number,
    `show_url(tile, row)` a row's page (None: not linked)."""
    out = []
    for tile in tiles:
        if not may_open(tile):
            continue
        statement = statement_of(tile, session, scope, today)
        items = []
        if tile.recent:
            model = tile.view.datamodel.obj
            rows = session.scalars(statement.order_by(None).order_by(model.id.desc()).limit(RECENT)).all()
            items = [(str(row), show_url(tile, row)) for row in rows]
        out.append(Shown(tile, count_of(session, statement), url_of(tile), items))
    return out
