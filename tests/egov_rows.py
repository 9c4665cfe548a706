"""Rows of every model of the e-government register in two organisations, for the class-wide walkers
(tests/test_scope.py, tests/test_workflow.py), added only where the demo data (app/seed/egov_registry.py) has none:
idempotent, and a no-op once the demo seed gives each model rows of two organisations."""
import datetime
import uuid

WALKER_INNS = ("01010200010001", "01010200010002")


def _two_organisations(session, model):
    ids = {row.scope_organisation_id() for row in session.query(model).limit(500)}
    return len(ids - {None}) >= 2


def ensure_egov_rows(app):
    """Returns the id of an organisation that has a row of every model (the probe's organisation)."""
    from app.extensions import db
    from app.services import egov_registry as service
    from models.egov_registry import EgovApplication, EgovApplicationStep, EgovDocument, EgovElement, \
        EgovElementItem, EgovElementVersion, EgovEmployee, EgovOrganisation, EgovRelation

    models = (EgovOrganisation, EgovEmployee, EgovElement, EgovElementItem, EgovRelation, EgovDocument,
              EgovElementVersion, EgovApplication, EgovApplicationStep)
    with app.app_context():
        if not all(_two_organisations(db.session, m) for m in models) or \
                db.session.query(EgovApplication).filter_by(status="submitted").count() < 2:
            now = datetime.datetime.now(datetime.timezone.utc)
            for inn, name in zip(WALKER_INNS, ("Walker ministry", "Walker mayoralty")):
                if db.session.query(EgovOrganisation).filter_by(inn=inn).first() is not None:
                    continue
                organisation = EgovOrganisation(inn=inn, name_ru=name, name_ky=name, address="Бишкек",
                                                kind="state_body")
                employee = EgovEmployee(organisation=organisation, full_name=f"{name} employee", position="p",
                                        email=f"{inn}@gov.kg", decision_number="1",
                                        decision_date=datetime.date(2026, 1, 1),
                                        valid_from=datetime.date(2026, 1, 1))
                main = EgovElement(organisation=organisation, full_name=f"{name} system", short_name=name,
                                   kind="information_system")
                other = EgovElement(organisation=organisation, full_name=f"{name} registry", short_name=name[:8],
                                    kind="data_centre")
                main.items = [EgovElementItem(kind="software", name="PostgreSQL")]
                db.session.add_all([organisation, employee, main, other])
                db.session.flush()
                db.session.add_all([
                    EgovRelation(element=main, target=other, kind="uses"),
                    EgovDocument(element=main, kind="technical", title="Technical documentation",
                                 file_name="t.pdf", stored_name=uuid.uuid4().hex + ".pdf",
                                 content_type="application/pdf", size_bytes=1)])
                service.register_version(db.session, other, now)
                other.status = "registered"
                service.submit_application(db.session, EgovApplication(
                    kind="registration", organisation=organisation, element=main, employee=employee,
                    language="ru"), now=now)
            db.session.commit()
        # the probe's organisation: one with an overdue application where there is one (the overdue report then
        # has rows to check), else the first application's
        from app.clock import local_today

        applications = db.session.query(EgovApplication).order_by(EgovApplication.id).all()
        overdue = next((a for a in applications if service.is_overdue(a, local_today())), applications[0])
        return overdue.organisation_id
