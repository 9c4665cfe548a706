"""Impact of removing an element of the e-government register (cl. 27–29): which registered elements still
depend on it. The removal step and form, and the element page, call `dependants` and show its list before the
operator records the cessation: removal is a status (cl. 3), but a system that still uses, is part of or exchanges
data through Tunduk with a removed one is left with a broken link the operator should know about."""
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from models.egov_registry import RELATION_KINDS, EgovElement, EgovRelation


#: relation kinds read from the dependant's side: "A uses E", "A is part of E", "A exchanges with E via Tunduk"
_TOWARDS = ("uses", "part_of", "tunduk")
#: and from the removed element's side: "E is used by A", "E exchanges with A via Tunduk" (an exchange has two ends)
_FROM = ("used_by", "tunduk")


@dataclass(frozen=True)
class Dependant:
    id: int
    number: str
    name: str
    organisation_id: int
    kind: str  # relation as seen from the dependant: uses / part_of / tunduk
    service: str

    @property
    def relation_label(self):
        return RELATION_KINDS.get(self.kind, self.kind)


def dependants(session, element_id):
    """Registered elements (other than the element itself) that depend on element `element_id`, by name. One SQL
    query over both directions of the relations; not limited by the caller's scope on purpose: the operator must
    see every dependant, and an authorised employee sees only names and numbers, which the public register shows
    anyway."""
    other = EgovElement.__table__.alias("dependant")
    towards = and_(EgovRelation.target_id == element_id, EgovRelation.kind.in_(_TOWARDS),
                   other.c.id == EgovRelation.element_id)
    backwards = and_(EgovRelation.element_id == element_id, EgovRelation.kind.in_(_FROM),
                     other.c.id == EgovRelation.target_id)
    rows = session.execute(
        select(other.c.id, other.c.number, other.c.short_name, other.c.full_name, other.c.organisation_id,
               EgovRelation.kind, EgovRelation.service)
        .select_from(EgovRelation).join(other, or_(towards, backwards))
        .where(other.c.status == "registered", other.c.id != element_id)
        .order_by(other.c.full_name, other.c.id, EgovRelation.kind)
    ).all()
    seen, out = set(), []
    for id_, number, short, full, organisation_id, kind, service in rows:
        kind = "uses" if kind == "used_by" else kind
        if (id_, kind) in seen:
            continue
        seen.add((id_, kind))
        out.append(Dependant(id_, number or "", short or full or "", organisation_id, kind, service or ""))
    return out
