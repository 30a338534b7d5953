"""Split text into chunks: prose by paragraphs, code by top-level definitions (functions, classes kept whole)."""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

CODE_EXTENSIONS = {
    ".py", ".js", ".jsx", ".ts", ".tsx", ".java", ".kt", ".scala", ".go", ".rs", ".c", ".h", ".cc", ".cpp",
    ".hpp", ".cs", ".php", ".rb", ".swift", ".m", ".sh", ".bash", ".sql", ".groovy", ".dart", ".lua", ".r",
}  # fmt: skip
BRACE_LANGUAGES = CODE_EXTENSIONS - {".py", ".rb", ".sh", ".bash", ".sql", ".lua", ".r"}
PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass
class Chunk:
    """One chunk of an item, with its position and the lines it spans (code)."""

    text: str
    ordinal: int
    meta: dict[str, Any] = field(default_factory=dict)

    def key(self, path: str) -> str:
        """The idempotency key: the same text at the same place of the same item is the same chunk."""
        return hashlib.sha256(f"{path}\x00{self.ordinal}\x00{self.text}".encode()).hexdigest()


def chunk_item(path: str, text: str, max_chars: int, overlap: int) -> list[Chunk]:
    """Chunks for one item, picked by its extension."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if suffix in CODE_EXTENSIONS:
        blocks = code_blocks(text, suffix)
        pieces = _pack_code(blocks, max_chars)
        return [Chunk(t, i, {"start_line": s, "end_line": e}) for i, (t, s, e) in enumerate(pieces) if t.strip()]
    return [Chunk(t, i) for i, t in enumerate(split_prose(text, max_chars, overlap)) if t.strip()]


def split_prose(text: str, max_chars: int, overlap: int) -> list[str]:
    """Paragraph-packed chunks near max_chars; a too-long paragraph is cut on sentence/word bounds."""
    pieces: list[str] = []
    for paragraph in PARAGRAPH.split(text):
        paragraph = paragraph.strip()
        if len(paragraph) <= max_chars:
            if paragraph:
                pieces.append(paragraph)
            continue
        pieces.extend(_cut(paragraph, max_chars, overlap))
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) + 2 > max_chars:
            chunks.append(current)
            tail = current[-overlap:] if overlap else ""
            current = (
                (tail.split(" ", 1)[-1] + "\n\n" + piece) if tail and len(tail) + len(piece) < max_chars else piece
            )
        else:
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


def _cut(text: str, max_chars: int, overlap: int) -> list[str]:
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            window = text[start:end]
            cut = max(window.rfind(". "), window.rfind("\n"), window.rfind(" "))
            if cut > max_chars // 2:
                end = start + cut + 1
        out.append(text[start:end].strip())
        if end >= len(text):
            break
        start = max(end - overlap, start + 1)
    return out


def code_blocks(text: str, suffix: str) -> list[tuple[str, int, int]]:
    """Top-level blocks (text, first line, last line), 1-based: definitions stay in one block."""
    lines = text.splitlines()
    if not lines:
        return []
    starts: list[int] = []
    if suffix == ".py":
        starts = _python_starts(text)
    elif suffix in BRACE_LANGUAGES:
        starts = _brace_starts(lines)
    if not starts:
        starts = [i for i, line in enumerate(lines) if i == 0 or (not line.strip() and i + 1 < len(lines))]
    starts = sorted({0, *starts})
    blocks = []
    for n, first in enumerate(starts):
        last = (starts[n + 1] if n + 1 < len(starts) else len(lines)) - 1
        body = "\n".join(lines[first : last + 1])
        if body.strip():
            blocks.append((body, first + 1, last + 1))
    return blocks


def _python_starts(text: str) -> list[int]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    starts = []
    for node in tree.body:
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        starts.append(first - 1)
    return starts


def _brace_starts(lines: list[str]) -> list[int]:
    """Lines where a top-level construct begins: brace depth 0 after the previous block closed."""
    starts = []
    depth = 0
    block_open = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if depth == 0 and stripped and not block_open:
            starts.append(i)
            block_open = True
        code = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|//.*$', "", line)
        depth += code.count("{") - code.count("}")
        depth = max(depth, 0)
        if depth == 0 and (stripped.endswith(("}", "};", ";")) or not stripped):
            block_open = False
    return starts


def _pack_code(blocks: list[tuple[str, int, int]], max_chars: int) -> list[tuple[str, int, int]]:
    """Merge small neighbouring blocks up to max_chars; split a block only when it exceeds 2 x max_chars."""
    out: list[tuple[str, int, int]] = []
    current: tuple[str, int, int] | None = None
    for block in blocks:
        if len(block[0]) > 2 * max_chars:
            if current:
                out.append(current)
                current = None
            out.extend(_split_lines(block, max_chars))
            continue
        if current and len(current[0]) + len(block[0]) + 1 <= max_chars:
            current = (current[0] + "\n" + block[0], current[1], block[2])
        else:
            if current:
                out.append(current)
            current = block
    if current:
        out.append(current)
    return out


def _split_lines(block: tuple[str, int, int], max_chars: int) -> list[tuple[str, int, int]]:
    text, first, _ = block
    out = []
    buf: list[str] = []
    size = 0
    start = first
    for n, line in enumerate(text.split("\n")):
        if buf and size + len(line) + 1 > max_chars:
            out.append(("\n".join(buf), start, first + n - 1))
            buf, size, start = [], 0, first + n
        buf.append(line)
        size += len(line) + 1
    if buf:
        out.append(("\n".join(buf), start, start + len(buf) - 1))
    return out
