"""Skills as files: SKILL.md (YAML front matter with name and description, then the instructions) and, for a
bundle, its companion files beside it in a zip."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.errors import BadRequest
from codemill.models import Skill
from codemill.skills import service
from codemill.skills.schemas import NAME_PATTERN, SkillCreate, SkillImport

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)


def _invalid(reason: str) -> BadRequest:
    return BadRequest(
        "Invalid skill file",
        details=reason,
        help="A skill file starts with YAML front matter holding 'name' (kebab-case) and 'description'.",
    )


def parse(text: str) -> tuple[dict[str, Any], str]:
    """The front matter and the instructions of a SKILL.md."""
    found = FRONT_MATTER.match(text.lstrip("\ufeff"))
    if found is None:
        raise _invalid("The file has no YAML front matter.")
    try:
        meta = yaml.safe_load(found.group(1)) or {}
    except yaml.YAMLError as exc:
        raise _invalid(f"The front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise _invalid("The front matter must be a mapping.")
    for key in ("name", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise _invalid(f"The front matter lacks '{key}'.")
    if not re.match(NAME_PATTERN, meta["name"]):
        raise _invalid("'name' must be kebab-case (lowercase letters, digits and hyphens).")
    body = found.group(2).strip()
    if not body:
        raise _invalid("The file has no instructions after its front matter.")
    return meta, body


async def import_skill(session: AsyncSession, principal: Principal, body: SkillImport) -> Skill:
    """A new skill from a SKILL.md (and its companion files, when given)."""
    if not body.filename.lower().endswith(".md"):
        raise BadRequest("Invalid file type", details="Only .md files can be imported.", help="Export a SKILL.md.")
    meta, instructions = parse(body.file_content)
    request = SkillCreate(
        name=meta["name"],
        description=meta["description"].strip(),
        content=instructions,
        project=body.project,
        visibility=body.visibility,
        companion_files=body.companion_files,
    )
    return await service.create(session, principal, request)


def markdown(skill: Skill) -> str:
    """SKILL.md: front matter with the name and description only, then the instructions."""
    front = yaml.safe_dump({"name": skill.name, "description": skill.description}, sort_keys=False).strip()
    return f"---\n{front}\n---\n\n{skill.content}\n"


def zipped(skill: Skill) -> bytes:
    """SKILL.md with the companion files, in a folder named after the skill."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{skill.name}/SKILL.md", markdown(skill))
        for entry in skill.companion_files or []:
            content = entry["content"]
            data = base64.b64decode(content) if entry.get("encoding") == "base64" else content.encode()
            archive.writestr(f"{skill.name}/{entry['path']}", data)
    return buffer.getvalue()
