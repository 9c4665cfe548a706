"""The data catalogue: pages (/catalogue/), the machine-readable endpoints (JSON list, Frictionless Table Schema,
Data Package, DCAT-AP JSON-LD), the administration of custom fields, texts, classifiers and policy parameters,
and the open-data pages served without login."""
import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.api import BaseApi, expose as api_expose, protect, safe
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from app import clock
from app.catalogue import admin, classifiers, dictionary, policy, schema
from app.errors import DomainError
from app.i18n import current_language
from app.scope import current_scope
from app.transaction import transaction
from models.catalogue import Classifier, ClassifierItem, CustomField, DictionaryText, PolicyParameter
from views.base import SanaripModelView

MODULE_LABELS = {"core": _l("Platform"), "household_book": _l("Household book"), "lsg_passport": _l("LSG passport"),
                 "social_passport": _l("Social passports"), "land_queue": _l("Land plot queue"),
                 "municipal_property": _l("Municipal property"), "child_protection": _l("Child protection")}


def _base_url():
    return request.host_url.rstrip("/")


def _publisher(language):
    from flask_babel import force_locale

    with force_locale(language):
        return gettext("Local self-government bodies of the Kyrgyz Republic (Sanarip)")


def visible_datasets():
    """The datasets of the enabled modules (and the platform's)."""
    enabled = {spec.key for spec in current_app.extensions["sanarip_modules"]}
    return [info for info in dictionary.datasets().values() if info.module in enabled or info.module == "core"]


def can_count(appbuilder, info):
    """A count of a personal dataset is shown to those who may read it; of other datasets to everyone."""
    from app.catalogue.charts import may_read

    return info.personal == "none" or may_read(appbuilder, info.model)


def diagram(infos):
    """The geometry of the links between datasets (catalogue/_diagram.html draws it as SVG): one column per
    module, a box per dataset, a curve per reference."""
    modules = []
    for info in infos:
        if info.module not in modules:
            modules.append(info.module)
    box_w, box_h, gap_x, gap_y, top = 190, 26, 60, 10, 40
    position = {}
    for column, module in enumerate(modules):
        rows = [i for i in infos if i.module == module]
        for row, info in enumerate(rows):
            position[info.key] = (20 + column * (box_w + gap_x), top + row * (box_h + gap_y))
    height = top + max((sum(1 for i in infos if i.module == m) for m in modules), default=1) * (box_h + gap_y) + 20
    headers = [(20 + column * (box_w + gap_x), MODULE_LABELS.get(module, module))
               for column, module in enumerate(modules)]
    curves = []
    for info in infos:
        x1, y1 = position[info.key]
        for _field, target in info.links:
            if target not in position or target in ("ab_user",):
                continue
            x2, y2 = position[target]
            start_x = x1 + (box_w if x2 > x1 else 0)
            end_x = x2 + (0 if x2 > x1 else box_w)
            if x2 == x1:
                start_x = end_x = x1 + box_w
            bend = start_x + (40 if x2 >= x1 else -40)
            curves.append({"d": f"M{start_x},{y1 + box_h / 2} C{bend},{y1 + box_h / 2} {bend},{y2 + box_h / 2} "
                                f"{end_x},{y2 + box_h / 2}", "faint": target == "ref_territory"})
    boxes = [{"x": position[i.key][0], "y": position[i.key][1], "key": i.key, "title": i.title()[:32],
              "fill": {"none": "#eef5ee", "personal": "#fff4e0", "special": "#fde8e8"}[i.personal]} for i in infos]
    return {"width": 40 + len(modules) * (box_w + gap_x), "height": height, "box_w": box_w, "box_h": box_h,
            "headers": headers, "curves": curves, "boxes": boxes}


