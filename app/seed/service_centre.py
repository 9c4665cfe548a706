"""Demo data of the public service centre (issue 12, item 10)."""


def seed(session, echo):
    """Filled in by the seed's owner."""
