"""Assistant versions: history, one version, comparing two, rolling back (which records a new version)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import repository as assistants
from codemill.assistants import sealing, service, versions
from codemill.assistants.versions import FieldChange
from codemill.auth.principal import Principal
from codemill.errors import BadRequest, NotFound, Unprocessable
from codemill.llm.catalogue import Catalogue
from codemill.models import Assistant, AssistantVersion, User


def _missing(assistant_id: str, number: int) -> NotFound:
    return NotFound(
        "Version not found",
        details=f"Version {number} not found for assistant {assistant_id}",
        help="Please verify the version number and try again",
    )


async def _version(session: AsyncSession, assistant_id: str, number: int) -> AssistantVersion:
    row = await assistants.get_version(session, assistant_id, number)
    if row is None:
        raise _missing(assistant_id, number)
    return row


@dataclass(frozen=True)
class VersionPage:
    """A page of an assistant's versions (newest first) and the users who made them."""

    assistant: Assistant
    rows: list[AssistantVersion]
    total: int
    users: dict[str, User]
    page: int
    per_page: int


@dataclass(frozen=True)
class VersionComparison:
    """Two versions of an assistant and their field-level differences."""

    assistant: Assistant
    first: AssistantVersion
    second: AssistantVersion
    users: dict[str, User]
    changes: dict[str, FieldChange]


async def history(
    session: AsyncSession, principal: Principal, assistant_id: str, page: int, per_page: int
) -> VersionPage:
    """A page of the version history of an assistant the caller may see."""
    assistant = await service.get_visible(session, principal, assistant_id)
    rows, total = await assistants.list_versions(session, assistant.id, page, per_page)
    users = await assistants.users_by_id(session, [r.created_by for r in rows])
    return VersionPage(assistant, rows, total, users, page, per_page)


async def one(
    session: AsyncSession, principal: Principal, assistant_id: str, number: int
) -> tuple[AssistantVersion, dict[str, User]]:
    """One version of an assistant the caller may see, and the user who made it."""
    assistant = await service.get_visible(session, principal, assistant_id)
    row = await _version(session, assistant.id, number)
    return row, await assistants.users_by_id(session, [row.created_by])


async def compare(
    session: AsyncSession, principal: Principal, assistant_id: str, first: int, second: int
) -> VersionComparison:
    """Both versions and their field-level differences (unmasked: the view masks secrets)."""
    assistant = await service.get_visible(session, principal, assistant_id)
    one_row = await _version(session, assistant.id, first)
    two_row = await _version(session, assistant.id, second)
    users = await assistants.users_by_id(session, [one_row.created_by, two_row.created_by])
    return VersionComparison(assistant, one_row, two_row, users, versions.diff(one_row.config, two_row.config))


async def rollback(
    session: AsyncSession,
    principal: Principal,
    catalogue: Catalogue,
    assistant_id: str,
    number: int,
    change_notes: str | None,
) -> int:
    """Make version `number` current again by recording it as a new version; returns the new number."""
    assistant = await service.get_editable(session, principal, assistant_id)
    if number == assistant.version_count:
        raise BadRequest(
            "Cannot rollback to current version",
            details=f"Version {number} is already the current version",
            help="Please select a different version to rollback to",
        )
    if number < 1 or number > assistant.version_count:
        raise BadRequest(
            "Invalid version number",
            details=f"Version {number} does not exist. Valid range: 1 to {assistant.version_count}",
            help="Please verify the version number",
        )
    target = await _version(session, assistant.id, number)
    model = versions.normalised(target.config)["llm_model_type"]
    if model and catalogue.llm(model) is None:
        raise Unprocessable(
            f"llm_model_type: version {number} uses the model '{model}', which is no longer available",
            details={"field": "llm_model_type", "value": model},
            help="Update the assistant with a current model instead.",
        )
    versions.apply(assistant, target.config)
    # A version's sealed values are this assistant's; values from before sealing existed are sealed now.
    await sealing.seal_assistant(session, assistant, sealing.stored_sealed_values(assistant))
    return await service.new_version(session, principal, assistant, change_notes or f"Rolled back to version {number}")
