"""At chat time an assistant's skills are one tool: the model sees each skill's name and description, and
loads a skill's instructions (and the list of its files, or one file) only when it needs them."""

from __future__ import annotations

from typing import Any

from codemill.auth import policy
from codemill.db.engine import reading
from codemill.models import Assistant
from codemill.skills import repository
from codemill.tools.base import Tool, ToolContext, ToolError

TOOL_NAME = "load_skill"


class LoadSkillTool:
    """Returns a skill's instructions by name (access is checked again when it runs)."""

    name = TOOL_NAME
    writes = False

    def __init__(self, assistant_id: str, catalogue: dict[str, str]) -> None:
        self.assistant_id = assistant_id
        listing = "\n".join(f"- {name}: {description}" for name, description in sorted(catalogue.items()))
        self.description = (
            "Load the full instructions of one of your skills before doing a task it covers. "
            f"Available skills:\n{listing}"
        )
        self.parameters: dict[str, Any] = {
            "type": "object",
            "properties": {
                "skill_name": {"type": "string", "enum": sorted(catalogue), "description": "The skill to load"},
                "file_path": {"type": "string", "description": "Optional: one of the skill's files to read instead"},
            },
            "required": ["skill_name"],
        }

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """The skill's instructions (or one of its files)."""
        wanted = str(args.get("skill_name") or "").strip()
        async with ctx.sessions() as session:
            skills = await repository.skills_of(session, self.assistant_id)
        skill = next((s for s in skills if s.name == wanted and policy.can_view_skill(ctx.principal, s)), None)
        if skill is None:
            raise ToolError(f"Skill {wanted!r} is not available to this assistant.")
        files = {f["path"]: f for f in skill.companion_files or []}
        path = str(args.get("file_path") or "").strip()
        if path:
            entry = files.get(path)
            if entry is None or entry.get("encoding") != "text":
                raise ToolError(f"Skill {wanted!r} has no text file {path!r}.")
            return str(entry["content"])
        listing = "".join(f"\n- {p}" for p in sorted(files))
        return skill.content + (f"\n\nFiles of this skill (load one with file_path):{listing}" if listing else "")


async def tools_for(assistant: Assistant, ctx: ToolContext) -> list[Tool]:
    """The skill tool, when the assistant has skills the caller may read."""
    if not ctx.extra.get("has_skills", True):  # a chat turn's probe found none
        return []
    async with reading(ctx.sessions) as session:
        skills = await repository.skills_of(session, assistant.id)
    catalogue = {s.name: s.description for s in skills if policy.can_view_skill(ctx.principal, s)}
    return [LoadSkillTool(assistant.id, catalogue)] if catalogue else []
