"""Decompression bombs built the way an attacker would: a real office file with one entry swollen to a
size that deflates to almost nothing (written in pieces, so the test itself never holds it in memory)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pptx

from tests.datasources.support import make_docx

MIB = 1_048_576
PIECE = b"<w:t>" + b"A" * (MIB - 11) + b"</w:t>\n"


def swell(base: bytes, entry: str, inflated_bytes: int) -> bytes:
    """`base` (a zip) with `entry` replaced by `inflated_bytes` of highly compressible XML."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename == entry:
                continue
            target.writestr(info, source.read(info))
        with target.open(entry, "w", force_zip64=True) as swollen:
            for _ in range(inflated_bytes // len(PIECE)):
                swollen.write(PIECE)
    return out.getvalue()


def swell_with(base: bytes, entry: str, content: bytes) -> bytes:
    """`base` (a zip) with `entry` set to `content` (stored as is)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != entry:
                target.writestr(info, source.read(info))
        target.writestr(entry, content)
    return out.getvalue()


def docx_bomb(inflated_bytes: int = 100 * MIB) -> bytes:
    """A .docx whose document.xml inflates to `inflated_bytes`."""
    return swell(make_docx(["A perfectly ordinary memo."]), "word/document.xml", inflated_bytes)


def xlsx_bomb(inflated_bytes: int = 100 * MIB) -> bytes:
    """An .xlsx whose first sheet inflates to `inflated_bytes`."""
    book = openpyxl.Workbook()
    book.active["A1"] = "ordinary"
    out = io.BytesIO()
    book.save(out)
    return swell(out.getvalue(), "xl/worksheets/sheet1.xml", inflated_bytes)


def pptx_bomb(inflated_bytes: int = 100 * MIB) -> bytes:
    """A .pptx with a slide that inflates to `inflated_bytes`."""
    deck = pptx.Presentation()
    deck.slides.add_slide(deck.slide_layouts[5])
    out = io.BytesIO()
    deck.save(out)
    return swell(out.getvalue(), "ppt/slides/slide1.xml", inflated_bytes)


def many_entries(count: int) -> bytes:
    """A .docx with `count` extra tiny entries (an entry-count bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx(["memo"]))) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for number in range(count):
            target.writestr(f"customXml/bomb{number}.xml", b"<a/>")
    return out.getvalue()


def nested(depth: int) -> bytes:
    """A .docx carrying a zip inside a zip inside … `depth` levels deep."""
    inner = b"innermost"
    for level in range(depth):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(f"level{level}.bin" if level == 0 else f"level{level}.zip", inner)
        inner = out.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx(["memo"]))) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/embeddings/object.zip", inner)
    return out.getvalue()


def lying_header(real_bytes: int = 8 * MIB) -> bytes:
    """A .docx whose central directory claims document.xml is 1 KB while its stream inflates to `real_bytes`."""
    bomb = swell(make_docx(["memo"]), "word/document.xml", real_bytes)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        info = archive.getinfo("word/document.xml")
        directory_offset = archive.start_dir
    data = bytearray(bomb)
    name = info.filename.encode()
    at = directory_offset
    while data[at + 46 : at + 46 + len(name)] != name:  # walk the central directory to the entry
        assert data[at : at + 4] == b"PK\x01\x02"
        lengths = [int.from_bytes(data[at + o : at + o + 2], "little") for o in (28, 30, 32)]
        at += 46 + sum(lengths)
    data[at + 24 : at + 28] = (1024).to_bytes(4, "little")  # the uncompressed size it claims
    return bytes(data)
