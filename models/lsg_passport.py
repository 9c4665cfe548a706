"""E-passport of the local self-government body: one passport per aiyl aimak or city per year, with its population
(computed from the household book or entered), territory, social objects, spheres of activity, problems and needs,
and indicator values (entered, imported or computed)."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String, Table, Text, TypeDecorator, \
    UniqueConstraint, select
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked
from models.reference import Territory

#: Kinds of SOATE units that have their own local self-government body (and so a passport).
LSG_KINDS = ("aiyl_aimak", "city_republican", "city_oblast", "city_rayon", "urban_type_settlement")
#: Kinds of SOATE units that are settlements (counted as the passport's "number of settlements").
SETTLEMENT_KINDS = ("village", "settlement", "urban_type_settlement", "village_under_city")
CITY_KINDS = ("city_republican", "city_oblast", "city_rayon")

CONDITIONS = {"good": _l("Good"), "satisfactory": _l("Satisfactory"), "needs_repair": _l("Needs repair"),
              "emergency": _l("Emergency")}
PROBLEM_STATUSES = {"identified": _l("Identified"), "planned": _l("Included in the plan"),
                    "in_progress": _l("Being implemented"), "done": _l("Solved"), "cancelled": _l("Cancelled")}
SOURCES = {"computed": _l("Household book"), "entered": _l("Entered")}
UNITS = {"people": _l("people"), "households": _l("households"), "units": _l("units"), "heads": _l("head"),
         "ha": _l("ha"), "km2": _l("km²"), "thousand_som": _l("thousand som"), "percent": _l("%")}
#: Units whose values are counts: whole and not negative.
COUNT_UNITS = ("people", "households", "units", "heads")
CATEGORIES = {"population": _l("Population"), "social": _l("Social sphere"), "economy": _l("Economy"),
              "land": _l("Land and livestock"), "budget": _l("Local budget")}


class Year(TypeDecorator):
    """An integer year that also accepts its digits as text in comparisons ("2026" from a form, a URL or a sheet):
    PostgreSQL, unlike SQLite, refuses to compare an integer column with a text parameter."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return int(value) if isinstance(value, str) and value.strip().isdigit() else value


class LsgObjectType(Multilingual, Tracked, Model):
    """Classifier of social objects: school, kindergarten, feldsher-midwife post, culture house… (editable)."""

    __tablename__ = "lsg_passport_object_type"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)


class LsgActivitySphere(Multilingual, Tracked, Model):
    """Classifier of spheres of economic activity: agriculture, livestock, trade, tourism, mining… (editable)."""

    __tablename__ = "lsg_passport_activity_sphere"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)


class LsgIndicator(Multilingual, Tracked, Model):
    """Classifier of passport indicators (code, name in three languages, unit). Population indicators
    (`pop_*`, `households`) are also computed from the household book."""

    __tablename__ = "lsg_passport_indicator"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)
    unit = Column(String(16), nullable=False, default="people")
    category = Column(String(16), nullable=False, default="population")
    sort_order = Column(Integer, nullable=False, default=100)

    def __repr__(self):
        return f"{self.name} ({UNITS.get(self.unit, self.unit)})"


passport_sphere = Table(
    "lsg_passport_passport_sphere", Model.metadata,
    Column("passport_id", Integer, ForeignKey("lsg_passport_passport.id"), primary_key=True),
    Column("sphere_id", Integer, ForeignKey("lsg_passport_activity_sphere.id"), primary_key=True),
)


class LsgPassport(TerritoryScoped, Tracked, Model):
    """The e-passport of one aiyl aimak or city for one year. No personal data: figures only."""

    __tablename__ = "lsg_passport_passport"
    __table_args__ = (UniqueConstraint("territory_id", "year", name="uq_lsg_passport_territory_year"),)

    id = Column(Integer, primary_key=True)
    year = Column(Year, nullable=False, index=True)
    administrative_centre = Column(String(255))
    area_km2 = Column(Numeric(12, 2))
    settlements = Column(Integer)
    infrastructure = Column(Text)  # social and cultural infrastructure, in words
    activity_note = Column(Text)  # the economy of the unit, in words
    note = Column(Text)
    population_refreshed_on = Column(DateTime)

    spheres = relationship(LsgActivitySphere, secondary=passport_sphere, order_by=LsgActivitySphere.code)
    values = relationship("LsgIndicatorValue", back_populates="passport", cascade="all, delete-orphan")
    social_objects = relationship("LsgSocialObject", back_populates="passport", cascade="all, delete-orphan")
    problems = relationship("LsgProblem", back_populates="passport", cascade="all, delete-orphan")

    # --- figures shown on the passport (a few dozen rows per passport: read through the relationship) -------
    def effective_values(self):
        """{indicator code: value row}: the household-book figure where there is one, otherwise the entered one."""
        chosen = {}
        for row in self.values:
            code = row.indicator.code
            if code not in chosen or row.source == "computed":
                chosen[code] = row
        return chosen

    def _figure(self, code):
        row = self.effective_values().get(code)
        return None if row is None else row.value

    @property
    def population_total(self):
        return self._figure("pop_total")

    @property
    def population_male(self):
        return self._figure("pop_male")

    @property
    def population_female(self):
        return self._figure("pop_female")

    @property
    def households(self):
        return self._figure("households")

    @property
    def population_source(self):
        """Where the population figures come from: the household book, entered figures, or nowhere yet."""
        row = self.effective_values().get("pop_total")
        return "" if row is None else str(SOURCES[row.source])

    @property
    def area_ha(self):
        return None if self.area_km2 is None else self.area_km2 * 100

    @property
    def spheres_list(self):
        return ", ".join(str(s) for s in self.spheres)

    @property
    def social_object_count(self):
        return len(self.social_objects)

    def population_table(self):
        """Rows (age group, men, women, total, source) of the age-sex composition, in age order."""
        from app.services.lsg_passport import age_group_codes

        values = self.effective_values()
        rows = []
        for label, male, female in age_group_codes():
            m, f = values.get(male), values.get(female)
            if m is None and f is None:
                continue
            men = int(m.value) if m is not None else 0
            women = int(f.value) if f is not None else 0
            source = str(SOURCES[(m or f).source])
            rows.append((label, men, women, men + women, source))
        return rows

    def __repr__(self):
        territory = self.territory.name if self.territory is not None else "?"
        return f"{territory} — {self.year}"


