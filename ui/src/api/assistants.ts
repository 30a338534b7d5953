import { api, asList } from './client'
import type { Assistant, AssistantRequest, AssistantSummary, AssistantVersion, ContextRef, ToolKit } from './types'

export interface SaveResult {
  message?: string
  assistant_id?: string
  assistantId?: string
  id?: string
  validation?: { has_missing_integrations?: boolean; message?: string | null } | null
}

export const assistantsApi = {
  list: async (perPage = 100) =>
    asList<Assistant>(
      await api.get<unknown>('/v1/assistants', {
        page: 0,
        per_page: perPage,
        scope: 'visible_to_user',
        minimal_response: false,
      }),
    ),
  get: (id: string) => api.get<Assistant>(`/v1/assistants/id/${encodeURIComponent(id)}`),
  create: (body: AssistantRequest) => api.post<SaveResult>('/v1/assistants', body, { unwrap: false }),
  update: (id: string, body: AssistantRequest) =>
    api.put<SaveResult>(`/v1/assistants/${encodeURIComponent(id)}`, body, { unwrap: false }),
  remove: (id: string) => api.delete<unknown>(`/v1/assistants/${encodeURIComponent(id)}`),
  tools: async () => asList<ToolKit>(await api.get<unknown>('/v1/assistants/tools', undefined, { unwrap: false })),
  context: async (project: string) =>
    asList<ContextRef>(await api.get<unknown>('/v1/assistants/context', { project_name: project })),
  versions: async (id: string) =>
    asList<AssistantVersion>(
      await api.get<unknown>(
        `/v1/assistants/${encodeURIComponent(id)}/versions`,
        { page: 0, per_page: 100 },
        { unwrap: false },
      ),
      'versions',
    ),
  version: (id: string, n: number) =>
    api.get<AssistantVersion>(`/v1/assistants/${encodeURIComponent(id)}/versions/${n}`),
  compare: (id: string, v1: number, v2: number) =>
    api.get<Record<string, unknown>>(`/v1/assistants/${encodeURIComponent(id)}/versions/${v1}/compare/${v2}`),
  rollback: (id: string, n: number, changeNotes?: string) =>
    api.post<Record<string, unknown>>(
      `/v1/assistants/${encodeURIComponent(id)}/versions/${n}/rollback`,
      changeNotes ? { change_notes: changeNotes } : {},
    ),
}

export function createdId(result: SaveResult): string | undefined {
  return result.assistant_id ?? result.assistantId ?? result.id
}

export function toSummary(a: Assistant): AssistantSummary {
  return a
}
