import type { DataSourceRaw } from '../../api/types'

export type DsState = 'fetching' | 'indexing' | 'done' | 'failed'

export interface DsStatus {
  state: DsState
  /** 0–100, or null when the server gives no counts yet. */
  percent: number | null
  processed?: number
  total?: number
  label: string
  message?: string
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

function pickNum(obj: Record<string, unknown> | null | undefined, ...keys: string[]): number | undefined {
  if (!obj) return undefined
  for (const k of keys) {
    const v = num(obj[k])
    if (v !== undefined) return v
  }
  return undefined
}

/** Turn a technical indexing error into words a user can act on. */
export function explainError(raw: string | null | undefined): string {
  const text = (raw ?? '').trim()
  if (!text) return 'Indexing failed. Try a full reindex; if it fails again, check the source and its credentials.'
  const t = text.toLowerCase()
  let hint = ''
  if (/\b401\b|unauthori[sz]ed|authentication|invalid (token|credentials)|bad credentials/.test(t)) {
    hint = 'The source refused the credentials. Check the integration’s token or password.'
  } else if (/\b403\b|forbidden|permission/.test(t)) {
    hint = 'The credentials work but lack permission to read this source.'
  } else if (/\b404\b|not found|does not exist|no such/.test(t)) {
    hint = 'The source was not found. Check the URL, branch, space or query.'
  } else if (/timed? ?out|timeout/.test(t)) {
    hint = 'The source took too long to answer. Try again later.'
  } else if (/connect|resolve|unreachable|network|refused|private address|not allowed/.test(t)) {
    hint = 'The server could not reach the source. Check the address; internal addresses may be blocked by the administrator.'
  } else if (/unsupported|cannot parse|could not (read|parse)|encoding|corrupt/.test(t)) {
    hint = 'A file could not be read. Check that it is a supported, undamaged document.'
  } else if (/no (documents|files)|empty/.test(t)) {
    hint = 'Nothing was found to index. Check the filter, query or uploaded files.'
  } else if (/quota|rate limit|429/.test(t)) {
    hint = 'A service limit was reached. Wait a few minutes, then reindex.'
  }
  const short = text.length > 240 ? `${text.slice(0, 240)}…` : text
  return hint ? `${hint} (Details: ${short})` : `Indexing failed: ${short}`
}

/** Read status and progress from a datasource record, whatever subset of fields the server sent. */
export function datasourceStatus(ds: DataSourceRaw): DsStatus {
  const s = (ds.status ?? '').toLowerCase()
  const info = ds.processing_info ?? null
  const progress = ds.progress
  const progressObj = progress && typeof progress === 'object' ? (progress as Record<string, unknown>) : null
  const processed =
    num(ds.current_state) ??
    pickNum(progressObj, 'processed', 'current', 'done', 'processed_documents') ??
    pickNum(info, 'processed_documents_count', 'processed_documents', 'documents_count_key')
  const total =
    num(ds.complete_state) ??
    pickNum(progressObj, 'total', 'total_documents') ??
    pickNum(info, 'total_documents_count', 'total_documents')

  if (ds.error === true || s === 'failed' || s === 'error') {
    return { state: 'failed', percent: null, processed, total, label: 'Failed', message: explainError(ds.text) }
  }
  if (ds.completed === true || s === 'completed' || s === 'done' || s === 'ready') {
    const count = processed ?? total
    const indexed = count != null ? `${count} document${count === 1 ? '' : 's'} indexed.` : undefined
    // Files that were not indexed (refused past a limit, unreadable) are named with their reasons.
    const skipped = (ds.text ?? '').trim()
    return {
      state: 'done',
      percent: 100,
      processed,
      total,
      label: 'Ready',
      message: [indexed, skipped].filter(Boolean).join(' ') || undefined,
    }
  }
  let percent: number | null = null
  if (typeof progress === 'number') percent = progress <= 1 ? progress * 100 : progress
  else if (processed != null && total != null && total > 0) percent = (processed / total) * 100
  percent = percent == null ? null : Math.max(0, Math.min(99, percent))
  if (ds.is_fetching === true || s === 'fetching') {
    return { state: 'fetching', percent, processed, total, label: 'Collecting documents', message: 'Reading the source…' }
  }
  const counts = processed != null && total ? `${processed} of ${total} documents` : processed != null ? `${processed} documents so far` : undefined
  return { state: 'indexing', percent, processed, total, label: 'Indexing', message: counts }
}

export const isActive = (ds: DataSourceRaw) => {
  const st = datasourceStatus(ds).state
  return st === 'fetching' || st === 'indexing'
}

export const TYPE_LABELS: Record<string, string> = {
  knowledge_base_file: 'Files',
  code: 'Git repository',
  knowledge_base_git_faq: 'Git repository',
  knowledge_base_confluence: 'Confluence',
  knowledge_base_jira: 'Jira',
  knowledge_base_xray: 'Xray',
  llm_routing_google: 'Google Doc',
  knowledge_base_json: 'JSON',
  provider: 'Provider',
}

/** Datasource names as the CodeMie API accepts them: lowercase letters, `_` and `-`, starting with a letter. */
export function validateName(name: string): string | null {
  if (!name) return 'Give the datasource a name.'
  if (name.length > 50) return 'Keep the name to 50 characters or fewer.'
  if (!/^[a-z][a-z_-]*$/.test(name)) return 'Use lowercase letters, “_” or “-” only, starting with a letter.'
  return null
}
