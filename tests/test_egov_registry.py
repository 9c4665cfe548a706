"""The register of the e-government infrastructure: clause-bound completeness, refusal grounds, deadlines on the
Kyrgyz calendar, versions and their diff, removal as a status, the organisation scope."""
import datetime

from app.scope import Scope
from app.services import egov_registry as service
from models.egov_registry import EgovApplication, EgovDocument, EgovElement, EgovElementItem, EgovEmployee, \
    EgovOrganisation

D = datetime.date


def _element(**kw):
    org = EgovOrganisation(inn="01012010100011", name_ru="Министерство", address="Бишкек")
    fields = dict(full_name="Система", short_name="С", kind="information_system", purpose="p", legal_acts="a",
                  responsible_unit="u", architecture="x", interactions="t", location="l", location_keeper="k",
                  developer="d", users_count="up_to_100", funding="republican_budget", organisation=org)
    fields.update(kw)
    element = EgovElement(**fields)
    element.items = [EgovElementItem(kind=k, name=k) for k in ("software", "resource", "service")]
    element.documents = [EgovDocument(kind=k, title=k, file_name="f.pdf", stored_name=k, content_type="x",
                                      size_bytes=1) for k in ("technical", "commissioning_act")]
    return element


def test_a_complete_element_misses_nothing_and_each_item_is_a_rule(app):
    assert len(service.COMPLETENESS) == 17
    assert service.missing_items(_element()) == []
    element = _element(purpose="  ", developer=None)
    element.documents = [d for d in element.documents if d.kind != "commissioning_act"]
    assert service.missing_items(element) == ["20(4)", "20(14)", "20(17)"]


def test_refusal_cites_23_2_with_the_missing_items_in_the_applicants_language(app):
    element = _element(developer=None)
    org = element.organisation
    employee = EgovEmployee(organisation=org, full_name="А", position="p", email="a@gov.kg", decision_number="1",
                            decision_date=D(2026, 1, 1), valid_from=D(2026, 1, 1))
    application = EgovApplication(kind="registration", organisation=org, element=element, employee=employee,
                                  received_on=D(2026, 12, 1), language="ru")
    with app.test_request_context():
        assert service.refusal_ground(application, D(2026, 12, 1)) == "23(2)"
        text = service.draft_refusal(application, "23(2)", service.missing_items(element))
        assert "23(2)" in text and "20(14)" in text
        application.employee = None
        assert service.refusal_ground(application, D(2026, 12, 1)) == "23(1)"
        employee.valid_until = D(2026, 6, 1)
        application.employee = employee
        assert service.refusal_ground(application, D(2026, 12, 1)) == "23(1)"  # appointment expired


def test_review_deadline_skips_weekends_and_kyrgyz_holidays(app):
    friday = EgovApplication(kind="registration", status="submitted", received_on=D(2026, 12, 4))
    (review,) = service.deadlines(friday)
    assert review.clause == "21" and review.due == D(2026, 12, 9)  # Mon, Tue, Wed
    # received Tue 29 Dec 2026: 30 and 31 Dec count, 1–6 Jan are the New Year holidays, 7 Jan Orthodox Christmas
    new_year = EgovApplication(kind="registration", status="submitted", received_on=D(2026, 12, 29))
    assert service.deadlines(new_year)[0].due == D(2027, 1, 8)
    assert service.is_overdue(friday, D(2026, 12, 10)) and not service.is_overdue(friday, D(2026, 12, 9))


def test_forwarding_is_three_calendar_days_and_removal_has_both_clocks(app):
    access = EgovApplication(kind="access", status="submitted", received_on=D(2026, 12, 4))
    assert [(d.clause, d.due) for d in service.deadlines(access)] == [("18", D(2026, 12, 7))]
    removal = EgovApplication(kind="removal", status="submitted", received_on=D(2026, 12, 11),
                              decision_date=D(2026, 12, 1))
    assert [(d.clause, d.due) for d in service.deadlines(removal)] == [("27", D(2026, 12, 8)),
                                                                       ("28", D(2026, 12, 16))]
    assert service.late_notice(removal)
    removal.status = "removed"
    assert service.deadlines(removal) == []


def test_versions_are_appended_and_the_diff_shows_what_changed(app, db):
    element = _element()
    now = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
    service.register_version(db.session, element, now)
    assert service.changes_since_registration(element) == []
    element.developer = "Другой"
    assert service.changes_since_registration(element) == [("developer", "d", "Другой")]
    service.register_version(db.session, element, now)
    assert [v.number for v in element.versions] == [1, 2] and element.versions[0].data["developer"] == "d"


def test_removal_is_a_status(app):
    element = _element(status="registered")
    service.record_removal(element, D(2026, 12, 2))
    assert element.status == "removed" and element.removed_on == D(2026, 12, 2)


def test_the_organisation_scope_limits_every_registry_model(app):
    scope = Scope(organisation_id=7)
    for model in (EgovOrganisation, EgovElement, EgovApplication, EgovDocument, EgovElementItem, EgovEmployee):
        assert scope.limits(model)
        assert "7" in str(scope.condition(model).compile(compile_kwargs={"literal_binds": True}))
    assert not Scope().limits(EgovElement)


def test_the_organisation_scope_permits_writes_of_its_own_organisation_only(app, db):
    own = EgovOrganisation(inn="01012010100011", name_ru="Своя", address="Бишкек")
    other = EgovOrganisation(inn="01012010100022", name_ru="Чужая", address="Ош")
    db.session.add_all([own, other])
    db.session.flush()
    scope = Scope(organisation_id=own.id)
    assert scope.permits(db.session, EgovElement(organisation=own, full_name="a"))
    assert not scope.permits(db.session, EgovElement(organisation=other, full_name="b"))
    element = EgovElement(organisation=other, full_name="c")
    assert not scope.permits(db.session, EgovDocument(element=element, kind="other", title="t", file_name="f",
                                                      stored_name="s", content_type="x", size_bytes=1))
    # the rows it reads: its own organisation only
    db.session.add_all([EgovElement(organisation=own, full_name="mine"), EgovElement(organisation=other,
                                                                                    full_name="theirs")])
    db.session.flush()
    seen = scope.apply(db.session.query(EgovElement), EgovElement).all()
    assert [e.full_name for e in seen] == ["mine"]
    db.session.rollback()


def test_scoped_select_limits_an_organisation_bound_user_without_a_territory(app, db):
    """Charts and reports start from scoped_select: a user bound to an organisation but to no territory is not
    'national' for it (the merge of the report mechanism and the organisation scope once let such a user's charts
    count every organisation's elements)."""
    from app.scope import scoped_select
    from sqlalchemy import func

    own = EgovOrganisation(inn="01012010100033", name_ru="Своя", address="Бишкек")
    other = EgovOrganisation(inn="01012010100044", name_ru="Чужая", address="Ош")
    db.session.add_all([own, other, EgovElement(organisation=own, full_name="mine"),
                        EgovElement(organisation=other, full_name="theirs")])
    db.session.flush()
    scope = Scope(organisation_id=own.id)
    assert db.session.scalars(scoped_select(EgovElement, scope)).all()[0].full_name == "mine"
    assert db.session.scalar(scoped_select(EgovElement, scope, func.count(EgovElement.id))) == 1
    assert db.session.scalar(scoped_select(EgovElement, Scope(), func.count(EgovElement.id))) >= 2
    db.session.rollback()
