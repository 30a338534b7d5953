"""Text out of uploaded documents: pdf, docx, pptx, xlsx, csv, md, txt, html, json, yaml."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from typing import Any

from codemill.datasources.sources.extraction_limits import ExtractionRefused, TextBudget, check_text, check_zip
from codemill.settings import ExtractionSettings

# The office and pdf parsers are imported where they are used: together they hold ~40 MB that an API
# process which never reads a document should not carry.

SUPPORTED = (
    "pdf",
    "docx",
    "pptx",
    "xlsx",
    "csv",
    "md",
    "markdown",
    "txt",
    "text",
    "html",
    "htm",
    "json",
    "yaml",
    "yml",
)
# Formats that are zip archives: measured (check_zip) before their parser opens them.
ZIPPED = ("docx", "pptx", "xlsx")


class DocumentError(Exception):
    """The document cannot be read (corrupt, encrypted, wrong format) or is refused (past a cap)."""


def extension(filename: str) -> str:
    """The lower-case extension without its dot ('' when none)."""
    name = filename.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_supported(filename: str) -> bool:
    """True when the file type can be indexed."""
    return extension(filename) in SUPPORTED


def document_text(filename: str, content: bytes, limits: ExtractionSettings) -> str:
    """The document's text; tables become 'header: value' lines so their cells stay searchable.

    Archives are measured against `limits` before any parser inflates them; the text is capped too.
    """
    kind = extension(filename)
    try:
        if kind in ZIPPED:
            check_zip(content, limits)
        return check_text(_parse(kind, content, limits), limits)
    except ExtractionRefused as exc:
        raise DocumentError(f"{filename}: refused: {exc}") from exc
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError(f"{filename}: cannot read {kind} ({type(exc).__name__}: {exc})") from exc


def fetched_text(path: str, content: bytes, limits: ExtractionSettings) -> str:
    """A fetched page's stored text (Confluence, Jira), under the same text ceiling as documents."""
    try:
        return check_text(content.decode("utf-8", errors="replace"), limits)
    except ExtractionRefused as exc:
        raise DocumentError(f"{path}: refused: {exc}") from exc


def _parse(kind: str, content: bytes, limits: ExtractionSettings) -> str:
    if kind == "pdf":
        return _pdf(content, limits)
    if kind == "docx":
        return _docx(content)
    if kind == "pptx":
        return _pptx(content)
    if kind == "xlsx":
        return _xlsx(content)
    if kind == "csv":
        return _csv(content.decode("utf-8-sig", errors="replace"))
    if kind in ("html", "htm"):
        return html_text(content.decode("utf-8", errors="replace"))
    if kind == "json":
        return _json(content)
    return content.decode("utf-8", errors="replace")


def _pdf(content: bytes, limits: ExtractionSettings) -> str:
    import pypdf

    cap = limits.max_unpacked_bytes
    # pypdf's own per-stream ceilings (every filter), set to ours for this read only.
    with pypdf.apply_configuration(
        maximum_declared_stream_length=cap,
        array_based_stream_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        zlib_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        image_maximum_buffer_size=cap,
    ):
        try:
            reader = pypdf.PdfReader(io.BytesIO(content))
            if len(reader.pages) > limits.max_pdf_pages:
                raise ExtractionRefused(f"PDF has {len(reader.pages)} pages; the limit is {limits.max_pdf_pages}")
            text = TextBudget(limits)
            return "\n\n".join(text.add((page.extract_text() or "").strip()) for page in reader.pages)
        except pypdf.errors.LimitReachedError as exc:
            raise ExtractionRefused(f"a PDF stream is past the limit ({exc})") from exc


def _docx(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        parts.append(_table(rows))
    return "\n\n".join(parts)


def _pptx(content: bytes) -> str:
    import pptx

    deck = pptx.Presentation(io.BytesIO(content))
    slides = []
    for number, slide in enumerate(deck.slides, 1):
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]
        slides.append(f"Slide {number}\n" + "\n".join(texts))
    return "\n\n".join(slides)


def _xlsx(content: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheets = []
    for sheet in book.worksheets:
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        sheets.append(f"Sheet {sheet.title}\n" + _table(rows))
    return "\n\n".join(sheets)


def _csv(text: str) -> str:
    return _table(list(csv.reader(io.StringIO(text))))


def _table(rows: list[list[str]]) -> str:
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return ""
    header, body = rows[0], rows[1:]
    if not body:
        return " | ".join(header)
    lines = []
    for row in body:
        pairs = [f"{h or f'column {i + 1}'}: {v}" for i, (h, v) in enumerate(zip(header, row, strict=False)) if v]
        lines.append("; ".join(pairs))
    return "\n\n".join(lines)


def _json(content: bytes) -> str:
    data: Any = json.loads(content)
    # CodeMie's JSON knowledge base: a list of {"content": ..., "metadata": ...} documents.
    if isinstance(data, list) and all(isinstance(d, dict) and "content" in d for d in data):
        return "\n\n".join(str(d["content"]) for d in data)
    return json.dumps(data, indent=2, ensure_ascii=False)


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "noscript", "template"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n" if tag.startswith(("h", "p", "t", "s", "a")) else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Visible text of an HTML page (script/style dropped), paragraphs kept apart."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()
