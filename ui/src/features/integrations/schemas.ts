import type { CredentialValue, Integration } from '../../api/types'
import i18n from '../../i18n'

export interface CredentialField {
  key: string
  label: string
  secret?: boolean
  kind?: 'text' | 'url' | 'bool' | 'textarea'
  placeholder?: string
  required?: boolean
}

/** Known credential types and their fields (the names the CodeMie API uses). Others get free key/value rows. */
export const CREDENTIAL_SCHEMAS: Record<string, CredentialField[]> = {
  Git: [
    { key: 'url', label: 'Repository or host URL', kind: 'url', placeholder: 'https://github.com', required: true },
    { key: 'name', label: 'User name sent with the token (optional)' },
    { key: 'token', label: 'Access token', secret: true, required: true },
  ],
  Jira: [
    { key: 'url', label: 'Jira URL', kind: 'url', placeholder: 'https://your-org.atlassian.net', required: true },
    { key: 'username', label: 'Account email (Jira Cloud)' },
    { key: 'token', label: 'API token', secret: true, required: true },
    { key: 'is_cloud', label: 'Jira Cloud', kind: 'bool' },
  ],
  Confluence: [
    {
      key: 'url',
      label: 'Confluence URL',
      kind: 'url',
      placeholder: 'https://your-org.atlassian.net/wiki',
      required: true,
    },
    { key: 'username', label: 'Account email (Confluence Cloud)' },
    { key: 'token', label: 'API token', secret: true, required: true },
    { key: 'is_cloud', label: 'Confluence Cloud', kind: 'bool' },
  ],
  AWS: [
    { key: 'aws_region', label: 'Region', placeholder: 'eu-west-1', required: true },
    { key: 'aws_access_key_id', label: 'Access key ID', secret: true, required: true },
    { key: 'aws_secret_access_key', label: 'Secret access key', secret: true, required: true },
    { key: 'aws_session_token', label: 'Session token (optional)', secret: true },
    { key: 'aws_endpoint_url', label: 'Endpoint override (optional)', kind: 'url' },
  ],
  AzureDevOps: [
    { key: 'url', label: 'Organization URL', kind: 'url', placeholder: 'https://dev.azure.com', required: true },
    { key: 'organization', label: 'Organization', required: true },
    { key: 'project', label: 'Project (optional)' },
    { key: 'token', label: 'Personal access token', secret: true, required: true },
  ],
  LiteLLM: [
    { key: 'url', label: 'OpenAI-compatible base URL', kind: 'url', placeholder: 'https://proxy.example.com/v1' },
    { key: 'api_key', label: 'API key', secret: true, required: true },
  ],
  Plugin: [{ key: 'plugin_key', label: 'Plugin key', secret: true, required: true }],
  Kubernetes: [
    {
      key: 'kubernetes_url',
      label: 'API server URL',
      kind: 'url',
      placeholder: 'https://kubernetes.example:6443',
      required: true,
    },
    { key: 'kubernetes_token', label: 'Bearer token', secret: true, required: true },
  ],
  GCP: [{ key: 'gcp_api_key', label: 'Service account key (JSON)', kind: 'textarea', secret: true, required: true }],
  Azure: [
    { key: 'azure_subscription_id', label: 'Subscription ID', required: true },
    { key: 'azure_tenant_id', label: 'Tenant ID', required: true },
    { key: 'azure_client_id', label: 'Client ID', required: true },
    { key: 'azure_client_secret', label: 'Client secret', secret: true, required: true },
  ],
  Keycloak: [
    { key: 'url', label: 'Base URL', kind: 'url', placeholder: 'https://keycloak.example.com/auth', required: true },
    { key: 'realm', label: 'Realm', required: true },
    { key: 'client_id', label: 'Client ID', required: true },
    { key: 'client_secret', label: 'Client secret', secret: true, required: true },
  ],
  Elastic: [
    {
      key: 'url',
      label: 'Elasticsearch URL',
      kind: 'url',
      placeholder: 'https://elastic.example.com:9200',
      required: true,
    },
    { key: 'elastic_api_key_id', label: 'API key ID', secret: true },
    { key: 'elastic_api_key', label: 'API key', secret: true, required: true },
  ],
  OpenAPI: [
    { key: 'openapi_spec', label: 'Specification (or its URL)', kind: 'textarea', required: true },
    { key: 'is_basic_auth', label: 'Basic authorization', kind: 'bool' },
    { key: 'openapi_username', label: 'User name (basic authorization)' },
    { key: 'openapi_api_key', label: 'API key, header value or password', secret: true },
    { key: 'auth_header_name', label: 'Header name (default Authorization)' },
  ],
  FileSystem: [
    { key: 'root_directory', label: 'Root directory', required: true },
    { key: 'activate_command', label: 'Activate command (optional)' },
  ],
  Scheduler: [
    { key: 'schedule', label: 'Cron expression', placeholder: '0 9 * * 1-5', required: true },
    { key: 'resource_type', label: 'Resource type (assistant, workflow or datasource)', required: true },
    { key: 'resource_id', label: 'Resource ID', required: true },
    { key: 'prompt', label: 'Prompt (assistants and workflows)', kind: 'textarea' },
    { key: 'is_enabled', label: 'Enabled', kind: 'bool' },
  ],
  Webhook: [
    { key: 'webhook_id', label: 'Webhook ID', required: true },
    { key: 'resource_type', label: 'Resource type (assistant, workflow or datasource)', required: true },
    { key: 'resource_id', label: 'Resource ID', required: true },
    { key: 'secure_header_name', label: 'Secure header name (optional)' },
    { key: 'secure_header_value', label: 'Secure header value', secret: true },
    { key: 'github_webhook_secret', label: 'GitHub webhook secret', secret: true },
    { key: 'is_enabled', label: 'Enabled', kind: 'bool' },
  ],
  Email: [
    { key: 'url', label: 'SMTP server (host:port)', placeholder: 'smtp.office365.com:587', required: true },
    { key: 'smtp_username', label: 'SMTP user name' },
    { key: 'smtp_password', label: 'SMTP password', secret: true },
  ],
  Sonar: [
    { key: 'url', label: 'Sonar URL', kind: 'url', placeholder: 'https://sonarcloud.io', required: true },
    { key: 'token', label: 'Token', secret: true, required: true },
    { key: 'sonar_project_name', label: 'Project key', required: true },
  ],
  SQL: [
    { key: 'dialect', label: 'Dialect (postgres, mysql, mssql or influxdb)', placeholder: 'postgres', required: true },
    { key: 'url', label: 'Host', required: true },
    { key: 'port', label: 'Port' },
    { key: 'database_name', label: 'Database' },
    { key: 'username', label: 'User name' },
    { key: 'password', label: 'Password', secret: true },
  ],
  Telegram: [{ key: 'token', label: 'Bot token', secret: true, required: true }],
  ZephyrScale: [
    {
      key: 'url',
      label: 'API URL',
      kind: 'url',
      placeholder: 'https://api.zephyrscale.smartbear.com/v2',
      required: true,
    },
    { key: 'token', label: 'API access token', secret: true, required: true },
  ],
  ServiceNow: [
    {
      key: 'url',
      label: 'Instance URL',
      kind: 'url',
      placeholder: 'https://dev000000.service-now.com',
      required: true,
    },
    { key: 'api_key', label: 'API key', secret: true, required: true },
  ],
  DIAL: [
    { key: 'url', label: 'URL', kind: 'url', required: true },
    { key: 'api_key', label: 'API key', secret: true, required: true },
    { key: 'api_version', label: 'API version' },
  ],
  A2A: [
    { key: 'url', label: 'Agent URL (for testing)', kind: 'url' },
    { key: 'auth_type', label: 'Authentication (apikey, basic, bearer or aws_signature)' },
    { key: 'auth_value', label: 'API key or bearer token', secret: true },
    { key: 'header_name', label: 'API key header' },
    { key: 'username', label: 'User name (basic)' },
    { key: 'password', label: 'Password (basic)', secret: true },
  ],
  ReportPortal: [
    { key: 'url', label: 'ReportPortal URL', kind: 'url', required: true },
    { key: 'project', label: 'Project', required: true },
    { key: 'api_key', label: 'API key', secret: true, required: true },
  ],
  Xray: [
    { key: 'url', label: 'Xray URL', kind: 'url', placeholder: 'https://xray.cloud.getxray.app', required: true },
    { key: 'client_id', label: 'Client ID', required: true },
    { key: 'client_secret', label: 'Client secret', secret: true, required: true },
    { key: 'limit', label: 'Results per query (default 100)' },
  ],
  SharePoint: [
    { key: 'url', label: 'Site URL', kind: 'url' },
    { key: 'tenant_id', label: 'Tenant ID', required: true },
    { key: 'client_id', label: 'Client ID', required: true },
    { key: 'client_secret', label: 'Client secret', secret: true, required: true },
  ],
  XWiki: [
    { key: 'url', label: 'XWiki URL', kind: 'url', required: true },
    { key: 'username', label: 'User name' },
    { key: 'token', label: 'Password or token', secret: true },
  ],
  MSExchange: [
    { key: 'tenant_id', label: 'Tenant ID', required: true },
    { key: 'client_id', label: 'Client ID', required: true },
    { key: 'client_secret', label: 'Client secret', secret: true, required: true },
    { key: 'mailbox', label: 'Mailbox' },
  ],
}