class CatalogueView(BaseView):
    """Every dataset by module: description, legal basis, records in the user's territory, personal-data class,
    retention, links; a page per dataset with its fields."""

    route_base = "/catalogue"
    default_view = "index"
    template_folder = None

    @expose("/")
    @has_access
    def index(self):
        session, scope = self.appbuilder.session, current_scope()
        infos = sorted(visible_datasets(), key=lambda i: (list(MODULE_LABELS).index(i.module)
                                                          if i.module in MODULE_LABELS else 99, i.title()))
        rows = []
        for info in infos:
            count = schema.record_count(session, info, scope) if can_count(self.appbuilder, info) else None
            rows.append((info, count))
        groups = []
        for info, count in rows:
            if not groups or groups[-1][0] != info.module:
                groups.append((info.module, []))
            groups[-1][1].append((info, count))
        return self.render_template("catalogue/index.html", title=gettext("Data catalogue"), groups=groups,
                                    modules=MODULE_LABELS, diagram=diagram(infos), view=self,
                                    personal_labels=classifiers.ClassifierChoices("personal_data_class"))

    @expose("/dataset/<key>")
    @has_access
    @permission_name("index")
    def dataset(self, key):
        info = dictionary.dataset(key)
        if info is None or info not in visible_datasets():
            abort(404)
        fields = info.fields(("active", "retired", "promoted") if self._is_admin() else ("active",))
        fields = [f for f in fields if f.key != "custom"]
        incoming = [(other, field) for other in visible_datasets() for field, target in other.links
                    if target == info.key]
        return self.render_template(
            "catalogue/dataset.html", title=info.title(), info=info, fields=fields, incoming=incoming,
            modules=MODULE_LABELS, personal_labels=classifiers.ClassifierChoices("personal_data_class"),
            admin=self._is_admin(), view=self, can_publish=self.appbuilder.sm.has_access("can_publish",
                                                                                          "CatalogueView"),
            dataset_title=lambda key: dictionary.dataset(key).title() if dictionary.dataset(key) else key,
            classifier_title=classifiers.title)

    def _is_admin(self):
        return self.appbuilder.sm.has_access("can_add", "CustomFieldView")

    @expose("/dataset/<key>/publish", methods=["POST"])
    @has_access
    @permission_name("publish")
    def publish(self, key):
        """Publish a dataset without personal data as open data, or withdraw it."""
        session = self.appbuilder.session
        with transaction(session) as t:
            admin.publish(session, key, request.form.get("open_data") == "1", clock.now())
        if t.error:
            flash(str(t.error), "danger")
        else:
            flash(gettext("Saved."), "success")
        return redirect(url_for(".dataset", key=key))

    @expose("/datapackage.json")
    @has_access
    @permission_name("index")
    def datapackage(self):
        package = schema.data_package(visible_datasets(), current_language(), _base_url())
        return Response(json.dumps(package, ensure_ascii=False, indent=1, default=str),
                        mimetype="application/json")

    @expose("/dcat.jsonld")
    @has_access
    @permission_name("index")
    def dcat(self):
        document = schema.dcat(visible_datasets(), _base_url(), _publisher)
        return Response(json.dumps(document, ensure_ascii=False, indent=1), mimetype="application/ld+json")


