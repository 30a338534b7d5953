import { useCallback, useEffect, useRef, useState } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { streamChat, streamResume } from '../../api/chatStream'
import type { AttachedFile } from '../../api/files'
import { conversationIdFrom, conversationsApi } from '../../api/conversations'
import { ApiError, describeError } from '../../api/errors'
import type { ChatHistoryEntry, ConversationDetails, HistoryItem, PendingToolCall, StreamRecord } from '../../api/types'
import { applyRecord, closeAnswer, emptyAnswer, toNode, type Answer, type ThoughtNode } from './answer'

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

export function fromHistory(items: HistoryItem[]): ChatMessage[] {
  return items.map((h, i) => ({
    id: `h-${h.historyIndex ?? i}-${i}`,
    role: String(h.role).toLowerCase() === 'user' ? 'user' : 'assistant',
    text: h.message ?? '',
    thoughts: (h.thoughts ?? []).filter(Boolean).map(toNode),
    files: h.fileNames?.length ? h.fileNames.map((id) => ({ id, name: 'attached file' })) : undefined,
    assistantId: h.assistantId ?? null,
    timeElapsed: h.responseTime ?? undefined,
    // An answer cut short (the client left, or the server stopped mid-answer) keeps its partial text.
    stopped: h.status === 'interrupted' || undefined,
  }))
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
  onConversationCreated: (id: string) => void
}

/**
 * The state of one conversation: its messages, the answer streaming in, and the actions
 * send / stop / regenerate. Streamed records are folded in at most once per animation frame.
 */
export function useChat({ conversationId, assistantId, onConversationCreated }: Options) {
  const queryClient = useQueryClient()
  const [messages, setMessages] = useState<ChatMessage[]>([])
  const [details, setDetails] = useState<ConversationDetails | null>(null)
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState<unknown>(null)
  const abortRef = useRef<AbortController | null>(null)
  const createdHere = useRef<string | null>(null)
  const messagesRef = useRef(messages)
  messagesRef.current = messages

  const load = useCallback(async (id: string) => {
    setLoading(true)
    setLoadError(null)
    try {
      const d = await conversationsApi.get(id)
      setDetails(d)
      setMessages(fromHistory(d.history ?? []))
    } catch (e) {
      setLoadError(e)
      setMessages([])
    } finally {
      setLoading(false)
    }
  }, [])

  useEffect(() => {
    if (!conversationId) {
      abortRef.current?.abort()
      setMessages([])
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

  const runStream = useCallback(
    async (
      answerId: string,
      start: (onRecord: (record: StreamRecord) => void, signal: AbortSignal) => Promise<void>,
      initial: Answer = emptyAnswer(),
    ) => {
      const controller = new AbortController()
      abortRef.current = controller
      let answer: Answer = initial
      let frame = 0
      const flush = () => {
        frame = 0
        const snapshot = answer
        setMessages((all) =>
          all.map((m) =>
            m.id === answerId
              ? {
                  ...m,
                  text: snapshot.text,
                  thoughts: snapshot.thoughts,
                  error: snapshot.error,
                  streaming: !snapshot.done,
                  timeElapsed: snapshot.timeElapsed,
                  warnings: snapshot.warnings,
                  pending: snapshot.pending,
                }
              : m,
          ),
        )
      }
      const schedule = () => {
        if (!frame) frame = requestAnimationFrame(flush)
      }
      try {
        await start((record) => {
          answer = applyRecord(answer, record)
          schedule()
        }, controller.signal)
        if (!answer.done) answer = closeAnswer(answer, answer.text ? undefined : 'The answer ended before it was complete.')
        if (frame) cancelAnimationFrame(frame)
        flush()
        return 'sent' as const
      } catch (e) {
        if (frame) cancelAnimationFrame(frame)
        if (controller.signal.aborted) {
          answer = closeAnswer(answer)
          flush()
          setMessages((all) => all.map((m) => (m.id === answerId ? { ...m, stopped: true } : m)))
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
    [queryClient],
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
      const prior = messagesRef.current
      const history = toHistory(prior)
      const historyIndex = prior.filter((m) => m.role === 'user').length
      const userMsg: ChatMessage = { id: newId('u'), role: 'user', text: body, thoughts: [], files: files.length ? files : undefined }
      const answerId = newId('a')
      const answerMsg: ChatMessage = { id: answerId, role: 'assistant', text: '', thoughts: [], streaming: true, assistantId }
      setMessages((all) => [...all, userMsg, answerMsg])
      const request = { text: body, conversation_id: convId, stream: true as const, history, history_index: historyIndex,
        file_names: files.map((f) => f.id) }  // prettier-ignore
      const outcome = await runStream(answerId, (onRecord, signal) => streamChat(assistantId, request, onRecord, signal))
      if (outcome === 'session-expired') {
        // Take the message back so it returns to the composer once the user signs in again.
        setMessages((all) => all.filter((m) => m.id !== userMsg.id && m.id !== answerId))
      }
      return outcome
    },
    [assistantId, conversationId, onConversationCreated, runStream],
  )

  const regenerate = useCallback(async (): Promise<SendOutcome> => {
    const all = messagesRef.current
    const lastUser = all.map((m) => m.role).lastIndexOf('user')
    const asstId = assistantId
    if (lastUser < 0 || !asstId || !conversationId || abortRef.current) return 'failed'
    const before = all.slice(0, lastUser)
    const question = all[lastUser]
    const answerId = newId('a')
    setMessages([...before, question, { id: answerId, role: 'assistant', text: '', thoughts: [], streaming: true, assistantId: asstId }])
    const historyIndex = before.filter((m) => m.role === 'user').length
    const request = { text: question.text, conversation_id: conversationId, stream: true as const, history: toHistory(before),
      history_index: historyIndex, file_names: (question.files ?? []).map((f) => f.id) }  // prettier-ignore
    const outcome = await runStream(answerId, (onRecord, signal) => streamChat(asstId, request, onRecord, signal))
    if (outcome === 'session-expired') {
      setMessages((cur) => cur.map((m) => (m.id === answerId ? { ...m, streaming: false, error: 'Sign in again, then regenerate.' } : m)))
    }
    return outcome
  }, [assistantId, conversationId])

  /** Allow or deny the tool call an answer is waiting on; the same answer streams on. */
  const decide = useCallback(
    async (answerId: string, action: 'allow' | 'deny'): Promise<SendOutcome> => {
      const message = messagesRef.current.find((m) => m.id === answerId)
      const asstId = message?.assistantId ?? assistantId
      if (!message?.pending || !asstId || !conversationId || abortRef.current) return 'failed'
      const body = { conversation_id: conversationId, pending_tool_call_id: message.pending.pending_tool_call_id, action, stream: true as const }
      const initial: Answer = { text: '', thoughts: message.thoughts, done: false }
      setMessages((all) => all.map((m) => (m.id === answerId ? { ...m, pending: undefined, streaming: true, text: '' } : m)))
      return runStream(answerId, (onRecord, signal) => streamResume(asstId, body, onRecord, signal), initial)
    },
    [assistantId, conversationId, runStream],
  )

  const stop = useCallback(() => abortRef.current?.abort(), [])

  const streaming = messages.some((m) => m.streaming)
  return { messages, details, loading, loadError, streaming, send, stop, regenerate, decide, reload: load }
}