/** Types offered here (the server accepts every CodeMie type). MCP takes free-form environment variables;
 * MS Teams bots (a list of assistants) and Google OAuth (filled by an OAuth flow) are not offered in this form. */
export const CREDENTIAL_TYPES = [...Object.keys(CREDENTIAL_SCHEMAS), 'MCP']

/** Types whose free-form values are all secret. */
const ALL_SECRET = new Set(['MCP'])

const SECRET_KEY = /(token|password|passwd|secret|api[_-]?key|apikey|private|credential|plugin_key)/i

export function isSecretKey(type: string, key: string): boolean {
  if (ALL_SECRET.has(type)) return true
  const known = CREDENTIAL_SCHEMAS[type]?.find((f) => f.key === key)
  if (known) return Boolean(known.secret)
  return SECRET_KEY.test(key)
}

/** What a masked secret looks like in lists: never any part of the value. */
export const MASK = '••••••••'

export function valueOf(values: CredentialValue[] | undefined, key: string): unknown {
  return values?.find((v) => v.key === key)?.value
}

/**
 * Build the credential_values to send. A secret left empty while editing keeps what the
 * server holds: we send back exactly the (masked) value it returned, which the API treats as "unchanged".
 */
export function buildValues(
  type: string,
  entered: Record<string, string | boolean>,
  extraRows: { key: string; value: string }[],
  existing?: Integration | null,
): CredentialValue[] {
  const out: CredentialValue[] = []
  const fields = CREDENTIAL_SCHEMAS[type] ?? []
  for (const f of fields) {
    const v = entered[f.key]
    if (f.secret && (v === '' || v === undefined)) {
      const prior = valueOf(existing?.credential_values, f.key)
      if (prior !== undefined && prior !== null && prior !== '') out.push({ key: f.key, value: prior })
      continue
    }
    if (v === undefined || v === '') continue
    out.push({ key: f.key, value: v })
  }
  for (const row of extraRows) {
    if (!row.key.trim()) continue
    if (row.value === '' && isSecretKey(type, row.key)) {
      const prior = valueOf(existing?.credential_values, row.key)
      if (prior !== undefined) out.push({ key: row.key, value: prior })
      continue
    }
    out.push({ key: row.key.trim(), value: row.value })
  }
  return out
}

