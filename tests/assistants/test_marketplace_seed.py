"""The marketplace's first entries: every prebuilt template published once, by the maintainer, idempotently."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants import prebuilt
from codemill.assistants import repository as assistants
from codemill.assistants.marketplace_seed import SLUG_PREFIX, seed_marketplace
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.models import Project, User
from codemill.models.base import new_id


async def test_seed_publishes_each_template_once(db_session: AsyncSession) -> None:
    maintainer = User(email=f"{new_id()}@x.test", username=new_id(), name="Maintainer", picture="",
                      auth_source="local", is_admin=True, is_maintainer=True, is_active=True, preferences={})  # fmt: skip
    db_session.add(maintainer)
    await db_session.flush()
    db_session.add(Project(name=maintainer.email, project_type="personal", created_by=maintainer.id))
    await db_session.flush()
    # Other tests of this session may have seeded already: whatever is missing is added, then nothing more.
    await seed_marketplace(db_session, maintainer, maintainer.email)
    assert await seed_marketplace(db_session, maintainer, maintainer.email) == []

    stranger = Principal(user_id=new_id(), email="s@x.test", username="s", name="S", is_admin=False,
                         auth_source="local")  # fmt: skip
    for template in prebuilt.templates():
        seeded = await assistants.get_by_slug(db_session, f"{SLUG_PREFIX}{template.slug}")
        assert seeded is not None and seeded.is_global and seeded.system_prompt == template.system_prompt
        assert policy.can_view_assistant(stranger, seeded)
        assert not policy.can_edit_assistant(stranger, seeded)
    assert len(prebuilt.templates()) >= 5
