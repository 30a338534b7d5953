"""The protobuf messages of a plugin tool call (plugin_service.proto), encoded by hand.

Only varints and length-delimited fields occur; unknown fields are skipped when decoding, as
protobuf does, so newer plugins that add fields still parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum


class MessageError(ValueError):
    """Bytes that are not a valid message."""


class Handler(IntEnum):
    GET = 0
    RUN = 1


class Puppet(IntEnum):
    LANGCHAIN_TOOL = 0


_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # proto3 encodes negative int32/enum values as 10-byte varints
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise MessageError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs: ints for varints, bytes for length-delimited; others skipped."""
    pos = 0
    while pos < len(data):
        tag, pos = _read_varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == _VARINT:
            value, pos = _read_varint(data, pos)
            yield number, value
        elif wire == _LEN:
            size, pos = _read_varint(data, pos)
            if pos + size > len(data):
                raise MessageError("truncated field")
            yield number, data[pos : pos + size]
            pos += size
        elif wire in (_I64, _I32):
            pos += 8 if wire == _I64 else 4
        else:
            raise MessageError(f"unsupported wire type {wire}")
    if pos != len(data):
        raise MessageError("truncated message")


def _len_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | _LEN) + _varint(len(payload)) + payload


def _text(value: int | bytes) -> str:
    if not isinstance(value, bytes):
        raise MessageError("expected a string field")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MessageError("string field is not UTF-8") from exc


def _blob(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise MessageError("expected a message field")
    return value


# LangChainTool's fields in field-number order (1..6).
_TOOL_FIELDS = ("name", "description", "args_schema", "result", "error", "query")


@dataclass
class LangChainTool:
    """A tool's description (GET), its arguments (RUN request) or its output (RUN reply)."""

    name: str | None = None
    description: str | None = None
    args_schema: str | None = None
    result: str | None = None
    error: str | None = None
    query: str | None = None

    def encode(self) -> bytes:
        out = b""
        for number, attr in enumerate(_TOOL_FIELDS, start=1):
            value = getattr(self, attr)
            if value is not None:  # proto3 `optional`: present even when empty
                out += _len_field(number, value.encode("utf-8"))
        return out

    @classmethod
    def decode(cls, data: bytes) -> LangChainTool:
        tool = cls()
        for number, value in _fields(data):
            if 1 <= number <= len(_TOOL_FIELDS):
                setattr(tool, _TOOL_FIELDS[number - 1], _text(value))
        return tool


@dataclass
class ServiceMeta:
    subject: str = ""
    handler: Handler = Handler.GET
    puppet: Puppet = Puppet.LANGCHAIN_TOOL

    def encode(self) -> bytes:
        out = _len_field(1, self.subject.encode("utf-8")) if self.subject else b""
        out += _varint(2 << 3) + _varint(self.handler) if self.handler else b""
        out += _varint(3 << 3) + _varint(self.puppet) if self.puppet else b""
        return out

    @classmethod
    def decode(cls, data: bytes) -> ServiceMeta:
        meta = cls()
        for number, value in _fields(data):
            if number == 1:
                meta.subject = _text(value)
            elif number == 2 and isinstance(value, int):
                meta.handler = Handler(value) if value in Handler._value2member_map_ else Handler.GET
            elif number == 3 and isinstance(value, int) and value in Puppet._value2member_map_:
                meta.puppet = Puppet(value)
        return meta


def _puppet_tool(data: bytes) -> LangChainTool | None:
    """The lc_tool inside a PuppetRequest/PuppetResponse (field 1 of a oneof)."""
    tool = None
    for number, value in _fields(data):
        if number == 1:
            tool = LangChainTool.decode(_blob(value))
    return tool


@dataclass
class ServiceRequest:
    """What the backend sends to `<key>.<session>.<label>.<tool>`."""

    meta: ServiceMeta = field(default_factory=ServiceMeta)
    tool: LangChainTool | None = None

    def encode(self) -> bytes:
        out = _len_field(1, self.meta.encode())
        if self.tool is not None:
            out += _len_field(2, _len_field(1, self.tool.encode()))
        return out

    @classmethod
    def decode(cls, data: bytes) -> ServiceRequest:
        request = cls()
        for number, value in _fields(data):
            if number == 1:
                request.meta = ServiceMeta.decode(_blob(value))
            elif number == 2:
                request.tool = _puppet_tool(_blob(value))
        return request


@dataclass
class ServiceResponse:
    """What a plugin replies: the tool's result or error, or a service-level error."""

    meta: ServiceMeta = field(default_factory=ServiceMeta)
    tool: LangChainTool | None = None
    error: str | None = None

    def encode(self) -> bytes:
        out = _len_field(1, self.meta.encode())
        if self.error is not None:
            out += _len_field(3, self.error.encode("utf-8"))
        elif self.tool is not None:
            out += _len_field(2, _len_field(1, self.tool.encode()))
        return out

    @classmethod
    def decode(cls, data: bytes) -> ServiceResponse:
        response = cls()
        for number, value in _fields(data):
            if number == 1:
                response.meta = ServiceMeta.decode(_blob(value))
            elif number == 2:
                response.tool, response.error = _puppet_tool(_blob(value)), None
            elif number == 3:
                response.tool, response.error = None, _text(value)
        return response


def run_request(subject: str, tool_name: str, query: str) -> bytes:
    """The RUN request the CLI expects: handler RUN, the arguments as JSON text in lc_tool.query."""
    meta = ServiceMeta(subject=subject, handler=Handler.RUN)
    return ServiceRequest(meta=meta, tool=LangChainTool(name=tool_name, query=query)).encode()
