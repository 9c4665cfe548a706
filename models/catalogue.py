"""Tables of the data catalogue: what administrators change without code.

Texts of the field dictionary, open-data settings, classifiers (choice lists), custom fields (values in the rows'
own `custom` JSON column, models/extensible.py), versioned policy parameters, saved charts and their pins. Every
change bumps `core_catalogue_revision`, which tells each worker to reload its cached copy (no restart)."""
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from models.base import Multilingual, Tracked, Versioned
from models.dictionary import PERSONAL_CLASSES, REGULATIONS, Dataset, F, Layout, Legal, classifier
from models.types import UTCDateTime

CATALOGUE_LEGAL = Legal("platform")
REGULATION_ITEMS = classifier("regulation", _l("Regulations"), REGULATIONS, system=tuple(REGULATIONS))
PERSONAL_CLASS_ITEMS = classifier("personal_data_class", _l("Classes of personal data"), PERSONAL_CLASSES,
                                  open=False, system=tuple(PERSONAL_CLASSES))


class CatalogueRevision(Model):
    """One row: a number raised by every change of the catalogue (texts, fields, classifiers, parameters)."""

    __tablename__ = "core_catalogue_revision"
    __dataset__ = Dataset(_l("Catalogue revisions"), _l("Catalogue revision"),
                          _l("A counter raised by every change of the catalogue, so that every server process "
                             "reloads it without a restart."), CATALOGUE_LEGAL,
                          fields={"revision": _l("Revision")})

    id = Column(Integer, primary_key=True)
    revision = Column(Integer, nullable=False, default=0)


