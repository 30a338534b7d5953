"""Bounded extraction: bombs are refused from the archive's own numbers before a parser sees them, a lying
header trips the running cap, and the reason names the cap."""

from __future__ import annotations

from typing import Any

import docx
import pytest

from codemill.datasources.sources.documents import DocumentError, document_text, fetched_text
from codemill.settings import ExtractionSettings
from tests.datasources.bombs import (
    MIB,
    docx_bomb,
    lying_header,
    many_entries,
    nested,
    pptx_bomb,
    swell_with,
    xlsx_bomb,
)
from tests.datasources.support import make_docx

LIMITS = ExtractionSettings()


@pytest.fixture
def parser_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call that reaches python-docx's parser (a refused bomb must never get there)."""
    calls: list[Any] = []
    real = docx.Document

    def recording(*args: Any, **kwargs: Any) -> Any:
        if args:  # the tests' own blank documents are built with no source
            calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(docx, "Document", recording)
    return calls


def test_a_docx_bomb_is_refused_from_its_directory_before_parsing(parser_calls: list[Any]) -> None:
    bomb = docx_bomb(100 * MIB)
    assert len(bomb) < MIB  # a few hundred KB claiming 100 MB
    with pytest.raises(DocumentError, match=r"memo.docx: refused: archive would inflate to 99.\d MiB; the limit is 64"):
        document_text("memo.docx", bomb, LIMITS)
    roomy = ExtractionSettings(max_unpacked_bytes=1024 * MIB)
    with pytest.raises(
        DocumentError, match=r"memo.docx: refused: .*compression ratio \d+:1 is past the limit of 100:1"
    ):
        document_text("memo.docx", bomb, roomy)
    assert parser_calls == []


@pytest.mark.parametrize(("name", "build"), [("book.xlsx", xlsx_bomb), ("deck.pptx", pptx_bomb)])
def test_xlsx_and_pptx_bombs_are_refused(name: str, build: Any) -> None:
    with pytest.raises(DocumentError, match="compression ratio"):
        document_text(name, build(50 * MIB), LIMITS)


def test_the_declared_size_cap_applies_without_a_ratio(parser_calls: list[Any]) -> None:
    limits = ExtractionSettings(max_unpacked_bytes=4 * MIB, max_ratio=1_000_000)
    with pytest.raises(DocumentError, match=r"would inflate to 7\.\d MiB; the limit is 4\.0 MiB"):
        document_text("memo.docx", docx_bomb(8 * MIB), limits)
    assert parser_calls == []


def test_a_lying_header_trips_the_running_cap(parser_calls: list[Any]) -> None:
    bomb = lying_header(8 * MIB)
    with pytest.raises(DocumentError, match=r"refused: entry 'word/document\.xml' cannot be read"):
        document_text("memo.docx", bomb, LIMITS)
    assert parser_calls == []


def test_a_bomb_inside_an_embedded_archive_is_measured_too(parser_calls: list[Any]) -> None:
    carrier = swell_with(make_docx(["memo"]), "word/embeddings/sheet.xlsx", xlsx_bomb(8 * MIB))
    with pytest.raises(DocumentError, match=r"would inflate to 7\.\d MiB"):
        document_text("memo.docx", carrier, ExtractionSettings(max_unpacked_bytes=4 * MIB, max_ratio=1_000_000))
    assert parser_calls == []


def test_entry_count_and_nesting_caps(parser_calls: list[Any]) -> None:
    with pytest.raises(DocumentError, match="more than 500 entries"):
        document_text("memo.docx", many_entries(600), ExtractionSettings(max_entries=500))
    with pytest.raises(DocumentError, match="nested deeper than 2 levels"):
        document_text("memo.docx", nested(3), LIMITS)
    assert parser_calls == []
    assert "memo" in document_text("memo.docx", nested(2), LIMITS)  # an embedded archive or two is normal


def test_ordinary_documents_still_read_and_text_has_a_ceiling(parser_calls: list[Any]) -> None:
    assert "quarterly numbers" in document_text("memo.docx", make_docx(["The quarterly numbers."]), LIMITS)
    assert len(parser_calls) == 1
    with pytest.raises(DocumentError, match="extracted text has 2,000 characters; the limit is 1,000"):
        document_text("notes.txt", b"x" * 2000, ExtractionSettings(max_text_chars=1000))


def test_fetched_pages_have_the_same_text_ceiling() -> None:
    assert fetched_text("PAGE-1", b"short page", LIMITS) == "short page"
    with pytest.raises(DocumentError, match="PAGE-1: refused: extracted text has 2,000 characters"):
        fetched_text("PAGE-1", b"y" * 2000, ExtractionSettings(max_text_chars=1000))
