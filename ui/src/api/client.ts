import { ApiError, errorFromBody } from './errors'

const TOKEN_KEY = 'codemill.token'

type SessionListener = () => void
const expiredListeners = new Set<SessionListener>()

let token: string | null = readToken()

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

export function getToken(): string | null {
  return token
}

export function setToken(value: string | null): void {
  token = value
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value)
    else localStorage.removeItem(TOKEN_KEY)
  } catch {
    /* storage may be unavailable (private mode); the in-memory token still works */
  }
}

/** Called whenever an authenticated call answers 401, so the app can ask to sign in again. */
export function onSessionExpired(listener: SessionListener): () => void {
  expiredListeners.add(listener)
  return () => expiredListeners.delete(listener)
}

function notifyExpired(): void {
  expiredListeners.forEach((l) => l())
}

export type Query = Record<string, string | number | boolean | undefined | null>

export interface RequestOptions {
  method?: string
  query?: Query
  json?: unknown
  body?: BodyInit
  signal?: AbortSignal
  /** Unwrap a `{"data": ...}` envelope the way the CodeMie SDK does (default true). */
  unwrap?: boolean
  /** Do not announce a 401 as an expired session (the login call itself). */
  anonymous?: boolean
  headers?: Record<string, string>
}

export function buildUrl(path: string, query?: Query): string {
  const url = path.startsWith('/') ? path : `/${path}`
  if (!query) return url
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${url}?${qs}` : url
}

export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra }
  if (token) headers.Authorization = `Bearer ${token}`
  return headers
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return null
  const text = await res.text()
  if (!text) return null
  const type = res.headers.get('content-type') ?? ''
  if (type.includes('json') || /^[[{"]/.test(text.trimStart())) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** Throws ApiError for a non-2xx response (announcing an expired session on 401). */
export async function ensureOk(res: Response, anonymous = false): Promise<void> {
  if (res.ok) return
  const body = await readBody(res)
  if (res.status === 401 && !anonymous) notifyExpired()
  throw errorFromBody(res.status, body)
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers = authHeaders(opts.headers)
  let body = opts.body
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.json)
  }
  const res = await fetch(buildUrl(path, opts.query), {
    method: opts.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
    signal: opts.signal,
    credentials: 'same-origin',
  })
  await ensureOk(res, opts.anonymous)
  const data = await readBody(res)
  if (opts.unwrap !== false && data && typeof data === 'object' && !Array.isArray(data) && 'data' in data) {
    return (data as { data: T }).data
  }
  return data as T
}

export const api = {
  get: <T>(path: string, query?: Query, opts: RequestOptions = {}) => request<T>(path, { ...opts, query }),
  post: <T>(path: string, json?: unknown, opts: RequestOptions = {}) =>
    request<T>(path, { ...opts, method: 'POST', json: json ?? {} }),
  put: <T>(path: string, json?: unknown, opts: RequestOptions = {}) =>
    request<T>(path, { ...opts, method: 'PUT', json: json ?? {} }),
  patch: <T>(path: string, json?: unknown, opts: RequestOptions = {}) =>
    request<T>(path, { ...opts, method: 'PATCH', json: json ?? {} }),
  delete: <T>(path: string, opts: RequestOptions = {}) => request<T>(path, { ...opts, method: 'DELETE' }),
}

export { ApiError }

/** Lists come back bare, under `data`, or under another key; always give an array. */
export function asList<T>(value: unknown, ...keys: string[]): T[] {
  if (Array.isArray(value)) return value as T[]
  if (value && typeof value === 'object') {
    for (const k of [...keys, 'data', 'items', 'results']) {
      const v = (value as Record<string, unknown>)[k]
      if (Array.isArray(v)) return v as T[]
    }
  }
  return []
}
