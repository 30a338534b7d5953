import type { DataSourceRaw } from '../../api/types'
import i18n from '../../i18n'
import { formatNumber } from '../../i18n/format'

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
  if (!text) return i18n.t('dsStatus.failedEmpty')
  const t = text.toLowerCase()
  let hint = ''
  if (/\b401\b|unauthori[sz]ed|authentication|invalid (token|credentials)|bad credentials/.test(t)) {
    hint = i18n.t('dsStatus.hint401')
  } else if (/\b403\b|forbidden|permission/.test(t)) {
    hint = i18n.t('dsStatus.hint403')
  } else if (/\b404\b|not found|does not exist|no such/.test(t)) {
    hint = i18n.t('dsStatus.hint404')
  } else if (/timed? ?out|timeout/.test(t)) {
    hint = i18n.t('dsStatus.hintTimeout')
  } else if (/connect|resolve|unreachable|network|refused|private address|not allowed/.test(t)) {
    hint = i18n.t('dsStatus.hintNetwork')
  } else if (/unsupported|cannot parse|could not (read|parse)|encoding|corrupt/.test(t)) {
    hint = i18n.t('dsStatus.hintFile')
  } else if (/no (documents|files)|empty/.test(t)) {
    hint = i18n.t('dsStatus.hintEmpty')
  } else if (/quota|rate limit|429/.test(t)) {
    hint = i18n.t('dsStatus.hintQuota')
  }
  const short = text.length > 240 ? `${text.slice(0, 240)}…` : text
  return hint
    ? i18n.t('dsStatus.withDetails', { hint, details: short })
    : i18n.t('dsStatus.failedWith', { details: short })
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
    return {
      state: 'failed',
      percent: null,
      processed,
      total,
      label: i18n.t('dsStatus.failed'),
      message: explainError(ds.text),
    }
  }
  if (ds.completed === true || s === 'completed' || s === 'done' || s === 'ready') {
    const count = processed ?? total
    const indexed = count != null ? i18n.t('dsStatus.indexed', { count, n: formatNumber(count) }) : undefined
    // Files that were not indexed (refused past a limit, unreadable) are named with their reasons.
    const skipped = (ds.text ?? '').trim()
    return {
      state: 'done',
      percent: 100,
      processed,
      total,
      label: i18n.t('dsStatus.ready'),
      message: [indexed, skipped].filter(Boolean).join(' ') || undefined,
    }
  }
  let percent: number | null = null
  if (typeof progress === 'number') percent = progress <= 1 ? progress * 100 : progress
  else if (processed != null && total != null && total > 0) percent = (processed / total) * 100
  percent = percent == null ? null : Math.max(0, Math.min(99, percent))
  if (ds.is_fetching === true || s === 'fetching') {
    return {
      state: 'fetching',
      percent,
      processed,
      total,
      label: i18n.t('dsStatus.collecting'),
      message: i18n.t('dsStatus.reading'),
    }
  }
  const counts =
    processed != null && total
      ? i18n.t('dsStatus.progress', { processed: formatNumber(processed), total: formatNumber(total) })
      : processed != null
        ? i18n.t('dsStatus.soFar', { count: processed, n: formatNumber(processed) })
        : undefined
  return { state: 'indexing', percent, processed, total, label: i18n.t('dsStatus.indexing'), message: counts }
}

export const isActive = (ds: DataSourceRaw) => {
  const st = datasourceStatus(ds).state
  return st === 'fetching' || st === 'indexing'
}

export const TYPE_LABELS: Record<string, string> = {
  knowledge_base_file: 'files',
  code: 'git',
  knowledge_base_git_faq: 'git',
  knowledge_base_confluence: 'Confluence',
  knowledge_base_jira: 'Jira',
  knowledge_base_xray: 'Xray',
  llm_routing_google: 'Google Doc',
  knowledge_base_json: 'JSON',
  provider: 'provider',
}

/** A datasource type in words, in the UI's language. */
export function typeLabel(type: string): string {
  const label = TYPE_LABELS[type]
  if (label === 'files') return i18n.t('datasources.typeFiles')
  if (label === 'git') return i18n.t('datasources.typeGit')
  if (label === 'provider') return i18n.t('datasources.typeProvider')
  return label ?? type
}

/** Datasource names as the CodeMie API accepts them: lowercase letters, `_` and `-`, starting with a letter. */
export function validateName(name: string): string | null {
  if (!name) return i18n.t('dsStatus.nameNeeded')
  if (name.length > 50) return i18n.t('dsStatus.nameLong')
  if (!/^[a-z][a-z_-]*$/.test(name)) return i18n.t('dsStatus.nameChars')
  return null
}
