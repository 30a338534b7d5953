"""/v1/skills and /v1/assistants/{id}/skills: the SDK's `skills` service (HTTP only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile

from codemill.auth.dependencies import AppSettings, CurrentPrincipal, Session
from codemill.errors import PayloadTooLarge
from codemill.kit.params import PageNumber
from codemill.llm.dependencies import AppLLM
from codemill.skills import bundle, events, generation, service, views
from codemill.skills.generation_schemas import (
    InstructionsGenerateOut,
    InstructionsGenerateRequest,
    RefineOut,
    SkillGenerateOut,
    SkillGenerateRequest,
    SkillRefineRequest,
)
from codemill.skills.schemas import (
    MAX_BUNDLE_BYTES,
    MAX_CONTENT,
    MAX_FILE_BYTES,
    MAX_FILES,
    MIN_CONTENT,
    AttachRequest,
    BulkAttachOut,
    BulkAttachRequest,
    BundlePreviewOut,
    CategoryOut,
    CompanionFileMeta,
    CompanionFileOut,
    CreatedBy,
    MessageOut,
    PublishRequest,
    ReactionOut,
    ReactionRequest,
    RecordedOut,
    SkillAssistantOut,
    SkillCategory,
    SkillConfigOut,
    SkillCreate,
    SkillDetailOut,
    SkillEventCreate,
    SkillEventOut,
    SkillImport,
    SkillListOut,
    SkillPageOut,
    SkillStatsOut,
    SkillUpdate,
)
from codemill.toolkits import catalogue as toolkit_catalogue

router = APIRouter(prefix="/v1", tags=["skills"])

MAX_UPLOAD_BYTES = MAX_BUNDLE_BYTES  # compressed; what it unpacks to is checked entry by entry


@dataclass(frozen=True, slots=True)
class EventWindow:
    """The query of the event routes: a time window (`from`, `to`) and a page of it."""

    since: datetime | None
    until: datetime | None
    offset: int
    limit: int


async def event_window(
    since: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EventWindow:
    """The event routes' query parameters, read once for both."""
    return EventWindow(since, to, offset, limit)


EventQuery = Annotated[EventWindow, Depends(event_window)]


