import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { streamChat, streamResume } from '../../api/chatStream'
import type { AttachedFile } from '../../api/files'
import { conversationIdFrom, conversationsApi } from '../../api/conversations'
import { ApiError, describeError } from '../../api/errors'
import type { ChatHistoryEntry, ConversationDetails, HistoryItem, PendingToolCall, StreamRecord } from '../../api/types'
import { applyRecord, closeAnswer, emptyAnswer, type Answer, type ThoughtNode } from './answer'
import { activePath, pathMessages, ROOT, switchVersion, turnsFromHistory, type Selection, type Turn } from './branches'
import i18n from '../../i18n'

export interface ChatMessage {
  id: string
  role: 'user' | 'assistant'
  text: string
  thoughts: ThoughtNode[]
  streaming?: boolean
  stopped?: boolean
  error?: string
  assistantId?: string | null
  timeElapsed?: number
  /** Stored on the server (its id is the server's). */
  saved?: boolean
  /** The turn the message belongs to, and the answer that turn follows. */
  turnKey?: string
  parentKey?: string
  /** On an answer: its version among the turns sharing its parent (1-based), and how many there are. */
  version?: number
  versions?: number
  /** Soft budget limits reached, as the server words them. */
  warnings?: string[]
  /** A tool call of this answer waiting for the user's approval. */
  pending?: PendingToolCall
  /** Files attached to this (user) message. */
  files?: AttachedFile[]
}

export type SendOutcome = 'sent' | 'session-expired' | 'failed'

