// Shapes of the CodeMie `/v1` API as the CodeMie SDK models describe them.
// Response types come from the server's OpenAPI document (schema.gen.ts, `make ui-types`) where the UI
// reads them as sent; the rest are hand-written until their server models are precise enough.

import type { components } from './schema.gen'

type Schemas = components['schemas']

export interface UserProject {
  name: string
  display_name?: string | null
  is_project_admin?: boolean
  is_default?: boolean
}

/** GET /v1/user (the SDK accepts camelCase aliases for some fields). */
export interface Me {
  user_id?: string
  userId?: string
  name: string
  username: string
  email: string
  is_admin?: boolean
  isAdmin?: boolean
  applications?: string[]
  applications_admin?: string[]
  applicationsAdmin?: string[]
  projects?: UserProject[]
  picture?: string
}

export type LlmModel = Schemas['ModelEntryOut']

export interface UserRef {
  user_id?: string
  id?: string
  username?: string
  name?: string
}

export interface ToolDetails {
  name: string
  label?: string | null
  settings_config?: boolean
  /** The integration type the tool needs (Jira, Git, AWS...), if any. */
  credential_type?: string | null
  user_description?: string | null
  settings?: Integration | null
}

export interface ToolKit {
  toolkit: string
  tools: ToolDetails[]
  label?: string
  settings_config?: boolean
  is_external?: boolean
  settings?: Integration | null
}

export type ContextType = 'knowledge_base' | 'code' | 'provider'

export interface ContextRef {
  context_type: ContextType | string
  name: string
}

export interface PromptVariable {
  key: string
  description?: string | null
  default_value: string
}

export interface AssistantSummary {
  id: string
  name: string
  description: string
  icon_url?: string | null
  created_by?: UserRef | null
  slug?: string | null
  project?: string
  shared?: boolean
  llm_model_type?: string | null
  conversation_starters?: string[]
  version_count?: number | null
}

export interface Assistant extends AssistantSummary {
  system_prompt: string
  project: string
  llm_model_type?: string | null
  toolkits?: ToolKit[]
  conversation_starters?: string[]
  shared?: boolean
  is_react?: boolean
  is_global?: boolean
  temperature?: number | null
  top_p?: number | null
  context?: ContextRef[]
  prompt_variables?: PromptVariable[] | null
  mcp_servers?: unknown[] | null
  created_date?: string | null
  updated_date?: string | null
  user_abilities?: string[] | null
}

export interface AssistantRequest {
  name: string
  description: string
  system_prompt: string
  project: string
  llm_model_type: string
  context: ContextRef[]
  toolkits: ToolKit[]
  conversation_starters: string[]
  shared: boolean
  is_react?: boolean
  temperature?: number | null
  top_p?: number | null
  prompt_variables: PromptVariable[]
  slug?: string | null
  icon_url?: string | null
  mcp_servers?: unknown[]
  assistant_ids?: string[]
}

export interface AssistantVersion {
  version_number: number
  created_date: string
  created_by?: UserRef | null
  change_notes?: string | null
  description?: string | null
  system_prompt: string
  llm_model_type?: string | null
  temperature?: number | null
  top_p?: number | null
  context?: ContextRef[]
  toolkits?: ToolKit[]
  prompt_variables?: PromptVariable[]
}

export interface ConversationSummary {
  id: string
  name: string
  folder?: string | null
  pinned?: boolean
  date?: string
  assistant_ids?: string[]
  initial_assistant_id?: string | null
}

export interface Thought {
  id: string
  parent_id?: string | null
  metadata?: Record<string, unknown> | null
  in_progress?: boolean
  input_text?: string | null
  message?: string | null
  author_type?: string | null
  author_name?: string | null
  output_format?: string | null
  error?: boolean | null
  children?: Thought[] | string[]
}

export interface HistoryItem {
  role: string
  message: string
  historyIndex?: number
  date?: string
  assistantId?: string | null
  thoughts?: Thought[] | null
  responseTime?: number | null
  /** success | error | interrupted (the client left, or the server stopped mid-answer) | in_progress */
  status?: string | null
  /** Ids of the files attached to the message (/v1/files). */
  fileNames?: string[] | null
  /** Codemill: the message's id, and on a question the answer it follows (versions share a parent). */
  id?: string
  parentId?: string | null
}

export interface ConversationDetails {
  id: string
  conversation_id?: string
  conversation_name?: string
  folder?: string | null
  pinned?: boolean
  history: HistoryItem[]
  assistant_ids?: string[]
  initial_assistant_id?: string | null
  project?: string | null
}

export type ConversationFolder = Schemas['FolderOut']

/** One NDJSON record of a streamed chat answer. */
export interface StreamRecord {
  generated_chunk?: string | null
  generated?: string | Record<string, unknown> | null
  thought?: Thought | null
  last?: boolean | null
  time_elapsed?: number | null
  success?: boolean | null
  execution_error?: string | null
  agent_error?: { message?: string; error_type?: string; details?: string } | null
  error?: { message?: string; details?: string; help?: string } | string | null
  context?: Record<string, unknown> | null
  /** Budgets past their soft limit (Codemill sends them first in the stream). */
  budget_warnings?: { message?: string }[] | null
  /** A tool call waiting for the user's approval (the turn is paused). */
  tool_call_pending?: PendingToolCall | null
}