def _passports_in(territory_ids):
    return select(LsgPassport.id).where(LsgPassport.territory_id.in_(territory_ids))


class _InPassport:
    """A row of a passport: in scope when its passport is."""

    personal = False

    @classmethod
    def scope_condition(cls, territory_ids):
        return cls.passport_id.in_(_passports_in(territory_ids))

    def scope_territory_id(self):
        return self.passport.territory_id if self.passport is not None else None


class LsgIndicatorValue(_InPassport, Tracked, Model):
    """One figure of a passport. `source` says where it comes from: computed from the household book, or entered
    (by hand or imported). Both are kept; the computed one is shown where it exists."""

    __tablename__ = "lsg_passport_indicator_value"
    __table_args__ = (UniqueConstraint("passport_id", "indicator_id", "source", name="uq_lsg_passport_value"),)

    id = Column(Integer, primary_key=True)
    passport_id = Column(Integer, ForeignKey("lsg_passport_passport.id"), nullable=False, index=True)
    passport = relationship(LsgPassport, back_populates="values")
    indicator_id = Column(Integer, ForeignKey("lsg_passport_indicator.id"), nullable=False, index=True)
    indicator = relationship(LsgIndicator)
    value = Column(Numeric(18, 2), nullable=False)
    source = Column(String(10), nullable=False, default="entered")
    note = Column(String(255))

    @property
    def unit(self):
        return str(UNITS.get(self.indicator.unit, self.indicator.unit)) if self.indicator is not None else ""

    def __repr__(self):
        return f"{self.indicator}: {self.value}"


class LsgSocialObject(_InPassport, Tracked, Model):
    """A social object of the unit (school, kindergarten, FAP…) with its condition, capacity and year built."""

    __tablename__ = "lsg_passport_social_object"

    id = Column(Integer, primary_key=True)
    passport_id = Column(Integer, ForeignKey("lsg_passport_passport.id"), nullable=False, index=True)
    passport = relationship(LsgPassport, back_populates="social_objects")
    object_type_id = Column(Integer, ForeignKey("lsg_passport_object_type.id"), nullable=False, index=True)
    object_type = relationship(LsgObjectType)
    name = Column(String(255), nullable=False)
    settlement_id = Column(Integer, ForeignKey("ref_territory.id"), index=True)
    settlement = relationship(Territory, foreign_keys=[settlement_id])
    condition = Column(String(16), nullable=False, default="good")
    capacity = Column(Integer)
    year_built = Column(Integer)
    note = Column(Text)

    problems = relationship("LsgProblem", back_populates="social_object")

    def __repr__(self):
        return f"{self.name} ({self.object_type})"


class LsgProblem(_InPassport, Tracked, Model):
    """A problem or need of the unit proposed as a priority social project: priority, estimated cost, status."""

    __tablename__ = "lsg_passport_problem"

    id = Column(Integer, primary_key=True)
    passport_id = Column(Integer, ForeignKey("lsg_passport_passport.id"), nullable=False, index=True)
    passport = relationship(LsgPassport, back_populates="problems")
    title = Column(String(255), nullable=False)
    description = Column(Text)
    priority = Column(Integer, nullable=False, default=1)
    estimated_cost = Column(Numeric(16, 2))  # som
    status = Column(String(16), nullable=False, default="identified")
    social_object_id = Column(Integer, ForeignKey("lsg_passport_social_object.id"), index=True)
    social_object = relationship(LsgSocialObject, back_populates="problems")
    funding_source = Column(String(255))

    def __repr__(self):
        return f"{self.priority}. {self.title}"
