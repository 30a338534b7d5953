"""Bounded extraction: archive and office files are measured before any parser inflates them.

docx, pptx and xlsx are zip archives. Their central directory says how many entries they hold and how
large each inflates; a decompression bomb shows there (a few hundred KB claiming 100 MB+) and is refused
without inflating anything. Headers can lie, so the entries are then inflated once more in small pieces
with a running total, and an archive inside the archive (an embedded workbook, a zip in a zip) is measured
the same way one level down, against the same budget. PDF streams are capped through pypdf's own limits,
and every format's extracted text has a ceiling too.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from codemill.settings import ExtractionSettings

# Entries smaller than this are not judged by their ratio: a tiny run of spaces compresses 1000:1 legitimately.
RATIO_FLOOR_BYTES = 1_048_576
READ_PIECE_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"


class ExtractionRefused(Exception):
    """The file would inflate past a cap; the message is the reason shown in the datasource's status."""


@dataclass
class Budget:
    """What one file may still inflate to, shared by every archive nested in it."""

    limits: ExtractionSettings
    inflated: int = 0
    entries: int = 0

    def add_entries(self, count: int) -> None:
        """Count entries against the cap."""
        self.entries += count
        if self.entries > self.limits.max_entries:
            raise ExtractionRefused(f"archive has more than {self.limits.max_entries} entries")

    def add_bytes(self, count: int) -> None:
        """Count inflated bytes against the cap."""
        self.inflated += count
        if self.inflated > self.limits.max_unpacked_bytes:
            raise ExtractionRefused(f"archive inflates past {_mib(self.limits.max_unpacked_bytes)}")


def check_zip(content: bytes, limits: ExtractionSettings) -> None:
    """Raise ExtractionRefused when the zip (and the archives inside it) would inflate past the caps."""
    _check_archive(content, Budget(limits), depth=0)


def _check_archive(content: bytes, budget: Budget, depth: int) -> None:
    limits = budget.limits
    if depth > limits.max_nesting:
        raise ExtractionRefused(f"archives nested deeper than {limits.max_nesting} levels")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise ExtractionRefused(f"not a readable archive ({exc})") from exc
    with archive:
        entries = archive.infolist()
        budget.add_entries(len(entries))
        _check_declared(entries, budget)
        for entry in entries:
            if entry.is_dir():
                continue
            nested = _inflate(archive, entry, budget)
            if nested is not None:
                _check_archive(nested, budget, depth + 1)


def _check_declared(entries: list[zipfile.ZipInfo], budget: Budget) -> None:
    """The central directory's own claims: total size and compression ratios (nothing inflated yet)."""
    limits = budget.limits
    declared = sum(e.file_size for e in entries)
    if budget.inflated + declared > limits.max_unpacked_bytes:
        raise ExtractionRefused(
            f"archive would inflate to {_mib(declared)}; the limit is {_mib(limits.max_unpacked_bytes)}"
        )
    packed = sum(e.compress_size for e in entries)
    if declared > RATIO_FLOOR_BYTES and declared > limits.max_ratio * max(packed, 1):
        raise ExtractionRefused(
            f"compression ratio {declared // max(packed, 1)}:1 is past the limit of {limits.max_ratio}:1"
        )
    for entry in entries:
        if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            raise ExtractionRefused(
                f"entry {entry.filename!r}: compression ratio {ratio}:1 is past the limit of {limits.max_ratio}:1"
            )


def _inflate(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: Budget) -> bytes | None:
    """Inflate one entry in pieces, counting every byte; its bytes when it is itself an archive."""
    keep: list[bytes] | None = None
    first = True
    try:
        with archive.open(entry) as stream:
            while piece := stream.read(READ_PIECE_BYTES):
                budget.add_bytes(len(piece))
                if first:
                    keep, first = ([] if piece.startswith(ZIP_MAGIC) else None), False
                if keep is not None:
                    keep.append(piece)
    except ExtractionRefused:
        raise
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
        # RuntimeError: encrypted entry; NotImplementedError: unsupported compression.
        raise ExtractionRefused(f"entry {entry.filename!r} cannot be read ({exc})") from exc
    return b"".join(keep) if keep is not None else None


def check_text(text: str, limits: ExtractionSettings) -> str:
    """The text, or ExtractionRefused when there is more than the cap (its chunks would flood the index)."""
    if len(text) > limits.max_text_chars:
        raise ExtractionRefused(f"extracted text has {len(text):,} characters; the limit is {limits.max_text_chars:,}")
    return text


class TextBudget:
    """A running cap on text gathered piece by piece (PDF pages), so a huge page stops the reading early."""

    def __init__(self, limits: ExtractionSettings) -> None:
        self.limits = limits
        self.chars = 0

    def add(self, piece: str) -> str:
        """Count a piece; ExtractionRefused past the cap."""
        self.chars += len(piece)
        if self.chars > self.limits.max_text_chars:
            raise ExtractionRefused(f"extracted text is past the limit of {self.limits.max_text_chars:,} characters")
        return piece


def _mib(count: int) -> str:
    return f"{count / 1_048_576:.1f} MiB"
