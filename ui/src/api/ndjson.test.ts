import { describe, expect, it } from 'vitest'
import { NdjsonParser } from './ndjson'

describe('NdjsonParser', () => {
  it('emits objects split across chunk boundaries', () => {
    const out: unknown[] = []
    const p = new NdjsonParser((o) => out.push(o))
    p.push('{"generated_chunk":"Hel')
    p.push('lo"}\n{"generated_chunk":" world"}\n{"last":tr')
    expect(out).toEqual([{ generated_chunk: 'Hello' }, { generated_chunk: ' world' }])
    p.push('ue}')
    p.flush()
    expect(out).toHaveLength(3)
    expect(out[2]).toEqual({ last: true })
  })

  it('skips blank and malformed lines and tolerates SSE framing', () => {
    const out: unknown[] = []
    const p = new NdjsonParser((o) => out.push(o))
    p.push('\n\nnot json\ndata: {"a":1}\n\r\n{"b":2}\r\ndata: [DONE]\n')
    expect(out).toEqual([{ a: 1 }, { b: 2 }])
  })
})
