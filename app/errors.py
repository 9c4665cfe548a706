"""The one exception type for broken business rules. Its message is a lazy translated string, so it is shown in
the language of whoever reads it."""


class DomainError(ValueError):
    def __init__(self, message, field=None, code=None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs to, if any
        self.code = code  # a stable English key, for logs and the audit trail

    def __str__(self):
        return str(self.message)
