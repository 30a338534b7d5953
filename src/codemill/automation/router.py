"""/v1/webhooks/{id} as the CodeMie SDK's webhook service calls it (no user token: the webhook's secret),
and /v1/automation/runs: what webhooks and schedules started."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.automation import service
from codemill.automation.schemas import AutomationRunList, WebhookAcceptedOut

router = APIRouter(tags=["automation"])

ValidationToken = Annotated[str | None, Query(alias="validationToken", max_length=1024)]


@router.post("/v1/webhooks/{webhook_id}", response_model=WebhookAcceptedOut, summary="Trigger a webhook")
async def trigger_webhook(
    webhook_id: str, request: Request, session: Session, settings: AppSettings, validation_token: ValidationToken = None
) -> WebhookAcceptedOut | Response:
    """Start the webhook's assistant, workflow or reindex as a job; authenticated by the webhook's secret.

    A Microsoft Graph subscription handshake (`?validationToken=`) is answered with the token in plain text.
    """
    if validation_token is not None:
        await service.enabled_webhook(session, webhook_id)
        return PlainTextResponse(validation_token)
    return await service.receive(session, settings, webhook_id, request.headers, await request.body())


@router.get("/v1/automation/runs", response_model=AutomationRunList, summary="Runs of a webhook or schedule")
async def list_runs(
    session: Session,
    principal: CurrentPrincipal,
    integration_id: Annotated[str, Query(max_length=64)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AutomationRunList:
    """The runs a Webhook or Scheduler integration started (status, duration, result), newest first."""
    return AutomationRunList(data=await service.list_runs(session, principal, integration_id, limit))
