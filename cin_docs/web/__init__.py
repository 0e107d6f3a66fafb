"""`cin-docs serve`: the case folder in a browser (a local Flask app, thin over cin_docs.api).

Security, as for a notebook server on a shared machine: a random token per start (the link printed on the first
line), then an HttpOnly SameSite=Strict cookie; a CSRF token on every form; a strict Content-Security-Policy and
`Cache-Control: no-store` on every response; cases addressed by case ID, never by path; upload size and type limits;
nothing about a child in the server log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from pathlib import Path

from flask import Flask, Response, redirect, render_template, request
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from ..inputs import MAX_BYTES

COOKIE = "cin_docs_session"
ATTACHMENTS_MAX = 50 * 1024 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(
    folder: str | Path = ".", config: dict | None = None, as_of: dt.date | None = None, token: str | None = None
) -> Flask:
    """The web app over one folder of case files. `as_of` pins 'today' (tests, demos); `token` is made if absent."""
    from ..config import load_config
    from .folder import CaseFolder

    app = Flask(__name__)
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("cin_docs.web", "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
        ]
    )
    config = config if config is not None else load_config()
    app.config.update(
        TOKEN=token or secrets.token_urlsafe(32),
        SESSION_SECRET=secrets.token_urlsafe(32),
        MAX_CONTENT_LENGTH=MAX_BYTES + 64 * 1024,
        AS_OF=as_of,
        CIN_CONFIG=config,
    )
    app.extensions["cin_folder"] = CaseFolder(Path(folder), config)
    app.extensions["cin_results"] = {}

    @app.before_request
    def _gate():
        allowed = app.config.get("CIN_ALLOWED_HOSTS")
        if allowed and request.environ.get("HTTP_HOST", "").rsplit(":", 1)[0] not in allowed:
            return Response("This app answers only to http://127.0.0.1 on this computer.\n", 400, mimetype="text/plain")
        if request.endpoint == "transfer_pack":
            request.max_content_length = ATTACHMENTS_MAX  # attachments are PDFs: allow more than a case file
        session = request.cookies.get(COOKIE, "")
        if session and hmac.compare_digest(session, app.config["SESSION_SECRET"]):
            if request.method == "POST":
                sent = request.form.get("csrf_token", "")
                if not hmac.compare_digest(sent, csrf_token()):
                    return render_template(
                        "refused.html",
                        title="This form has expired",
                        message="The page was open before the app was restarted, or the form "
                        "did not come from this app. Go back, reload the page and try "
                        "again.",
                    ), 403
            return None
        given = request.args.get("token", "")
        if given and hmac.compare_digest(given, app.config["TOKEN"]) and request.method == "GET":
            response = redirect(request.path)
            response.set_cookie(
                COOKIE, app.config["SESSION_SECRET"], httponly=True, samesite="Strict", secure=False, path="/"
            )
            return response
        return render_template(
            "refused.html",
            title="Open the link cin-docs printed",
            message="This page needs the link 'cin-docs serve' printed when it started "
            "(the one with ?token=...). Copy it from the window where you started it.",
        ), 403

    @app.after_request
    def _headers(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response

    @app.errorhandler(413)
    def _too_large(_exc):
        if request.endpoint == "transfer_pack":
            return render_template(
                "refused.html",
                title="The files are too large",
                message=f"The files added to a transfer pack may be at most "
                f"{ATTACHMENTS_MAX // (1024 * 1024)} MB in all. Go back and add fewer or "
                "smaller files.",
            ), 413
        return render_template(
            "refused.html",
            title="The file is too large",
            message=f"A case file is a small text file: at most {MAX_BYTES // (1024 * 1024)} MB. "
            "Check that you chose the right file.",
        ), 413

    @app.errorhandler(404)
    def _not_found(_exc):
        return render_template(
            "refused.html",
            title="Page not found",
            message="There is no such case or page in this folder. Go back to the caseload.",
        ), 404

    def csrf_token() -> str:
        return hmac.new(app.config["SESSION_SECRET"].encode(), b"csrf", hashlib.sha256).hexdigest()

    @app.context_processor
    def _globals():
        authority = (config.get("authority") or {}).get("name")
        return {"csrf_token": csrf_token(), "authority_name": authority, "today": today()}

    def today() -> dt.date:
        return app.config["AS_OF"] or dt.date.today()

    app.extensions["cin_today"] = today
    from . import views

    views.register(app)
    return app


__all__ = ["create_app", "serve"]


def quiet_handler():
    """A request handler that logs the method and the status only: paths carry case IDs, and nothing about a child
    goes in a log."""
    import logging

    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            logging.getLogger("werkzeug").info("%s %s", self.command, getattr(code, "value", code))

    return QuietHandler


def _warm_up() -> None:
    import contextlib

    with contextlib.suppress(Exception):
        from ..render import (
            docx,  # noqa: F401
            fetcher,  # noqa: F401 - imports WeasyPrint with its warnings filtered
        )


def serve(
    folder, port: int = 8470, host: str = "127.0.0.1", config: dict | None = None, as_of: dt.date | None = None
) -> None:
    """Run the app until Ctrl+C; the first line of standard output is the link with the token."""
    import logging
    import sys

    import click
    from werkzeug.serving import make_server

    from ..errors import UsageError

    app = create_app(folder, config, as_of)
    loopback = host in ("127.0.0.1", "localhost")
    if loopback:
        # Only requests addressed to this computer by name (no DNS rebinding of another site's name onto it).
        app.config["CIN_ALLOWED_HOSTS"] = ("127.0.0.1", "localhost")
    try:
        server = make_server(host, port, app, threaded=True, request_handler=quiet_handler())
    except OSError as exc:
        raise UsageError(
            f"Cannot listen on {host} port {port} ({exc.strerror or exc}): another program may be "
            "using it. Choose another port with --port."
        ) from None
    click.echo(f"Open http://{'127.0.0.1' if loopback else host}:{port}/?token={app.config['TOKEN']}")
    sys.stdout.flush()
    if not loopback:
        click.echo(
            click.style("Warning: ", fg="yellow", bold=True)
            + f"listening on {host}: other computers on the network can reach this app (the link's key still "
            "protects it). Use the default --host 127.0.0.1 unless you need this.",
            err=True,
        )
    click.echo("Press Ctrl+C to stop.", err=True)
    # Keep the renderers warm: WeasyPrint takes a moment to import, so do it now rather than on the first PDF.
    import threading

    threading.Thread(target=_warm_up, daemon=True).start()
    logger = logging.getLogger("werkzeug")
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        logger.addHandler(logging.StreamHandler())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()
