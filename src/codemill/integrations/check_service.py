"""POST /v1/settings/test/: check credentials against the real service."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, Unprocessable
from codemill.integrations import repository
from codemill.integrations.checking import CheckContext, CheckFailed
from codemill.integrations.schemas import TestIn, TestOut
from codemill.integrations.sealing import all_values, cipher_of
from codemill.integrations.values import credential_type, parse_values

log = logging.getLogger(__name__)


async def run_check(session: AsyncSession, principal: Principal, body: TestIn, ctx: CheckContext) -> TestOut:
    """Check inline values, or a stored integration the caller may use (inline values override it)."""
    ctype = credential_type(body.credential_type)
    if ctype.checker is None:
        raise Unprocessable(
            f"Testing is not supported for {ctype.name} integrations",
            details={"field": "credential_type"},
        )
    values: dict[str, Any] = {}
    if body.setting_id:
        integration = policy.ensure_integration_usable(principal, await repository.get(session, body.setting_id))
        if integration.credential_type != ctype.name:
            raise Unprocessable(
                "The requested credential type does not match the stored integration's",
                details={"field": "credential_type", "stored": integration.credential_type},
            )
        values = await all_values(cipher_of(session), integration)
    changes = parse_values(ctype, body.credential_values or [])
    values.update(changes.plain)
    values.update(changes.secrets_set)
    try:
        message = await ctype.checker(values, ctx)
    except CheckFailed as failed:
        log.info("integration check failed", extra={"credential_type": ctype.name})
        raise BadRequest(f"Integration test failed: {failed.message}", details=failed.message) from None
    log.info("integration check succeeded", extra={"credential_type": ctype.name})
    return TestOut(success=True, message=message)
