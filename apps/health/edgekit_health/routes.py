"""The health app's API under /apps/health/api (the app's prefix, then /api): triage, the registry, the due list,
referrals and the export. Answers are typed models (api_models.py), not loose dicts.

Only health workers and admins get in (the manifest's roles); a health worker sees the women she visits. Each
call reads or writes through the Registry, which writes the audit log in the same transaction.
"""

# No `from __future__ import annotations`: FastAPI must see the request models defined inside the hook.

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from edgekit.sdk import AppContext, require_role
from edgekit_health.api_models import (
    ReceivedReferralOut,
    ReferralOut,
    TriageOut,
    VisitResult,
    WomanRecord,
    WomanSummary,
)
from edgekit_health.export import csv_text
from edgekit_health.registry import ROLES, Actor, Registry

PREFIX = "/api"  # under the app's own prefix, which the box chooses


class TriageBody(BaseModel):
    text: str = Field(default="", max_length=2000)
    lang: str | None = Field(default=None, max_length=12)
    systolic: int | None = Field(default=None, ge=50, le=300)
    diastolic: int | None = Field(default=None, ge=30, le=200)
    temperature_c: float | None = Field(default=None, ge=30, le=45)


class WomanBody(BaseModel):
    village: str = Field(min_length=1, max_length=100)
    lmp: date | None = None
    edd: date | None = None
    code: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=32)
    health_worker: str | None = Field(default=None, max_length=64)


class WomanChanges(BaseModel):
    village: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, max_length=16)
    delivered_on: date | None = None
    health_worker: str | None = Field(default=None, max_length=64)


class VisitBody(BaseModel):
    visit_date: date | None = None
    systolic: int | None = None
    diastolic: int | None = None
    weight_kg: float | None = None
    temperature_c: float | None = None
    signs: str = Field(default="", max_length=2000)
    notes: str = Field(default="", max_length=2000)
    lang: str | None = Field(default=None, max_length=12)


class ReferralChange(BaseModel):
    status: str = Field(max_length=16)
    facility: str | None = Field(default=None, max_length=100)


class ReceivedChange(BaseModel):
    status: str = Field(max_length=16)
    lang: str | None = Field(default=None, max_length=12)


def actor(user=Depends(require_role(*ROLES))) -> Actor:
    return Actor(user.name, user.role)


def build_router(app: AppContext) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["health"])

    def registry(_request: Request) -> Registry:
        return Registry(app.db)

    @router.post("/triage")
    def triage_text(body: TriageBody, request: Request, who: Actor = Depends(actor)) -> TriageOut:
        from edgekit_health.triage import triage

        result = triage(
            body.text, body.lang, systolic=body.systolic, diastolic=body.diastolic, temperature_c=body.temperature_c
        )
        registry(request).note_triage(who, result.level)
        return TriageOut.model_validate(result.as_dict())

    @router.get("/women")
    def list_women(
        request: Request, health_worker: str | None = None, who: Actor = Depends(actor)
    ) -> list[WomanSummary]:
        return [WomanSummary.model_validate(row) for row in registry(request).women(who, health_worker)]

    @router.post("/women", status_code=201)
    def add_woman(body: WomanBody, request: Request, who: Actor = Depends(actor)) -> WomanRecord:
        return WomanRecord.model_validate(registry(request).add_woman(who, **body.model_dump()))

    @router.get("/women/{code}")
    def show_woman(code: str, request: Request, who: Actor = Depends(actor)) -> WomanRecord:
        return WomanRecord.model_validate(registry(request).woman(who, code))

    @router.patch("/women/{code}")
    def change_woman(code: str, body: WomanChanges, request: Request, who: Actor = Depends(actor)) -> WomanRecord:
        changed = registry(request).update_woman(who, code, **body.model_dump(exclude_unset=True))
        return WomanRecord.model_validate(changed)

    @router.post("/women/{code}/visits", status_code=201)
    def add_visit(code: str, body: VisitBody, request: Request, who: Actor = Depends(actor)) -> VisitResult:
        return VisitResult.model_validate(registry(request).add_visit(who, code, **body.model_dump()))

    @router.get("/due")
    def due(request: Request, health_worker: str | None = None, who: Actor = Depends(actor)) -> list[WomanSummary]:
        return [WomanSummary.model_validate(row) for row in registry(request).due(who, health_worker)]

    @router.get("/referrals")
    def referrals(
        request: Request, status: str | None = Query(default=None, max_length=16), who: Actor = Depends(actor)
    ) -> list[ReferralOut]:
        return [ReferralOut.model_validate(row) for row in registry(request).referrals(who, status)]

    @router.get("/referrals/received")
    def received(
        request: Request,
        status: str | None = Query(default=None, max_length=16),
        lang: str = Query(default="en", max_length=12),
        who: Actor = Depends(actor),
    ) -> list[ReceivedReferralOut]:
        """Referrals other facilities sent here (status=open: not yet marked)."""
        from edgekit_health.received import received_referrals

        rows = received_referrals(app.db, who, lang, status)
        return [ReceivedReferralOut.model_validate(row) for row in rows]

    @router.patch("/referrals/received/{received_id}")
    def mark_received(received_id: int, body: ReceivedChange, who: Actor = Depends(actor)) -> ReceivedReferralOut:
        """Mark a referral received here arrived, treated or closed: the sending facility hears it."""
        from edgekit_health.received import mark_received as mark

        return ReceivedReferralOut.model_validate(mark(app.db, who, received_id, body.status, body.lang or "en"))

    @router.patch("/referrals/{referral_id}")
    def change_referral(
        referral_id: int, body: ReferralChange, request: Request, who: Actor = Depends(actor)
    ) -> ReferralOut:
        return ReferralOut.model_validate(
            registry(request).update_referral(who, referral_id, body.status, body.facility)
        )

    @router.get("/export.csv")
    def export(request: Request, who: Actor = Depends(actor)) -> StreamingResponse:
        text = csv_text(registry(request), who)
        filename = f"health-{date.today().isoformat()}.csv"
        return StreamingResponse(
            iter([text]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
        )

    return router
