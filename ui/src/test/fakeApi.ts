import { vi } from 'vitest'

export type Handler = (req: {
  url: URL
  method: string
  body: unknown
  init: RequestInit
}) => Response | Promise<Response>

export const json = (data: unknown, status = 200) =>
  new Response(JSON.stringify(data), { status, headers: { 'Content-Type': 'application/json' } })

/** An NDJSON body that yields one line per tick, like a streaming chat answer. */
export function ndjsonStream(records: unknown[], opts: { holdOpen?: boolean } = {}): Response {
  const enc = new TextEncoder()
  let i = 0
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 5))
      if (i < records.length) {
        controller.enqueue(enc.encode(JSON.stringify(records[i++]) + '\n'))
      } else if (!opts.holdOpen) {
        controller.close()
      } else {
        await new Promise(() => undefined)
      }
    },
  })
  return new Response(stream, { status: 200, headers: { 'Content-Type': 'application/x-ndjson' } })
}

/**
 * Replace fetch with a table of `"METHOD /path"` handlers. Calls are recorded; an unknown
 * route answers 404 in the API's error shape so a test sees the failure it would get live.
 */
export function installFakeApi(routes: Record<string, Handler>) {
  const calls: { method: string; path: string; body: unknown; headers: Record<string, string> }[] = []
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' ? input : input.toString(), 'http://localhost')
    const method = (init.method ?? 'GET').toUpperCase()
    let body: unknown = init.body
    if (typeof init.body === 'string') {
      try {
        body = JSON.parse(init.body)
      } catch {
        body = init.body
      }
    }
    calls.push({ method, path: url.pathname, body, headers: (init.headers ?? {}) as Record<string, string> })
    if (init.signal?.aborted) throw new DOMException('Aborted', 'AbortError')
    const handler = routes[`${method} ${url.pathname}`]
    if (!handler) return json({ error: { message: `No fake route for ${method} ${url.pathname}` } }, 404)
    return handler({ url, method, body, init })
  })
  vi.stubGlobal('fetch', fetchMock)
  return { calls, fetchMock }
}
