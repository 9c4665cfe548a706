"""The public page of a one-time activation link (issue 15, item 7): the person sets their password and goes to
the login. Every unusable link (unknown, malformed, used, replaced, expired) answers the same 404 page and is
audited `activation_refused`; the rules are in app/services/accounts.py."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app import clock
from app.errors import DomainError
from app.extensions import db
from app.services import accounts

activation = Blueprint("activation", __name__, url_prefix="/activate")
activation.rate_limit = lambda: current_app.config.get("ACTIVATION_RATE_LIMIT", "20 per minute")


def _refuse(token):
    accounts.refuse_activation(db.session, token, clock.now())
    db.session.commit()
    abort(404)


@activation.route("/<token>", methods=["GET", "POST"])
def activate(token):
    now = clock.now()
    row = accounts.find_activation(db.session, token, now)
    if row is None:
        _refuse(token)
    errors = {}
    if request.method == "POST":
        try:
            accounts.activate(db.session, token, request.form.get("password") or "",
                              request.form.get("conf_password") or "", now,
                              hash_method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"))
        except DomainError as exc:
            db.session.rollback()
            errors[exc.field or "password"] = str(exc)
        else:
            db.session.commit()
            flash(gettext("Your password is set. Log in with your user name and the new password."), "success")
            return redirect(url_for("SanaripAuthDBView.login"))
    appbuilder = current_app.appbuilder
    return render_template("sanarip/activate.html", appbuilder=appbuilder, base_template=appbuilder.base_template,
                           title=gettext("Activate your account"), username=row.user.username, errors=errors,
                           token=token)
