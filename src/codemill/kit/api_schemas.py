"""Response shapes shared by every domain: the open base, `{message}` answers, and the one pagination type."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, computed_field


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
    """The one pagination block of every paged list: page (from 0), per_page, total, and pages (derived)."""

    page: int
    per_page: int
    total: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page) if self.per_page > 0 else 0
