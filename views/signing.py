"""Administration → Signing certificates: which certificate each organisation signs its PDFs with, and loading a
real PKCS#12 file in place of the demo one."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from sqlalchemy import select

from app import clock, signing
from app.territory_kinds import LSG_BODY_KINDS
from app.transaction import transaction
from models.reference import Territory
from models.signing import SigningCertificate
from views.base import SanaripModelView

MAX_PKCS12_BYTES = 64 * 1024  # a PKCS#12 file with its chain is a few kilobytes


class SigningCertificateView(SanaripModelView):
    datamodel = SQLAInterface(SigningCertificate)
    formatters_columns = {"holder_type": lambda value: {"ref_territory": gettext("LSG body")}.get(value, value)}
    base_order = ("name_ru", "asc")
    base_permissions = ["can_list", "can_show", "can_edit", "can_load"]
    list_template = "signing/list.html"

    def _holders(self):
        """Organisations a certificate can be loaded for: every LSG body, and any other kind that already has
        one (service-centre offices once they exist)."""
        session = self.datamodel.session
        bodies = session.execute(select(Territory.id, Territory.name_ru, Territory.code)
                                 .where(Territory.kind.in_(LSG_BODY_KINDS)).order_by(Territory.name_ru)).all()
        choices = [(f"ref_territory:{i}", f"{name} ({code})") for i, name, code in bodies]
        others = session.execute(select(SigningCertificate.holder_type, SigningCertificate.holder_id,
                                        SigningCertificate.name_ru)
                                 .where(SigningCertificate.holder_type != "ref_territory",
                                        SigningCertificate.is_active.is_(True))).all()
        choices.extend((f"{kind}:{i}", name) for kind, i, name in others)
        return choices

    def _holder(self, value):
        kind, _, ident = (value or "").partition(":")
        if not ident.isdigit():
            return None
        for mapper in SigningCertificate.registry.mappers:
            if getattr(mapper.class_, "__tablename__", None) == kind:
                return self.datamodel.session.get(mapper.class_, int(ident))
        return None

    @expose("/load/", methods=["GET", "POST"])
    @has_access
    @permission_name("load")
    def load(self):
        """Load an organisation's PKCS#12 file (.p12/.pfx): it replaces the certificate in use (for example the
        demo one) from now on; documents signed before keep their signature."""
        errors, values = {}, {"holder": request.values.get("holder", "")}
        for key in ("name_ky", "name_ru", "name_en"):
            values[key] = request.form.get(key, "").strip()
        if request.method == "POST":
            holder = self._holder(values["holder"])
            upload = request.files.get("file")
            data = upload.read(MAX_PKCS12_BYTES + 1) if upload else b""
            if holder is None:
                errors["holder"] = gettext("Choose the organisation.")
            if not data:
                errors["file"] = gettext("Choose the PKCS#12 file.")
            elif len(data) > MAX_PKCS12_BYTES:
                errors["file"] = gettext("The file is too large for a PKCS#12 file.")
            if not errors:
                names = {key[-2:]: value for key, value in values.items() if key.startswith("name_") and value}
                with transaction(self.datamodel.session) as t:
                    row = signing.import_pkcs12(self.datamodel.session, holder, data, request.form.get("password", ""),
                                                clock.now(), names)
                if t.error:
                    errors[t.error.field or "file"] = str(t.error)
                else:
                    flash(gettext("The certificate was loaded: %(name)s signs with it from now on.", name=row.name),
                          "success")
                    return redirect(url_for(f"{self.endpoint}.show", pk=row.id))
        return self.render_template("signing/load.html", title=gettext("Load a signing certificate"),
                                    holders=self._holders(), values=values, errors=errors)
