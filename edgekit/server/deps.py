"""Request dependencies: routes reach the kit through the app, never through a global."""

from __future__ import annotations

from fastapi import Request

from edgekit.kit import Kit


def get_kit(request: Request) -> Kit:
    return request.app.state.kit
