import { api, asList } from './client'
import type { LlmModel, Me } from './types'

export interface LoginResponse {
  access_token: string
  user?: unknown
}

export interface AuthOptions {
  local_auth: boolean
  self_registration: boolean
}

export interface InvitationStatus {
  valid: boolean
  email?: string | null
  name?: string | null
  expires_at?: string | null
  message: string
}

export const authApi = {
  options: () => api.get<AuthOptions>('/v1/auth/options', undefined, { anonymous: true, unwrap: false }),
  invitation: (token: string) =>
    api.get<InvitationStatus>(`/v1/auth/invitations/${encodeURIComponent(token)}`, undefined, {
      anonymous: true,
      unwrap: false,
    }),
  acceptInvitation: (token: string, password: string) =>
    api.post<LoginResponse>(
      `/v1/auth/invitations/${encodeURIComponent(token)}/accept`,
      { password },
      { anonymous: true, unwrap: false },
    ),
  register: (body: { email: string; name: string; password: string }) =>
    api.post<LoginResponse>('/v1/auth/register', body, { anonymous: true, unwrap: false }),
  login: (email: string, password: string) =>
    api.post<LoginResponse>('/v1/local-auth/login', { email, password }, { anonymous: true, unwrap: false }),
  logout: () => api.post<unknown>('/v1/local-auth/logout', {}, { anonymous: true }).catch(() => undefined),
  me: () => api.get<Me>('/v1/user', undefined, { unwrap: false }),
  config: () => api.get<unknown>('/v1/config', undefined, { anonymous: true, unwrap: false }),
  llmModels: async () => asList<LlmModel>(await api.get<unknown>('/v1/llm_models', undefined, { unwrap: false })),
  embeddingModels: async () =>
    asList<LlmModel>(await api.get<unknown>('/v1/embeddings_models', undefined, { unwrap: false })),
}

export function userIsAdmin(me: Me | null | undefined): boolean {
  return Boolean(me?.is_admin ?? me?.isAdmin)
}

export function adminProjects(me: Me | null | undefined): string[] {
  const fromList = me?.applications_admin ?? me?.applicationsAdmin ?? []
  const fromProjects = (me?.projects ?? []).filter((p) => p.is_project_admin).map((p) => p.name)
  return [...new Set([...fromList, ...fromProjects])]
}

export function userProjects(me: Me | null | undefined): string[] {
  const names = [...(me?.applications ?? []), ...(me?.projects ?? []).map((p) => p.name)]
  return [...new Set(names)].filter(Boolean)
}

/** The project new things are created in: the user's default, else the first they belong to. */
export function defaultProject(me: Me | null | undefined): string {
  const def = me?.projects?.find((p) => p.is_default)?.name
  return def ?? userProjects(me)[0] ?? me?.username ?? ''
}

export function userId(me: Me | null | undefined): string {
  return me?.user_id ?? me?.userId ?? ''
}
