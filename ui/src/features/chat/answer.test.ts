import { describe, expect, it } from 'vitest'
import type { StreamRecord } from '../../api/types'
import { applyRecord, closeAnswer, emptyAnswer, mergeThought } from './answer'

const fold = (records: StreamRecord[]) => records.reduce(applyRecord, emptyAnswer())

describe('applyRecord', () => {
  it('keeps the soft budget warnings sent before the answer', () => {
    const record: StreamRecord = {
      generated_chunk: null,
      last: false,
      budget_warnings: [{ message: 'The project budget is past its soft limit.' }],
    }
    const a = applyRecord(applyRecord(emptyAnswer(), record), { generated_chunk: 'Hi', last: false })
    expect(a.warnings).toEqual(['The project budget is past its soft limit.'])
    expect(a.text).toBe('Hi')
  })
  it('appends chunks and finishes on the last record', () => {
    const a = fold([{ generated_chunk: 'Hel' }, { generated_chunk: 'lo' }])
    expect(a.text).toBe('Hello')
    expect(a.done).toBe(false)
    const b = applyRecord(a, { last: true, time_elapsed: 1.5 })
    expect(b).toMatchObject({ text: 'Hello', done: true, timeElapsed: 1.5 })
  })

  it('takes the final `generated` text as authoritative', () => {
    const a = fold([{ generated_chunk: 'partial' }, { last: true, generated: 'The full answer.' }])
    expect(a.text).toBe('The full answer.')
  })

  it('renders structured output as JSON', () => {
    const a = fold([{ last: true, generated: { answer: 42 } }])
    expect(a.text).toContain('"answer": 42')
  })

  it('reports agent errors and stream errors in words', () => {
    expect(fold([{ last: true, success: false, agent_error: { message: 'Token limit reached' } }]).error).toBe(
      'Token limit reached',
    )
    const e = fold([{ generated_chunk: 'x' }, { error: { message: 'LLM unavailable', help: 'Try later' } }])
    expect(e).toMatchObject({ done: true, error: 'LLM unavailable — Try later', text: 'x' })
  })

  it('builds thoughts live: same id continues, a new top-level thought ends the previous', () => {
    const a = fold([
      { thought: { id: 't1', author_name: 'search_docs', in_progress: true, input_text: 'query', message: 'found ' } },
      { thought: { id: 't1', message: '3 documents' } },
    ])
    expect(a.thoughts).toHaveLength(1)
    expect(a.thoughts[0]).toMatchObject({
      authorName: 'search_docs',
      message: 'found 3 documents',
      inProgress: true,
      input: 'query',
    })
    const b = applyRecord(a, { thought: { id: 't2', author_name: 'calculator', in_progress: true } })
    expect(b.thoughts.map((t) => [t.id, t.inProgress])).toEqual([
      ['t1', false],
      ['t2', true],
    ])
    const c = applyRecord(b, { last: true })
    expect(c.thoughts.every((t) => !t.inProgress)).toBe(true)
  })

  it('nests a thought under its parent, and "latest" means the newest top-level one', () => {
    let nodes = mergeThought([], { id: 'p', author_name: 'agent' })
    nodes = mergeThought(nodes, { id: 'c1', parent_id: 'p', author_name: 'tool-a' })
    nodes = mergeThought(nodes, { id: 'c2', parent_id: 'latest', author_name: 'tool-b' })
    nodes = mergeThought(nodes, { id: 'c1', message: 'done', in_progress: false })
    expect(nodes).toHaveLength(1)
    expect(nodes[0].children.map((c) => c.id)).toEqual(['c1', 'c2'])
    expect(nodes[0].children[0].message).toBe('done')
  })

  it('closeAnswer ends a stopped answer and keeps its text', () => {
    const a = closeAnswer(fold([{ generated_chunk: 'so far', thought: { id: 'x', in_progress: true } }]))
    expect(a).toMatchObject({ done: true, text: 'so far' })
    expect(a.thoughts[0].inProgress).toBe(false)
  })
})

describe('a paused turn', () => {
  it('keeps the tool call waiting for approval from the last record', () => {
    const pending = { pending_tool_call_id: 'call_0', tool_name: 'generic_jira_tool', tool_args: { method: 'POST' } }
    const a = applyRecord(emptyAnswer(), { last: true, generated: '', tool_call_pending: pending })
    expect(a.done).toBe(true)
    expect(a.pending).toEqual(pending)
    expect(applyRecord(emptyAnswer(), { last: true, generated: 'done' }).pending).toBeUndefined()
  })
})
