import type { CredentialValue, Integration } from '../../api/types'

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
    { key: 'url', label: 'Confluence URL', kind: 'url', placeholder: 'https://your-org.atlassian.net/wiki', required: true },
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
}

/** Types the server accepts. MCP takes free-form environment variables. */
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
