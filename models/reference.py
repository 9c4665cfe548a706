"""Reference data shared by every module: the SOATE territory tree."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String, event
from sqlalchemy.orm import relationship, validates

from app import territory_kinds as kinds
from app.i18n import names_by_language
from models.base import Multilingual, Tracked, related_now, Versioned
from models.dictionary import Dataset, F, Legal, classifier

KIND_LABELS = classifier("territory_kind", _l("Kinds of territorial units"), {
    kinds.OBLAST: _l("Oblast"),
    kinds.CITY_REPUBLICAN: _l("City of republican significance"),
    kinds.RAYON: _l("Rayon"),
    kinds.CITY_DISTRICT: _l("City district"),
    kinds.CITY_OBLAST: _l("City of oblast significance"),
    kinds.CITY_RAYON: _l("City of rayon significance"),
    kinds.AIYL_AIMAK: _l("Aiyl aimak"),
    kinds.URBAN_TYPE_SETTLEMENT: _l("Urban-type settlement"),
    kinds.SETTLEMENT: _l("Settlement"),
    kinds.VILLAGE_UNDER_CITY: _l("Village under a city"),
    kinds.VILLAGE: _l("Village"),
    kinds.OTHER: _l("Other unit"),
}, open=False, system=kinds.TERRITORY_KINDS)


class Territory(Multilingual, Versioned, Tracked, Model):
    """A unit of the SOATE classifier: oblast, rayon, city, aiyl aimak, settlement or village.

    `path` is the chain of SOATE codes from the top unit ("/41702…/41702210…/"), so a subtree is one indexed
    prefix match. The tree is editable reference data (the 2024 reform merges aiyl aimaks), not code."""

    __tablename__ = "ref_territory"
    __dataset__ = Dataset(
        _l("Territories"), _l("Territory"),
        _l("The SOATE tree of the Kyrgyz Republic: oblasts, rayons, cities, aiyl aimaks, settlements and villages "
           "with their codes and names in three languages."), Legal("soate"), reference=True,
        fields={"code": F(_l("Code"), _l("14 digits of the SOATE classifier, starting with 417.")),
                "level": _l("Level"), "kind": F(_l("Kind"), classifier="territory_kind"),
                "iso_code": _l("ISO 3166-2 code"),
                "parent": F(_l("Part of"), _l("The unit this one belongs to; empty for an oblast or a city of "
                                              "republican significance.")),
                "path": _l("Path"), "missing_names": _l("Missing translations"), "children": _l("Subordinate units")})

    id = Column(Integer, primary_key=True)
    code = Column(String(14), unique=True, nullable=False)
    level = Column(Integer, nullable=False)
    kind = Column(String(32), nullable=False)
    iso_code = Column(String(8))
    parent_id = Column(Integer, ForeignKey("ref_territory.id"), index=True)
    parent = relationship("Territory", remote_side=[id], backref="children")
    path = Column(String(255), nullable=False, index=True)

    @validates("code")
    def _validate_code(self, _key, code):
        from app.errors import DomainError
        from flask_babel import lazy_gettext as _l

        code = (code or "").strip()
        if not (len(code) == 14 and code.isdigit() and code.startswith("417")):
            raise DomainError(_l("A SOATE code has 14 digits and starts with 417."))
        return code

    @classmethod
    def scope_condition(cls, territory_ids):
        # Territories are what scopes are made of: a user picks only territories inside their own subtree.
        return cls.id.in_(territory_ids)

    def scope_territory_id(self):
        # A new unit is inside a scope when its parent is; so is one whose parent is changed (units are not
        # moved, see set_path, but a changed parent must not be a way out of the scope).
        from sqlalchemy import inspect

        if self.id is not None and not inspect(self).attrs.parent.history.added:
            return self.id
        parent = related_now(self, "parent")
        return parent.id if parent is not None else None

    @property
    def missing_names(self):
        names = names_by_language(self)
        return [lang for lang in ("ky", "en") if not names[lang]]

    def __repr__(self):
        return f"{self.name} ({self.code})"


@event.listens_for(Territory, "before_insert")
def _place_in_tree(_mapper, _connection, territory):
    """A new unit's level and path follow from its parent (units are never moved: names are what admins edit)."""
    parent = territory.parent
    territory.level = parent.level + 1 if parent is not None else 1
    territory.path = f"{parent.path if parent is not None else '/'}{territory.code}/"
