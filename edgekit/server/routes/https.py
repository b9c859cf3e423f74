"""The pages that bring a phone to HTTPS: /secure explains and links, /ca.crt is the box's CA for a phone to
install once (edgekit.server.https says how plain HTTP and HTTPS share the work)."""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from edgekit.kit import Kit
from edgekit.server.deps import get_kit
from edgekit.server.https import https_url
from edgekit.server.pages import render
from edgekit.tls import ca_der, fingerprint, tls_files

router = APIRouter()


@router.get("/ca.crt")
def ca_certificate(kit: Kit = Depends(get_kit)):
    files = tls_files(kit.settings.home)
    if not files.ca_cert.is_file():
        raise HTTPException(404)
    # DER with this type: Android and iOS both offer to install it. The key stays in $EDGEKIT_HOME/tls.
    headers = {"Content-Disposition": 'attachment; filename="edgekit-ca.crt"', "Cache-Control": "no-cache"}
    return Response(ca_der(files), media_type="application/x-x509-ca-cert", headers=headers)


@router.get("/secure")
def secure_page(request: Request, kit: Kit = Depends(get_kit)):
    files = tls_files(kit.settings.home)
    port = getattr(request.app.state, "https_port", None)
    ready = files.ready() and bool(port)
    context = {
        "ready": ready,
        "on_https": request.url.scheme == "https",
        "fingerprint": fingerprint(files) if ready else "",
        "https_address": https_url(request.url, port, "/") if ready and port else "",
    }
    return render(request, "secure.html", context)
