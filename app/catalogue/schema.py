"""The catalogue in published forms: Frictionless Table Schema per dataset, a Data Package of the catalogue, a
DCAT-AP (3.0) JSON-LD catalogue, and record counts inside a user's scope.

Beyond what CKAN's data dictionary, Frictionless or DCAT-AP say of a field, every field here carries its label
and description in ky, ru and en, its legal basis (regulation and clause) and its personal-data class; DCAT's
`dcatap:applicableLegislation` names the regulations of each dataset."""
from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import func, select, text

from app.i18n import LOCALES

ACCESS_RIGHTS = {"public": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
                 "restricted": "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
                 "non_public": "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC"}
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class PublicExtract:
    """The public part of a dataset that is not open as a whole (the published rows and fields of a register):
    served by its module's own page and CSV, listed in the DCAT catalogue as public, and never replaced by the
    whole table's open export."""
    dataset: str
    page_endpoint: str  # the public page (url_for name)
    csv_endpoint: str  # the CSV of the published rows and fields
    fields: tuple  # the published fields, in order


#: dataset key -> PublicExtract, declared by the module that serves it
EXTRACTS = {}


def public_extract(dataset, page_endpoint, csv_endpoint, fields):
    EXTRACTS[dataset] = PublicExtract(dataset, page_endpoint, csv_endpoint, tuple(fields))
    return EXTRACTS[dataset]


def _three(getter):
    return {language: getter(language) for language in LOCALES}


def field_descriptor(info, language):
    descriptor = {"name": info.key, "type": info.type, "title": info.label(language),
                  "description": info.description(language) or info.label(language),
                  "titles": _three(info.label), "descriptions": _three(info.description),
                  "legalBasis": _three(info.legal), "personalData": info.personal}
    if info.type == "date":
        descriptor["format"] = "default"
    constraints = {}
    if info.required:
        constraints["required"] = True
    if info.unique and info.key != "id":
        constraints["unique"] = True
    if info.type == "string" and info.max_length:
        constraints["maxLength"] = int(info.max_length)
    if info.classifier:
        from app.catalogue import classifiers

        constraints["enum"] = [c for c, _, _, _ in classifiers.items(info.classifier)]
        descriptor["classifier"] = info.classifier
    if info.custom is not None:
        descriptor["custom"] = True
        if info.custom.pattern and info.type == "string":
            constraints["pattern"] = info.custom.pattern
        if info.custom.min_value is not None and info.type in ("integer", "number"):
            constraints["minimum"] = _number(info.custom.min_value, info.type)
        if info.custom.max_value is not None and info.type in ("integer", "number"):
            constraints["maximum"] = _number(info.custom.max_value, info.type)
    if constraints:
        descriptor["constraints"] = constraints
    if info.refers:
        descriptor["references"] = info.refers
    return descriptor


def _number(value, kind):
    return int(value) if kind == "integer" else float(value)


def table_schema(info, language):
    """A Frictionless Table Schema of the dataset: its columns (the `custom` JSON column unfolded into the custom
    fields), types, constraints, keys and texts in three languages."""
    fields = [f for f in info.fields() if f.key != "custom"]
    schema = {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": info.key, "title": info.title(language), "description": info.description(language),
        "titles": _three(info.title), "descriptions": _three(info.description),
        "legalBasis": _three(info.legal_text), "personalData": info.personal,
        "retention": _three(info.retention),
        "fields": [field_descriptor(f, language) for f in fields],
        "missingValues": [""],
    }
    keys = [c.key for c in info.columns if c.primary_key]
    if keys:
        schema["primaryKey"] = keys if len(keys) > 1 else keys[0]
    foreign = []
    for f in fields:
        if f.column is not None and f.column.foreign_keys and not f.is_bookkeeping:
            target = next(iter(f.column.foreign_keys)).column
            foreign.append({"fields": f.key, "reference": {"resource": target.table.name if target.table.name !=
                                                           info.key else "", "fields": target.key}})
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def dataset_summary(info, language, count=None, base_url=""):
    return {"key": info.key, "module": info.module, "title": info.title(language), "titles": _three(info.title),
            "description": info.description(language), "descriptions": _three(info.description),
            "legalBasis": _three(info.legal_text), "personalData": info.personal,
            "retention": info.retention(language), "reference": info.spec.reference,
            "extensible": info.extensible, "openData": info.open_data, "records": count,
            "links": [{"field": k, "dataset": d} for k, d in info.links],
            "schema": f"{base_url}/api/v1/catalogue/datasets/{info.key}/schema"}


