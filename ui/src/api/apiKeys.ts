import { api } from './client'

/** A personal API key as listed: never the key itself, only its first characters. */
export interface ApiKey {
  id: string
  name: string
  prefix: string
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at?: string | null
}

/** The answer to a create: the key in clear, shown this once. */
export interface CreatedApiKey extends ApiKey {
  key: string
}

export const apiKeysApi = {
  list: () => api.get<ApiKey[]>('/v1/api-keys'),
  create: (body: { name: string; expires_at?: string | null }) => api.post<CreatedApiKey>('/v1/api-keys', body),
  revoke: (id: string) => api.delete<ApiKey>(`/v1/api-keys/${encodeURIComponent(id)}`),
}
