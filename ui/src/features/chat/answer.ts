import type { PendingToolCall, StreamRecord, Thought } from '../../api/types'
import i18n from '../../i18n'

/** A tool call or reasoning step, as a tree (a thought may start sub-thoughts). */
export interface ThoughtNode {
  id: string
  authorName: string
  authorType: string
  input: string
  message: string
  inProgress: boolean
  error: boolean
  children: ThoughtNode[]
}

export interface Answer {
  text: string
  thoughts: ThoughtNode[]
  done: boolean
  error?: string
  timeElapsed?: number
  /** Soft budget limits reached, as the server words them. */
  warnings?: string[]
  /** A tool call waiting for the user's approval: the answer continues after allow or deny. */
  pending?: PendingToolCall
}

export const emptyAnswer = (): Answer => ({ text: '', thoughts: [], done: false })

export function toNode(t: Thought): ThoughtNode {
  const kids = Array.isArray(t.children)
    ? t.children.filter((c): c is Thought => typeof c === 'object' && c !== null)
    : []
  return {
    id: t.id,
    authorName: t.author_name ?? (t.author_type === 'Agent' ? 'Assistant' : 'Tool'),
    authorType: t.author_type ?? 'Tool',
    input: t.input_text ?? '',
    message: t.message ?? '',
    inProgress: Boolean(t.in_progress),
    error: Boolean(t.error),
    children: kids.map(toNode),
  }
}

const finish = (nodes: ThoughtNode[]): ThoughtNode[] =>
  nodes.map((n) =>
    n.inProgress || n.children.some((c) => c.inProgress)
      ? { ...n, inProgress: false, children: finish(n.children) }
      : n,
  )

function contains(nodes: ThoughtNode[], id: string): boolean {
  return nodes.some((n) => n.id === id || contains(n.children, id))
}

function updateIn(nodes: ThoughtNode[], id: string, fn: (n: ThoughtNode) => ThoughtNode): ThoughtNode[] {
  return nodes.map((n) => {
    if (n.id === id) return fn(n)
    if (contains(n.children, id)) return { ...n, children: updateIn(n.children, id, fn) }
    return n
  })
}

/**
 * Fold one streamed thought into the tree. A record with a known id continues that thought
 * (its message is appended); a new one nests under `parent_id` ("latest" = the newest top-level
 * thought) or starts a new top-level thought, which ends the ones before it.
 */
export function mergeThought(nodes: ThoughtNode[], t: Thought): ThoughtNode[] {
  if (!t?.id) return nodes
  if (contains(nodes, t.id)) {
    return updateIn(nodes, t.id, (n) => ({
      ...n,
      message: n.message + (t.message ?? ''),
      input: t.input_text ?? n.input,
      authorName: t.author_name ?? n.authorName,
      inProgress: t.in_progress ?? n.inProgress,
      error: t.error ?? n.error,
      children:
        Array.isArray(t.children) && t.children.some((c) => typeof c === 'object') ? toNode(t).children : n.children,
    }))
  }
  const parentId = t.parent_id === 'latest' ? nodes[nodes.length - 1]?.id : t.parent_id
  if (parentId && contains(nodes, parentId)) {
    return updateIn(nodes, parentId, (p) => ({ ...p, children: [...p.children, toNode(t)] }))
  }
  return [...finish(nodes), toNode(t)]
}

function errorText(r: StreamRecord): string | undefined {
  if (r.error) {
    if (typeof r.error === 'string') return r.error
    return [r.error.message, r.error.details, r.error.help].filter(Boolean).join(' — ') || i18n.t('answer.failed')
  }
  if (r.agent_error) return r.agent_error.message || r.agent_error.details || i18n.t('answer.couldNotFinish')
  if (r.execution_error) return i18n.t('answer.stopped', { error: r.execution_error })
  if (r.success === false) return i18n.t('answer.couldNotFinishThis')
  return undefined
}

/** Apply one NDJSON record of POST /v1/assistants/{id}/model to the answer being built. */
export function applyRecord(a: Answer, r: StreamRecord): Answer {
  let next = a
  if (r.budget_warnings?.length) {
    next = { ...next, warnings: r.budget_warnings.map((w) => w.message ?? 'A budget limit is near.') }
  }
  if (r.thought) next = { ...next, thoughts: mergeThought(next.thoughts, r.thought) }
  if (typeof r.generated_chunk === 'string' && r.generated_chunk)
    next = { ...next, text: next.text + r.generated_chunk }
  const err = errorText(r)
  if (r.error && !r.last) return { ...next, error: err, done: true, thoughts: finish(next.thoughts) }
  if (r.last) {
    let text = next.text
    if (typeof r.generated === 'string' && r.generated.length > 0) text = r.generated
    else if (r.generated && typeof r.generated === 'object')
      text = '```json\n' + JSON.stringify(r.generated, null, 2) + '\n```'
    next = {
      ...next,
      text,
      done: true,
      error: err,
      timeElapsed: r.time_elapsed ?? undefined,
      thoughts: finish(next.thoughts),
      pending: r.tool_call_pending ?? undefined,
    }
  }
  return next
}

/** End an answer that the user stopped or whose stream closed without a final record. */
export function closeAnswer(a: Answer, error?: string): Answer {
  return { ...a, done: true, error: a.error ?? error, thoughts: finish(a.thoughts) }
}
