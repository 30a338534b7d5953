import { api, asList } from './client'
import type { ConversationDetails, ConversationFolder, ConversationSummary } from './types'

export const conversationsApi = {
  list: async () => asList<ConversationSummary>(await api.get<unknown>('/v1/conversations')),
  get: (id: string) => api.get<ConversationDetails>(`/v1/conversations/${encodeURIComponent(id)}`),
  create: (initialAssistantId: string | null, folder?: string | null) =>
    api.post<Record<string, unknown>>('/v1/conversations', {
      initial_assistant_id: initialAssistantId,
      ...(folder ? { folder } : {}),
    }),
  update: (id: string, changes: { name?: string; folder?: string | null; pinned?: boolean }) =>
    api.put<unknown>(`/v1/conversations/${encodeURIComponent(id)}`, changes),
  remove: (id: string) => api.delete<unknown>(`/v1/conversations/${encodeURIComponent(id)}`),
  folders: async () => asList<ConversationFolder>(await api.get<unknown>('/v1/conversations/folders/list')),
  createFolder: (folder: string) => api.post<unknown>('/v1/conversations/folder', { folder }),
  renameFolder: (folder: string, newName: string) =>
    api.put<unknown>(`/v1/conversations/folder/${encodeURIComponent(folder)}`, { folder: newName }),
  deleteFolder: (folder: string) => api.delete<unknown>(`/v1/conversations/folder/${encodeURIComponent(folder)}`),
}

/** The id a create call returned, under whichever key the server used. */
export function conversationIdFrom(created: Record<string, unknown> | null | undefined): string | undefined {
  if (!created) return undefined
  for (const k of ['id', 'conversation_id', 'conversationId']) {
    const v = created[k]
    if (typeof v === 'string' && v) return v
  }
  return undefined
}
