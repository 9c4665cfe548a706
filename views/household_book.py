"""Electronic household book: households, members, movements, voter list."""
from flask import g, redirect, url_for
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app import clock
from app.catalogue import dictionary
from app.catalogue.classifiers import ClassifierChoices
from app.reports import Column, Param, Report, ReportView
from app.scope import scoped_select
from app.workflow import WorkflowApiMixin, WorkflowViewMixin
from app.services import household_book
from models.household_book import MOVEMENTS, Certificate, Household, HouseholdMember, Movement
from views import certificates
from views.base import SanaripModelRestApi, SanaripModelView

JOINED_BY = {"record": _l("Already living here (first record)"), "arrival": _l("Arrival"), "birth": _l("Birth")}


class MovementView(SanaripModelView):
    datamodel = SQLAInterface(Movement)
    choice_columns = {"kind": ClassifierChoices("movement_kind", only=("departure", "death"))}
    formatters_columns = {"kind": lambda kind: str(MOVEMENTS.get(kind, kind))}
    base_order = ("on_date", "desc")
    # history: movements are added, never edited or deleted
    base_permissions = ["can_list", "can_show", "can_add", "can_export"]

    def on_add(self, item):
        household_book.record_movement(self.datamodel.session, item)


class MemberView(SanaripModelView):
    datamodel = SQLAInterface(HouseholdMember)
    show_fieldsets = [
        (_l("Person"), {"fields": ["last_name", "first_name", "patronymic", "pin", "sex", "birth_date",
                                    "citizenship"]}),
        (_l("In the household"), {"fields": ["household", "relation", "registration", "employment", "is_active",
                                             "joined_on", "left_on"]}),
        (_l("Record"), {"fields": ["created_by", "created_on", "changed_by", "changed_on"], "expanded": False}),
    ]
    related_views = [MovementView]
    add_template = edit_template = "household_book/member_form.html"
    base_order = ("full_name", "asc")
    eager_load = ("household.members",)  # a household is named by its head
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
    related_views = [MemberView]
    base_order = ("number", "asc")
    eager_load = ("members",)  # the head and the size
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
    add_columns = ["household", "pin", "last_name", "first_name", "patronymic", "sex", "birth_date", "relation",
                   "citizenship", "registration", "employment"]
    edit_columns = add_columns[1:]
    derived_on_add = ("sex", "birth_date")  # from the PIN (household_book.check_member)

    on_add = MemberView.on_add  # the API records a member as the form does ("record" when not said otherwise)
    on_update = MemberView.on_update


class CertificateView(WorkflowViewMixin, SanaripModelView):
    """Certificates issued to citizens: issued once (number, verification code, content fixed), never edited;
    printed as a PDF in the language the citizen asked for; revoked by the head (the workflow's one step)."""

    workflow = household_book.CERTIFICATE_WORKFLOW
    datamodel = SQLAInterface(Certificate)
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


class CertificateApi(WorkflowApiMixin, SanaripModelRestApi):
    """Read-only, and the workflow's step (revocation by the head): certificates are issued through the form."""

    resource_name = "household_book_certificate"
    datamodel = SQLAInterface(Certificate)
    workflow_view = CertificateView
    base_permissions = ["can_get", "can_info"]


def _voter_list_units(session, scope):
    from app.territory_kinds import VOTER_LIST_KINDS
    from models.reference import Territory

    return [(t.code, str(t)) for t in session.scalars(
        scoped_select(Territory, scope).where(Territory.kind.in_(VOTER_LIST_KINDS)).order_by(Territory.code))]


def _voters(session, scope, args):
    from models.base import territory_subtree_ids

    return household_book.voters_query(scope, territory_subtree_ids(args["territory"].path), args["date"])


VOTER_LIST = Report(
    key="voter_list", title=_l("Voter list"), model=HouseholdMember, query=_voters, dom_id="voter",
    description=_l("Citizens of the Kyrgyz Republic who are 18 or older on the election day and live in a household "
                   "of the chosen territory."),
    params=[Param("territory", _l("Territory"), "territory", required=True, choices=_voter_list_units),
            Param("date", _l("Election date"), "date", required=True)],
    columns=[Column("full_name", dictionary.lazy_label(HouseholdMember, "full_name"), pdf_width=30),
             Column("birth_date", dictionary.lazy_label(HouseholdMember, "birth_date"), pdf_width=12),
             Column("pin", dictionary.lazy_label(HouseholdMember, "pin"), screen=False, pdf_width=15),
             Column("address", _l("Address"), lambda v: f"{v.household.territory.name}, {v.household.address}")],
    total_label=_l("Voters"), numbered=True)


class VoterListView(ReportView):
    """Voter-list extract: citizens aged 18 or more on the election day, by territory (app/reports.py)."""

    route_base = "/voterlist"
    report = VOTER_LIST
