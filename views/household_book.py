"""Electronic household book: households, members, movements, voter list."""
import datetime

from flask import Response, abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import format_date, gettext, lazy_gettext as _l

from app import audit, clock, tabular
from app.catalogue import dictionary
from app.catalogue.classifiers import ClassifierChoices
from app.pdf import render_pdf
from app.services import household_book
from models.household_book import MOVEMENTS, Certificate, Household, HouseholdMember, Movement
from views import certificates
from views.base import SanaripModelRestApi, SanaripModelView

JOINED_BY = {"record": _l("Already living here (first record)"), "arrival": _l("Arrival"), "birth": _l("Birth")}


class MovementView(SanaripModelView):
    datamodel = SQLAInterface(Movement)
    entity = _l("Movement")
    entity_plural = _l("Movements")
    list_columns = ["on_date", "kind", "member", "place", "note"]
    show_columns = ["member", "kind", "on_date", "place", "note", "created_by", "created_on"]
    add_columns = ["member", "kind", "on_date", "place", "note"]
    search_columns = ["kind", "on_date", "member"]
    choice_columns = {"kind": ClassifierChoices("movement_kind", only=("departure", "death"))}
    formatters_columns = {"kind": lambda kind: str(MOVEMENTS.get(kind, kind))}
    base_order = ("on_date", "desc")
    # history: movements are added, never edited or deleted
    base_permissions = ["can_list", "can_show", "can_add", "can_export"]

    def on_add(self, item):
        household_book.record_movement(self.datamodel.session, item)


class MemberView(SanaripModelView):
    datamodel = SQLAInterface(HouseholdMember)
    entity = _l("Household member")
    entity_plural = _l("Household members")
    list_columns = ["full_name", "pin", "sex", "birth_date", "relation", "household", "is_active"]
    show_fieldsets = [
        (_l("Person"), {"fields": ["last_name", "first_name", "patronymic", "pin", "sex", "birth_date",
                                    "citizenship"]}),
        (_l("In the household"), {"fields": ["household", "relation", "registration", "employment", "is_active",
                                             "joined_on", "left_on"]}),
        (_l("Record"), {"fields": ["created_by", "created_on", "changed_by", "changed_on"], "expanded": False}),
    ]
    add_columns = ["household", "last_name", "first_name", "patronymic", "pin", "sex", "birth_date", "relation",
                   "citizenship", "registration", "employment", "joined_by", "joined_on"]
    edit_columns = ["last_name", "first_name", "patronymic", "pin", "sex", "birth_date", "relation",
                    "citizenship", "registration", "employment"]
    search_columns = ["full_name", "pin", "sex", "birth_date", "relation", "citizenship", "employment", "is_active",
                      "household"]
    related_views = [MovementView]
    add_template = edit_template = "household_book/member_form.html"
    base_order = ("full_name", "asc")
    import_columns = ["household", "last_name", "first_name", "patronymic", "pin", "sex", "birth_date",
                      "relation", "citizenship", "registration", "employment"]
    import_keys = {"household": "number"}
    # household numbers are unique only within a village (uq_household_number)
    import_filters = {"household": {"village": (_l("Village (SOATE code)"), "territory", "code")}}

    def __init__(self, *args, **kwargs):
        from flask_appbuilder.fieldwidgets import DatePickerWidget
        from wtforms import DateField, SelectField
        from wtforms.validators import Optional

        from models.household_book import SEXES

        # sex and date of birth follow from a valid PIN when left empty (services.household_book.check_member),
        # so the PIN's own error comes first instead of "required" on the fields that depend on it
        derived = {
            "sex": SelectField(dictionary.lazy_label(HouseholdMember, "sex"), validators=[Optional()],
                               choices=lambda: [("", "—"), *SEXES.items()]),
            "birth_date": DateField(dictionary.lazy_label(HouseholdMember, "birth_date"), validators=[Optional()],
                                    widget=DatePickerWidget()),
        }
        self.add_form_extra_fields = {"joined_by": SelectField(dictionary.lazy_label(HouseholdMember, "joined_by"),
                                                               choices=list(JOINED_BY.items()), default="record"),
                                      **derived}
        self.edit_form_extra_fields = dict(derived)
        super().__init__(*args, **kwargs)

    def on_add(self, item):
        household_book.register_member(self.datamodel.session, item, how=getattr(item, "joined_by", "record"))

    def on_update(self, item):
        household_book.check_member(self.datamodel.session, item)


class HouseholdView(SanaripModelView):
    datamodel = SQLAInterface(Household)
    entity = _l("Household")
    entity_plural = _l("Households")
    list_columns = ["number", "territory", "address", "head", "size"]
    show_columns = ["number", "territory", "address", "phone", "head", "size", "note", "created_by", "created_on",
                    "changed_by", "changed_on"]
    add_columns = ["territory", "number", "address", "phone", "note"]
    edit_columns = add_columns
    search_columns = ["number", "territory", "address"]
    related_views = [MemberView]
    base_order = ("number", "asc")
    import_columns = ["territory", "number", "address", "phone"]
    import_keys = {"territory": "code"}


class HouseholdApi(SanaripModelRestApi):
    resource_name = "household"
    datamodel = SQLAInterface(Household)
    ui_view = HouseholdView
    list_columns = ["id", "number", "territory_id", "address", "phone"]
    show_columns = list_columns + ["note"]


