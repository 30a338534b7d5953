import { LineCounter, parseDocument } from 'yaml'
import { ApiError } from '../../api/errors'
import type { WorkflowValidation, WorkflowValidationError } from '../../api/types'
import i18n from '../../i18n'

/** A problem shown in the editor; `line` is 1-based, null when it belongs to no line. */
export interface EditorProblem {
  line: number | null
  message: string
  source: 'syntax' | 'server'
}

export interface ParsedWorkflow {
  /** The parsed document, or null when the text is not YAML. */
  value: Record<string, unknown> | null
  problems: EditorProblem[]
}

/** Parses the YAML on the client for the diagram and reports syntax errors at their line. */
export function parseWorkflowYaml(text: string): ParsedWorkflow {
  if (!text.trim()) return { value: null, problems: [] }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => ({
      line: e.linePos?.[0]?.line ?? (typeof e.pos?.[0] === 'number' ? lineCounter.linePos(e.pos[0]).line : null),
      message: firstLine(e.message),
      source: 'syntax' as const,
    }))
    return { value: null, problems }
  }
  const value: unknown = doc.toJS()
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {
      value: null,
      problems: [{ line: 1, message: 'A workflow is a YAML mapping with a `states` list.', source: 'syntax' }],
    }
  }
  return { value: value as Record<string, unknown>, problems: [] }
}

const firstLine = (s: string) => s.split('\n')[0].trim()

/** The line where `id: <stateId>` (or a `- id:` item) is written, to place an error that names only a state. */
export function lineOfId(text: string, id: string): number | null {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const re = new RegExp(`^\\s*(?:-\\s+)?id:\\s*["']?${escaped}["']?\\s*(?:#.*)?$`)
  const lines = text.split('\n')
  const i = lines.findIndex((l) => re.test(l))
  return i >= 0 ? i + 1 : null
}

function asErrorList(details: unknown): WorkflowValidationError[] {
  if (Array.isArray(details)) return details.filter((d) => d && typeof d === 'object') as WorkflowValidationError[]
  if (details && typeof details === 'object') {
    const errors = (details as { errors?: unknown }).errors
    if (Array.isArray(errors)) return asErrorList(errors)
  }
  return []
}

function parseJson(text: string | undefined): unknown {
  if (!text) return null
  const t = text.trim()
  if (!t.startsWith('{') && !t.startsWith('[')) return null
  try {
    return JSON.parse(t)
  } catch {
    return null
  }
}

const LINE_IN_TEXT = /\bline\s+(\d+)/i

/**
 * The server's validation errors, each at its YAML line: structured ones (`details.errors[]` with
 * `config_line`, or a `line` field) first, else the line a message names ("… (line 7)").
 */
export function serverProblems(err: unknown, yamlText: string): EditorProblem[] {
  if (!(err instanceof ApiError) || err.status >= 500) return []
  const structured = asErrorList(parseJson(err.details))
  if (structured.length) {
    return structured.map((e) => {
      const raw = e as WorkflowValidationError & { line?: number | null; where?: string | null }
      const text = withWhere(raw.where, [e.message, e.details].filter(Boolean).join(': '))
      const line = e.config_line ?? raw.line ?? numberIn(text) ?? (e.state_id ? lineOfId(yamlText, e.state_id) : null)
      return { line: line ?? null, message: text || err.message, source: 'server' as const }
    })
  }
  const text = [err.details, err.message].filter(Boolean).join(' — ')
  const sentences = (err.details ?? '')
    .split(/\n+/)
    .map((s) => s.trim())
    .filter(Boolean)
  const lined = sentences.filter((s) => LINE_IN_TEXT.test(s))
  if (lined.length) {
    return lined.map((s) => ({ line: numberIn(s), message: s, source: 'server' as const }))
  }
  return [{ line: numberIn(text), message: [err.message, err.details].filter(Boolean).join(': '), source: 'server' }]
}

function numberIn(text: string): number | null {
  const m = LINE_IN_TEXT.exec(text)
  return m ? Number(m[1]) : null
}

/** Problems from POST /v1/workflows/validate (nothing when the YAML is valid). */
export function validationProblems(result: WorkflowValidation): EditorProblem[] {
  if (result.valid) return []
  const errors = result.errors ?? []
  if (errors.length === 0)
    return [{ line: null, message: result.message || i18n.t('workflowForm.invalid'), source: 'server' }]
  return errors.map((e) => ({
    line: e.line ?? numberIn(e.message),
    message: withWhere(e.where, e.message),
    source: 'server' as const,
  }))
}

const withWhere = (where: string | null | undefined, message: string) =>
  where && !message.includes(where) ? `In ${where}: ${message}` : message
