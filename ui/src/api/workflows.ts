import { api, asList, type Query } from './client'
import type {
  Workflow,
  WorkflowCreateRequest,
  WorkflowExecution,
  WorkflowExecutionState,
  WorkflowExecutionThought,
  WorkflowUpdateRequest,
  WorkflowValidation,
} from './types'

export const WORKFLOWS_PAGE_SIZE = 12

/** Which workflows a list shows: the caller's own, a project's, or those shared with the caller. */
export type WorkflowScope = 'mine' | 'project' | 'shared'

export interface WorkflowPage<T> {
  items: T[]
  total: number
  page: number
  perPage: number
}

export interface SaveWorkflowResult {
  id?: string
  workflow_id?: string
  workflowId?: string
  message?: string
  data?: { id?: string } | null
}

const enc = encodeURIComponent

function paged<T>(body: unknown, page: number, perPage: number): WorkflowPage<T> {
  const items = asList<T>(body)
  const total = (body as { pagination?: { total?: number } } | null)?.pagination?.total
  return { items, total: typeof total === 'number' ? total : page * perPage + items.length, page, perPage }
}

/** The list query for a scope, in the SDK's words: `filter_by_user`, `project`, and JSON `filters`. */
export function listQuery(
  scope: WorkflowScope,
  opts: { page: number; perPage: number; search?: string; project?: string },
): Query {
  const filters: Record<string, unknown> = {}
  if (opts.search?.trim()) filters.search = opts.search.trim()
  if (scope === 'shared') filters.shared = true
  if (scope === 'project' && opts.project) filters.project = [opts.project]
  return {
    page: opts.page,
    per_page: opts.perPage,
    filter_by_user: scope === 'mine',
    project: scope === 'project' ? opts.project : undefined,
    filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined,
  }
}

export function savedWorkflowId(result: SaveWorkflowResult | null | undefined): string | undefined {
  return result?.id ?? result?.workflow_id ?? result?.workflowId ?? result?.data?.id ?? undefined
}

const base = (workflowId: string) => `/v1/workflows/${enc(workflowId)}`
const exec = (workflowId: string, executionId: string) => `${base(workflowId)}/executions/${enc(executionId)}`

export const workflowsApi = {
  list: async (scope: WorkflowScope, page: number, search?: string, project?: string, perPage = WORKFLOWS_PAGE_SIZE) =>
    paged<Workflow>(
      await api.get<unknown>('/v1/workflows', listQuery(scope, { page, perPage, search, project }), { unwrap: false }),
      page,
      perPage,
    ),
  prebuilt: async () =>
    asList<Workflow>(await api.get<unknown>('/v1/workflows/prebuilt', undefined, { unwrap: false })),
  get: (id: string) => api.get<Workflow>(`/v1/workflows/id/${enc(id)}`, undefined, { unwrap: false }),
  // error_format=json asks for structured validation errors (each with its YAML line).
  create: (body: WorkflowCreateRequest) =>
    api.post<SaveWorkflowResult>('/v1/workflows', body, { unwrap: false, query: { error_format: 'json' } }),
  update: (id: string, body: WorkflowUpdateRequest) =>
    api.put<SaveWorkflowResult>(base(id), body, { unwrap: false, query: { error_format: 'json' } }),
  remove: (id: string) => api.delete<unknown>(base(id)),

  executions: async (workflowId: string, page: number, perPage = 10) =>
    paged<WorkflowExecution>(
      await api.get<unknown>(`${base(workflowId)}/executions`, { page, per_page: perPage }, { unwrap: false }),
      page,
      perPage,
    ),
  run: (workflowId: string, userInput?: string) =>
    api.post<WorkflowExecution>(`${base(workflowId)}/executions`, userInput ? { user_input: userInput } : {}, {
      unwrap: false,
    }),
  execution: (workflowId: string, executionId: string) =>
    api.get<WorkflowExecution>(exec(workflowId, executionId), undefined, { unwrap: false }),
  states: async (workflowId: string, executionId: string) =>
    asList<WorkflowExecutionState>(
      await api.get<unknown>(`${exec(workflowId, executionId)}/states`, { page: 0, per_page: 100 }, { unwrap: false }),
    ),
  stateOutput: (workflowId: string, executionId: string, stateId: string) =>
    api.get<{ output?: string | null }>(`${exec(workflowId, executionId)}/states/${enc(stateId)}/output`, undefined, {
      unwrap: false,
    }),
  thoughts: (workflowId: string, executionId: string, ids: string[]) =>
    api.post<WorkflowExecutionThought[]>(`${exec(workflowId, executionId)}/thoughts`, ids, { unwrap: false }),
  abort: (workflowId: string, executionId: string) => api.put<unknown>(`${exec(workflowId, executionId)}/abort`, {}),
  /** Replace a finished state's output while the run does not run (what later states read). */
  editOutput: (workflowId: string, executionId: string, stateId: string, output: string) =>
    api.put<unknown>(`${exec(workflowId, executionId)}/states/${enc(stateId)}/output`, { output }),
  /** Resume after `interrupt_before`; `userInput`, when given, replaces the paused state's task. */
  resume: (workflowId: string, executionId: string, userInput?: string) =>
    api.put<unknown>(`${exec(workflowId, executionId)}/resume`, userInput != null ? { user_input: userInput } : {}),
  /** Checks YAML without saving it: each problem with its line. */
  validate: (yaml: string, signal?: AbortSignal) =>
    api.post<WorkflowValidation>('/v1/workflows/validate', { yaml_config: yaml }, { unwrap: false, signal }),
  removeExecution: (workflowId: string, executionId: string) => api.delete<unknown>(exec(workflowId, executionId)),
}
