import { authHeaders, ensureOk } from './client'
import { NdjsonParser } from './ndjson'
import type { ChatHistoryEntry, StreamRecord } from './types'

export interface ChatRequestBody {
  text: string
  conversation_id: string
  stream: true
  history: ChatHistoryEntry[]
  history_index?: number
  /** Codemill: the stored answer this question follows (a new version or branch). */
  parent_id?: string
  /** Codemill: this turn's temperature (unset: the assistant's). */
  temperature?: number
  llm_model?: string | null
  file_names?: string[]
}

export interface ResumeRequestBody {
  conversation_id: string
  pending_tool_call_id: string
  action: 'allow' | 'deny'
  stream: true
}

/**
 * POST /v1/assistants/{id}/model with stream=true and feed each NDJSON record to `onRecord`.
 * Resolves when the stream ends; rejects with ApiError for an HTTP error and with an
 * AbortError when `signal` aborts.
 */
export async function streamChat(
  assistantId: string,
  body: ChatRequestBody,
  onRecord: (record: StreamRecord) => void,
  signal?: AbortSignal,
): Promise<void> {
  return streamPost(`/v1/assistants/${encodeURIComponent(assistantId)}/model`, body, onRecord, signal)
}

/** The user's answer to a paused tool call: the same turn streams on (allow runs the call, deny refuses it). */
export async function streamResume(
  assistantId: string,
  body: ResumeRequestBody,
  onRecord: (record: StreamRecord) => void,
  signal?: AbortSignal,
): Promise<void> {
  return streamPost(`/v1/assistants/${encodeURIComponent(assistantId)}/model/tool-call/resume`, body, onRecord, signal)
}

async function streamPost(
  path: string,
  body: ChatRequestBody | ResumeRequestBody,
  onRecord: (record: StreamRecord) => void,
  signal?: AbortSignal,
): Promise<void> {
  const res = await fetch(path, {
    method: 'POST',
    headers: authHeaders({ 'Content-Type': 'application/json', Accept: 'application/x-ndjson, application/json' }),
    body: JSON.stringify(body),
    signal,
    credentials: 'same-origin',
  })
  await ensureOk(res)
  const parser = new NdjsonParser<StreamRecord>(onRecord)
  if (!res.body) {
    parser.push(await res.text())
    parser.flush()
    return
  }
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.push(decoder.decode(value, { stream: true }))
    }
    parser.push(decoder.decode())
    parser.flush()
  } finally {
    reader.releaseLock()
  }
}
