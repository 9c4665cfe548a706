"""Declarations of the field dictionary: every dataset (model) and its fields described once, next to the model.

A model says what it is in `__dataset__ = Dataset(...)`: title and entity (translated through the catalogs, so ky,
ru and en come from one string), description, legal basis (regulation and clause), personal-data class,
retention, and per field its label, help text, classifier, own legal basis or personal class. Everything else a
field has (type, required, unique, length, the dataset it refers to) is read from the column itself by
app/catalogue/dictionary.py, which also lays the texts an administrator edited over these.

Importable without an app: models use it at import time."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

PERSONAL_CLASSES = {"none": _l("Not personal"), "personal": _l("Personal data"),
                    "special": _l("Special category of personal data")}
#: what every Tracked model, classifier and territorial row has: described once here
COMMON_LABELS = {
    "id": _l("ID"), "name": _l("Name"), "name_ky": _l("Name (Kyrgyz)"), "name_ru": _l("Name (Russian)"),
    "name_en": _l("Name (English)"), "code": _l("Code"), "territory": _l("Territory"),
    "territory_id": _l("Territory"), "created_on": _l("Created on"), "created_by": _l("Created by"),
    "created_by_fk": _l("Created by"), "changed_on": _l("Changed on"), "changed_by": _l("Changed by"),
    "changed_by_fk": _l("Changed by"), "custom": _l("Additional fields"), "sort_order": _l("Order"),
    "active": _l("In use"), "note": _l("Note"), "version": _l("Version of the record"),
}
#: bookkeeping columns: never personal, never offered in forms, never published
BOOKKEEPING = ("created_on", "created_by_fk", "changed_on", "changed_by_fk", "custom", "version")

#: regulations the datasets and fields rest on (code -> name); an administrator can rephrase any legal basis of a
#: dataset or field in the catalogue, these are the texts shipped with the code
REGULATIONS = {
    "lsg_law": _l("Law of the Kyrgyz Republic “On local self-government” (2021)"),
    "soate": _l("State classifier of administrative-territorial units of the Kyrgyz Republic (SOATE)"),
    "personal_data_law": _l("Law of the Kyrgyz Republic “On personal information” of 14 April 2008 No. 58"),
    "statistics_law": _l("Law of the Kyrgyz Republic “On official statistics”"),
    "benefits_law": _l("Law of the Kyrgyz Republic “On state benefits in the Kyrgyz Republic” of 29 December "
                       "2009 No. 318"),
    "poverty_methodology": _l("Methodology of determining the poverty line, Government decree of 25 March 2011 "
                              "No. 115"),
    "pension_law": _l("Law of the Kyrgyz Republic “On state pension social insurance” (1997)"),
    "land_code": _l("Land Code of the Kyrgyz Republic of 2 June 1999 No. 45"),
    "land_regulation": _l("Regulation on providing land plots for individual housing construction, Government "
                          "resolution of 6 May 2005 No. 177"),
    "property_law": _l("Law of the Kyrgyz Republic “On municipal property” of 15 March 2002 No. 37"),
    "decommission_regulation": _l("Regulation on the procedure of decommissioning municipal property"),
    "cabinet_156": _l("Regulation on children and families in difficult life situations, Cabinet of Ministers "
                      "resolution of 22 March 2023 No. 156"),
    "children_code": _l("Children's Code of the Kyrgyz Republic of 10 July 2012 No. 100"),
    "egov_registry_rules": _l("Rules for keeping the register of the state infrastructure of e-government"),
    "mfc_regulation": _l("Regulation on the automated system of multifunctional centres of public services "
                         "(resolution of 2015 No. 296), as adapted to the public service centres of the Kyrgyz "
                         "Republic"),
    "sanarip_aimak": _l("Regulation on the automated information system “Sanarip Aimak” of local self-government "
                        "bodies"),
    "platform": _l("Rules of the Sanarip platform (documented in its code and catalogue)"),
}


@dataclass(frozen=True)
class Legal:
    """A legal basis: a regulation of REGULATIONS and the clause (lazy text such as "art. 34"), if known."""

    regulation: str
    clause: object = None

    def __post_init__(self):
        if self.regulation not in REGULATIONS:
            raise ValueError(f"unknown regulation {self.regulation}")


@dataclass(frozen=True)
class F:
    """One field's facts: label, help text and what the column alone cannot say."""

    label: object
    description: object = None
    classifier: str = None  # code of a classifier (app/catalogue/classifiers.py) whose item codes the column stores
    personal: str = None  # None: the dataset's own class
    legal: Legal = None  # None: the dataset's legal basis
    unit: object = None
    states: object = None  # a workflow's states (code -> lazy label): not a classifier, but charts group by it


