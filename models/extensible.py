"""Datasets administrators may extend: custom field values in a JSON column next to the row (NetBox's way),
JSONB with a GIN index on PostgreSQL (containment search), JSON on SQLite.

A custom value reads like an attribute (`household.water_source`), so forms, lists, exports and the API treat it
as one more column; it is written with `set_custom`, always as a new dict so that the change is seen by the audit
flush hook (old → new per key)."""
from sqlalchemy import JSON, Column, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declared_attr

CustomJSON = JSON().with_variant(JSONB(), "postgresql")


class Extensible:
    """Mix in before the other mixins; the model's `__dataset__` says `extensible=True`."""

    @declared_attr
    def custom(cls):
        return Column(CustomJSON, nullable=False, default=dict, server_default=text("'{}'"))

    def __getattr__(self, name):
        # only reached when normal lookup fails: custom keys of this dataset, nothing else
        if not name.startswith("_"):
            from app.catalogue import custom

            if custom.is_custom_key(type(self).__tablename__, name):
                return (self.custom or {}).get(name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def custom_value(self, key):
        return (self.custom or {}).get(key)

    def set_custom(self, key, value):
        values = dict(self.custom or {})
        if value is None or value == "":
            values.pop(key, None)
        else:
            values[key] = value
        if values != (self.custom or {}):
            self.custom = values