/** A plugin key like `codemie-plugins config generate-key` makes: a random UUID. */
export function generatePluginKey(): string {
  const c = globalThis.crypto
  if (c && typeof c.randomUUID === 'function') return c.randomUUID()
  const b = new Uint8Array(16)
  c.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

export function pluginCommand(key: string, engineUri: string): string {
  return `PLUGIN_KEY=${key} PLUGIN_ENGINE_URI=${engineUri} uvx codemie-plugins development run --repo-path .`
}

/** Each field label's translation key (the labels above stay the English source). */
export const FIELD_LABEL_KEYS: Record<string, string> = {
  'API URL': 'fields.apiUrl',
  'API access token': 'fields.apiAccessToken',
  'API key': 'fields.apiKey',
  'API key ID': 'fields.apiKeyId',
  'API key header': 'fields.apiKeyHeader',
  'API key or bearer token': 'fields.apiKeyOrBearerToken',
  'API key, header value or password': 'fields.apiKeyHeaderValueOrPassword',
  'API server URL': 'fields.apiServerUrl',
  'API token': 'fields.apiToken',
  'API version': 'fields.apiVersion',
  'Access key ID': 'fields.accessKeyId',
  'Access token': 'fields.accessToken',
  'Account email (Confluence Cloud)': 'fields.accountEmailConfluenceCloud',
  'Account email (Jira Cloud)': 'fields.accountEmailJiraCloud',
  'Activate command (optional)': 'fields.activateCommandOptional',
  'Agent URL (for testing)': 'fields.agentUrlForTesting',
  'Authentication (apikey, basic, bearer or aws_signature)': 'fields.authenticationApikeyBasicBearerOrAwsSignature',
  'Base URL': 'fields.baseUrl',
  'Basic authorization': 'fields.basicAuthorization',
  'Bearer token': 'fields.bearerToken',
  'Bot token': 'fields.botToken',
  'Client ID': 'fields.clientId',
  'Client secret': 'fields.clientSecret',
  'Confluence Cloud': 'fields.confluenceCloud',
  'Confluence URL': 'fields.confluenceUrl',
  'Cron expression': 'fields.cronExpression',
  Database: 'fields.database',
  'Dialect (postgres, mysql, mssql or influxdb)': 'fields.dialectPostgresMysqlMssqlOrInfluxdb',
  'Elasticsearch URL': 'fields.elasticsearchUrl',
  Enabled: 'fields.enabled',
  'Endpoint override (optional)': 'fields.endpointOverrideOptional',
  'GitHub webhook secret': 'fields.githubWebhookSecret',
  'Header name (default Authorization)': 'fields.headerNameDefaultAuthorization',
  Host: 'fields.host',
  'Instance URL': 'fields.instanceUrl',
  'Jira Cloud': 'fields.jiraCloud',
  'Jira URL': 'fields.jiraUrl',
  Mailbox: 'fields.mailbox',
  'OpenAI-compatible base URL': 'fields.openaiCompatibleBaseUrl',
  Organization: 'fields.organization',
  'Organization URL': 'fields.organizationUrl',
  Password: 'fields.password',
  'Password (basic)': 'fields.passwordBasic',
  'Password or token': 'fields.passwordOrToken',
  'Personal access token': 'fields.personalAccessToken',
  'Plugin key': 'fields.pluginKey',
  Port: 'fields.port',
  Project: 'fields.project',
  'Project (optional)': 'fields.projectOptional',
  'Project key': 'fields.projectKey',
  'Prompt (assistants and workflows)': 'fields.promptAssistantsAndWorkflows',
  Realm: 'fields.realm',
  Region: 'fields.region',
  'ReportPortal URL': 'fields.reportportalUrl',
  'Repository or host URL': 'fields.repositoryOrHostUrl',
  'Resource ID': 'fields.resourceId',
  'Resource type (assistant, workflow or datasource)': 'fields.resourceTypeAssistantWorkflowOrDatasource',
  'Results per query (default 100)': 'fields.resultsPerQueryDefault100',
  'Root directory': 'fields.rootDirectory',
  'SMTP password': 'fields.smtpPassword',
  'SMTP server (host:port)': 'fields.smtpServerHostPort',
  'SMTP user name': 'fields.smtpUserName',
  'Secret access key': 'fields.secretAccessKey',
  'Secure header name (optional)': 'fields.secureHeaderNameOptional',
  'Secure header value': 'fields.secureHeaderValue',
  'Service account key (JSON)': 'fields.serviceAccountKeyJson',
  'Session token (optional)': 'fields.sessionTokenOptional',
  'Site URL': 'fields.siteUrl',
  'Sonar URL': 'fields.sonarUrl',
  'Specification (or its URL)': 'fields.specificationOrItsUrl',
  'Subscription ID': 'fields.subscriptionId',
  'Tenant ID': 'fields.tenantId',
  Token: 'fields.token',
  URL: 'fields.url',
  'User name': 'fields.userName',
  'User name (basic authorization)': 'fields.userNameBasicAuthorization',
  'User name (basic)': 'fields.userNameBasic',
  'User name sent with the token (optional)': 'fields.userNameSentWithTheTokenOptional',
  'Webhook ID': 'fields.webhookId',
  'XWiki URL': 'fields.xwikiUrl',
  'Xray URL': 'fields.xrayUrl',
}

/** A credential field's label in the UI's language. */
export function fieldLabel(f: CredentialField): string {
  const key = FIELD_LABEL_KEYS[f.label]
  return key ? i18n.t(key) : f.label
}
