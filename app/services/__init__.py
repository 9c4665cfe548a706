"""Business rules, one file per module, plain functions with explicit arguments (no flask.g, no request, no
commit: the caller owns the transaction); broken rules raise app.errors.DomainError."""
