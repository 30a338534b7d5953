"""Which files may be uploaded: the extension names the kind, and the bytes must look like it.

Office documents are zip archives, PDFs start with %PDF-, images with their format's magic bytes;
text and data files must be UTF-8 without NUL bytes. Nothing uploaded is ever run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of file: its MIME type and whether it is text, an image, or a binary document."""

    mime_type: str
    family: str  # "text", "image", "document"


_ZIP = b"PK\x03\x04"
KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", "document"),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document"),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "document"),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"),
    "txt": Kind("text/plain", "text"),
    "text": Kind("text/plain", "text"),
    "log": Kind("text/plain", "text"),
    "md": Kind("text/markdown", "text"),
    "markdown": Kind("text/markdown", "text"),
    "csv": Kind("text/csv", "text"),
    "json": Kind("application/json", "text"),
    "yaml": Kind("application/yaml", "text"),
    "yml": Kind("application/yaml", "text"),
    "xml": Kind("application/xml", "text"),
    "png": Kind("image/png", "image"),
    "jpg": Kind("image/jpeg", "image"),
    "jpeg": Kind("image/jpeg", "image"),
    "gif": Kind("image/gif", "image"),
    "webp": Kind("image/webp", "image"),
}
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}


class UnsupportedFile(Exception):
    """The file's name or content is not an accepted kind (the message says why)."""


def extension(name: str) -> str:
    """The lower-case extension of a file name ('' when it has none)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def accepted_extensions() -> list[str]:
    """Every extension an upload may have."""
    return sorted(KINDS)


def kind_of(name: str, content: bytes) -> Kind:
    """The file's kind, or UnsupportedFile when the extension is unknown or the bytes do not match it."""
    kind = KINDS.get(extension(name))
    if kind is None:
        raise UnsupportedFile(f"files of type '.{extension(name)}' are not accepted")
    if not content:
        raise UnsupportedFile("the file is empty")
    if kind.family == "text":
        if b"\x00" in content:
            raise UnsupportedFile("a text file must not contain NUL bytes")
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsupportedFile("a text file must be UTF-8") from None
        return kind
    if kind.mime_type.startswith("application/vnd.openxmlformats"):
        looks = content.startswith(_ZIP)
    elif kind.mime_type == "image/webp":
        looks = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    else:
        looks = content.startswith(_MAGIC[kind.mime_type])
    if not looks:
        raise UnsupportedFile(f"the content is not a .{extension(name)} file")
    return kind