class MemberApi(SanaripModelRestApi):
    resource_name = "household_member"
    datamodel = SQLAInterface(HouseholdMember)
    ui_view = MemberView
    list_columns = ["id", "household_id", "pin", "last_name", "first_name", "patronymic", "sex", "birth_date",
                    "relation", "citizenship", "registration", "employment", "is_active", "joined_on", "left_on"]
    show_columns = list_columns
    add_columns = ["household", "pin", "last_name", "first_name", "patronymic", "sex", "birth_date", "relation",
                   "citizenship", "registration", "employment"]
    edit_columns = add_columns[1:]
    derived_on_add = ("sex", "birth_date")  # from the PIN (household_book.check_member)

    on_add = MemberView.on_add  # the API records a member as the form does ("record" when not said otherwise)
    on_update = MemberView.on_update


class CertificateView(SanaripModelView):
    """Certificates issued to citizens: issued once (number, verification code, content fixed), never edited;
    printed as a PDF in the language the citizen asked for."""

    datamodel = SQLAInterface(Certificate)
    entity = _l("Certificate")
    entity_plural = _l("Certificates")
    list_columns = ["number", "kind", "member", "issued_on", "valid_until", "language", "created_by"]
    show_columns = ["number", "kind", "member", "language", "issued_on", "valid_until", "issuing_body",
                    "signer_name", "signer_position", "verification_code", "revoked_on", "revoked_reason",
                    "created_by", "created_on"]
    add_columns = ["member", "kind", "language", "signer_name", "signer_position"]
    search_columns = ["number", "kind", "issued_on", "language"]
    base_order = ("number", "desc")
    base_permissions = ["can_list", "can_show", "can_add", "can_export", "can_print"]

    def on_add(self, item):
        now = clock.now()
        household_book.issue_certificate(self.datamodel.session, item, clock.local_today(now), now)

    def post_add(self, item):
        g.issued_certificate_id = item.id

    def post_add_redirect(self):
        # straight to the new certificate, where the clerk prints it
        issued = g.pop("issued_certificate_id", None)
        if issued is None:
            return super().post_add_redirect()
        return redirect(url_for(f"{self.endpoint}.show", pk=issued))

    def render_print(self, item):
        return certificates.render(item), {"number": item.number, "language": item.language}


class VoterListView(BaseView):
    """Voter-list extract: citizens aged 18 or more on the election day, by territory, on screen (first rows),
    to Excel and to PDF. Every extract is audited as an export of personal data."""

    route_base = "/voterlist"
    default_view = "index"
    preview_rows = 50

    def _request(self):
        from app.scope import current_scope
        from models.reference import Territory

        session = self.appbuilder.session
        scope = current_scope()
        choices = session.query(Territory).filter(scope.condition(Territory),
                                                  Territory.kind.in_(VOTER_LIST_KINDS)).order_by(Territory.code)
        territory = None
        code = request.args.get("territory", "")
        if code:
            territory = choices.filter(Territory.code == code).first()
        try:
            election = datetime.date.fromisoformat(request.args.get("date", ""))
        except ValueError:
            election = None
        return session, scope, choices.all(), territory, election

    def _voters(self, session, scope, territory, election):
        from models.base import territory_subtree_ids

        return household_book.voters(session, scope, territory_subtree_ids(territory.path), election)

    @expose("/")
    @has_access
    def index(self):
        session, scope, choices, territory, election = self._request()
        voters = self._voters(session, scope, territory, election) if territory and election else None
        if voters is not None:
            audit.record_bulk_read(session, HouseholdMember, [["territory", "voter_list", territory.code],
                                                              ["election", "date", election.isoformat()]],
                                   len(voters), min(len(voters), self.preview_rows), action="report")
        error = None
        if request.args and (territory is None or election is None):
            error = gettext("Choose a territory and an election date.")
        return self.render_template("household_book/voters.html", title=gettext("Voter list"), choices=choices,
                                    territory=territory, election=election, voters=voters, error=error,
                                    preview=(voters or [])[:self.preview_rows], view=self)

    @expose("/export/<fmt>")
    @has_access
    def export(self, fmt):
        session, scope, _, territory, election = self._request()
        if fmt not in ("xlsx", "pdf") or territory is None or election is None:
            abort(404)
        voters = self._voters(session, scope, territory, election)
        audit.record(session, "export", "household_book_member", None,
                     {"voter_list": territory.code, "election": election.isoformat(), "rows": len(voters),
                      "format": fmt})
        session.commit()
        headers = [gettext("№"), *[dictionary.label(HouseholdMember, c) for c in ("full_name", "birth_date", "pin")],
                   gettext("Address")]
        rows = [[n, v.full_name, v.birth_date, v.pin, f"{v.household.territory.name}, {v.household.address}"]
                for n, v in enumerate(voters, 1)]
        name = f"voters-{territory.code}-{election.isoformat()}"
        if fmt == "xlsx":
            return tabular.table_response(headers, rows, "xlsx", name)
        data = render_pdf("household_book/voters_pdf.html", title=gettext("Voter list"), territory=territory,
                          election=format_date(election, "long"), headers=headers,
                          rows=[[r[0], r[1], format_date(r[2], "medium"), r[3], r[4]] for r in rows])
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


VOTER_LIST_KINDS = ("oblast", "city_republican", "rayon", "city_district", "city_oblast", "city_rayon",
                    "aiyl_aimak", "urban_type_settlement", "settlement", "village", "village_under_city")
