import type { McpServer } from '../../api/mcp'
import type { Assistant, AssistantRequest, ContextRef, PromptVariable, ToolKit } from '../../api/types'
import i18n from '../../i18n'

export interface AssistantForm {
  name: string
  description: string
  project: string
  model: string
  systemPrompt: string
  temperature: number | null
  variables: PromptVariable[]
  /** Selected tools as "toolkit::tool". */
  tools: string[]
  /** Selected datasources as "context_type::name". */
  contexts: string[]
  starters: string[]
  shared: boolean
  /** MCP servers as the API holds them (kept whole: fields the editor does not show survive a save). */
  mcpServers: McpServer[]
}

export const toolKey = (toolkit: string, tool: string) => `${toolkit}::${tool}`
export const contextKey = (c: ContextRef) => `${c.context_type}::${c.name}`

export function emptyForm(project: string, model: string): AssistantForm {
  return {
    name: '',
    description: '',
    project,
    model,
    systemPrompt: '',
    temperature: null,
    variables: [],
    tools: [],
    contexts: [],
    starters: [],
    shared: false,
    mcpServers: [],
  }
}

export function fromAssistant(a: Assistant): AssistantForm {
  return {
    name: a.name,
    description: a.description ?? '',
    project: a.project,
    model: a.llm_model_type ?? '',
    systemPrompt: a.system_prompt ?? '',
    temperature: a.temperature ?? null,
    variables: a.prompt_variables ?? [],
    tools: (a.toolkits ?? []).flatMap((tk) => tk.tools.map((t) => toolKey(tk.toolkit, t.name))),
    contexts: (a.context ?? []).map(contextKey),
    starters: a.conversation_starters ?? [],
    shared: Boolean(a.shared),
    mcpServers: (a.mcp_servers ?? []) as McpServer[],
  }
}

/** `{{name}}` placeholders used in a system prompt, in order of first use. */
export function promptVariableNames(prompt: string): string[] {
  const names: string[] = []
  for (const m of prompt.matchAll(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g)) if (!names.includes(m[1])) names.push(m[1])
  return names
}

/** Keep the variables in step with the prompt: add new placeholders, keep what was typed for existing ones. */
export function syncVariables(prompt: string, current: PromptVariable[]): PromptVariable[] {
  const names = promptVariableNames(prompt)
  return names.map((key) => current.find((v) => v.key === key) ?? { key, description: '', default_value: '' })
}

export type FormErrors = Partial<Record<keyof AssistantForm, string>>

export function validate(f: AssistantForm, modelsAvailable: boolean): FormErrors {
  const e: FormErrors = {}
  if (!f.name.trim()) e.name = i18n.t('assistantForm.nameNeeded')
  else if (f.name.length > 100) e.name = i18n.t('assistantForm.nameLong')
  if (!f.description.trim()) e.description = i18n.t('assistantForm.descriptionNeeded')
  if (!f.systemPrompt.trim()) e.systemPrompt = i18n.t('assistantForm.promptNeeded')
  if (!f.project) e.project = i18n.t('dsCreate.chooseProject')
  if (modelsAvailable && !f.model) e.model = i18n.t('assistantForm.modelNeeded')
  if (f.temperature != null && (f.temperature < 0 || f.temperature > 2))
    e.temperature = i18n.t('assistantForm.temperatureRange')
  if (f.variables.some((v) => !v.key.trim())) e.variables = i18n.t('assistantForm.variableName')
  return e
}

export function toRequest(f: AssistantForm, toolkits: ToolKit[], contexts: ContextRef[]): AssistantRequest {
  const chosenTools = new Set(f.tools)
  const selectedToolkits: ToolKit[] = []
  for (const tk of toolkits) {
    const tools = tk.tools.filter((t) => chosenTools.has(toolKey(tk.toolkit, t.name)))
    if (tools.length) selectedToolkits.push({ ...tk, tools })
  }
  const chosenContexts = new Set(f.contexts)
  // Keep selections the server no longer lists (e.g. a datasource being reindexed) rather than dropping them.
  const known = contexts.filter((c) => chosenContexts.has(contextKey(c)))
  const unknown = f.contexts
    .filter((k) => !contexts.some((c) => contextKey(c) === k))
    .map((k) => {
      const [context_type, ...rest] = k.split('::')
      return { context_type, name: rest.join('::') }
    })
  return {
    name: f.name.trim(),
    description: f.description.trim(),
    system_prompt: f.systemPrompt,
    project: f.project,
    llm_model_type: f.model,
    temperature: f.temperature,
    toolkits: selectedToolkits,
    context: [...known, ...unknown],
    conversation_starters: f.starters.map((s) => s.trim()).filter(Boolean),
    shared: f.shared,
    prompt_variables: f.variables.filter((v) => v.key.trim()),
    mcp_servers: f.mcpServers,
  }
}
