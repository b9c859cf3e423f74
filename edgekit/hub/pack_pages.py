"""The hub admin's page for packs that travel down: what was published, what each box did with it, and a form to
publish a signed pack (works without JavaScript). Only the hub admin may; a cross-site form cannot, since the
browser would send the admin's Basic credentials by itself: each form carries a token only the hub can make."""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from fastapi import Depends, FastAPI, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.engine import Engine

from edgekit.errors import EdgekitError
from edgekit.hub import tables
from edgekit.hub.pack_publish import CHUNK, packs_dir, publish, published

ADMIN = "hub_admin"


class NotHubAdmin(EdgekitError):
    code = "forbidden"
    http_status = 403


class FormTokenInvalid(EdgekitError):
    code = "csrf_failed"
    http_status = 403


def form_token(private) -> str:
    secret = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return hmac.new(secret, b"edgekit-hub publish-pack form", hashlib.sha256).hexdigest()


def add_pack_pages(app: FastAPI, engine: Engine, home: Path, private, signed_in, render) -> None:
    token = form_token(private)

    def admin(role: str = Depends(signed_in)) -> str:
        if role != ADMIN:
            raise NotHubAdmin("Only the hub admin publishes packs.")
        return role

    @app.get("/packs")
    def packs_page(request: Request, role: str = Depends(admin)):
        with engine.begin() as connection:
            rows = published(connection)
            boxes = list(
                connection.execute(
                    select(tables.box.c.name).where(tables.box.c.status == "approved").order_by(tables.box.c.name)
                ).scalars()
            )
        return render(
            request, "packs.html", role, rows=rows, boxes=boxes, token=token, done=request.query_params.get("done", "")
        )

    @app.post("/packs")
    def publish_form(
        pack: UploadFile,
        csrf: str = Form(""),
        boxes: list[str] = Form(default_factory=list),
        everyone: str = Form(""),
        role: str = Depends(admin),
    ):
        if not hmac.compare_digest(csrf, token):
            raise FormTokenInvalid("The form is stale or came from another site: open the page again.")
        directory = packs_dir(home)
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=".upload-", suffix=".ekpack", dir=directory)
        try:
            with os.fdopen(descriptor, "wb") as out:  # streamed from the upload's spool file, never whole in memory
                while block := pack.file.read(CHUNK):
                    out.write(block)
            done = publish(engine, home, Path(name), boxes, everyone == "on", role)
        finally:
            Path(name).unlink(missing_ok=True)
        return RedirectResponse(f"/packs?done={done.sha256[:12]}", status_code=303)
