"""SQL for model-call usage rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.models.usage import LLMUsage


async def insert_usage_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """One statement for all rows (the caller's transaction commits them)."""
    await session.execute(insert(LLMUsage), rows)