class DictionaryText(Versioned, Tracked, Model):
    """An administrator's wording of a dataset's or field's label, description and legal basis in ky/ru/en; an
    empty text keeps the one shipped with the code."""

    __tablename__ = "core_dictionary_text"
    __table_args__ = (UniqueConstraint("dataset", "field", name="uq_core_dictionary_text"),)
    __dataset__ = Dataset(
        _l("Texts of the field dictionary"), _l("Text of the field dictionary"),
        _l("Labels, descriptions and legal bases of datasets and fields as edited by administrators, in three "
           "languages."), CATALOGUE_LEGAL, reference=True,
        fields={"dataset": _l("Dataset"), "field": F(_l("Field"), _l("Empty: the dataset itself.")),
                "label_ky": _l("Label (Kyrgyz)"), "label_ru": _l("Label (Russian)"), "label_en": _l("Label (English)"),
                "description_ky": _l("Description (Kyrgyz)"), "description_ru": _l("Description (Russian)"),
                "description_en": _l("Description (English)"), "legal_ky": _l("Legal basis (Kyrgyz)"),
                "legal_ru": _l("Legal basis (Russian)"), "legal_en": _l("Legal basis (English)")},
        layout=Layout(
            list=("dataset", "field", "label_ky", "label_ru", "label_en", "changed_on"),
            search=("dataset", "field", "label_ky", "label_ru", "label_en"),
            form=("dataset", "field", "label_ky", "label_ru", "label_en", "description_ky", "description_ru",
                  "description_en", "legal_ky", "legal_ru", "legal_en"),
            edit=("label_ky", "label_ru", "label_en", "description_ky", "description_ru", "description_en",
                  "legal_ky", "legal_ru", "legal_en"),
            show=("dataset", "field", "label_ky", "label_ru", "label_en", "description_ky", "description_ru",
                  "description_en", "legal_ky", "legal_ru", "legal_en", "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    dataset = Column(String(64), nullable=False)
    field = Column(String(64), nullable=False, default="")
    label_ky = Column(String(255))
    label_ru = Column(String(255))
    label_en = Column(String(255))
    description_ky = Column(Text)
    description_ru = Column(Text)
    description_en = Column(Text)
    legal_ky = Column(String(500))
    legal_ru = Column(String(500))
    legal_en = Column(String(500))


class DatasetSetting(Tracked, Model):
    """Publication of a dataset as open data (only datasets without personal data can be published)."""

    __tablename__ = "core_dataset_setting"
    __dataset__ = Dataset(_l("Publication settings of datasets"), _l("Publication setting"),
                          _l("Which datasets without personal data are published as open data, and since when."),
                          CATALOGUE_LEGAL,
                          fields={"dataset": _l("Dataset"), "open_data": _l("Published as open data"),
                                  "published_at": _l("Published on")})

    id = Column(Integer, primary_key=True)
    dataset = Column(String(64), nullable=False, unique=True)
    open_data = Column(Boolean, nullable=False, default=False)
    published_at = Column(UTCDateTime)


class Classifier(Multilingual, Versioned, Tracked, Model):
    """A choice list (relations, kinds, reasons, grounds …) whose item codes records store; administrators edit
    the names in three languages and add items where the list is open."""

    __tablename__ = "core_classifier"
    __dataset__ = Dataset(
        _l("Classifiers"), _l("Classifier"),
        _l("Choice lists of every module: relations, kinds of objects, reasons, grounds of removal and others. Codes "
           "are stable keys of the API and of stored records; names are in three languages."),
        CATALOGUE_LEGAL, reference=True,
        fields={"module": _l("Module"), "open": F(_l("Open list"), _l("Administrators may add items.")),
                "items": _l("Items")},
        layout=Layout(
            list=("code", "name", "module", "open"),
            search=("code", "name_ky", "name_ru", "name_en", "module"),
            edit=("name_ky", "name_ru", "name_en"),
            show=("code", "name_ky", "name_ru", "name_en", "module", "open", "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    code = Column(String(64), unique=True, nullable=False)
    module = Column(String(32), nullable=False, default="core")
    open = Column(Boolean, nullable=False, default=True)

    items = relationship("ClassifierItem", back_populates="classifier", order_by="ClassifierItem.sort_order",
                         cascade="all, delete-orphan")


class ClassifierItem(Multilingual, Versioned, Tracked, Model):
    """One item of a classifier: a stable code and its name in ky/ru/en. A system item is one the rules of a
    module test by its code: it can be renamed, never switched off."""

    __tablename__ = "core_classifier_item"
    __table_args__ = (UniqueConstraint("classifier_id", "code", name="uq_core_classifier_item"),)
    __dataset__ = Dataset(
        _l("Classifier items"), _l("Classifier item"),
        _l("The items of the classifiers with their codes and names in three languages."), CATALOGUE_LEGAL,
        reference=True,
        fields={"classifier": _l("Classifier"), "classifier_id": _l("Classifier"),
                "system": F(_l("Used by the rules"), _l("The rules of a module test this code: it can be renamed, "
                                                        "not switched off."))},
        layout=Layout(
            list=("code", "name", "sort_order", "active", "system"),
            search=("code", "name_ky", "name_ru", "name_en", "active"),
            form=("classifier", "code", "name_ky", "name_ru", "name_en", "sort_order", "active"),
            edit=("name_ky", "name_ru", "name_en", "sort_order", "active"),
            show=("classifier", "code", "name_ky", "name_ru", "name_en", "sort_order", "active", "system",
                  "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    classifier_id = Column(Integer, ForeignKey("core_classifier.id", ondelete="CASCADE"), nullable=False, index=True)
    classifier = relationship(Classifier, back_populates="items")
    code = Column(String(40), nullable=False)
    sort_order = Column(Integer, nullable=False, default=100)
    active = Column(Boolean, nullable=False, default=True)
    system = Column(Boolean, nullable=False, default=False)

    def __repr__(self):
        return f"{self.name} ({self.code})"


CUSTOM_KINDS = classifier("custom_field_kind", _l("Types of custom fields"), {
    "text": _l("Text"), "integer": _l("Whole number"), "decimal": _l("Decimal number"), "date": _l("Date"),
    "boolean": _l("Yes/no"), "choice": _l("Choice from a classifier"),
    "reference": _l("Reference to another dataset")}, open=False,
    system=("text", "integer", "decimal", "date", "boolean", "choice", "reference"))
CUSTOM_STATUSES = classifier("custom_field_status", _l("Statuses of custom fields"), {
    "active": _l("In use"), "retired": _l("Retired"), "promoted": _l("Promoted to a column")}, open=False,
    system=("active", "retired", "promoted"))


class CustomField(Versioned, Tracked, Model):
    """A field an administrator added to a dataset. Its values live in the rows' `custom` JSON column under its
    key; retiring it hides it and keeps the values and their history; promoting it makes it a real column."""

    __tablename__ = "core_custom_field"
    __table_args__ = (UniqueConstraint("dataset", "key", name="uq_core_custom_field"),)
    __dataset__ = Dataset(
        _l("Custom fields"), _l("Custom field"),
        _l("Fields administrators added to datasets without a release: type, labels in three languages, "
           "validation and personal-data class."), CATALOGUE_LEGAL,
        fields={
            "dataset": _l("Dataset"),
            "key": F(_l("Key"), _l("Latin lowercase letters, digits and _, starting with a letter: the name in the "
                                   "API, exports and imports. It never changes.")),
            "kind": F(_l("Type"), classifier="custom_field_kind"), "label_ky": _l("Label (Kyrgyz)"),
            "label_ru": _l("Label (Russian)"), "label_en": _l("Label (English)"),
            "description_ky": _l("Description (Kyrgyz)"), "description_ru": _l("Description (Russian)"),
            "description_en": _l("Description (English)"), "required": _l("Required"),
            "min_value": F(_l("Minimum"), _l("Numbers: the smallest value; text: the shortest length.")),
            "max_value": F(_l("Maximum"), _l("Numbers: the largest value; text: the longest length.")),
            "pattern": F(_l("Pattern"), _l("A regular expression the whole text must match, e.g. [0-9]{6}.")),
            "classifier_code": F(_l("Classifier"), _l("For a choice: the classifier whose items are offered.")),
            "reference_dataset": F(_l("Referenced dataset"), _l("For a reference: the dataset whose records are "
                                                                "offered (inside the user's territory).")),
            "personal": F(_l("Personal-data class"), classifier="personal_data_class"),
            "searchable": F(_l("Searchable"), _l("Offered as a search filter of the list.")),
            "in_list": _l("Shown in the list"), "label": _l("Label"),
            "status": F(_l("Status"), classifier="custom_field_status"), "retired_at": _l("Retired on"),
            "legal_regulation": F(_l("Regulation"), classifier="regulation"),
            "legal_clause": _l("Clause of the regulation"),
        },
        layout=Layout(
            list=("dataset", "key", "label", "kind", "required", "personal", "status", "changed_on"),
            search=("dataset", "key", "kind", "status", "personal"),
            form=("dataset", "key", "kind", "label_ky", "label_ru", "label_en", "description_ky", "description_ru",
                  "description_en", "required", "min_value", "max_value", "pattern", "classifier_code",
                  "reference_dataset", "personal", "searchable", "in_list", "sort_order", "legal_regulation",
                  "legal_clause"),
            edit=("label_ky", "label_ru", "label_en", "description_ky", "description_ru", "description_en",
                  "required", "min_value", "max_value", "pattern", "classifier_code", "reference_dataset", "personal",
                  "searchable", "in_list", "sort_order", "legal_regulation", "legal_clause"),
            show=("dataset", "key", "kind", "label_ky", "label_ru", "label_en", "description_ky", "description_ru",
                  "description_en", "required", "min_value", "max_value", "pattern", "classifier_code",
                  "reference_dataset", "personal", "searchable", "in_list", "sort_order", "legal_regulation",
                  "legal_clause", "status", "retired_at", "created_by", "created_on", "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    dataset = Column(String(64), nullable=False, index=True)
    key = Column(String(40), nullable=False)
    kind = Column(String(12), nullable=False, default="text")
    label_ky = Column(String(255))
    label_ru = Column(String(255), nullable=False)
    label_en = Column(String(255))
    description_ky = Column(String(500))
    description_ru = Column(String(500))
    description_en = Column(String(500))
    required = Column(Boolean, nullable=False, default=False)
    min_value = Column(Numeric(18, 4))
    max_value = Column(Numeric(18, 4))
    pattern = Column(String(255))
    classifier_code = Column(String(64))
    reference_dataset = Column(String(64))
    personal = Column(String(10), nullable=False, default="none")
    searchable = Column(Boolean, nullable=False, default=True)
    in_list = Column(Boolean, nullable=False, default=False)
    sort_order = Column(Integer, nullable=False, default=100)
    status = Column(String(10), nullable=False, default="active")
    retired_at = Column(UTCDateTime)
    legal_regulation = Column(String(40))
    legal_clause = Column(String(255))

    @property
    def label(self):
        from app.i18n import localized_name

        return localized_name(self, "label")

    def __repr__(self):
        return f"{self.dataset}.{self.key}"


class PolicyParameter(Versioned, Tracked, Model):
    """One version of a policy parameter (a score weight, a threshold, a term): its value applies from
    `effective_from` until the next version; decisions read the version valid on their own date."""

    __tablename__ = "core_policy_parameter"
    __table_args__ = (UniqueConstraint("key", "effective_from", name="uq_core_policy_parameter"),)
    __dataset__ = Dataset(
        _l("Policy parameters"), _l("Policy parameter"),
        _l("Weights, thresholds and terms set by law or policy, as versions with an effective date and their legal "
           "basis: a change of the law is a new version, not a release."), CATALOGUE_LEGAL, reference=True,
        fields={"key": _l("Parameter"), "value": F(_l("Value"), _l("A number; for a set of weights an object of numbers, "
                                                          "e.g. {\"income\": 40, …}.")),
                "effective_from": _l("Effective from"), "regulation": F(_l("Regulation"), classifier="regulation"),
                "clause": _l("Clause of the regulation"), "label": _l("Parameter"), "value_label": _l("Value")},
        layout=Layout(
            list=("label", "value_label", "effective_from", "regulation", "clause"),
            search=("key", "effective_from", "regulation"),
            form=("key", "value", "effective_from", "regulation", "clause", "note"),
            show=("label", "value", "value_label", "effective_from", "regulation", "clause", "note", "created_by",
                  "created_on", "changed_by", "changed_on")))

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, index=True)
    value = Column(Text, nullable=False)  # JSON: a number, or {name: number} for a set of weights
    effective_from = Column(Date, nullable=False)
    regulation = Column(String(40), nullable=False, default="platform")
    clause = Column(String(255))
    note = Column(Text)

    @property
    def label(self):
        from app.catalogue import policy

        spec = policy.PARAMETERS.get(self.key)
        return str(spec.label) if spec is not None else self.key

    @property
    def value_label(self):
        from app.catalogue import policy

        return policy.format_value(self.key, self.value)

    def __repr__(self):
        return f"{self.label} ({self.effective_from:%d.%m.%Y})" if self.effective_from else self.label


class PolicyUse(Model):
    """Which parameter version a decision was taken with (a social passport's score, a certificate's validity):
    the decision shows the parameters it used even after they change."""

    __tablename__ = "core_policy_use"
    __table_args__ = (Index("ix_core_policy_use_object", "object_type", "object_id"),)
    __dataset__ = Dataset(
        _l("Parameters used by decisions"), _l("Parameter used by a decision"),
        _l("For each decision (score of a social passport, validity of a certificate, retention of a record) the "
           "versions of the policy parameters it was taken with."), CATALOGUE_LEGAL,
        fields={"object_type": _l("Dataset"), "object_id": _l("Record"), "parameter": _l("Parameter version"),
                "parameter_id": _l("Parameter version"), "decided_on": _l("Decided on")})

    id = Column(Integer, primary_key=True)
    object_type = Column(String(64), nullable=False)
    object_id = Column(Integer, nullable=False)
    parameter_id = Column(Integer, ForeignKey("core_policy_parameter.id"), nullable=False, index=True)
    parameter = relationship(PolicyParameter)
    decided_on = Column(Date, nullable=False)


CHART_TYPES = classifier("chart_type", _l("Types of charts"), {
    "bar": _l("Bar chart"), "line": _l("Line chart"), "pie": _l("Pie chart"),
    "pyramid": _l("Pyramid (two groups, e.g. age and sex)"), "map": _l("Map by territory")}, open=False,
    system=("bar", "line", "pie", "pyramid", "map"))


class SavedChart(Versioned, Tracked, Model):
    """A chart built in the chart builder: a dataset of the catalogue grouped by one or two fields, a count or a
    sum, filters and a type. It is computed anew, in SQL, inside the scope of whoever looks at it."""

    __tablename__ = "core_saved_chart"
    __dataset__ = Dataset(
        _l("Saved charts"), _l("Saved chart"),
        _l("Charts configured by managers over datasets of the catalogue; their numbers are computed inside the "
           "viewer's territory with small cells withheld where the viewer may not read personal records."),
        CATALOGUE_LEGAL,
        fields={"title": _l("Title"), "dataset": _l("Dataset"), "group1": _l("Group by"),
                "group2": _l("Then by"), "measure": _l("Measure"), "measure_field": _l("Field to add up"),
                "filters": _l("Filters"), "chart_type": F(_l("Chart type"), classifier="chart_type"),
                "shared": F(_l("Shared"), _l("Every user who may use the chart builder sees it.")),
                "open_data": F(_l("Published as open data"),
                               _l("The table is published without login, counted for the whole republic with small "
                                  "cells withheld.")),
                "owner": _l("Owner"), "owner_id": _l("Owner")},
        layout=Layout(
            list=("title", "dataset", "chart_type", "shared", "open_data", "owner", "changed_on"),
            search=("title", "dataset", "chart_type", "shared"),
            edit=("title", "chart_type", "shared", "open_data"),
            show=("title", "dataset", "group1", "group2", "measure", "measure_field", "filters", "chart_type",
                  "shared", "open_data", "owner", "created_on", "changed_on")))

    id = Column(Integer, primary_key=True)
    title = Column(String(255), nullable=False)
    dataset = Column(String(64), nullable=False)
    group1 = Column(String(80), nullable=False)
    group2 = Column(String(80))
    measure = Column(String(8), nullable=False, default="count")
    measure_field = Column(String(64))
    filters = Column(Text)  # JSON [[field, operator, value], …]
    chart_type = Column(String(10), nullable=False, default="bar")
    shared = Column(Boolean, nullable=False, default=False)
    open_data = Column(Boolean, nullable=False, default=False)
    owner_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    owner = relationship("User", foreign_keys=[owner_id], enable_typechecks=False)

    def __repr__(self):
        return self.title or ""


class ChartPin(Model):
    """A chart pinned to a user's home page, in the user's order."""

    __tablename__ = "core_chart_pin"
    __table_args__ = (UniqueConstraint("user_id", "chart_id", name="uq_core_chart_pin"),)
    __dataset__ = Dataset(_l("Pinned charts"), _l("Pinned chart"),
                          _l("Which saved charts each user shows on the home page."), CATALOGUE_LEGAL,
                          fields={"user": _l("User"), "user_id": _l("User"), "chart": _l("Chart"),
                                  "chart_id": _l("Chart"), "position": _l("Position")})

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    user = relationship("User", foreign_keys=[user_id], enable_typechecks=False)
    chart_id = Column(Integer, ForeignKey("core_saved_chart.id", ondelete="CASCADE"), nullable=False)
    chart = relationship(SavedChart)
    position = Column(Integer, nullable=False, default=0)
