import i18n from '../i18n'
/** An API failure, with the server's words when it gave any. */
export class ApiError extends Error {
  readonly status: number
  readonly details?: string
  readonly help?: string
  readonly field?: string
  /** A message per field the server named (validation errors), keyed by the field's last name. */
  readonly fieldErrors: Record<string, string>

  constructor(
    status: number,
    message: string,
    opts: { details?: string; help?: string; field?: string; fieldErrors?: Record<string, string> } = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.details = opts.details
    this.help = opts.help
    this.fieldErrors = opts.fieldErrors ?? {}
    this.field = opts.field ?? Object.keys(this.fieldErrors)[0]
  }
}

/** Validation errors ({loc, msg} items, FastAPI's and Codemill's details) as a message per field. */
function fieldMessages(items: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!Array.isArray(items)) return out
  for (const d of items) {
    const item = (d ?? {}) as Json
    const loc = Array.isArray(item.loc)
      ? item.loc.filter((x) => x !== 'body' && x !== 'query' && typeof x === 'string')
      : []
    const name = loc[loc.length - 1]
    const msg = asText(item.msg)
    if (typeof name === 'string' && msg && !out[name]) out[name] = msg.replace(/^Value error, /, '')
  }
  return out
}

type Json = Record<string, unknown>

const asText = (v: unknown): string | undefined => {
  if (v == null) return undefined
  if (typeof v === 'string') return v
  try {
    return JSON.stringify(v)
  } catch {
    return String(v)
  }
}

const STATUS_WORDS: Record<number, () => string> = {
  400: () => i18n.t('errors.s400'),
  401: () => i18n.t('errors.s401'),
  403: () => i18n.t('errors.s403'),
  404: () => i18n.t('errors.s404'),
  409: () => i18n.t('errors.s409'),
  413: () => i18n.t('errors.s413'),
  422: () => i18n.t('errors.s422'),
  429: () => i18n.t('errors.s429'),
  500: () => i18n.t('errors.s500'),
  502: () => i18n.t('errors.s502'),
  503: () => i18n.t('errors.s503'),
}

/** Reads Codemill/CodeMie `{"error": {message, details, help}}`, FastAPI `{"detail": ...}` or plain text. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const fallback = STATUS_WORDS[status]?.() ?? i18n.t('errors.failed', { status })
  if (body && typeof body === 'object') {
    const obj = body as Json
    const err = obj.error
    if (err && typeof err === 'object') {
      const e = err as Json
      const message = asText(e.message) || fallback
      const fieldErrors = fieldMessages(e.details)
      const named =
        e.details && typeof e.details === 'object' && !Array.isArray(e.details) ? (e.details as Json).field : undefined
      const field = typeof e.field === 'string' ? e.field : typeof named === 'string' ? named : undefined
      if (field && !fieldErrors[field]) fieldErrors[field] = message
      return new ApiError(status, message, { details: asText(e.details), help: asText(e.help), field, fieldErrors })
    }
    if (typeof err === 'string') return new ApiError(status, err, { details: asText(obj.details) })
    const detail = obj.detail
    if (Array.isArray(detail)) {
      // FastAPI validation errors: name the fields.
      const parts = detail.map((d) => {
        const item = d as Json
        const loc = Array.isArray(item.loc) ? item.loc.filter((x) => x !== 'body' && x !== 'query').join('.') : ''
        return loc ? `${loc}: ${asText(item.msg)}` : asText(item.msg)
      })
      return new ApiError(status, parts.join('; ') || fallback, { fieldErrors: fieldMessages(detail) })
    }
    if (typeof detail === 'string') return new ApiError(status, detail)
    if (typeof obj.message === 'string') return new ApiError(status, obj.message)
  }
  if (typeof body === 'string' && body.trim() && body.length < 300 && !body.trimStart().startsWith('<')) {
    return new ApiError(status, body.trim())
  }
  return new ApiError(status, fallback)
}

/** One sentence for the user, whatever was thrown. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    // Each part once: a details or help that repeats the message is left out.
    const parts: string[] = []
    for (const part of [err.message, err.details, err.help]) {
      const text = part?.trim()
      // Structured details (JSON) serve the fields and editors; only words are shown to people.
      if (text && /^[[{]/.test(text)) continue
      if (text && !parts.some((p) => p.includes(text))) parts.push(text)
    }
    return parts.join(' — ')
  }
  if (err instanceof TypeError) return i18n.t('errors.network')
  if (err instanceof Error) return err.message
  return i18n.t('errors.unknown')
}