#: the screens a Layout speaks of, as the catalogue names them
SCREEN_LABELS = {"list": _l("list"), "search": _l("search"), "form": _l("add form"), "edit": _l("edit form"),
                 "show": _l("record page"), "api": _l("REST API")}


@dataclass(frozen=True)
class Layout:
    """Which of a dataset's fields its screens show and take, said once: the list page, its search, the add form
    (also what the REST API's POST accepts), the edit form, the record page and what the REST API returns. Every
    view and API of the dataset reads it (views/base.py); a view declares a list only where it is a narrower screen
    of the dataset (an archive, a child list) or where it differs."""

    list: tuple = None
    search: tuple = None
    form: tuple = None
    edit: tuple = None  # None: the add form's fields
    show: tuple = None  # None: every column
    api: tuple = None  # what the REST API returns of a record (None: the id and the table's own columns)

    def columns(self, screen):
        """The fields of one screen: "list", "search", "add", "edit", "show" or "api" (None: not said)."""
        if screen == "add":
            return self.form
        if screen == "edit":
            return self.edit if self.edit is not None else self.form
        return getattr(self, screen)


@dataclass
class Dataset:
    title: object  # plural, e.g. "Households"
    entity: object  # one record, e.g. "Household"
    description: object
    legal: Legal
    personal: str = "none"  # none / personal / special: the class of its fields unless a field says otherwise
    retention: object = None  # how long rows are kept, in words
    retention_parameter: str = None  # the policy parameter that sets the term (app/catalogue/policy.py)
    extensible: bool = False  # administrators may add custom fields (the model has the `custom` column)
    reference: bool = False  # reference data (classifiers): candidates for open data
    fields: dict = field(default_factory=dict)  # attribute -> F or a lazy label (columns, relations, properties)
    layout: Layout = None  # the columns of its screens (None: each view says)

    def __post_init__(self):
        if self.personal not in PERSONAL_CLASSES:
            raise ValueError(f"unknown personal-data class {self.personal}")
        self.fields = {k: v if isinstance(v, F) else F(v) for k, v in self.fields.items()}
        for spec in self.fields.values():
            if spec.personal is not None and spec.personal not in PERSONAL_CLASSES:
                raise ValueError(f"unknown personal-data class {spec.personal}")


#: classifiers declared by the modules (code -> definition); app/catalogue/classifiers.py seeds them into the
#: database, where administrators rename items in three languages and add items to open lists
CLASSIFIERS = {}


@dataclass
class ClassifierDefinition:
    code: str
    title: object
    items: dict  # item code -> lazy English name (ky and ru from the catalogs)
    module: str = "core"
    open: bool = True  # administrators may add items
    system: tuple = ()  # item codes the rules test: renamed, never switched off


def classifier(code, title, items, module="core", open=True, system=()):
    """Declare a classifier and return its live mapping (code -> name in the current language), which reads the
    administrators' items at run time and the declared ones before the database is there."""
    from app.catalogue.classifiers import ClassifierChoices

    if code in CLASSIFIERS and set(CLASSIFIERS[code].items) != set(items):
        raise ValueError(f"classifier {code} declared twice")
    CLASSIFIERS[code] = ClassifierDefinition(code, title, dict(items), module, open, tuple(system))
    return ClassifierChoices(code)
