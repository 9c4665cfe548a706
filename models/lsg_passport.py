"""E-passport of the local self-government body: one passport per aiyl aimak or city per year, with its population
(computed from the household book or entered), territory, social objects, spheres of activity, problems and needs,
and indicator values (entered, imported or computed)."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, Numeric, String, Table, Text, \
    TypeDecorator, UniqueConstraint, select, text
from sqlalchemy.orm import relationship

from models.base import Multilingual, TerritoryScoped, Tracked, parent_scope_territory_id, Versioned
from models.types import UTCDateTime
from models.dictionary import Dataset, F, Layout, Legal, classifier
from models.extensible import Extensible
from models.reference import Territory

CONDITIONS = classifier("object_condition", _l("Conditions of objects"), {
    "good": _l("Good"), "satisfactory": _l("Satisfactory"), "needs_repair": _l("Needs repair"),
    "emergency": _l("Emergency")})
PROBLEM_STATUSES = {"identified": _l("Identified"), "planned": _l("Included in the plan"),
                    "in_progress": _l("Being implemented"), "done": _l("Solved"), "cancelled": _l("Cancelled")}
SOURCES = classifier("figure_source", _l("Sources of passport figures"), {
    "computed": _l("Household book"), "entered": _l("Entered")}, module="lsg_passport", open=False,
    system=("computed", "entered"))
#: Units whose values are counts: whole and not negative.
COUNT_UNITS = ("people", "households", "units", "heads")
UNITS = classifier("unit_of_measure", _l("Units of measure"), {
    "people": _l("people"), "households": _l("households"), "units": _l("units"), "heads": _l("head"),
    "ha": _l("ha"), "km2": _l("km²"), "thousand_som": _l("thousand som"), "percent": _l("%")},
    module="lsg_passport", system=COUNT_UNITS)
CATEGORIES = classifier("indicator_category", _l("Categories of indicators"), {
    "population": _l("Population"), "social": _l("Social sphere"), "economy": _l("Economy"),
    "land": _l("Land and livestock"), "budget": _l("Local budget")}, module="lsg_passport")
PASSPORT = Legal("lsg_law")
PASSPORT_RETENTION = _l("Kept permanently: a passport of a past year is the record of that year.")


class Year(TypeDecorator):
    """An integer year that also accepts its digits as text in comparisons ("2026" from a form, a URL or a sheet):
    PostgreSQL, unlike SQLite, refuses to compare an integer column with a text parameter."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return int(value) if isinstance(value, str) and value.strip().isdigit() else value


class LsgObjectType(Multilingual, Versioned, Tracked, Model):
    """Classifier of social objects: school, kindergarten, feldsher-midwife post, culture house… (editable)."""

    __tablename__ = "lsg_passport_object_type"
    __dataset__ = Dataset(_l("Types of social objects"), _l("Type of social object"),
                          _l("Classifier of social objects: school, kindergarten, feldsher-midwife post, culture "
                             "house and others."), PASSPORT, reference=True)
    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)


class LsgActivitySphere(Multilingual, Versioned, Tracked, Model):
    """Classifier of spheres of economic activity: agriculture, livestock, trade, tourism, mining… (editable)."""

    __tablename__ = "lsg_passport_activity_sphere"
    __dataset__ = Dataset(_l("Spheres of activity"), _l("Sphere of activity"),
                          _l("Classifier of spheres of economic activity: agriculture, livestock, trade, tourism, "
                             "mining and others."), PASSPORT, reference=True)
    id = Column(Integer, primary_key=True)
    code = Column(String(32), unique=True, nullable=False)


class LsgIndicator(Multilingual, Versioned, Tracked, Model):
    """Classifier of passport indicators (code, name in three languages, unit). Population indicators
    (`pop_*`, `households`) are also computed from the household book."""

    __tablename__ = "lsg_passport_indicator"
    __dataset__ = Dataset(
        _l("Passport indicators"), _l("Passport indicator"),
        _l("Classifier of the indicators of LSG passports and of official statistics: code, name in three "
           "languages, unit and category."), PASSPORT, reference=True,
        fields={"unit": F(_l("Unit of measure"), classifier="unit_of_measure"),
                "category": F(_l("Category"), classifier="indicator_category")},
        layout=Layout(
            list=("code", "name", "unit", "category", "sort_order"),
            search=("code", "name_ky", "name_ru", "name_en", "unit", "category"),
            form=("code", "name_ky", "name_ru", "name_en", "unit", "category", "sort_order"),
            edit=("name_ky", "name_ru", "name_en", "unit", "category", "sort_order"),
            show=("code", "name_ky", "name_ru", "name_en", "unit", "category", "sort_order", "changed_by",
                  "changed_on")))
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


