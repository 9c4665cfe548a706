"""Rules of the public service centre: intake, the stages of an application with their deadlines, interagency
requests (issue 12)."""


def daily(session, now):
    return []
