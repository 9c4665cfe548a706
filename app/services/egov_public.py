"""The public part of the e-government register (cl. 30 and the public reader of issue 11): registered elements
that are not marked internal, with their published fields only. Every public path (the page, its CSV, the open
data export) reads through `published` and `PUBLISHED_FIELDS`, so a field or a row left out here is never shown.

Search is a case-insensitive substring match in SQL (Cyrillic folding on SQLite comes from the `lower` the app
registers; on PostgreSQL migration 0230 adds trigram indexes for it) and pages with LIMIT/OFFSET."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.i18n import choose_name, current_language
from models.egov_registry import ELEMENT_KINDS, EgovElement, EgovOrganisation

#: the fields the public sees, in order; anything else of an element (operator, architecture, location,
#: documents, responsible officials, internal marks...) stays inside the register
PUBLISHED_FIELDS = ("number", "full_name", "short_name", "kind", "organisation", "purpose", "registered_on")
PER_PAGE = 20
MAX_QUERY = 100


def published():
    """The rows the public may see: registered and not internal."""
    return (EgovElement.status == "registered") & (EgovElement.is_internal == 0)


@dataclass(frozen=True)
class PublicElement:
    number: str
    full_name: str
    short_name: str
    kind: str
    kind_label: str
    organisation: str
    purpose: str
    registered_on: object

    def row(self):
        """The CSV/JSON row in PUBLISHED_FIELDS order (the type as its code and its name)."""
        return {"number": self.number, "full_name": self.full_name, "short_name": self.short_name,
                "kind": self.kind, "kind_name": self.kind_label, "organisation": self.organisation,
                "purpose": self.purpose,
                "registered_on": self.registered_on.isoformat() if self.registered_on else ""}


def _condition(text):
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return None
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{escaped}%"
    return or_(*[func.lower(c).like(needle, escape="\\") for c in
                 (EgovElement.full_name, EgovElement.short_name, EgovElement.number, EgovOrganisation.name_ky,
                  EgovOrganisation.name_ru, EgovOrganisation.name_en)])


def _select(text):
    query = select(EgovElement.number, EgovElement.full_name, EgovElement.short_name, EgovElement.kind,
                   EgovOrganisation.name_ky, EgovOrganisation.name_ru, EgovOrganisation.name_en,
                   EgovElement.purpose, EgovElement.registered_on) \
        .join(EgovOrganisation, EgovOrganisation.id == EgovElement.organisation_id).where(published())
    condition = _condition(text)
    return query if condition is None else query.where(condition)


def _element(row, language):
    number, full, short, kind, ky, ru, en, purpose, registered_on = row
    organisation = choose_name({"ky": ky, "ru": ru, "en": en}, language, mark_missing=False)
    return PublicElement(number or "", full or "", short or "", kind or "", str(ELEMENT_KINDS.get(kind, "")),
                         organisation, purpose or "", registered_on)


def search(session, text="", page=1, per_page=PER_PAGE):
    """(elements of the page, total found, pages): published elements matching `text`, by name."""
    language = current_language()
    total = session.scalar(select(func.count()).select_from(_select(text).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.execute(_select(text).order_by(func.lower(EgovElement.full_name), EgovElement.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return [_element(r, language) for r in rows], total, pages


def every(session, text=""):
    """Every published element matching `text` (the open-data export), streamed in name order."""
    language = current_language()
    rows = session.execute(_select(text).order_by(EgovElement.number, EgovElement.id)
                           .execution_options(yield_per=500))
    for row in rows:
        yield _element(row, language)
