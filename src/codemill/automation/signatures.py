"""Who may call a webhook: its secret, as a header token (GitLab's X-Gitlab-Token or any named header) or
as GitHub's HMAC-SHA256 signature of the body (X-Hub-Signature-256: sha256=<hex>).

Every configured check must pass; a webhook with no secret configured accepts no call. A token whose
header is not named is read from X-Gitlab-Token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from codemill.errors import Forbidden, Unauthorized

GITHUB_SIGNATURE = "x-hub-signature-256"
GITHUB_EVENT = "x-github-event"
# The header a token is read from when the integration names none (GitLab sends its secret token there).
DEFAULT_SECRET_HEADER = "X-Gitlab-Token"  # noqa: S105  (a header name, not a secret)
_HELP = "Send the webhook's secret: the header configured in its integration, or GitHub's X-Hub-Signature-256."


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1", "yes"}


def github_signature(secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value GitHub sends for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(values: Mapping[str, Any], headers: Mapping[str, str], body: bytes) -> None:
    """Raise Unauthorized unless the call carries the webhook's secret (Forbidden when it has none)."""
    checked = False
    github_secret = str(values.get("github_webhook_secret") or "")
    if github_secret or _truthy(values.get("github_require_sha256")):
        sent = headers.get(GITHUB_SIGNATURE, "")
        if not github_secret or not hmac.compare_digest(sent.encode(), github_signature(github_secret, body).encode()):
            raise Unauthorized("Invalid webhook signature", details={"header": "X-Hub-Signature-256"}, help=_HELP)
        checked = True
    header_value = str(values.get("secure_header_value") or "")
    if header_value:
        header_name = str(values.get("secure_header_name") or "").strip() or DEFAULT_SECRET_HEADER
        if not hmac.compare_digest(headers.get(header_name.lower(), "").encode(), header_value.encode()):
            raise Unauthorized("Invalid webhook token", details={"header": header_name}, help=_HELP)
        checked = True
    if not checked:
        raise Forbidden(
            "This webhook has no secret configured and accepts no calls",
            help="Set secure_header_name/secure_header_value or github_webhook_secret in its integration.",
        )


def event_wanted(values: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    """False when the integration filters GitHub events and this delivery's event is not among them."""
    wanted = {e.strip() for e in str(values.get("github_event_filter") or "").split(",") if e.strip()}
    event = headers.get(GITHUB_EVENT)
    return not wanted or event is None or event in wanted
