"""The one set of bounded numeric parameter types for the API edge (pagination, version numbers, indexes).

Every integer a client sends must fit the column or the arithmetic it ends up in (PostgreSQL int4 for
counters and indexes, int8 for OFFSET): past that an unbounded int is a 500 from the driver, so the
bound is declared here once and the validation layer answers 422 naming the parameter.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)
# page × per_page becomes an OFFSET: a million pages of the largest page size still fits int4 comfortably.
MAX_PAGE = 1_000_000

PageNumber = Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page number, from 0")]

PathInt32 = Annotated[int, Path(ge=INT32_MIN, le=INT32_MAX)]
"""An integer path parameter (version numbers, history indexes): 422 past int32, never a driver error."""

Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
"""An integer body field stored in an int4 column."""