@router.get("/skills", response_model=SkillPageOut)
async def list_skills(
    session: Session,
    principal: CurrentPrincipal,
    filters: Annotated[str | None, Query(max_length=4000, description="JSON-encoded filter object")] = None,
    assistant_id: Annotated[str | None, Query(max_length=64)] = None,
    page: PageNumber = 0,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SkillPageOut:
    """The skills the caller sees: their own, their projects', the marketplace's."""
    return SkillPageOut.model_validate(
        await service.list_page(session, principal, filters, assistant_id, page, per_page)
    )


@router.post("/skills", status_code=201, response_model=SkillDetailOut)
async def create_skill(body: SkillCreate, session: Session, principal: CurrentPrincipal) -> SkillDetailOut:
    """A new skill (names are kebab-case, unique per user and project)."""
    return SkillDetailOut.model_validate(await views.detail(session, await service.create(session, principal, body)))


@router.get("/skills/categories", response_model=list[CategoryOut])
async def list_categories(principal: CurrentPrincipal) -> list[CategoryOut]:
    """The marketplace categories."""
    del principal
    return [CategoryOut(value=c.value, label=c.value.replace("_", " ").title()) for c in SkillCategory]


@router.get("/skills/users", response_model=list[CreatedBy])
async def skill_creators(session: Session, principal: CurrentPrincipal) -> list[CreatedBy]:
    """Who made the skills the caller sees."""
    return [CreatedBy.model_validate(u) for u in await service.creators(session, principal)]


@router.get("/skills/config", response_model=SkillConfigOut)
async def skill_config(principal: CurrentPrincipal) -> SkillConfigOut:
    """Content and bundle limits."""
    del principal
    return SkillConfigOut(
        max_content_length=MAX_CONTENT,
        min_content_length=MIN_CONTENT,
        bundle_seed_max_file_count=MAX_FILES,
        bundle_seed_max_file_size_bytes=MAX_FILE_BYTES,
        bundle_seed_max_total_size_bytes=MAX_BUNDLE_BYTES,
    )


@router.post("/skills/import", status_code=201, response_model=SkillDetailOut)
async def import_skill(body: SkillImport, session: Session, principal: CurrentPrincipal) -> SkillDetailOut:
    """A new skill from a SKILL.md with YAML front matter (name, description), and optional companion files."""
    skill = await bundle.import_skill(session, principal, body)
    return SkillDetailOut.model_validate(await views.detail(session, skill))


@router.post("/skills/import-bundle-preview", response_model=BundlePreviewOut)
async def import_bundle_preview(principal: CurrentPrincipal, file: Annotated[UploadFile, File()]) -> BundlePreviewOut:
    """A skill bundle zip unpacked for the import form: SKILL.md's fields and the companion files (nothing stored)."""
    del principal
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge("File too large", help=f"A skill bundle upload is at most {MAX_UPLOAD_BYTES} bytes.")
    return BundlePreviewOut.model_validate(bundle.preview(data))


# Written with AI (the configured model)


@router.post("/skills/instructions/generate", response_model=InstructionsGenerateOut)
async def generate_instructions(
    body: InstructionsGenerateRequest, session: Session, principal: CurrentPrincipal, llm: AppLLM
) -> InstructionsGenerateOut:
    """Instructions from a description; with `existing_instructions`, those improved."""
    return await generation.instructions(session, principal, llm, body)


@router.post("/skills/generate", response_model=SkillGenerateOut)
async def generate_skill(
    body: SkillGenerateRequest, session: Session, principal: CurrentPrincipal, llm: AppLLM, settings: AppSettings
) -> SkillGenerateOut:
    """A skill draft (name, description, instructions, categories, toolkits) from the user's text."""
    available = toolkit_catalogue.all_toolkits(settings)
    return await generation.draft(session, principal, llm, body, available)


@router.post("/skills/refine", response_model=RefineOut)
async def refine_skill(
    body: SkillRefineRequest, session: Session, principal: CurrentPrincipal, llm: AppLLM, settings: AppSettings
) -> RefineOut:
    """The model's recommendations on a skill, per field and per toolkit."""
    available = toolkit_catalogue.all_toolkits(settings)
    return await generation.refine(session, principal, llm, body, available)


# Events (before /skills/{skill_id}: "events" is not an id)


@router.post("/skills/events", response_model=RecordedOut)
async def record_event(body: SkillEventCreate, session: Session, principal: CurrentPrincipal) -> RecordedOut:
    """Log a skill lifecycle event (add, update, remove, list, find)."""
    event = await events.record(session, principal, body)
    return RecordedOut(message="Event recorded", id=event.id)


@router.get("/skills/events", response_model=list[SkillEventOut])
async def list_events(session: Session, principal: CurrentPrincipal, window: EventQuery) -> list[SkillEventOut]:
    """The event log, newest first (everyone's for platform admins, else the caller's)."""
    rows = await events.list_events(session, principal, window.since, window.until, window.offset, window.limit)
    return [
        SkillEventOut(
            skill_slug=e.skill_slug,
            source=e.source,
            target_agents=list(e.target_agents or []),
            date=e.created_at,
            command=e.command,
            user_id=e.user_id,
        )
        for e in rows
    ]


@router.get("/skills/events/stats", response_model=list[SkillStatsOut])
async def events_stats(session: Session, principal: CurrentPrincipal, window: EventQuery) -> list[SkillStatsOut]:
    """Completed installs and removals per skill, most installed first."""
    rows = await events.stats(session, principal, window.since, window.until, window.offset, window.limit)
    return [SkillStatsOut.model_validate(r) for r in rows]


@router.get("/skills/events/{skill_slug}/stats", response_model=SkillStatsOut)
async def skill_stats(skill_slug: str, session: Session, principal: CurrentPrincipal) -> SkillStatsOut:
    """Completed installs and removals of one skill."""
    return SkillStatsOut.model_validate(await events.stats_of(session, principal, skill_slug))


# One skill


@router.get("/skills/{skill_id}", response_model=SkillDetailOut)
async def get_skill(skill_id: str, session: Session, principal: CurrentPrincipal) -> SkillDetailOut:
    """A skill with its instructions."""
    skill = await service.get_visible(session, principal, skill_id)
    return SkillDetailOut.model_validate(await views.detail(session, skill))


@router.put("/skills/{skill_id}", response_model=SkillDetailOut)
async def update_skill(
    skill_id: str, body: SkillUpdate, session: Session, principal: CurrentPrincipal
) -> SkillDetailOut:
    """Change a skill (its creator or a platform admin)."""
    skill = await service.update(session, principal, skill_id, body)
    return SkillDetailOut.model_validate(await views.detail(session, skill))


@router.delete("/skills/{skill_id}", status_code=204, response_class=Response)
async def delete_skill(skill_id: str, session: Session, principal: CurrentPrincipal) -> Response:
    """Remove a skill; assistants using it lose it."""
    await service.delete(session, principal, skill_id)
    return Response(status_code=204)


@router.get("/skills/{skill_id}/companion-files", response_model=list[CompanionFileMeta])
async def companion_files(skill_id: str, session: Session, principal: CurrentPrincipal) -> list[CompanionFileMeta]:
    """The skill's files (without content)."""
    skill = await service.get_visible(session, principal, skill_id)
    return [CompanionFileMeta.model_validate(views.file_meta(f)) for f in skill.companion_files or []]


@router.get("/skills/{skill_id}/companion-files/content", response_model=CompanionFileOut)
async def companion_file(
    skill_id: str,
    path: Annotated[str, Query(min_length=1, max_length=255)],
    session: Session,
    principal: CurrentPrincipal,
) -> CompanionFileOut:
    """One of the skill's files, with its content."""
    skill = await service.get_visible(session, principal, skill_id)
    entry = service.companion_file(skill, path)
    return CompanionFileOut.model_validate(views.file_meta(entry) | {"content": entry["content"]})


@router.get(
    "/skills/{skill_id}/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def export_skill(
    skill_id: str,
    session: Session,
    principal: CurrentPrincipal,
    bundled: Annotated[bool, Query(alias="bundle")] = False,
) -> Response:
    """SKILL.md (front matter with name and description, then the instructions); `bundle=true`: a zip with
    the companion files."""
    skill = await service.get_visible(session, principal, skill_id)
    if bundled:
        headers = {"Content-Disposition": f'attachment; filename="{skill.name}.zip"'}
        return Response(bundle.zipped(skill), media_type="application/zip", headers=headers)
    headers = {"Content-Disposition": f'attachment; filename="{skill.name}.md"'}
    return Response(bundle.markdown(skill), media_type="text/markdown", headers=headers)


@router.get("/skills/{skill_id}/assistants", response_model=list[SkillAssistantOut])
async def skill_assistants(skill_id: str, session: Session, principal: CurrentPrincipal) -> list[SkillAssistantOut]:
    """The assistants using the skill that the caller sees."""
    return [
        SkillAssistantOut(
            id=a.id, name=a.name, description=a.description, project=a.project, slug=a.slug, icon_url=a.icon_url
        )
        for a in await service.assistants_of(session, principal, skill_id)
    ]


@router.post("/skills/{skill_id}/assistants/bulk-attach", response_model=BulkAttachOut)
async def bulk_attach(
    skill_id: str, body: BulkAttachRequest, session: Session, principal: CurrentPrincipal
) -> BulkAttachOut:
    """Attach the skill to many assistants; those the caller may not change are reported as failures."""
    failures = await service.bulk_attach(session, principal, skill_id, body.assistant_ids)
    total = len(dict.fromkeys(body.assistant_ids))
    done = total - len(failures)
    return BulkAttachOut(
        message=f"Skill attached to {done} of {total} assistants",
        success_count=done,
        total_requested=total,
        failures=failures,
    )


@router.post("/skills/{skill_id}/marketplace/publish", response_model=MessageOut)
async def publish(
    skill_id: str, session: Session, principal: CurrentPrincipal, body: PublishRequest | None = None
) -> MessageOut:
    """Publish to the marketplace: every user sees it (its creator or a platform admin)."""
    categories = [c.value for c in body.categories] if body and body.categories else None
    await service.publish(session, principal, skill_id, categories)
    return MessageOut(message=f"Skill {skill_id} published to marketplace successfully")


@router.post("/skills/{skill_id}/marketplace/unpublish", response_model=MessageOut)
async def unpublish(skill_id: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Back to its project."""
    await service.unpublish(session, principal, skill_id)
    return MessageOut(message=f"Skill {skill_id} unpublished from marketplace successfully")


@router.post("/skills/{skill_id}/reactions", response_model=ReactionOut)
async def react(skill_id: str, body: ReactionRequest, session: Session, principal: CurrentPrincipal) -> ReactionOut:
    """Like or dislike a skill (the opposite reaction is replaced)."""
    row = await service.react(session, principal, skill_id, body.reaction)
    return ReactionOut(
        resourceId=row.skill_id, resourceType="skill", reaction=row.reaction, reactionAt=row.created_at.isoformat()
    )


@router.delete("/skills/{skill_id}/reactions", response_model=ReactionOut)
async def unreact(skill_id: str, session: Session, principal: CurrentPrincipal) -> ReactionOut:
    """Forget the caller's reaction."""
    resource = await service.unreact(session, principal, skill_id)
    return ReactionOut(resourceId=resource, resourceType="skill", reaction=None, reactionAt=None)


# Assistants' skills


@router.get("/assistants/{assistant_id}/skills", response_model=list[SkillListOut])
async def assistant_skills(assistant_id: str, session: Session, principal: CurrentPrincipal) -> list[SkillListOut]:
    """The skills attached to an assistant (those the caller may read)."""
    return [SkillListOut.model_validate(s) for s in await service.skills_of(session, principal, assistant_id)]


@router.post("/assistants/{assistant_id}/skills", response_model=MessageOut)
async def attach(assistant_id: str, body: AttachRequest, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Attach a skill the caller reads to an assistant the caller may change."""
    await service.attach(session, principal, assistant_id, body.skill_id)
    return MessageOut(message="Skill attached successfully")


@router.delete("/assistants/{assistant_id}/skills/{skill_id}", response_model=MessageOut)
async def detach(assistant_id: str, skill_id: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Detach a skill from an assistant the caller may change."""
    await service.detach(session, principal, assistant_id, skill_id)
    return MessageOut(message="Skill detached successfully")
