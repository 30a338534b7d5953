import type { ExecutionStatus } from '../../api/types'

interface StateDef {
  id?: unknown
  assistant_id?: unknown
  tool_id?: unknown
  custom_node_id?: unknown
  interrupt_before?: unknown
  next?: {
    state_id?: unknown
    state_ids?: unknown
    iter_key?: unknown
    condition?: { expression?: unknown; then?: unknown; otherwise?: unknown }
    switch?: { cases?: unknown; default?: unknown }
  }
}

const END_IDS = new Set(['end', 'END', '__end__'])

/** Mermaid labels are quoted; quotes and angle brackets become entities, long text is cut. */
function label(text: string, max = 48): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text
  return `"${short.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\n/g, ' ')}"`
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : v == null ? null : String(v))

const STATUS_CLASS: Record<string, string> = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  'In Progress': 'running',
  Interrupted: 'interrupted',
  Aborted: 'failed',
}

/**
 * A Mermaid flowchart of a workflow's states: each state a box (what runs it underneath), arrows
 * for `next` (a diamond for `condition` and `switch`, one arrow per branch of a fan-out, a labelled
 * arrow for `iter_key`), Start into the first state and End where `next` says `end`.
 * With `statuses` (state id → status) the boxes are coloured as a run went.
 */
export function workflowToMermaid(
  config: Record<string, unknown> | null,
  statuses: Record<string, ExecutionStatus> = {},
): string | null {
  const states = Array.isArray(config?.states)
    ? (config.states as StateDef[]).filter((s) => s && typeof s === 'object')
    : []
  if (states.length === 0) return null
  const ids = new Map<string, string>()
  states.forEach((s, i) => {
    const id = str(s.id)
    if (id && !ids.has(id)) ids.set(id, `s${i}`)
  })
  const lines = ['flowchart TD', '  start_((Start))']
  let usesEnd = false
  const unknown = new Map<string, string>()
  const ref = (target: unknown): string => {
    const t = str(target)
    if (!t) return 'missing_'
    if (END_IDS.has(t)) {
      usesEnd = true
      return 'end_'
    }
    const known = ids.get(t)
    if (known) return known
    // A reference to a state that does not exist is drawn, marked, so the mistake is visible.
    if (!unknown.has(t)) unknown.set(t, `u${unknown.size}`)
    return unknown.get(t)!
  }

  states.forEach((s, i) => {
    const id = str(s.id) ?? `state ${i + 1}`
    const node = ids.get(id) ?? `s${i}`
    const runner = str(s.assistant_id)
      ? `assistant: ${str(s.assistant_id)}`
      : str(s.tool_id)
        ? `tool: ${str(s.tool_id)}`
        : str(s.custom_node_id)
          ? `node: ${str(s.custom_node_id)}`
          : ''
    const pause = s.interrupt_before === true ? ' · needs approval' : ''
    lines.push(`  ${node}[${label(`${id}${runner ? ` · ${runner}` : ''}${pause}`, 72)}]`)
  })
  lines.push(`  start_ --> ${ids.get(str(states[0].id) ?? '') ?? 's0'}`)

  states.forEach((s, i) => {
    const from = ids.get(str(s.id) ?? '') ?? `s${i}`
    const next = s.next && typeof s.next === 'object' ? s.next : null
    if (!next) return
    if (next.condition && typeof next.condition === 'object') {
      const d = `c${i}`
      lines.push(`  ${d}{${label(str(next.condition.expression) ?? 'condition', 40)}}`)
      lines.push(`  ${from} --> ${d}`)
      lines.push(`  ${d} -->|then| ${ref(next.condition.then)}`)
      lines.push(`  ${d} -->|otherwise| ${ref(next.condition.otherwise)}`)
      return
    }
    if (next.switch && typeof next.switch === 'object') {
      const d = `w${i}`
      lines.push(`  ${d}{switch}`)
      lines.push(`  ${from} --> ${d}`)
      const cases = Array.isArray(next.switch.cases)
        ? (next.switch.cases as { condition?: unknown; state_id?: unknown }[])
        : []
      for (const c of cases) lines.push(`  ${d} -->|${label(str(c?.condition) ?? 'case', 30)}| ${ref(c?.state_id)}`)
      lines.push(`  ${d} -->|default| ${ref(next.switch.default)}`)
      return
    }
    if (Array.isArray(next.state_ids)) {
      for (const t of next.state_ids) lines.push(`  ${from} --> ${ref(t)}`)
      return
    }
    if (next.state_id != null) {
      const iter = str(next.iter_key)
      lines.push(
        iter
          ? `  ${from} -->|${label(`each of ${iter}`, 30)}| ${ref(next.state_id)}`
          : `  ${from} --> ${ref(next.state_id)}`,
      )
    }
  })
  if (usesEnd) lines.push('  end_((End))')
  for (const [name, node] of unknown) lines.push(`  ${node}[${label(`unknown state: ${name}`)}]:::unknown`)
  if (lines.some((l) => l.includes('missing_'))) lines.push(`  missing_[${label('missing target')}]:::unknown`)

  lines.push('  classDef unknown stroke:#c62828,stroke-dasharray:4 3')
  const classed = Object.entries(statuses).filter(([id, st]) => ids.has(id) && STATUS_CLASS[st])
  if (classed.length) {
    lines.push('  classDef succeeded fill:#1e7a3c,color:#fff,stroke:#1e7a3c')
    lines.push('  classDef failed fill:#c62828,color:#fff,stroke:#c62828')
    lines.push('  classDef running fill:#2563eb,color:#fff,stroke:#2563eb')
    lines.push('  classDef interrupted fill:#9a6700,color:#fff,stroke:#9a6700')
    for (const [id, st] of classed) lines.push(`  class ${ids.get(id)} ${STATUS_CLASS[st]}`)
  }
  return lines.join('\n')
}