class CatalogueApi(BaseApi):
    """`GET /api/v1/catalogue/datasets`, `GET …/datasets/<key>/schema` (Frictionless Table Schema) and
    `POST …/datasets/<key>/fields` (a custom field, administrators)."""

    resource_name = "catalogue"
    allow_browser_login = True
    openapi_spec_tag = "Catalogue"

    @api_expose("/datasets", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def datasets(self):
        """The datasets of the catalogue
        ---
        get:
          responses:
            200:
              description: Every dataset with its texts in three languages, legal basis, personal-data class,
                retention, links and (where the user may see it) its record count within the user's territory
        """
        session, scope, language = self.appbuilder.session, current_scope(), current_language()
        out = []
        for info in visible_datasets():
            count = schema.record_count(session, info, scope)[0] if can_count(self.appbuilder, info) else None
            out.append(schema.dataset_summary(info, language, count, _base_url()))
        return self.response(200, result=out, count=len(out))

    @api_expose("/datasets/<key>/schema", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    def table_schema(self, key):
        """The dataset as a Frictionless Table Schema
        ---
        get:
          parameters:
          - in: path
            name: key
            schema:
              type: string
          responses:
            200:
              description: A Frictionless Table Schema (fields, types, constraints, keys; titles, descriptions and
                legal bases in ky, ru and en)
            404:
              $ref: '#/components/responses/404'
        """
        info = dictionary.dataset(key)
        if info is None or info not in visible_datasets():
            return self.response_404()
        language = request.args.get("lang") if request.args.get("lang") in ("ky", "ru", "en") else current_language()
        return Response(json.dumps(schema.table_schema(info, language), ensure_ascii=False),
                        mimetype="application/json")

    @api_expose("/datasets/<key>/fields", methods=["POST"])
    @protect()
    @safe
    @permission_name("post")
    def add_field(self, key):
        """Add a custom field to a dataset
        ---
        post:
          parameters:
          - in: path
            name: key
            schema:
              type: string
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    key: {type: string}
                    kind: {type: string, enum: [text, integer, decimal, date, boolean, choice, reference]}
                    label_ky: {type: string}
                    label_ru: {type: string}
                    label_en: {type: string}
                    required: {type: boolean}
                    min_value: {type: number}
                    max_value: {type: number}
                    pattern: {type: string}
                    classifier_code: {type: string}
                    reference_dataset: {type: string}
                    personal: {type: string, enum: [none, personal, special]}
          responses:
            201:
              description: The field, at once in the dataset's forms, lists, exports, imports and API
            422:
              $ref: '#/components/responses/422'
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message=gettext("The request is not a JSON object."))
        session = self.appbuilder.session
        try:
            field = admin.add_custom_field(session, {**body, "dataset": key})
            session.commit()
        except DomainError as exc:
            session.rollback()
            return self.response_422(message={exc.field or "_": [str(exc)]})
        except (TypeError, ValueError) as exc:
            session.rollback()
            return self.response_422(message={"_": [gettext("Check the values: %(error)s", error=str(exc)[:200])]})
        return self.response(201, id=field.id, result={"dataset": field.dataset, "key": field.key,
                                                       "kind": field.kind, "status": field.status})


# --- administration ---------------------------------------------------------------------------------------------
def _dataset_choices(extensible_only=False):
    return [(i.key, f"{i.title()} ({i.key})") for i in sorted(visible_datasets(), key=lambda i: i.title())
            if i.extensible or not extensible_only]


def _classifier_choices():
    from models.dictionary import CLASSIFIERS

    return [("", "—")] + [(code, classifiers.title(code)) for code in sorted(CLASSIFIERS)]


class CustomFieldView(SanaripModelView):
    """Fields administrators add to the datasets marked extensible; they appear at once (no restart)."""

    datamodel = SQLAInterface(CustomField)
    base_order = ("dataset", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_retire", "can_restore"]

    def __init__(self, *args, **kwargs):
        self.add_form_extra_fields = {
            "dataset": SelectField(_l("Dataset"), choices=lambda: _dataset_choices(True), validators=[DataRequired()],
                                   default=lambda: request.args.get("dataset")),  # from the catalogue page
            "classifier_code": SelectField(_l("Classifier"), choices=_classifier_choices, validators=[Optional()]),
            "reference_dataset": SelectField(_l("Referenced dataset"),
                                             choices=lambda: [("", "—")] + _dataset_choices(),
                                             validators=[Optional()]),
        }
        self.edit_form_extra_fields = {k: v for k, v in self.add_form_extra_fields.items() if k != "dataset"}
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        admin.check_custom_field(self.datamodel.session, item)

    def on_update(self, item):
        admin.check_custom_field(self.datamodel.session, item)

    def _toggle(self, items, change, done):
        items = items if isinstance(items, list) else [items]
        session = self.datamodel.session
        with transaction(session) as t:
            for item in items:
                change(session, item)
        if t.error:
            flash(str(t.error), "danger")
        else:
            flash(str(done), "success")
        return redirect(url_for(".list"))

    @action("retire", _l("Retire"), _l("Retire the field? It disappears from forms and lists; its values and "
                                       "history are kept."), "fa-archive")
    def retire(self, items):
        return self._toggle(items, lambda s, i: admin.retire(s, i, clock.now()), _l("The field is retired."))

    @action("restore", _l("Restore"), None, "fa-undo")
    def restore(self, items):
        return self._toggle(items, admin.restore, _l("The field is in use again."))


class DictionaryTextView(SanaripModelView):
    """Administrators' wording of the labels, descriptions and legal bases (empty: the shipped text)."""

    datamodel = SQLAInterface(DictionaryText)
    base_order = ("dataset", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]

    def __init__(self, *args, **kwargs):
        self.add_form_extra_fields = {"dataset": SelectField(_l("Dataset"), choices=_dataset_choices,
                                                             validators=[DataRequired()])}
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        info = dictionary.dataset(item.dataset)
        item.field = (item.field or "").strip()
        if info is None or (item.field and item.field not in info.labelled_keys()):
            raise DomainError(_l("Unknown dataset or field."), field="field", code="unknown_field")

    def prefill_form(self, form, pk):
        pass

    @expose("/for/<dataset>/", methods=["GET"])
    @expose("/for/<dataset>/<field>", methods=["GET"])
    @has_access
    @permission_name("edit")
    def for_field(self, dataset, field=""):
        """Open the texts of a dataset or field from the catalogue: the existing row, or a new one prefilled with
        the shipped texts in three languages."""
        info = dictionary.dataset(dataset)
        if info is None or (field and field not in info.labelled_keys()):
            abort(404)
        session = self.datamodel.session
        row = session.scalar(select(DictionaryText).where(DictionaryText.dataset == dataset,
                                                          DictionaryText.field == field))
        if row is None:
            row = DictionaryText(dataset=dataset, field=field)
            for language in ("ky", "ru", "en"):
                setattr(row, f"label_{language}", info.field_label(field, language) if field else
                        info.title(language))
                setattr(row, f"description_{language}", (info.field_description(field, language) if field else
                                                         info.description(language)) or None)
            session.add(row)
            session.commit()
        return redirect(url_for(".edit", pk=row.id))


class ClassifierItemView(SanaripModelView):
    datamodel = SQLAInterface(ClassifierItem)
    base_order = ("sort_order", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]

    def on_add(self, item):
        classifiers.check_item(self.datamodel.session, item)

    on_update = on_add

    def on_delete(self, item):
        classifiers.check_item_delete(item)


class ClassifierView(SanaripModelView):
    """Every choice list of the modules (not the workflow states): names in three languages, items and codes."""

    datamodel = SQLAInterface(Classifier)
    related_views = [ClassifierItemView]
    base_order = ("code", "asc")
    base_permissions = ["can_list", "can_show", "can_edit"]
    choice_columns = {"module": MODULE_LABELS}


class PolicyParameterView(SanaripModelView):
    """Versions of the policy parameters: a change of the law is a new version from its effective date."""

    datamodel = SQLAInterface(PolicyParameter)
    formatters_columns = {"clause": lambda clause: policy.clause_text(clause) or ""}
    base_order = ("key", "asc")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]

    def __init__(self, *args, **kwargs):
        choices = lambda: [(k, str(s.label)) for k, s in sorted(policy.load_all().items())]  # noqa: E731
        self.add_form_extra_fields = {"key": SelectField(_l("Parameter"), choices=choices,
                                                         validators=[DataRequired()])}
        self.edit_form_extra_fields = dict(self.add_form_extra_fields)
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        policy.check_version(self.datamodel.session, item, clock.local_today())

    on_update = on_add

    def on_delete(self, item):
        policy.check_version_delete(item, clock.local_today())


# --- open data without login ------------------------------------------------------------------------------------
open_data = Blueprint("open_data", __name__, url_prefix="/open")
open_data.rate_limit = "60 per minute"


def _published():
    """Open datasets, and those with a public extract (their published part only, through the extract)."""
    return [i for i in visible_datasets() if i.open_data or i.key in schema.EXTRACTS]


@open_data.route("/")
def open_index():
    from models.catalogue import SavedChart
    from app.extensions import db

    charts = db.session.scalars(select(SavedChart).where(SavedChart.open_data.is_(True))
                                .order_by(SavedChart.title)).all()
    appbuilder = current_app.appbuilder
    return render_template("catalogue/open.html", datasets=_published(), charts=charts, appbuilder=appbuilder,
                           extracts=schema.EXTRACTS,
                           base_template=appbuilder.base_template, title=gettext("Open data"))


def _open_columns(info):
    return [f for f in info.fields() if not f.is_bookkeeping and f.personal == "none" and f.key != "custom"]


@open_data.route("/<key>.<fmt>")
def open_dataset(key, fmt):
    """A published dataset as CSV or JSON: every row, the fields without personal data, streamed."""
    from app.extensions import db

    info = dictionary.dataset(key)
    if info is not None and key in schema.EXTRACTS:  # never the whole table: its published part
        return redirect(url_for(schema.EXTRACTS[key].csv_endpoint))
    if info is None or not info.open_data or fmt not in ("csv", "json"):
        abort(404)
    fields = _open_columns(info)
    model = info.model
    rows = db.session.execute(select(model).order_by(*[c for c in model.__table__.primary_key.columns])
                              .execution_options(yield_per=1000)).scalars()

    def value(row, f):
        data = row.custom_value(f.key) if f.custom is not None else getattr(row, f.key, None)
        return data.isoformat() if hasattr(data, "isoformat") else data

    if fmt == "json":
        body = [{f.key: value(r, f) for f in fields} for r in rows]
        return Response(json.dumps({"dataset": key, "fields": [f.key for f in fields], "rows": body},
                                   ensure_ascii=False, default=str), mimetype="application/json")

    def stream():
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([f.key for f in fields])
        yield "\ufeff" + buffer.getvalue()
        for row in rows:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(["" if value(row, f) is None else value(row, f) for f in fields])
            yield buffer.getvalue()

    return Response(stream(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{key}.csv"'})


@open_data.route("/dcat.jsonld")
def open_dcat():
    document = schema.dcat(_published(), _base_url(), _publisher)
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/ld+json")


@open_data.route("/charts/<int:chart_id>.csv")
def open_chart(chart_id):
    """A published chart's table, counted for the whole republic with small cells withheld (the public reads no
    personal record)."""
    from app.catalogue import charts
    from app.extensions import db
    from app.scope import NATIONAL
    from models.catalogue import SavedChart

    saved = db.session.get(SavedChart, chart_id)
    if saved is None or not saved.open_data:
        abort(404)
    frame, dims = charts.aggregate(db.session, NATIONAL, charts.ChartRequest.of(saved), suppress=True)
    frame = frame.rename(columns={f"g{i + 1}": str(d.label) for i, d in enumerate(dims)})
    frame["value"] = frame["value"].astype(object).where(frame["value"].notna(), "x")
    return Response("\ufeff" + frame.drop(columns="withheld").to_csv(index=False), mimetype="text/csv; charset=utf-8")
