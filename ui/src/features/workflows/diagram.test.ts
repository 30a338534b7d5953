import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { workflowToMermaid } from './diagram'

const config = parse(`
states:
  - id: triage
    assistant_id: a
    next:
      condition: {expression: 'priority == "high"', then: escalate, otherwise: fan}
  - id: escalate
    tool_id: pager
    interrupt_before: true
    next: {state_id: end}
  - id: fan
    custom_node_id: split
    next: {state_ids: [left, right]}
  - id: left
    assistant_id: a
    next: {state_id: join}
  - id: right
    assistant_id: a
    next: {state_id: join}
  - id: join
    assistant_id: a
    next:
      switch:
        cases: [{condition: "ok", state_id: end}]
        default: ghost
`) as Record<string, unknown>

describe('workflow diagram', () => {
  it('draws states, a condition, a fan-out, a switch, end and an unknown target', () => {
    const m = workflowToMermaid(config)!
    expect(m.split('\n')[0]).toBe('flowchart TD')
    expect(m).toContain('start_ --> s0')
    expect(m).toContain('s0["triage · assistant: a"]')
    expect(m).toContain('s1["escalate · tool: pager · needs approval"]')
    expect(m).toContain('c0{"priority == #quot;high#quot;"}')
    expect(m).toContain('c0 -->|then| s1')
    expect(m).toContain('c0 -->|otherwise| s2')
    expect(m).toContain('s2 --> s3')
    expect(m).toContain('s2 --> s4')
    expect(m).toContain('w5 -->|"ok"| end_')
    expect(m).toContain('end_((End))')
    expect(m).toMatch(/u0\["unknown state: ghost"\]:::unknown/)
  })

  it('colours states by a run’s statuses, and draws nothing without states', () => {
    const m = workflowToMermaid(config, { triage: 'Succeeded', escalate: 'Interrupted', nope: 'Failed' })!
    expect(m).toContain('class s0 succeeded')
    expect(m).toContain('class s1 interrupted')
    expect(m).not.toContain('nope')
    expect(workflowToMermaid({ states: [] })).toBeNull()
    expect(workflowToMermaid(null)).toBeNull()
  })
})
