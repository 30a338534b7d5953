import type { HistoryItem } from '../../api/types'
import { toNode } from './answer'
import type { ChatMessage } from './useChat'

/** The parent of a conversation's first turns. */
export const ROOT = 'root'

/**
 * One question and its answer. Turns sharing a parent (the answer they follow) are versions of each other:
 * a regenerated answer, or an edited question. Each version starts its own branch.
 */
export interface Turn {
  key: string
  parent: string
  question: ChatMessage
  answer: ChatMessage
}

/** Which version is shown under each parent (absent: the newest). */
export type Selection = Record<string, string>

const isUser = (h: HistoryItem) => String(h.role).toLowerCase() === 'user'

function toMessage(h: HistoryItem, fallbackId: string): ChatMessage {
  return {
    id: h.id ?? fallbackId,
    saved: true,
    role: isUser(h) ? 'user' : 'assistant',
    text: h.message ?? '',
    thoughts: (h.thoughts ?? []).filter(Boolean).map(toNode),
    assistantId: h.assistantId ?? null,
    files: h.fileNames?.length ? h.fileNames.map((id) => ({ id, name: 'attached file' })) : undefined,
    timeElapsed: isUser(h) ? undefined : (h.responseTime ?? undefined),
    // An answer cut short (the client left, or the server stopped mid-answer) keeps its partial text.
    stopped: h.status === 'interrupted' || undefined,
  }
}

/**
 * The turns of a stored history (the API's flat list, in order). A question names the answer it follows;
 * older or imported histories do not, and then follow the newest answer of the turn before.
 */
export function turnsFromHistory(items: HistoryItem[]): Turn[] {
  const turns: Turn[] = []
  const newestAnswer = new Map<number, string>()
  for (let i = 0; i < items.length; i++) {
    const h = items[i]
    const index = h.historyIndex ?? 0
    const next = items[i + 1]
    let question: ChatMessage
    let answer: ChatMessage
    if (isUser(h)) {
      question = toMessage(h, `h-${index}-${i}`)
      if (next && !isUser(next) && (next.historyIndex ?? 0) === index) {
        answer = toMessage(next, `h-${index}-${i + 1}`)
        i++
      } else answer = { id: `${question.id}-none`, saved: true, role: 'assistant', text: '', thoughts: [] }
    } else {
      // An answer without its question (an imported history may hold one).
      question = { id: `h-${index}-${i}-q`, saved: true, role: 'user', text: '', thoughts: [] }
      answer = toMessage(h, `h-${index}-${i}`)
    }
    const inferred = index > 0 ? newestAnswer.get(index - 1) : undefined
    const parent = (isUser(h) && h.parentId) || inferred || ROOT
    turns.push({ key: question.id, parent, question, answer })
    newestAnswer.set(index, answer.id)
  }
  return turns
}

export interface PathStep {
  turn: Turn
  version: number
  versions: number
}

/** The turns shown: from the root, the selected (else the newest) version at each step. */
export function activePath(turns: Turn[], selected: Selection): PathStep[] {
  const children = new Map<string, Turn[]>()
  for (const t of turns) {
    const kids = children.get(t.parent)
    if (kids) kids.push(t)
    else children.set(t.parent, [t])
  }
  const path: PathStep[] = []
  const seen = new Set<string>()
  let key = ROOT
  for (;;) {
    const kids = children.get(key)
    if (!kids || seen.has(key)) return path
    seen.add(key)
    const chosen = kids.find((k) => k.key === selected[key]) ?? kids[kids.length - 1]
    path.push({ turn: chosen, version: kids.indexOf(chosen) + 1, versions: kids.length })
    key = chosen.answer.id
  }
}

/** The messages shown for a path; each answer knows its version among its siblings. */
export function pathMessages(path: PathStep[]): ChatMessage[] {
  return path.flatMap(({ turn, version, versions }) => {
    const q = turn.question
    const a = turn.answer
    const withTurn = { turnKey: turn.key, parentKey: turn.parent }
    const out: ChatMessage[] = []
    if (q.text || !a.text) out.push({ ...q, ...withTurn })
    out.push({ ...a, ...withTurn, version, versions })
    return out
  })
}

/** The sibling `delta` steps from a turn (wrapping stops at the ends): the selection change, or null. */
export function switchVersion(turns: Turn[], turnKey: string, delta: number): [string, string] | null {
  const turn = turns.find((t) => t.key === turnKey)
  if (!turn) return null
  const kids = turns.filter((t) => t.parent === turn.parent)
  const next = kids[kids.indexOf(turn) + delta]
  return next ? [turn.parent, next.key] : null
}
