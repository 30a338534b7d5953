"""Plugin engine checks: NATS answers, and the auth callout service is listening."""

from __future__ import annotations

import asyncio
import json

import nats
from nats.errors import Error as NatsError

from codemill.doctor.report import CheckResult
from codemill.errors import CodemillError
from codemill.plugins.nats_config import NatsCredentials, resolve_credentials
from codemill.settings import Settings

CALLOUT_SUBJECT = "$SYS.REQ.USER.AUTH"
NATS_FIX = (
    "start NATS (embedded: restart `codemill serve`; Kubernetes: `kubectl get pods -l "
    "app.kubernetes.io/component=nats` and its logs), check CODEMILL_NATS__URL, and that the NATS "
    "passwords in the codemill-nats Secret match the server's"
)


async def check_nats(settings: Settings, wanted: set[str], call_timeout: float) -> list[CheckResult]:
    """The NATS results among `wanted` (nats, nats-callout)."""
    try:
        credentials = resolve_credentials(settings)
    except CodemillError as exc:
        detail = exc.message if not exc.details else f"{exc.message}: {exc.details}"
        return [CheckResult.failed("nats", detail, exc.help or NATS_FIX), *_callout_unknown(wanted)]
    try:
        client = await asyncio.wait_for(
            nats.connect(
                credentials.url,
                user=credentials.backend_user,
                password=credentials.backend_password,
                connect_timeout=call_timeout,
                allow_reconnect=False,
                max_reconnect_attempts=0,
                name="codemill-doctor",
            ),
            call_timeout * 2,
        )
    except (OSError, TimeoutError, NatsError) as exc:
        detail = f"cannot connect to {credentials.url}: {type(exc).__name__}: {exc}".rstrip(": ")
        return [CheckResult.failed("nats", detail, NATS_FIX), *_callout_unknown(wanted)]
    try:
        await client.flush(timeout=max(1, round(call_timeout)))
        version = client.connected_server_version
        shown = f"{version.major}.{version.minor}.{version.patch}"
        results = []
        if "nats" in wanted:
            results.append(CheckResult.ok("nats", f"NATS {shown} at {credentials.url}"))
    finally:
        await client.close()
    if "nats-callout" in wanted:
        results.append(await _callout(credentials, call_timeout))
    return results


def _callout_unknown(wanted: set[str]) -> list[CheckResult]:
    if "nats-callout" not in wanted:
        return []
    return [CheckResult.skipped("nats-callout", "skipped (NATS unreachable: fix nats first)")]


async def _callout(credentials: NatsCredentials, call_timeout: float) -> CheckResult:
    """Ask the server (as the system user) whether anyone serves the auth callout subject."""
    if not credentials.has_system_user:
        return CheckResult.skipped("nats-callout", "skipped (no NATS system user configured to ask the server)")
    try:
        client = await nats.connect(
            credentials.url,
            user=credentials.system_user,
            password=credentials.system_password,
            connect_timeout=call_timeout,
            allow_reconnect=False,
            max_reconnect_attempts=0,
            name="codemill-doctor",
        )
    except (OSError, TimeoutError, NatsError) as exc:
        return CheckResult.failed(
            "nats-callout",
            f"cannot connect as the system user {credentials.system_user}: {exc}",
            "check CODEMILL_NATS__SYSTEM_USER / CODEMILL_NATS__SYSTEM_PASSWORD against the server's SYS account",
        )
    try:
        query = {"account": credentials.auth_account, "subscriptions": True, "test": CALLOUT_SUBJECT}
        reply = await client.request("$SYS.REQ.SERVER.PING.SUBSZ", json.dumps(query).encode(), timeout=call_timeout)
        data = json.loads(reply.data).get("data", {})
    except (TimeoutError, NatsError, ValueError) as exc:
        return CheckResult.failed("nats-callout", f"the server did not answer a subscription query: {exc}", NATS_FIX)
    finally:
        await client.close()
    listeners = int(data.get("total", 0))
    if listeners > 0:
        return CheckResult.ok(
            "nats-callout", f"{listeners} auth callout listener(s) in account {credentials.auth_account}"
        )
    return CheckResult.failed(
        "nats-callout",
        f"nobody serves {CALLOUT_SUBJECT} in account {credentials.auth_account}: plugins cannot log in",
        "start the callout service (`codemill nats-callout`; Kubernetes: the <release>-nats-callout Deployment) "
        "and check that CODEMILL_NATS__CALLOUT_PASSWORD and the issuer seed match the server's auth_callout",
    )