def data_package(infos, language, base_url):
    """A Frictionless Data Package of the catalogue: one resource per dataset with its schema; published
    datasets point to their open CSV, the others to their (login-protected) API."""
    resources = []
    for info in infos:
        path = f"{base_url}/open/{info.key}.csv" if info.open_data else f"{base_url}/api/v1/catalogue/datasets/" \
            f"{info.key}/schema"
        resources.append({"name": info.key, "title": info.title(language), "description": info.description(language),
                          "path": path, "format": "csv" if info.open_data else "json",
                          "mediatype": "text/csv" if info.open_data else "application/json",
                          "schema": table_schema(info, language),
                          "sanarip": {"module": info.module, "personalData": info.personal,
                                      "openData": info.open_data}})
    with force_locale(language):
        from flask_babel import gettext

        title = gettext("Data catalogue of Sanarip")
    return {"name": "sanarip-catalogue", "title": title, "resources": resources,
            "licenses": [{"name": "CC-BY-4.0", "path": LICENCE, "title": "Creative Commons Attribution 4.0"}]}


def _lang_values(getter):
    return [{"@value": getter(language), "@language": language} for language in LOCALES if getter(language)]


def dcat(infos, base_url, publisher, url_for=None):
    """The catalogue as DCAT-AP 3.0 JSON-LD: datasets with titles and descriptions in three languages, access
    rights by personal-data class and publication, applicable legislation, distributions and the schema each
    conforms to. A dataset with a public extract (EXTRACTS) is public through its extract's page and CSV;
    `url_for(endpoint)` makes their paths (Flask's, by default)."""
    if url_for is None:
        from flask import url_for
    context = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
               "foaf": "http://xmlns.com/foaf/0.1/", "dcatap": "http://data.europa.eu/r5r/",
               "xsd": "http://www.w3.org/2001/XMLSchema#"}
    datasets = []
    for info in infos:
        extract = EXTRACTS.get(info.key)
        rights = "public" if info.open_data or extract else "non_public" if info.personal != "none" else \
            "restricted"
        distributions = [{"@id": f"{base_url}/catalogue/dataset/{info.key}#schema", "@type": "dcat:Distribution",
                          "dcat:accessURL": {"@id": f"{base_url}/api/v1/catalogue/datasets/{info.key}/schema"},
                          "dct:format": "JSON", "dcat:mediaType": "application/json",
                          "dct:title": _lang_values(lambda lang, i=info: f"{i.title(lang)} — Table Schema")}]
        if info.open_data:
            distributions.append({
                "@id": f"{base_url}/open/{info.key}.csv", "@type": "dcat:Distribution",
                "dcat:accessURL": {"@id": f"{base_url}/open/"}, "dcat:downloadURL": {"@id": f"{base_url}/open/"
                                                                                           f"{info.key}.csv"},
                "dct:format": "CSV", "dcat:mediaType": "text/csv", "dct:license": {"@id": LICENCE}})
        elif extract:
            page, csv_url = base_url + url_for(extract.page_endpoint), base_url + url_for(extract.csv_endpoint)
            distributions.append({
                "@id": csv_url, "@type": "dcat:Distribution", "dcat:accessURL": {"@id": page},
                "dcat:downloadURL": {"@id": csv_url}, "dct:format": "CSV", "dcat:mediaType": "text/csv",
                "dct:license": {"@id": LICENCE},
                "dct:description": [{"@value": ", ".join(extract.fields), "@language": "en"}]})
        datasets.append({
            "@id": f"{base_url}/catalogue/dataset/{info.key}", "@type": "dcat:Dataset",
            "dct:identifier": info.key, "dct:title": _lang_values(info.title),
            "dct:description": _lang_values(info.description),
            "dct:accessRights": {"@id": ACCESS_RIGHTS[rights]},
            "dcatap:applicableLegislation": _lang_values(info.legal_text),
            "dct:conformsTo": {"@id": f"{base_url}/api/v1/catalogue/datasets/{info.key}/schema"},
            "dct:publisher": {"@id": f"{base_url}/#publisher"},
            "dcat:keyword": [{"@value": info.module, "@language": "en"}],
            "dcat:distribution": distributions,
            **({"dcat:landingPage": {"@id": base_url + url_for(extract.page_endpoint)}} if extract else {})})
    return {"@context": context, "@id": f"{base_url}/catalogue/dcat.jsonld", "@type": "dcat:Catalog",
            "dct:title": _lang_values(lambda lang: _catalogue_title(lang)),
            "dct:publisher": {"@id": f"{base_url}/#publisher", "@type": "foaf:Agent",
                              "foaf:name": _lang_values(publisher)},
            "dcat:dataset": datasets}


def _catalogue_title(language):
    from flask_babel import gettext

    with force_locale(language):
        return gettext("Data catalogue of Sanarip")


# --- counts within the scope ----------------------------------------------------------------------------------
def record_count(session, info, scope):
    """Rows of a dataset inside `scope`. A national user of a large PostgreSQL table gets the planner's estimate
    (no page scans the country: `pg_class.reltuples`), marked approximate; everyone else an exact scoped count."""
    model = info.model
    if scope.unlimited and session.get_bind().dialect.name == "postgresql":
        estimate = session.execute(text("SELECT reltuples::bigint FROM pg_class WHERE relname = :name"),
                                   {"name": model.__tablename__}).scalar()
        if estimate is not None and estimate > 100000:
            return int(estimate), True
    count = session.scalar(select(func.count()).select_from(model).where(scope.condition(model)))
    return int(count or 0), False
