"""A real barrier on a NATS connection.

nats-py's `flush()` writes its PING straight to the socket, ahead of commands still buffered, so
its PONG does not prove that earlier subscriptions reached the server. A message to ourselves does:
it travels behind them. And the error callback Codemill's own connections use.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("codemill.plugins.nats")


async def settle(nc: Any, subject: str | None = None, within: float = 5.0) -> None:
    """Return once the server has processed everything sent on nc so far (subject: one nc may use)."""
    subject = subject or nc.new_inbox()
    sub = await nc.subscribe(subject, max_msgs=1)
    await nc.publish(subject, b"")
    await sub.next_msg(timeout=within)


async def log_nats_error(exc: Exception) -> None:
    """nats-py's error callback: one line per failure (its default logs a traceback per reconnect attempt)."""
    log.warning("NATS connection error", extra={"error": f"{type(exc).__name__}: {exc}"})
