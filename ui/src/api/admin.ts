import { api, asList } from './client'
import type { AdminUser, ProjectDetail, ProjectListItem } from './types'

export const PAGE_SIZE = 50

/** One page of a server-paginated list, with the total the server reports. */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  perPage: number
}

async function paged<T>(path: string, page: number, search?: string, perPage = PAGE_SIZE): Promise<Page<T>> {
  const body = await api.get<unknown>(path, { page, per_page: perPage, search: search || undefined }, { unwrap: false })
  const items = asList<T>(body)
  const total = (body as { pagination?: { total?: number } } | null)?.pagination?.total
  return { items, total: typeof total === 'number' ? total : items.length, page, perPage }
}

export interface InvitationMade {
  message: string
  user_id: string
  email: string
  expires_at: string
  email_sent: boolean
  mail_configured: boolean
  invite_url?: string | null
}

export const adminApi = {
  projects: (search?: string, page = 0) => paged<ProjectListItem>('/v1/projects', page, search),
  project: (name: string) => api.get<ProjectDetail>(`/v1/projects/${encodeURIComponent(name)}`),
  createProject: (name: string, description?: string) =>
    api.post<unknown>('/v1/projects', { name, ...(description ? { description } : {}) }),
  assign: (project: string, userId: string, isAdmin: boolean) =>
    api.post<unknown>(`/v1/projects/${encodeURIComponent(project)}/assignment`, {
      user_id: userId,
      is_project_admin: isAdmin,
    }),
  setRole: (project: string, userId: string, isAdmin: boolean) =>
    api.put<unknown>(`/v1/projects/${encodeURIComponent(project)}/assignment/${encodeURIComponent(userId)}`, {
      is_project_admin: isAdmin,
    }),
  unassign: (project: string, userId: string) =>
    api.delete<unknown>(`/v1/projects/${encodeURIComponent(project)}/assignment/${encodeURIComponent(userId)}`),
  users: (search?: string, page = 0, perPage = PAGE_SIZE) => paged<AdminUser>('/v1/admin/users', page, search, perPage),
  createUser: (body: { email: string; name?: string; password: string; is_admin?: boolean }) =>
    api.post<AdminUser>('/v1/admin/users', body, { unwrap: false }),
  inviteUser: (body: { email: string; name?: string }) =>
    api.post<InvitationMade>('/v1/admin/users/invitations', body, { unwrap: false }),
  updateUser: (id: string, changes: { is_admin?: boolean; is_active?: boolean; name?: string }) =>
    api.put<AdminUser>(`/v1/admin/users/${encodeURIComponent(id)}`, changes, { unwrap: false }),
}
