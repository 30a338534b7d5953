"""What a credential checker gets and how it reports failure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from codemill.kit.outbound import OutboundClient


class CheckFailed(Exception):
    """The target answered, or could not be reached, and the credentials are not usable: say why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckContext:
    """The guarded client and the time a check may take."""

    outbound: OutboundClient
    timeout: float = 15.0


# A checker takes the decrypted values and returns a success message (or raises CheckFailed).
Checker = Callable[[dict[str, Any], CheckContext], Awaitable[str]]
