import { api } from './client'
import type { ToolKit } from './types'

/** How to start or reach an MCP server (CodeMie's MCPServerConfig). */
export interface McpServerConfig {
  command?: string | null
  url?: string | null
  args?: string[]
  env?: Record<string, unknown>
  headers?: Record<string, string>
  type?: string | null
  single_usage?: boolean
  tools?: string[] | null
}

/** An MCP server on an assistant (CodeMie's MCPServerDetails). */
export interface McpServer {
  name: string
  description?: string | null
  enabled?: boolean
  mcp_config_id?: string | null
  use_custom_config?: boolean
  config?: McpServerConfig | null
  integration_alias?: string | null
  tools?: string[] | null
  [extra: string]: unknown
}

/** A catalogue entry (/v1/mcp-configs). */
export interface McpConfig {
  id: string
  name: string
  description?: string | null
  categories: string[]
  config?: McpServerConfig | null
  required_env_vars: { name: string; description: string; required: boolean }[]
  user_id?: string | null
  is_public: boolean
  is_system: boolean
  is_active: boolean
}

export interface McpConfigList {
  configs: McpConfig[]
  total: number
  page: number
  per_page: number
}

export interface McpConfigCreate {
  name: string
  description?: string
  categories: string[]
  config: McpServerConfig
}

export const mcpApi = {
  list: (page = 0, perPage = 50, search?: string) =>
    api.get<McpConfigList>(
      '/v1/mcp-configs',
      { page, per_page: perPage, search: search || undefined },
      { unwrap: false },
    ),
  create: (body: McpConfigCreate) => api.post<McpConfig>('/v1/mcp-configs', body, { unwrap: false }),
  remove: (id: string) => api.delete<unknown>(`/v1/mcp-configs/${encodeURIComponent(id)}`),
  /** The server's tools, listed through MCP Connect (422 with the reason when it cannot be listed). */
  tools: (server: McpServer) => api.post<ToolKit[]>('/v1/assistants/mcp_tools', server, { unwrap: false }),
}

/** One line saying what a server runs: its command line or its URL. */
export function describeServer(config: McpServerConfig | null | undefined): string {
  if (!config) return 'from the catalogue'
  if (config.url) return `${config.type === 'streamable-http' ? 'HTTP' : 'SSE'} ${config.url}`
  return [config.command, ...(config.args ?? [])].filter(Boolean).join(' ')
}

/** Split a command line typed in one field into command and arguments (quotes keep spaces). */
export function parseCommandLine(line: string): { command: string; args: string[] } {
  const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3])
  return { command: words[0] ?? '', args: words.slice(1) }
}