class LsgPassport(Extensible, TerritoryScoped, Versioned, Tracked, Model):
    """The e-passport of one aiyl aimak or city for one year. No personal data: figures only."""

    territory_loading = "selectin"  # a passport is named by its territory (lists and selects of passports)

    __tablename__ = "lsg_passport_passport"
    __dataset__ = Dataset(
        _l("LSG passports"), _l("LSG passport"),
        _l("The e-passport of an aiyl aimak or city for a year: population (from the household book or entered), "
           "territory, settlements, economy and infrastructure. Figures only, no personal data."), PASSPORT,
        retention=PASSPORT_RETENTION, extensible=True,
        fields={
            "territory": F(_l("Aiyl aimak or city"), _l("Passports are kept for aiyl aimaks and cities (units with "
                                                       "their own local self-government body).")),
            "year": F(_l("Year"), _l("One passport per unit and year.")),
            "administrative_centre": _l("Administrative centre"), "area_km2": _l("Area, km²"),
            "area_ha": _l("Area, ha"),
            "settlements": F(_l("Settlements"), _l("Left empty, it is counted from the SOATE tree.")),
            "infrastructure": _l("Social and cultural infrastructure"), "activity_note": _l("Economy"),
            "spheres": _l("Spheres of activity"), "spheres_list": _l("Spheres of activity"),
            "population_total": _l("Population"), "population_male": _l("Men"), "population_female": _l("Women"),
            "households": _l("Households"), "population_source": _l("Source of figures"),
            "population_refreshed_on": _l("Refreshed from the household book"),
            "social_object_count": _l("Social objects"), "values": _l("Indicator values"),
            "social_objects": _l("Social objects"), "problems": _l("Problems and needs")},
        layout=Layout(
            list=("territory", "year", "population_total", "population_source", "households", "settlements",
                  "area_km2", "social_object_count"),
            search=("territory", "year", "administrative_centre"),
            form=("territory", "year", "administrative_centre", "area_km2", "settlements", "spheres", "activity_note",
                  "infrastructure", "note"),
            edit=("administrative_centre", "area_km2", "settlements", "spheres", "activity_note", "infrastructure",
                  "note")))
    __table_args__ = (UniqueConstraint("territory_id", "year", name="uq_lsg_passport_territory_year"),)

    id = Column(Integer, primary_key=True)
    year = Column(Year, nullable=False, index=True)
    administrative_centre = Column(String(255))
    area_km2 = Column(Numeric(12, 2))
    settlements = Column(Integer)
    infrastructure = Column(Text)  # social and cultural infrastructure, in words
    activity_note = Column(Text)  # the economy of the unit, in words
    note = Column(Text)
    population_refreshed_on = Column(UTCDateTime)

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
        return parent_scope_territory_id(self, "passport")


class LsgIndicatorValue(_InPassport, Versioned, Tracked, Model):
    """One figure of a passport. `source` says where it comes from: computed from the household book, or entered
    (by hand or imported). Both are kept; the computed one is shown where it exists."""

    __tablename__ = "lsg_passport_indicator_value"
    __dataset__ = Dataset(
        _l("Indicator values"), _l("Indicator value"),
        _l("The figures of the passports: computed from the household book or entered (typed in or imported); "
           "both are kept, the computed one is shown where it exists."), PASSPORT, retention=PASSPORT_RETENTION,
        fields={"passport": _l("Passport"), "indicator": _l("Indicator"), "value": _l("Value"),
                "unit": _l("Unit of measure"),
                "source": F(_l("Source"), _l("Household book: computed by the “Refresh from the household book” "
                                             "action; entered: typed in or imported. Where both exist, the "
                                             "household book's figure is shown in the passport."),
                            classifier="figure_source")},
        layout=Layout(
            list=("passport", "indicator", "value", "source", "note"),
            search=("passport", "indicator", "source", "value"),
            form=("passport", "indicator", "value", "note"),
            edit=("value", "note"),
            show=("passport", "indicator", "value", "unit", "source", "note", "created_by", "created_on",
                  "changed_by", "changed_on")))
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


class LsgSocialObject(Extensible, _InPassport, Versioned, Tracked, Model):
    """A social object of the unit (school, kindergarten, FAP…) with its condition, capacity and year built."""

    __tablename__ = "lsg_passport_social_object"
    __dataset__ = Dataset(
        _l("Social objects"), _l("Social object"),
        _l("Schools, kindergartens, health posts, culture houses and other social objects of the passports, with "
           "their condition, capacity and year built."), PASSPORT, retention=PASSPORT_RETENTION, extensible=True,
        fields={"passport": _l("Passport"), "object_type": _l("Type"),
                "settlement": F(_l("Village or town"), _l("The village or town of the unit where the object is.")),
                "condition": F(_l("Condition"), classifier="object_condition"),
                "capacity": F(_l("Capacity"), _l("Places (pupils, children, visitors, seats) or people served.")),
                "year_built": _l("Year built")},
        layout=Layout(
            list=("name", "object_type", "condition", "capacity", "year_built", "settlement", "passport"),
            search=("name", "object_type", "condition", "year_built", "passport"),
            form=("passport", "object_type", "name", "settlement", "condition", "capacity", "year_built", "note"),
            edit=("object_type", "name", "settlement", "condition", "capacity", "year_built", "note"),
            show=("passport", "object_type", "name", "settlement", "condition", "capacity", "year_built", "note",
                  "created_by", "created_on", "changed_by", "changed_on")))

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


