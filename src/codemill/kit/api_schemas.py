"""Response shapes shared by every domain: the open base, `{message}` answers, and the one pagination type."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OpenOut(BaseModel):
    """A response model that documents the fields clients read and passes any other field through unchanged.

    Responses shaped by `views`/`responses` modules carry a few conditional fields (per datasource type, per
    user preference); `extra="allow"` keeps them, so declaring a model never drops what a client reads.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class MessageOut(OpenOut):
    """CodeMie's acknowledgement: `{"message": ...}` (some routes add the id they acted on)."""

    message: str


class IdMessageOut(MessageOut):
    """An acknowledgement naming the object it created or changed."""

    id: str


class Pagination(BaseModel):
    """The one pagination block of every paged list: page (from 0), per_page, total, pages."""

    page: int
    per_page: int
    total: int
    pages: int


def pagination(page: int, per_page: int, total: int) -> Pagination:
    """The block for one page of `total` items."""
    return Pagination(page=page, per_page=per_page, total=total, pages=-(-total // per_page))