let seq = 0
const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`

function randomUuid(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID()
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16)
  })
}

/** The messages shown for a stored history (the newest version of each turn). */
export function fromHistory(items: HistoryItem[]): ChatMessage[] {
  return pathMessages(activePath(turnsFromHistory(items), {}))
}

/** The history the API expects: finished messages only, in order. */
export function toHistory(messages: ChatMessage[]): ChatHistoryEntry[] {
  return messages
    .filter((m) => !m.streaming && (m.role === 'user' || (m.text && !m.error)))
    .map((m) => ({ role: m.role === 'user' ? 'User' : 'Assistant', message: m.text }))
}

interface Options {
  conversationId?: string
  assistantId?: string
  /** The chat's own model and temperature (unset: the assistant's). */
  settings?: { model?: string | null; temperature?: number | null }
  onConversationCreated: (id: string) => void
}

/**
 * The state of one conversation: its messages, the answer streaming in, and the actions
 * send / stop / regenerate. Streamed records are folded in at most once per animation frame.
 */
export function useChat({ conversationId, assistantId, settings, onConversationCreated }: Options) {
  const settingsRef = useRef(settings)
  settingsRef.current = settings
  const queryClient = useQueryClient()
  const [turns, setTurns] = useState<Turn[]>([])
  const [selected, setSelected] = useState<Selection>({})
  const [details, setDetails] = useState<ConversationDetails | null>(null)
  // Budget warnings of the latest answer: kept beside the messages (stored turns do not carry them).
  const [warnings, setWarnings] = useState<string[]>([])
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState<unknown>(null)
  const abortRef = useRef<AbortController | null>(null)
  const createdHere = useRef<string | null>(null)
  const turnsRef = useRef(turns)
  turnsRef.current = turns
  const selectedRef = useRef(selected)
  selectedRef.current = selected
  const path = useMemo(() => activePath(turns, selected), [turns, selected])
  const messages = useMemo(() => pathMessages(path), [path])

  const adopt = useCallback((d: ConversationDetails) => {
    setDetails(d)
    const fresh = turnsFromHistory(d.history ?? [])
    const keys = new Set(fresh.map((t) => t.key))
    // Choices of stored versions stay; a choice of a turn only this page knew gives way to the newest.
    setSelected((sel) => Object.fromEntries(Object.entries(sel).filter(([, key]) => keys.has(key))))
    setTurns(fresh)
    return fresh
  }, [])

  const load = useCallback(
    async (id: string) => {
      setLoading(true)
      setLoadError(null)
      try {
        setSelected({})
        setWarnings([])
        adopt(await conversationsApi.get(id))
      } catch (e) {
        setLoadError(e)
        setTurns([])
      } finally {
        setLoading(false)
      }
    },
    [adopt],
  )

  /** The stored turns again (their ids name the parents of the next ones); null when they cannot be read. */
  const resync = useCallback(
    async (id: string) => {
      try {
        return adopt(await conversationsApi.get(id))
      } catch {
        return null
      }
    },
    [adopt],
  )

  useEffect(() => {
    if (!conversationId) {
      abortRef.current?.abort()
      setTurns([])
      setSelected({})
      setDetails(null)
      setLoadError(null)
      return
    }
    // A conversation this page just created already holds the live messages.
    if (createdHere.current === conversationId) {
      createdHere.current = null
      return
    }
    abortRef.current?.abort()
    void load(conversationId)
  }, [conversationId, load])

  useEffect(() => () => abortRef.current?.abort(), [])

  const updateAnswer = useCallback((answerId: string, change: (m: ChatMessage) => ChatMessage) => {
    setTurns((all) => all.map((t) => (t.answer.id === answerId ? { ...t, answer: change(t.answer) } : t)))
  }, [])

  const runStream = useCallback(
    async (
      convId: string,
      answerId: string,
      start: (onRecord: (record: StreamRecord) => void, signal: AbortSignal) => Promise<void>,
      initial: Answer = emptyAnswer(),
    ) => {
      const controller = new AbortController()
      abortRef.current = controller
      let answer: Answer = initial
      let frame = 0
      // The answer shows as being written until the run has settled (the stored turn read back): a message
      // typed in between waits for the Send button instead of being dropped.
      let settled = false
      const flush = () => {
        frame = 0
        const snapshot = answer
        if (snapshot.warnings?.length) setWarnings(snapshot.warnings)
        updateAnswer(answerId, (m) => ({
          ...m,
          text: snapshot.text,
          thoughts: snapshot.thoughts,
          error: snapshot.error,
          streaming: !(snapshot.done && settled),
          timeElapsed: snapshot.timeElapsed,
          warnings: snapshot.warnings,
          pending: snapshot.pending,
        }))
      }
      const schedule = () => {
        if (!frame) frame = requestAnimationFrame(flush)
      }
      try {
        await start((record) => {
          answer = applyRecord(answer, record)
          schedule()
        }, controller.signal)
        if (!answer.done) answer = closeAnswer(answer, answer.text ? undefined : i18n.t('answer.incomplete'))
        if (frame) cancelAnimationFrame(frame)
        // Set here too: the last frame's flush may not have run before the stream ended (a busy machine).
        if (answer.warnings?.length) setWarnings(answer.warnings)
        // The stream ends once the turn is stored: show the stored turns (their ids name the parents of the
        // next ones). The answer counts as being written until then, so nothing is sent in between.
        // A paused turn (a tool call waiting for approval) keeps its Allow/Deny here: the stored history does
        // not carry the pending call.
        if (!answer.error && !answer.pending && (await resync(convId))) return 'sent' as const
        settled = true
        flush()
        return 'sent' as const
      } catch (e) {
        if (frame) cancelAnimationFrame(frame)
        settled = true
        if (controller.signal.aborted) {
          answer = closeAnswer(answer)
          flush()
          updateAnswer(answerId, (m) => ({ ...m, stopped: true }))
          return 'sent' as const
        }
        if (e instanceof ApiError && e.status === 401) return 'session-expired' as const
        answer = closeAnswer(answer, describeError(e))
        flush()
        return 'failed' as const
      } finally {
        if (abortRef.current === controller) abortRef.current = null
        void queryClient.invalidateQueries({ queryKey: ['conversations'] })
      }
    },
    [queryClient, resync, updateAnswer],
  )

  /**
   * Ask `text` after the first `depth` turns of the shown path: at the end (a new message), or in place of
   * a turn (a regenerated answer or an edited question: a new version beside it, shown from now on).
   */
  const branch = useCallback(
    async (
      convId: string,
      asstId: string,
      text: string,
      depth: number | null,
      files: AttachedFile[] = [],
    ): Promise<SendOutcome> => {
      let steps = activePath(turnsRef.current, selectedRef.current)
      // A turn stopped on this page has no stored id yet: read the stored ones first.
      if (steps.some((s) => !s.turn.answer.saved) && convId === conversationId) {
        steps = activePath((await resync(convId)) ?? turnsRef.current, selectedRef.current)
      }
      const at = depth ?? steps.length
      const before = steps.slice(0, at)
      const parent = before.length ? before[before.length - 1].turn.answer : null
      const parentKey = parent?.id ?? ROOT
      const key = newId('u')
      const answerId = newId('a')
      const turn: Turn = {
        key,
        parent: parentKey,
        question: { id: key, role: 'user', text, thoughts: [], files: files.length ? files : undefined },
        answer: { id: answerId, role: 'assistant', text: '', thoughts: [], streaming: true, assistantId: asstId },
      }
      setWarnings([])
      setTurns((all) => [...all, turn])
      setSelected((sel) => ({ ...sel, [parentKey]: key }))
      const history = toHistory(pathMessages(before))
      const parentId = parent?.saved ? parent.id : null
      const request = {
        text,
        conversation_id: convId,
        stream: true as const,
        history,
        history_index: at,
        file_names: files.map((f) => f.id),
        ...(parentId ? { parent_id: parentId } : {}),
        ...(settingsRef.current?.model ? { llm_model: settingsRef.current.model } : {}),
        ...(settingsRef.current?.temperature != null ? { temperature: settingsRef.current.temperature } : {}),
      }
      const outcome = await runStream(convId, answerId, (onRecord, signal) =>
        streamChat(asstId, request, onRecord, signal),
      )
      if (outcome === 'session-expired') {
        // Take the message back so it returns to the composer once the user signs in again.
        setTurns((all) => all.filter((t) => t.key !== key))
      }
      return outcome
    },
    [conversationId, resync, runStream],
  )

  const send = useCallback(
    async (text: string, files: AttachedFile[] = []): Promise<SendOutcome> => {
      const body = text.trim()
      if (!body || !assistantId || abortRef.current) return 'failed'
      let convId = conversationId
      if (!convId) {
        try {
          convId = conversationIdFrom(await conversationsApi.create(assistantId))
        } catch (e) {
          if (e instanceof ApiError && e.status === 401) return 'session-expired'
          // Servers that create the conversation on the first chat call accept a client id.
        }
        convId ??= randomUuid()
        createdHere.current = convId
        onConversationCreated(convId)
      }
      return branch(convId, assistantId, body, null, files)
    },
    [assistantId, conversationId, onConversationCreated, branch],
  )

  /** A new version of the turn `turnKey` (default: the last), with its question (or `text`, an edit). */
  const redo = useCallback(
    async (turnKey?: string, text?: string): Promise<SendOutcome> => {
      const steps = activePath(turnsRef.current, selectedRef.current)
      const depth = turnKey ? steps.findIndex((s) => s.turn.key === turnKey) : steps.length - 1
      const asstId = assistantId
      if (depth < 0 || !asstId || !conversationId || abortRef.current) return 'failed'
      const question = (text ?? steps[depth].turn.question.text).trim()
      if (!question) return 'failed'
      return branch(conversationId, asstId, question, depth, steps[depth].turn.question.files ?? [])
    },
    [assistantId, conversationId, branch],
  )

  const regenerate = useCallback(() => redo(), [redo])
  const edit = useCallback((turnKey: string, text: string) => redo(turnKey, text), [redo])

  /** Show another version of a turn (delta -1: the one before, +1: the one after). */
  const showVersion = useCallback((turnKey: string, delta: number) => {
    const change = switchVersion(turnsRef.current, turnKey, delta)
    if (change) setSelected((sel) => ({ ...sel, [change[0]]: change[1] }))
  }, [])

  /** Allow or deny the tool call an answer is waiting on; the same answer streams on. */
  const decide = useCallback(
    async (answerId: string, action: 'allow' | 'deny'): Promise<SendOutcome> => {
      const message = turnsRef.current.find((t) => t.answer.id === answerId)?.answer
      const asstId = message?.assistantId ?? assistantId
      if (!message?.pending || !asstId || !conversationId || abortRef.current) return 'failed'
      const body = {
        conversation_id: conversationId,
        pending_tool_call_id: message.pending.pending_tool_call_id,
        action,
        stream: true as const,
      }
      const initial: Answer = { text: '', thoughts: message.thoughts, done: false }
      updateAnswer(answerId, (m) => ({ ...m, pending: undefined, streaming: true, text: '' }))
      return runStream(
        conversationId,
        answerId,
        (onRecord, signal) => streamResume(asstId, body, onRecord, signal),
        initial,
      )
    },
    [assistantId, conversationId, runStream, updateAnswer],
  )

  const stop = useCallback(() => abortRef.current?.abort(), [])

  const streaming = messages.some((m) => m.streaming)
  return {
    messages,
    details,
    loading,
    loadError,
    streaming,
    send,
    stop,
    regenerate,
    decide,
    edit,
    showVersion,
    warnings,
    reload: load,
  }
}
