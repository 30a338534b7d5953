/** An API failure, with the server's words when it gave any. */
export class ApiError extends Error {
  readonly status: number
  readonly details?: string
  readonly help?: string
  readonly field?: string

  constructor(status: number, message: string, opts: { details?: string; help?: string; field?: string } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.details = opts.details
    this.help = opts.help
    this.field = opts.field
  }
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

const STATUS_WORDS: Record<number, string> = {
  400: 'The request was not accepted.',
  401: 'Your session has ended. Please sign in again.',
  403: 'You do not have permission to do that.',
  404: 'That item was not found. It may have been deleted.',
  409: 'That conflicts with something that already exists.',
  413: 'That upload is too large.',
  422: 'Some fields are not valid.',
  429: 'Too many requests. Please wait a moment and try again.',
  500: 'The server ran into a problem. Please try again.',
  502: 'The server is not reachable right now.',
  503: 'The service is temporarily unavailable.',
}

/** Reads Codemill/CodeMie `{"error": {message, details, help}}`, FastAPI `{"detail": ...}` or plain text. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const fallback = STATUS_WORDS[status] ?? `Request failed (HTTP ${status}).`
  if (body && typeof body === 'object') {
    const obj = body as Json
    const err = obj.error
    if (err && typeof err === 'object') {
      const e = err as Json
      const field = typeof e.field === 'string' ? e.field : undefined
      return new ApiError(status, asText(e.message) || fallback, {
        details: asText(e.details),
        help: asText(e.help),
        field,
      })
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
      const first = detail[0] as Json | undefined
      const field = Array.isArray(first?.loc) ? String(first?.loc[first.loc.length - 1]) : undefined
      return new ApiError(status, parts.join('; ') || fallback, { field })
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
    return [err.message, err.details, err.help].filter(Boolean).join(' — ')
  }
  if (err instanceof TypeError) return 'Could not reach the server. Check your connection and try again.'
  if (err instanceof Error) return err.message
  return 'Something went wrong.'
}
