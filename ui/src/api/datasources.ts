import { api, asList, authHeaders, buildUrl, ensureOk } from './client'
import type { DataSourceRaw } from './types'

export interface DatasourceBase {
  name: string
  project_name: string
  description: string
  project_space_visible: boolean
  setting_id?: string | null
}

export type ReindexMode = 'full' | 'incremental'

/** `knowledge_base_jira` → `jira`: the path segment the CodeMie API uses for a type. */
export function typeSegment(indexType: string): string {
  if (indexType === 'llm_routing_google') return 'google'
  return indexType.replace(/^knowledge_base_/, '')
}

export function datasourceName(ds: DataSourceRaw): string {
  return ds.repo_name ?? ds.name ?? ds.id
}

export function datasourceType(ds: DataSourceRaw): string {
  return ds.index_type ?? ds.type ?? 'unknown'
}

async function postFiles(path: string, method: string, query: Record<string, string | boolean>, files: File[]) {
  const form = new FormData()
  files.forEach((f) => form.append('files', f, f.name))
  const res = await fetch(buildUrl(path, query), {
    method,
    headers: authHeaders(),
    body: form,
    credentials: 'same-origin',
  })
  await ensureOk(res)
  const text = await res.text()
  return text ? (JSON.parse(text) as Record<string, unknown>) : {}
}

export const datasourcesApi = {
  list: async () =>
    asList<DataSourceRaw>(
      await api.get<unknown>('/v1/index', { page: 0, per_page: 100, sort_key: 'update_date', sort_order: 'desc' }),
    ),
  get: (id: string) => api.get<DataSourceRaw>(`/v1/index/${encodeURIComponent(id)}`),
  remove: (id: string) => api.delete<unknown>(`/v1/index/${encodeURIComponent(id)}`),

  createFiles: (base: DatasourceBase, files: File[]) =>
    postFiles(
      '/v1/index/knowledge_base/file',
      'POST',
      {
        name: base.name,
        project_name: base.project_name,
        description: base.description,
        project_space_visible: base.project_space_visible,
      },
      files,
    ),
  createGit: (
    base: DatasourceBase,
    git: { link: string; branch: string; filesFilter?: string; embeddingsModel?: string },
  ) =>
    api.post<Record<string, unknown>>(`/v1/application/${encodeURIComponent(base.project_name)}/index`, {
      name: base.name,
      project_name: base.project_name,
      description: base.description,
      projectSpaceVisible: base.project_space_visible,
      settingId: base.setting_id ?? null,
      type: 'code',
      link: git.link,
      branch: git.branch,
      indexType: 'code',
      filesFilter: git.filesFilter ?? '',
      ...(git.embeddingsModel ? { embeddingsModel: git.embeddingsModel } : {}),
    }),
  createConfluence: (base: DatasourceBase, cql: string) =>
    api.post<Record<string, unknown>>('/v1/index/knowledge_base/confluence', {
      ...base,
      type: 'knowledge_base_confluence',
      cql,
    }),
  createJira: (base: DatasourceBase, jql: string) =>
    api.post<Record<string, unknown>>('/v1/index/knowledge_base/jira', { ...base, type: 'knowledge_base_jira', jql }),

  reindex: (ds: DataSourceRaw, mode: ReindexMode) => {
    const type = datasourceType(ds)
    const name = datasourceName(ds)
    const flags = { full_reindex: mode === 'full', incremental_reindex: mode === 'incremental' }
    if (type === 'code' || type === 'summary' || type === 'chunk-summary') {
      return api.put<unknown>(
        `/v1/application/${encodeURIComponent(ds.project_name)}/index/${encodeURIComponent(name)}`,
        { name, project_name: ds.project_name, description: ds.description ?? '', type: 'code' },
        { query: { full_reindex: true, skip_reindex: false } },
      )
    }
    const base = {
      name,
      project_name: ds.project_name,
      description: ds.description ?? '',
      project_space_visible: Boolean(ds.project_space_visible),
    }
    if (type === 'knowledge_base_file') {
      // The file endpoint takes every field as a query parameter.
      return api.put<unknown>('/v1/index/knowledge_base/file', {}, { query: { ...base, ...flags } })
    }
    return api.put<unknown>(
      `/v1/index/knowledge_base/${typeSegment(type)}`,
      {
        ...base,
        setting_id: ds.setting_id ?? null,
        type,
        ...(ds.jira?.jql ? { jql: ds.jira.jql } : {}),
        ...(ds.confluence?.cql ? { cql: ds.confluence.cql } : {}),
      },
      { query: flags },
    )
  },
}

/** Which reindex modes a type supports (Confluence: full only; Jira and files: both). */
export function reindexModes(type: string): ReindexMode[] {
  if (type === 'knowledge_base_jira' || type === 'knowledge_base_file') return ['full', 'incremental']
  return ['full']
}
