"""Codemill's OpenAPI document, from an app that is built but never started (no server, no database).

.venv/bin/python scripts/openapi_document.py ui/openapi.json   # write it (make ui-types does)
.venv/bin/python scripts/openapi_document.py                    # print it
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from codemill.main import create_app
from codemill.settings import Settings


def openapi_document() -> dict[str, Any]:
    """The document, shaped by fixed, harmless settings (no .env file, no CODEMILL_* variable)."""
    settings = Settings(_env_file=None, _env_prefix="CODEMILL_OPENAPI_DOCUMENT_UNUSED_")  # type: ignore[call-arg]
    return create_app(settings, "postgresql://openapi-document.invalid/none").openapi()


def main(argv: list[str]) -> int:
    text = json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
