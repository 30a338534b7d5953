# syntax=docker/dockerfile:1.7
# Codemill: one image for `serve`, `worker`, `migrate`, `nats-callout` and `mcp-connect`.
# Build: docker build -t codemill:dev .     Run: docker run -p 8080:8080 codemill:dev
# The runtime stage runs as an unprivileged user (10001) and works with a read-only root filesystem:
# only /tmp and CODEMILL_DATA_DIR need to be writable (mount emptyDir / tmpfs volumes there).

# Base images by tag; pin them by digest (FROM image:tag@sha256:...) in your build pipeline.

# ---- 1. UI: React + Vite build into ui/dist -------------------------------------------------------
FROM node:22-bookworm-slim AS ui
WORKDIR /build/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY ui/ ./
RUN npm run build

# ---- 2. Python: the locked virtual environment, project installed non-editable ---------------------
FROM python:3.12-slim-bookworm AS python-build
# The virtualenv is built where the runtime stage keeps it: console-script shebangs hold this path.
ENV UV_PROJECT_ENVIRONMENT=/opt/codemill/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN pip install uv==0.13.9
WORKDIR /app
# Dependencies first (cached while only the source changes).
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project --no-editable --python /usr/local/bin/python3.12
COPY src/ ./src/
RUN uv sync --frozen --no-dev --no-editable --python /usr/local/bin/python3.12

# ---- 3. Runtime ------------------------------------------------------------------------------------
FROM python:3.12-slim-bookworm AS runtime
LABEL org.opencontainers.image.title="codemill" \
      org.opencontainers.image.description="Open, self-hostable AI assistants platform (speaks the CodeMie /v1 API)" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 codemill \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/codemill --shell /usr/sbin/nologin codemill \
 && mkdir -p /var/lib/codemill /opt/codemill \
 && chown 10001:10001 /var/lib/codemill
COPY --from=python-build /opt/codemill/venv /opt/codemill/venv
COPY --from=ui /build/ui/dist /opt/codemill/ui
ENV PATH=/opt/codemill/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/var/lib/codemill \
    CODEMILL_DATA_DIR=/var/lib/codemill \
    CODEMILL_UI_DIR=/opt/codemill/ui \
    CODEMILL_HOST=0.0.0.0 \
    CODEMILL_PORT=8080
USER 10001:10001
WORKDIR /var/lib/codemill
EXPOSE 8080 3000
# For `serve` (the default command). Kubernetes uses the chart's probes instead; compose overrides this
# for the worker and callout services, which serve no HTTP.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/v1/healthcheck', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["codemill"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
