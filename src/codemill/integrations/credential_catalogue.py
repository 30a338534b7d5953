"""Every CodeMie credential type beyond the first eight, with CodeMie's keys.

Facts from CodeMie's backend (the sensitive-field list and per-type field maps of its settings
service, its request validators) and its UI's credential form. A key is secret when CodeMie
encrypts and masks it. Where CodeMie has no field for what a credential test needs (an A2A agent's
URL, a Telegram API base for self-hosted Bot API servers), Codemill adds an optional one, noted.
"""

from __future__ import annotations

from codemill.integrations.checks_direct import check_email, check_sql
from codemill.integrations.checks_more import (
    check_a2a,
    check_elastic,
    check_keycloak,
    check_kubernetes,
    check_openapi,
    check_report_portal,
    check_service_now,
    check_sonar,
    check_telegram,
    check_xray,
    check_xwiki,
    check_zephyr_scale,
)
from codemill.integrations.credential_fields import CredentialField as F
from codemill.integrations.credential_fields import CredentialType, ValueKind
from codemill.integrations.value_rules import schedule_rule, webhook_rule

_AWS_SIGNATURE = (
    F("aws_region"),
    F("aws_access_key_id", secret=True),
    F("aws_secret_access_key", secret=True),
    F("aws_session_token", secret=True),
    F("aws_service_name"),
)
_RESOURCE_TYPES = ("assistant", "workflow", "datasource")

