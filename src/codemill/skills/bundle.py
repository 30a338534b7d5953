"""Skills as files: SKILL.md (YAML front matter with name and description, then the instructions) and, for a
bundle, its companion files beside it in a zip."""

from __future__ import annotations

import base64
import io
import mimetypes
import posixpath
import re
import zipfile
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.errors import BadRequest
from codemill.models import Skill
from codemill.skills import service
from codemill.skills.schemas import (
    MAX_BUNDLE_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
    NAME_PATTERN,
    CompanionFile,
    SkillCreate,
    SkillImport,
)

SKILL_FILE = "SKILL.md"

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


def _bad_bundle(reason: str) -> BadRequest:
    return BadRequest(
        "Invalid skill bundle",
        details=reason,
        help=f"Upload a zip with one {SKILL_FILE} (YAML front matter with name and description) and its files "
        f"beside it: at most {MAX_FILES} files, {MAX_FILE_BYTES} bytes each, {MAX_BUNDLE_BYTES} bytes together.",
    )


def preview(data: bytes) -> dict[str, Any]:
    """A bundle zip read for the import form, nothing stored: SKILL.md's name, description and instructions, and
    every other file (paths relative to SKILL.md's folder; text as text, anything else base64)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _bad_bundle("The upload is not a zip archive.") from exc
    entries = [i for i in archive.infolist() if not i.is_dir() and not _hidden(i.filename)]
    skill_files = [i for i in entries if posixpath.basename(i.filename) == SKILL_FILE]
    if len(skill_files) != 1:
        raise _bad_bundle(f"The archive must hold exactly one {SKILL_FILE}; it holds {len(skill_files)}.")
    if len(entries) - 1 > MAX_FILES:
        raise _bad_bundle(f"The archive holds {len(entries) - 1} files besides {SKILL_FILE}; at most {MAX_FILES}.")
    if sum(i.file_size for i in entries) > MAX_BUNDLE_BYTES:
        raise _bad_bundle(f"The archive unpacks to more than {MAX_BUNDLE_BYTES} bytes.")
    root = posixpath.dirname(skill_files[0].filename)
    meta, instructions = parse(_read(archive, skill_files[0]).decode("utf-8", "replace"))
    files: list[CompanionFile] = []
    for info in entries:
        if info is skill_files[0]:
            continue
        relative = posixpath.relpath(info.filename, root) if root else info.filename
        content = _read(archive, info)
        try:
            text, encoding = content.decode("utf-8"), "text"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(content).decode("ascii"), "base64"
        mime = mimetypes.guess_type(relative)[0] or ("text/plain" if encoding == "text" else "application/octet-stream")
        try:
            files.append(CompanionFile(path=relative, content=text, encoding=encoding, mime_type=mime))  # type: ignore[arg-type]
        except ValueError as exc:
            raise _bad_bundle(f"'{info.filename}' is not inside the skill's folder.") from exc
    return {
        "name": meta["name"],
        "description": meta["description"].strip(),
        "content": instructions,
        "companion_files": files,
    }


def _hidden(path: str) -> bool:
    """macOS resource forks and dot files that archivers add."""
    return any(part.startswith((".", "__MACOSX")) for part in path.split("/"))


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, never more than the per-file limit (whatever its header claims)."""
    with archive.open(info) as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _bad_bundle(f"'{info.filename}' is larger than {MAX_FILE_BYTES} bytes.")
    return data
