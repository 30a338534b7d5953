import { api, asList } from './client'
import type { CredentialValue, Integration, SettingType } from './types'

const base = (t: SettingType) => `/v1/settings/${t}`

export interface TestResult {
  message?: string
  success?: boolean
}

export const integrationsApi = {
  list: async (t: SettingType) =>
    asList<Integration>(await api.get<unknown>(base(t), { page: 0, per_page: 100 })).map((i) => ({
      ...i,
      setting_type: i.setting_type ?? t,
    })),
  create: (t: SettingType, body: Integration) => api.post<Record<string, unknown>>(base(t), body),
  update: (t: SettingType, id: string, body: Integration) =>
    api.put<Record<string, unknown>>(`${base(t)}/${encodeURIComponent(id)}`, body),
  remove: (t: SettingType, id: string) => api.delete<unknown>(`${base(t)}/${encodeURIComponent(id)}`),
  test: (body: { credential_type: string; credential_values?: CredentialValue[]; setting_id?: string | null }) =>
    api.post<TestResult>('/v1/settings/test/', body),
}
