"""One error type and one JSON error shape: {"error": {"message", "details", "help"}}."""

from __future__ import annotations

from typing import Any

# CodeMie's help texts for the two commonest refusals (a refusal that names its own help keeps it).
ACCESS_HELP = (
    "Please ensure you have the correct role or permissions assigned to your account. "
    "If you believe this is an error, contact your system administrator."
)
NOT_FOUND_HELP = "Please ensure the specified ID is correct"


class CodemillError(Exception):
    """A failure the client should see, with its HTTP status."""

    status: int = 400
    code: str = "bad_request"
    # Response headers that go with the error (Retry-After on a 429).
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, details: Any = None, help: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        self.help = help
        if status is not None:
            self.status = status

    def body(self) -> dict[str, Any]:
        """The JSON body clients receive."""
        return {"error": {"message": self.message, "details": self.details, "help": self.help}}


class BadRequest(CodemillError):
    status = 400
    code = "bad_request"


class Unauthorized(CodemillError):
    status = 401
    code = "unauthorized"


class Forbidden(CodemillError):
    status = 403
    code = "forbidden"

    def __init__(self, message: str, *, details: Any = None, help: str | None = None, status: int | None = None):
        super().__init__(message, details=details, help=help or ACCESS_HELP, status=status)


class NotFound(CodemillError):
    status = 404
    code = "not_found"

    def __init__(self, message: str, *, details: Any = None, help: str | None = None, status: int | None = None):
        super().__init__(message, details=details, help=help or NOT_FOUND_HELP, status=status)


class Conflict(CodemillError):
    status = 409
    code = "conflict"


class PayloadTooLarge(CodemillError):
    status = 413
    code = "payload_too_large"


class Unprocessable(CodemillError):
    status = 422
    code = "unprocessable"


class TooManyRequests(CodemillError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after_seconds: int, details: Any = None, help: str | None = None):
        super().__init__(message, details=details, help=help)
        self.headers = {"Retry-After": str(max(1, retry_after_seconds))}


class UpstreamError(CodemillError):
    status = 502
    code = "upstream_error"


class Unavailable(CodemillError):
    status = 503
    code = "unavailable"


def not_found(resource_type: str, resource_id: str, *, help: str | None = None) -> NotFound:
    """CodeMie's 404: "<Type> not found", naming the id that was asked for."""
    return NotFound(
        f"{resource_type} not found",
        details=f"The {resource_type.lower()} with ID [{resource_id}] could not be found in the system.",
        help=help,
    )


def access_denied(action: str) -> Forbidden:
    """CodeMie's permission refusal (403: CodeMie answers some of these 401, which clients take for a bad login)."""
    return Forbidden(
        "Access denied",
        details=f"You do not have the necessary permissions to {action} this entity.",
        help=ACCESS_HELP,
    )