export interface PendingToolCall {
  pending_tool_call_id: string
  tool_name: string
  tool_args: Record<string, unknown>
}

export interface ChatHistoryEntry {
  role: 'User' | 'Assistant'
  message: string
}

export interface DataSourceRaw {
  id: string
  project_name: string
  repo_name?: string
  name?: string
  description?: string | null
  index_type?: string
  type?: string
  embeddings_model?: string | null
  setting_id?: string | null
  date?: string
  update_date?: string
  created_by?: UserRef | null
  project_space_visible?: boolean
  error?: boolean | null
  completed?: boolean | null
  is_fetching?: boolean | null
  text?: string | null
  status?: string | null
  current_state?: number | null
  complete_state?: number | null
  processed_files?: string[] | null
  processing_info?: Record<string, unknown> | null
  progress?: unknown
  user_abilities?: string[]
  link?: string | null
  branch?: string | null
  jira?: { jql?: string | null } | null
  confluence?: { cql?: string | null } | null
}

export interface CredentialValue {
  key: string
  value: unknown
}

export type SettingType = 'user' | 'project'

export interface Integration {
  id?: string
  date?: string | null
  update_date?: string | null
  user_id?: string | null
  project_name: string
  alias?: string | null
  default?: boolean
  is_global?: boolean | null
  credential_type: string
  credential_values: CredentialValue[]
  setting_type?: SettingType
}

export type ProjectListItem = Schemas['ProjectListItem']

export interface ProjectMember {
  user_id: string
  is_project_admin: boolean
  date?: string | null
  name?: string | null
  email?: string | null
}

export type ProjectDetail = Schemas['ProjectDetailOut']

/** `email_verified` is false for a local user who has not set a password yet (invited). */
export type AdminUser = Schemas['UserDetailOut'] & { email_verified?: boolean }

// Workflows (SDK: models/workflow*.py). Hand-written until the types are generated from the API.

export type WorkflowMode = 'Sequential' | 'Autonomous'

/** GET /v1/workflows/id/{id}, one item of GET /v1/workflows and of GET /v1/workflows/prebuilt. */
export interface Workflow {
  id?: string | null
  project: string
  name: string
  description?: string | null
  yaml_config?: string | null
  mode?: WorkflowMode
  shared?: boolean
  icon_url?: string | null
  categories?: string[]
  date?: string | null
  created_date?: string | null
  update_date?: string | null
  created_by?: UserRef | null
  display_name?: string | null
  required_variables?: string[]
  /** Prebuilt templates are addressed by slug. */
  slug?: string | null
  /** Codemill: what the caller may do with it ("read", "write", "delete"). */
  user_abilities?: string[]
  /** Codemill: earlier saved YAMLs, newest first. */
  yaml_config_history?: WorkflowYamlVersion[]
}

export interface WorkflowYamlVersion {
  yaml_config: string
  date: string
  created_by?: UserRef | null
}

export interface WorkflowCreateRequest {
  project: string
  name: string
  description?: string | null
  yaml_config: string
  mode?: WorkflowMode
  shared?: boolean
  icon_url?: string | null
  categories?: string[]
}

export type WorkflowUpdateRequest = WorkflowCreateRequest

/** One structured validation error; `config_line` is the 1-based YAML line. */
export interface WorkflowValidationError {
  id?: string
  message: string
  path?: string | null
  details?: string | null
  state_id?: string | null
  config_line?: number | null
}

export type ExecutionStatus = 'In Progress' | 'Not Started' | 'Interrupted' | 'Failed' | 'Succeeded' | 'Aborted'

export interface TokensUsage {
  input_tokens?: number | null
  output_tokens?: number | null
  money_spent?: number | null
}

export type WorkflowExecution = Schemas['ExecutionOut']

/** POST /v1/workflows/validate: whether the YAML would be accepted, each problem with its line. */
export type WorkflowValidation = Schemas['ValidationOut']

export interface WorkflowExecutionCreateRequest {
  user_input?: string | null
  file_name?: string | null
  conversation_id?: string | null
}

export interface WorkflowStateThoughtRef {
  id: string
  execution_state_id: string
  parent_id?: string | null
  author_name: string
  author_type: string
  date: string
}

export interface WorkflowExecutionState {
  id: string
  execution_id: string
  name: string
  task?: string | null
  status: ExecutionStatus
  started_at?: string | null
  completed_at?: string | null
  output?: string | null
  thoughts?: WorkflowStateThoughtRef[] | null
}

export interface WorkflowExecutionThought {
  id: string
  execution_state_id: string
  parent_id?: string | null
  author_name: string
  author_type: string
  input_text: string
  content: string
  date: string
  children: WorkflowExecutionThought[]
}
