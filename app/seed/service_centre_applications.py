"""Demo applications of the public service centre (issue 12, item 10): in every office, applications in every
stage — waiting for the documents check, refused at intake, received with the centre's own interagency request
pending, sent to the agency (one overdue), result received, handed over, refused by the agency — taken through the
same workflow steps as at the counter (app/services/service_centre.py WORKFLOW), at instants counted back from
`now` on the working-day calendar, so their deadlines and histories are what the rules give."""
import datetime

from sqlalchemy import select

from app import clock
from app.services import service_centre as rules
from app.workdays import add_working_days, is_working_day
from models.service_centre import ScApplication

#: (name, sex digit, birth date) of demo applicants (fictional)
APPLICANTS = [("Асанова Айгүл Маратовна", 2, "12031990"), ("Токтогулов Бакыт Эсенович", 1, "05071985"),
              ("Жээнбекова Нургүл Алмазовна", 2, "21111979"), ("Сыдыков Тимур Русланович", 1, "30011995"),
              ("Абдыкадырова Эльмира Талантовна", 2, "14021988"), ("Касымов Азамат Бекович", 1, "09091970"),
              ("Осмонова Динара Кубанычбековна", 2, "03061992"), ("Мамытов Эрлан Жолдошевич", 1, "27041983"),
              ("Ибраимова Жылдыз Асылбековна", 2, "18081975"), ("Бекмуратов Нурлан Токтосунович", 1, "11121968")]
#: the plan per office: (stage reached, working days ago it was received, language)
PLAN = [("intake", 0, "ky"), ("refused_intake", 1, "ru"), ("received", 0, "ky"), ("received_request", 2, "ky"),
        ("sent", 3, "ru"), ("sent_overdue", 25, "ky"), ("result_received", 9, "ky"), ("handed_over", 14, "ru"),
        ("handed_over", 20, "ky"), ("refused", 12, "ru")]


def _back(today, days):
    day = today
    while days:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def _at(day, hour):
    """An instant of office hours on a local day, as aware UTC."""
    return clock.from_local(datetime.datetime.combine(day, datetime.time(hour, 20)))


def _take(session, application, name, data, now):
    rules.WORKFLOW.take(session, application, name, data, None, now)


def seed_applications(session, offices, now, echo=print):
    """Idempotent: an office that has applications gets none."""
    today = clock.local_today(now)
    made = 0
    for o, office in enumerate(offices):
        if session.scalar(select(ScApplication.id).where(ScApplication.office_id == office.id).limit(1)):
            continue
        services = [s for s in office.services if s.active and s.documents and s.applicant_kind != "organisation"]
        if not services:
            continue
        for i, (stage, ago, language) in enumerate(PLAN):
            service = services[(i + o) % len(services)]
            name, sex, birth = APPLICANTS[(i + 3 * o) % len(APPLICANTS)]
            day = _back(today, ago)
            start = min(_at(day, 9 + i % 7), now)
            application = ScApplication(office=office, service=service, applicant_kind="person",
                                        applicant_pin=f"{sex}{birth}{10000 + 37 * i + o:05d}", applicant_name=name,
                                        applicant_phone=f"+996 70{o} {100000 + 4321 * i:06d}"[:17],
                                        language=language, notify_by="sms")
            rules.open_application(session, application, start)
            session.flush()
            required = [str(line.id) for line in application.documents if not line.document.optional]
            if stage == "intake":
                made += 1
                continue
            if stage == "refused_intake":
                _take(session, application, "refuse_intake", {"presented": required[:1], "reason": "incomplete"},
                      start)
                made += 1
                continue
            _take(session, application, "accept", {"presented": required,
                                                   "originals": [str(line.id) for line in application.documents
                                                                 if line.document.original]}, start)
            pending = [r for r in application.requests if r.state == "pending"]
            if stage != "received_request":  # the body answered on the day after it was asked
                for request in pending:
                    answered = min(add_working_days(request.sent_on, 1), today)
                    rules.REQUEST_WORKFLOW.take(session, request, "answer", {
                        "answer": "Маалымкат алынды / Справка получена", "answered_on": answered}, None,
                        max(_at(answered, 11), start))
            if stage in ("received", "received_request"):
                made += 1
                continue
            sent_day = add_working_days(day, 1) if ago else day
            sent_at = min(max(_at(sent_day, 10), start), now)
            _take(session, application, "send", {}, sent_at)
            if stage in ("sent", "sent_overdue"):
                made += 1
                continue
            norm = rules.stage_norm(application, "sent")
            result_day = min(add_working_days(sent_day, max(norm - 1, 1)), today)
            result_at = min(max(_at(result_day, 15), sent_at), now)
            if stage == "refused":
                _take(session, application, "refuse", {
                    "note": "Тапшырылган маалыматтар реестрдеги маалыматтарга дал келбейт / Сведения не совпадают "
                            "с данными реестра"}, result_at)
                made += 1
                continue
            _take(session, application, "record_result", {"result_note": str(service.result_ru)}, result_at)
            if stage == "handed_over":
                handed = min(max(_at(min(add_working_days(result_day, 1), today), 12), result_at), now)
                _take(session, application, "hand_over", {}, handed)
            made += 1
        session.flush()
    echo(f"  service centre: {made} demo applications in every stage")
    return made
