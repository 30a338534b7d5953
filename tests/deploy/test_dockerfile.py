"""The image: multi-stage, UI built in, locked Python install, unprivileged, health-checked."""

from __future__ import annotations

import re

from tests.deploy.chart import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
INSTRUCTIONS = [line.strip() for line in DOCKERFILE.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_stages_build_the_ui_and_the_locked_environment() -> None:
    stages = re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert [name for _, name in stages] == ["ui", "python-build", "runtime"]
    assert all(":" in image and not image.endswith(":latest") for image, _ in stages)
    assert "RUN npm ci" in DOCKERFILE and "RUN npm run build" in DOCKERFILE
    makefile_uv = re.search(r"uv==([\d.]+)", (ROOT / "Makefile").read_text())
    assert makefile_uv and f"uv=={makefile_uv.group(1)}" in DOCKERFILE, "the image pins the same uv as the Makefile"
    assert "uv sync --frozen --no-dev" in DOCKERFILE
    assert "COPY --from=ui /build/ui/dist /opt/codemill/ui" in DOCKERFILE
    assert "CODEMILL_UI_DIR=/opt/codemill/ui" in DOCKERFILE


def test_virtualenv_keeps_its_build_path() -> None:
    """Console scripts' shebangs name the venv's path: build and runtime must use the same one."""
    built = re.search(r"UV_PROJECT_ENVIRONMENT=(\S+)", DOCKERFILE)
    copied = re.search(r"COPY --from=python-build (\S+) (\S+)", DOCKERFILE)
    assert built and copied
    assert copied.group(1) == copied.group(2) == built.group(1)
    assert f"PATH={built.group(1)}/bin:" in DOCKERFILE


def test_runtime_is_unprivileged_and_read_only_friendly() -> None:
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    users = re.findall(r"^USER\s+(\S+)", runtime, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "PYTHONDONTWRITEBYTECODE=1" in runtime  # nothing written beside the code at run time
    assert "CODEMILL_DATA_DIR=/var/lib/codemill" in runtime
    assert re.search(r"^HEALTHCHECK .*", runtime, re.MULTILINE)
    assert "/v1/healthcheck" in runtime
    assert INSTRUCTIONS[-2].startswith('ENTRYPOINT ["codemill"]')


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "ui/node_modules", "tests"):
        assert entry in ignored