CATALOGUE: tuple[CredentialType, ...] = (
    CredentialType(
        "Kubernetes",
        (
            F("kubernetes_url", required=True, description="API server URL, e.g. https://kubernetes.example:6443"),
            F("kubernetes_token", secret=True, required=True, description="bearer token"),
            F(
                "allow_writes",
                description="true: the Kubernetes tool may create, change and delete (default: GET only)",
            ),
        ),
        checker=check_kubernetes,
    ),
    CredentialType(
        "GCP",
        (F("gcp_api_key", secret=True, required=True, description="service account key (JSON)"),),
    ),
    CredentialType(
        "Azure",
        (
            F("azure_subscription_id", required=True),
            F("azure_tenant_id", required=True),
            F("azure_client_id", required=True),
            F("azure_client_secret", secret=True, required=True),
        ),
    ),
    CredentialType(
        "Keycloak",
        (
            F("url", required=True, description="base URL, e.g. https://keycloak.example.com/auth"),
            F("realm", required=True),
            F("client_id", required=True),
            F("client_secret", secret=True, required=True),
        ),
        checker=check_keycloak,
    ),
    CredentialType(
        "Elastic",
        (
            F("url", required=True, description="e.g. https://elastic.example.com:9200"),
            F("elastic_api_key_id", secret=True, description="API key id (omit for an encoded API key)"),
            F("elastic_api_key", secret=True, required=True),
        ),
        checker=check_elastic,
    ),
    CredentialType(
        "OpenAPI",
        (
            F("openapi_spec", required=True, kind=ValueKind.DOCUMENT, description="the specification, or its URL"),
            F("is_basic_auth"),
            F("openapi_username", description="user name (basic authorization)"),
            F("openapi_api_key", secret=True, description="API key or header value; the password for basic"),
            F("auth_header_name", description="header carrying the API key (default Authorization)"),
        ),
        checker=check_openapi,
    ),
    CredentialType(
        "FileSystem",
        (F("root_directory", required=True), F("activate_command")),
    ),
    CredentialType(
        "Scheduler",
        (
            F("is_enabled"),
            F("schedule", required=True, description="cron expression (at most hourly)"),
            F("timezone", description="IANA time zone (default UTC)"),
            F("resource_type", required=True, choices=_RESOURCE_TYPES),
            F("resource_id", required=True),
            F("prompt", kind=ValueKind.DOCUMENT, description="initial prompt for an assistant or workflow"),
        ),
        rule=schedule_rule,
    ),
    CredentialType(
        "Webhook",
        (
            F("webhook_id", required=True, description="unique id: the webhook's URL is /v1/webhooks/{webhook_id}"),
            F("is_enabled"),
            F("secure_header_name"),
            F("secure_header_value", secret=True),
            F("github_require_sha256"),
            F("github_webhook_secret", secret=True),
            F("github_event_filter", description="comma-separated events, e.g. pull_request,push"),
            F("resource_type", required=True, choices=_RESOURCE_TYPES),
            F("resource_id", required=True),
            F(
                "prompt",
                kind=ValueKind.DOCUMENT,
                description="Codemill: prompt template for an assistant or workflow; {{ payload.x }} reads the body",
            ),
        ),
        unique_value="webhook_id",
        rule=webhook_rule,
    ),
    CredentialType(
        "Email",
        (
            F("url", required=True, description="SMTP server host:port, e.g. smtp.office365.com:587"),
            F("auth_type", choices=("basic", "oauth_azure")),
            F("smtp_username"),
            F("smtp_password", secret=True),
            F("oauth_from_email"),
            F("oauth_tenant_id"),
            F("oauth_client_id"),
            F("oauth_client_secret", secret=True),
            F("oauth_authority"),
            F("oauth_scope"),
        ),
        checker=check_email,
        variant_key="auth_type",
        variants=(
            ("basic", ()),
            ("oauth_azure", ("oauth_from_email", "oauth_tenant_id", "oauth_client_id", "oauth_client_secret")),
        ),
    ),
    CredentialType(
        "Sonar",
        (
            F("url", required=True, description="SonarQube server or https://sonarcloud.io"),
            F("token", secret=True, required=True),
            F("sonar_project_name", required=True, description="the project key inside Sonar"),
        ),
        checker=check_sonar,
        url_key="url",
    ),
    CredentialType(
        "SQL",
        (
            F("dialect", required=True, choices=("postgres", "mysql", "mssql", "influxdb")),
            F("url", required=True, description="database host"),
            F("port"),
            F("database_name"),
            F("username"),
            F("password", secret=True),
            F("token", secret=True, description="InfluxDB token"),
            F("verify_ssl", description="InfluxDB"),
            F("org", description="InfluxDB organization"),
            F("bucket", description="InfluxDB bucket"),
            F("allow_writes", description="true: the sql tool may write (default: read-only transactions)"),
        ),
        checker=check_sql,
        variant_key="dialect",
        variants=(
            ("postgres", ("database_name", "username", "password")),
            ("mysql", ("database_name", "username", "password")),
            ("mssql", ("database_name", "username", "password")),
            ("influxdb", ("token", "org", "bucket")),
        ),
    ),
    CredentialType(
        "Telegram",
        (
            F("token", secret=True, required=True, description="bot token"),
            F("url", description="Codemill: Bot API base URL (default https://api.telegram.org)"),
        ),
        checker=check_telegram,
    ),
    CredentialType(
        "ZephyrScale",
        (
            F("url", required=True, description="e.g. https://api.zephyrscale.smartbear.com/v2"),
            F("token", secret=True, required=True, description="API access token"),
        ),
        checker=check_zephyr_scale,
    ),
    CredentialType(
        "ServiceNow",
        (
            F("url", required=True, description="instance URL, e.g. https://dev000000.service-now.com"),
            F("api_key", secret=True, required=True),
        ),
        checker=check_service_now,
    ),
    CredentialType(
        "DIAL",
        (F("url", required=True), F("api_key", secret=True, required=True), F("api_version")),
        project_only=True,
    ),
    CredentialType(
        "A2A",
        (
            F("url", description="Codemill: the agent's base URL, used by the credential test"),
            F("auth_type", choices=("apikey", "basic", "bearer", "aws_signature")),
            F("auth_value", secret=True, description="API key or bearer token"),
            F("header_name", description="API key header, e.g. X-API-Key"),
            F("username"),
            F("password", secret=True),
            *_AWS_SIGNATURE,
        ),
        checker=check_a2a,
    ),
    CredentialType(
        "ReportPortal",
        (
            F("url", required=True),
            F("project", required=True),
            F("api_key", secret=True, required=True),
        ),
        checker=check_report_portal,
    ),
    CredentialType(
        "Xray",
        (
            F("url", required=True, description="e.g. https://xray.cloud.getxray.app"),
            F("client_id", required=True),
            F("client_secret", secret=True, required=True),
            F("limit", description="results per query, 1-1000 (default 100)"),
        ),
        checker=check_xray,
    ),
    CredentialType(
        "SharePoint",
        (
            F("url"),
            F("auth_type", choices=("app", "oauth")),
            F("tenant_id"),
            F("client_id"),
            F("client_secret", secret=True),
            F("access_token", secret=True),
            F("refresh_token", secret=True),
            F("expires_at"),
            F("username"),
        ),
        variant_key="auth_type",
        variants=(("app", ("tenant_id", "client_id", "client_secret")), ("oauth", ("access_token",))),
    ),
    CredentialType(
        "GoogleOAuth",
        (
            F("client_id"),
            F("client_secret", secret=True),
            F("access_token", secret=True),
            F("refresh_token", secret=True),
            F("expires_at"),
            F("email"),
        ),
        description="filled by CodeMie's Google OAuth flow; Codemill stores what is sent",
    ),
    CredentialType(
        "XWiki",
        (
            F("url", required=True),
            F("username"),
            F("token", secret=True, description="password or token"),
        ),
        checker=check_xwiki,
    ),
    CredentialType(
        "MSTeams",
        (F("assistant_ids", required=True, kind=ValueKind.STRING_LIST, description="the project's assistants"),),
        project_only=True,
        one_per_project=True,
    ),
    CredentialType(
        "MSExchange",
        (
            F("tenant_id", required=True),
            F("client_id", required=True),
            F("client_secret", secret=True, required=True),
            F("mailbox", description="the mailbox to act for"),
        ),
        description="Codemill's reading: CodeMie's public sources do not list these keys",
    ),
)
