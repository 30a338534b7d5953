"""POST /v1/settings/test/: check credentials against the real service.

Stored secrets never meet caller-chosen settings: a stored integration is tested as stored (only by
whoever may manage it); a caller who changes any non-secret value (a URL, an endpoint, a user name) must
send the secrets too, so the check runs on the caller's own complete values.
"""

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
from codemill.integrations.types import CredentialType
from codemill.integrations.values import ValueChanges, credential_type, parse_values

log = logging.getLogger(__name__)


async def run_check(session: AsyncSession, principal: Principal, body: TestIn, ctx: CheckContext) -> TestOut:
    """Check inline values, or a stored integration the caller may manage (see the module's rule)."""
    ctype = credential_type(body.credential_type)
    if ctype.checker is None:
        raise Unprocessable(
            f"Testing is not supported for {ctype.name} integrations",
            details={"field": "credential_type"},
        )
    changes = parse_values(ctype, body.credential_values or [])
    values: dict[str, Any] = {}
    if body.setting_id:
        integration = policy.ensure_integration_manageable(principal, await repository.get(session, body.setting_id))
        if integration.credential_type != ctype.name:
            raise Unprocessable(
                "The requested credential type does not match the stored integration's",
                details={"field": "credential_type", "stored": integration.credential_type},
            )
        values = _stored_values_for_check(ctype, await all_values(cipher_of(session), integration), changes)
    values.update(changes.plain)
    values.update(changes.secrets_set)
    try:
        message = await ctype.checker(values, ctx)
    except CheckFailed as failed:
        log.info("integration check failed", extra={"credential_type": ctype.name})
        raise BadRequest(f"Integration test failed: {failed.message}", details=failed.message) from None
    log.info("integration check succeeded", extra={"credential_type": ctype.name})
    return TestOut(success=True, message=message)


def _stored_values_for_check(ctype: CredentialType, stored: dict[str, Any], changes: ValueChanges) -> dict[str, Any]:
    """The stored values the check may use: all of them, or none of the secrets once a setting is changed."""
    changed = sorted(key for key, value in changes.plain.items() if stored.get(key) != value)
    if not changed:
        return stored
    kept_secrets = sorted(key for key in stored if ctype.is_secret(key) and key not in changes.secrets_set)
    if kept_secrets:
        raise Unprocessable(
            "Enter the secret values again to test changed settings: stored secrets are only tested "
            "against the integration's stored settings",
            details={"changed": changed, "missing": kept_secrets},
            help="Send the secrets with the changed values, or test the integration as it is stored.",
        )
    return {key: value for key, value in stored.items() if not ctype.is_secret(key)}