class LsgProblem(Extensible, _InPassport, Versioned, Tracked, Model):
    """A problem or need of the unit proposed as a priority social project: priority, estimated cost, status."""

    __tablename__ = "lsg_passport_problem"
    __dataset__ = Dataset(
        _l("Problems and needs"), _l("Problem or need"),
        _l("Problems and needs of the units proposed as priority social projects, with priority, estimated cost, "
           "source of funding and status."), PASSPORT, retention=PASSPORT_RETENTION, extensible=True,
        fields={"passport": _l("Passport"), "title": _l("Problem or need"), "description": _l("Description"),
                "priority": F(_l("Priority"), _l("1 is the most urgent.")),
                "estimated_cost": _l("Estimated cost, som"), "funding_source": _l("Source of funding"),
                "status": F(_l("Status"), states=PROBLEM_STATUSES),
                "social_object": F(_l("Social object"), _l("The object the project concerns, if any (of the same "
                                                           "passport)."))},
        layout=Layout(
            list=("priority", "title", "status", "estimated_cost", "social_object", "passport"),
            search=("title", "status", "priority", "passport"),
            form=("passport", "title", "description", "priority", "estimated_cost", "funding_source", "status",
                  "social_object"),
            edit=("title", "description", "priority", "estimated_cost", "funding_source", "status", "social_object"),
            show=("passport", "title", "description", "priority", "estimated_cost", "funding_source", "status",
                  "social_object", "created_by", "created_on", "changed_by", "changed_on")))

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


#: SOATE code of the Kyrgyz Republic as a whole: official figures of the republic carry no territory of the tree
REPUBLIC_CODE = "41700000000000"


class OfficialFigure(Versioned, Tracked, Model):
    """An official statistical figure (National Statistical Committee, a ministry) of the republic, an oblast, a
    rayon or an LSG unit for a period: kept as published, compared with the figures computed from the household
    book and the passports, never mixed into them."""

    __tablename__ = "lsg_passport_official_figure"
    __table_args__ = (
        UniqueConstraint("territory_id", "indicator_id", "year", name="uq_lsg_official_figure"),
        # the republic has no territory row: one figure per indicator and year there too (NULLs never clash)
        Index("uq_lsg_official_figure_republic", "indicator_id", "year", unique=True,
              sqlite_where=text("territory_id IS NULL"), postgresql_where=text("territory_id IS NULL")),
    )
    __dataset__ = Dataset(
        _l("Official statistics"), _l("Official figure"),
        _l("Official statistical figures of the republic, oblasts, rayons and LSG units by indicator and period, "
           "with unit and source, as published; compared side by side with the computed figures."),
        Legal("statistics_law"), retention=_l("Kept permanently: published statistics are not changed."),
        fields={"territory": F(_l("Territory"), _l("Empty: the Kyrgyz Republic as a whole.")),
                "indicator": _l("Indicator"), "year": _l("Year"),
                "reference_date": F(_l("As of"), _l("The date the figure refers to (e.g. 1 January), if "
                                                     "given.")),
                "value": _l("Value"), "unit": F(_l("Unit of measure"), classifier="unit_of_measure"),
                "source": F(_l("Source"), _l("Who published the figure, and where (publication, table).")),
                "place": _l("Territory")},
        layout=Layout(
            list=("place", "indicator", "year", "value", "unit", "reference_date", "source"),
            search=("territory", "indicator", "year", "source"),
            form=("territory", "indicator", "year", "reference_date", "value", "unit", "source", "note"),
            show=("place", "indicator", "year", "reference_date", "value", "unit", "source", "note", "created_by",
                  "created_on", "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    territory_id = Column(Integer, ForeignKey("ref_territory.id"), index=True)
    territory = relationship(Territory, foreign_keys=[territory_id])
    indicator_id = Column(Integer, ForeignKey("lsg_passport_indicator.id"), nullable=False, index=True)
    indicator = relationship(LsgIndicator)
    year = Column(Year, nullable=False, index=True)
    reference_date = Column(Date)
    value = Column(Numeric(18, 2), nullable=False)
    unit = Column(String(16), nullable=False)
    source = Column(String(500), nullable=False)
    note = Column(Text)

    @property
    def place(self):
        from flask_babel import gettext

        return str(self.territory) if self.territory is not None else gettext("Kyrgyz Republic")

    def __repr__(self):
        return f"{self.place}: {self.indicator} {self.year} = {self.value}"
