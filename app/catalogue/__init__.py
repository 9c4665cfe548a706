"""The data catalogue: field dictionary, classifiers, custom fields, policy parameters, chart builder, published
schemas. See docs/ARCHITECTURE.md ("Data catalogue")."""


def install():
    """Flush hooks: the catalogue's revision (cache reload in every worker) and the parameters decisions used."""
    from app.catalogue import policy, state

    state.install()
    policy.install()


def seed_reference(session, echo=print):
    """Classifiers (with the codes records already store) and the shipped policy parameters, where missing."""
    from app.catalogue import classifiers, policy

    classifiers.seed(session, echo)
    policy.seed(session, echo)
