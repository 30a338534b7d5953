"""Invitation mail through the platform's Email integration (SMTP, basic authentication)."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.integrations import repository as integrations
from codemill.integrations.sealing import all_values, cipher_of
from codemill.models import Integration

log = logging.getLogger(__name__)
_TIMEOUT = 20.0


@dataclass(frozen=True)
class Smtp:
    """Where and how to send. Never log `password`."""

    host: str
    port: int
    username: str
    password: str
    sender: str

    def __repr__(self) -> str:
        return f"Smtp({self.host}:{self.port})"


async def mail_integration(session: AsyncSession, inviter_id: str) -> Integration | None:
    """The Email integration invitations use: the inviting admin's global one, else any admin's global one."""
    own = await integrations.of_type(session, "Email", owner_id=inviter_id, is_global=True, setting_type="user")
    candidates = own or await integrations.global_of_admins(session, "Email")
    basic = [i for i in candidates if str(i.values.get("auth_type") or "basic") == "basic"]
    return basic[0] if basic else None


async def smtp_of(session: AsyncSession, integration: Integration, default_sender: str) -> Smtp:
    """The integration's SMTP settings in clear."""
    values = await all_values(cipher_of(session), integration)
    url = str(values.get("url") or "").strip().removeprefix("smtp://").rstrip("/")
    host, _, raw_port = url.rpartition(":")
    if not host:
        host, raw_port = raw_port, ""
    username = str(values.get("smtp_username") or "")
    return Smtp(
        host=host,
        port=int(raw_port) if raw_port.isdigit() else 587,
        username=username,
        password=str(values.get("smtp_password") or ""),
        sender=default_sender if "@" in default_sender or "@" not in username else username,
    )


def _send(smtp: Smtp, message: EmailMessage) -> None:
    opener = smtplib.SMTP_SSL if smtp.port == 465 else smtplib.SMTP
    with opener(smtp.host, smtp.port, timeout=_TIMEOUT) as client:
        client.ehlo()
        if opener is smtplib.SMTP and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)


async def send_invitation(smtp: Smtp, *, to: str, name: str, link: str, inviter: str, ttl_hours: int) -> None:
    """Send the invitation (raises OSError or smtplib.SMTPException when it cannot)."""
    message = EmailMessage()
    message["Subject"] = "You are invited to Codemill"
    message["From"] = smtp.sender
    message["To"] = to
    greeting = f"Hello {name}," if name else "Hello,"
    message.set_content(
        f"{greeting}\n\n{inviter} invited you to Codemill. Open this link to choose your password and sign in:\n\n"
        f"{link}\n\nThe link works once, for {ttl_hours} hours.\n"
    )
    await asyncio.to_thread(_send, smtp, message)
