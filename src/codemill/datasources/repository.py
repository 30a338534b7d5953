"""SQL for datasources, their items and chunks (the only place with this domain's queries)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.auth.principal import Principal
from codemill.models import Assistant, Datasource, DatasourceChunk, DatasourceItem, DatasourceStatus


async def get(session: AsyncSession, datasource_id: str) -> Datasource | None:
    """By id."""
    return await session.get(Datasource, datasource_id)


async def get_for_update(session: AsyncSession, datasource_id: str) -> Datasource | None:
    """By id, row-locked for this transaction."""
    rows = await session.execute(select(Datasource).where(Datasource.id == datasource_id).with_for_update())
    return rows.scalar_one_or_none()


async def existing_ids(session: AsyncSession, ids: Sequence[str]) -> set[str]:
    """Which of these datasource ids exist."""
    if not ids:
        return set()
    rows = await session.execute(select(Datasource.id).where(Datasource.id.in_(list(ids))))
    return set(rows.scalars())


async def by_name(session: AsyncSession, project: str, name: str) -> Datasource | None:
    """By project and name."""
    rows = await session.execute(select(Datasource).where(Datasource.project_name == project, Datasource.name == name))
    return rows.scalar_one_or_none()


def visible_filter(query: Select[Any], principal: Principal, admin: bool) -> Select[Any]:
    """Datasources the caller may see: own, shared with a project they are in, any in a project they administer."""
    if admin:
        return query
    member_of = list(principal.projects)
    administers = [p for p, is_admin in principal.projects.items() if is_admin]
    return query.where(
        or_(
            Datasource.created_by == principal.user_id,
            Datasource.shared_with_project.is_(True) & Datasource.project_name.in_(member_of),
            Datasource.project_name.in_(administers),
        )
    )


async def list_visible(
    session: AsyncSession,
    principal: Principal,
    admin: bool,
    *,
    filters: dict[str, Any],
    sort_key: str,
    descending: bool,
    page: int,
    per_page: int,
) -> tuple[list[Datasource], int]:
    """One page of visible datasources and the total count."""
    query = visible_filter(select(Datasource), principal, admin)
    for key, field in (("project", Datasource.project_name), ("index_type", Datasource.index_type)):
        values = filters.get(key)
        if values:
            query = query.where(field.in_(values if isinstance(values, list) else [values]))
    if filters.get("status"):
        query = query.where(Datasource.status.in_(_statuses(str(filters["status"]))))
    if filters.get("name"):
        query = query.where(Datasource.name.ilike(f"%{filters['name']}%"))
    if filters.get("created_by"):
        query = query.where(
            text("(datasources.creator ->> 'name') = :creator").bindparams(creator=filters["created_by"])
        )
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    column: Any = Datasource.created_at if sort_key == "date" else Datasource.updated_at
    query = query.order_by(column.desc() if descending else column.asc(), Datasource.id).offset(page * per_page)
    rows = await session.execute(query.limit(per_page))
    return list(rows.scalars()), int(total)


def _statuses(sdk_status: str) -> list[str]:
    by_flag: dict[str, list[str]] = {
        "completed": [DatasourceStatus.INDEXED],
        "failed": [DatasourceStatus.FAILED],
        "in_progress": [DatasourceStatus.PENDING, DatasourceStatus.INDEXING, DatasourceStatus.PAUSED],
        "fetching": [DatasourceStatus.INDEXING],
    }
    return by_flag.get(sdk_status, [sdk_status])


async def items(session: AsyncSession, datasource_id: str) -> dict[str, DatasourceItem]:
    """Every item by path (content not loaded)."""
    rows = await session.execute(select(DatasourceItem).where(DatasourceItem.datasource_id == datasource_id))
    return {item.path: item for item in rows.scalars()}


async def item_paths(
    session: AsyncSession, datasource_id: str, state: str | None = None, limit: int = 10_000
) -> list[str]:
    """Item paths, sorted."""
    query = select(DatasourceItem.path).where(DatasourceItem.datasource_id == datasource_id)
    if state:
        query = query.where(DatasourceItem.state == state)
    rows = await session.execute(query.order_by(DatasourceItem.path).limit(limit))
    return list(rows.scalars())


async def skipped_items(session: AsyncSession, datasource_id: str, limit: int = 20) -> list[tuple[str, str]]:
    """(path, reason) of items that were not indexed, sorted by path."""
    rows = await session.execute(
        select(DatasourceItem.path, DatasourceItem.error)
        .where(DatasourceItem.datasource_id == datasource_id, DatasourceItem.state == "skipped")
        .order_by(DatasourceItem.path)
        .limit(limit)
    )
    return [(path, error or "not readable") for path, error in rows.tuples()]


async def item_content(session: AsyncSession, datasource_id: str, path: str) -> bytes | None:
    """The stored content of an item (uploads, fetched pages)."""
    rows = await session.execute(
        select(DatasourceItem.content).where(DatasourceItem.datasource_id == datasource_id, DatasourceItem.path == path)
    )
    return rows.scalar_one_or_none()


async def delete_chunks(session: AsyncSession, datasource_id: str, paths: Sequence[str] | None = None) -> None:
    """Drop the chunks of some items (all when paths is None)."""
    query = delete(DatasourceChunk).where(DatasourceChunk.datasource_id == datasource_id)
    if paths is not None:
        if not paths:
            return
        query = query.where(DatasourceChunk.item_path.in_(list(paths)))
    await session.execute(query)


async def delete_items(session: AsyncSession, datasource_id: str, paths: Sequence[str]) -> None:
    """Drop items and their chunks."""
    if not paths:
        return
    await delete_chunks(session, datasource_id, paths)
    await session.execute(
        delete(DatasourceItem).where(
            DatasourceItem.datasource_id == datasource_id, DatasourceItem.path.in_(list(paths))
        )
    )


async def reset_items(session: AsyncSession, datasource_id: str) -> None:
    """Every item back to pending (full reindex)."""
    await session.execute(
        update(DatasourceItem)
        .where(DatasourceItem.datasource_id == datasource_id)
        .values(state="pending", chunk_count=0, error=None)
    )


async def counts(session: AsyncSession, datasource_id: str) -> dict[str, int]:
    """Items by state and chunks stored."""
    rows = await session.execute(
        select(DatasourceItem.state, func.count())
        .where(DatasourceItem.datasource_id == datasource_id)
        .group_by(DatasourceItem.state)
    )
    result = {state: int(n) for state, n in rows.all()}
    result["chunks"] = await chunk_count(session, datasource_id)
    result["done_chunks"] = int(
        (
            await session.execute(
                select(func.coalesce(func.sum(DatasourceItem.chunk_count), 0)).where(
                    DatasourceItem.datasource_id == datasource_id, DatasourceItem.state == "done"
                )
            )
        ).scalar_one()
    )
    return result


async def chunk_count(session: AsyncSession, datasource_id: str) -> int:
    """Chunks stored for a datasource."""
    rows = await session.execute(select(func.count()).where(DatasourceChunk.datasource_id == datasource_id))
    return int(rows.scalar_one())


async def insert_chunks(
    session: AsyncSession, datasource_id: str, dims: int, rows: Sequence[tuple[str, str, int, str, str, str]]
) -> int:
    """Insert (path, key, ordinal, content, meta json, vector text) rows; existing keys are skipped. Inserted count."""
    if not rows:
        return 0
    paths, keys, ordinals, contents, metas, vectors = (list(column) for column in zip(*rows, strict=True))
    result = await session.execute(
        text(
            "INSERT INTO datasource_chunks (datasource_id, item_path, chunk_key, ordinal, content, meta, dims, embedding) "
            "SELECT :ds, p, k, o, c, CAST(m AS json), :dims, CAST(e AS vector) FROM unnest("
            "CAST(:paths AS text[]), CAST(:keys AS text[]), CAST(:ordinals AS int[]), CAST(:contents AS text[]), "
            "CAST(:metas AS text[]), CAST(:vectors AS text[])) AS t(p, k, o, c, m, e) "
            "ON CONFLICT (datasource_id, chunk_key) DO NOTHING"
        ),
        {
            "ds": datasource_id,
            "dims": dims,
            "paths": paths,
            "keys": keys,
            "ordinals": ordinals,
            "contents": contents,
            "metas": metas,
            "vectors": vectors,
        },
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def mark_items_done(session: AsyncSession, datasource_id: str, done: dict[str, int]) -> None:
    """Items fully chunked and embedded, with their chunk counts (one statement)."""
    if not done:
        return
    await session.execute(
        text(
            "UPDATE datasource_items i SET state = 'done', chunk_count = d.n, error = NULL "
            "FROM unnest(CAST(:paths AS text[]), CAST(:counts AS int[])) AS d(p, n) "
            "WHERE i.datasource_id = :ds AND i.path = d.p"
        ),
        {"ds": datasource_id, "paths": list(done), "counts": list(done.values())},
    )


async def advance_progress(session: AsyncSession, datasource_id: str, dims: int, chunks: int, items: int) -> None:
    """Add to the progress counters (atomic, no read-modify-write)."""
    await session.execute(
        update(Datasource)
        .where(Datasource.id == datasource_id)
        .values(
            embedding_dims=dims,
            chunks_done=func.least(Datasource.chunks_done + chunks, Datasource.chunks_total),
            items_done=Datasource.items_done + items,
        )
    )


async def storage_bytes(session: AsyncSession, datasource_id: str) -> int:
    """Approximate size of the chunks stored (text, vectors)."""
    rows = await session.execute(
        text("SELECT COALESCE(SUM(pg_column_size(c.*)), 0) FROM datasource_chunks c WHERE c.datasource_id = :ds"),
        {"ds": datasource_id},
    )
    return int(rows.scalar_one())


async def file_tree(session: AsyncSession, datasource_id: str, prefix: str = "", limit: int = 2000) -> list[str]:
    """Indexed item paths under a prefix."""
    query = select(DatasourceItem.path).where(DatasourceItem.datasource_id == datasource_id)
    if prefix:
        query = query.where(DatasourceItem.path.startswith(prefix.strip("/") + "/"))
    rows = await session.execute(query.order_by(DatasourceItem.path).limit(limit))
    return list(rows.scalars())


async def chunks_of(session: AsyncSession, datasource_id: str, path: str) -> list[str]:
    """An item's chunk texts in order (reassembles a file)."""
    rows = await session.execute(
        select(DatasourceChunk.content)
        .where(DatasourceChunk.datasource_id == datasource_id, DatasourceChunk.item_path == path)
        .order_by(DatasourceChunk.ordinal)
    )
    return list(rows.scalars())


async def assistants_using(session: AsyncSession, ds: Datasource) -> list[Assistant]:
    """Assistants of the datasource's project whose context names it."""
    rows = await session.execute(
        select(Assistant)
        .where(Assistant.project == ds.project_name)
        .where(text("assistants.context @> CAST(:entry AS jsonb)").bindparams(entry=json.dumps([{"name": ds.name}])))
        .order_by(Assistant.name)
    )
    return list(rows.scalars())
