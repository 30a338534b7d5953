import { memo, useState } from 'react'
import { CopyButton } from '../../components/ui'
import { Markdown } from './Markdown'
import { Thoughts } from './Thoughts'
import type { ChatMessage } from './useChat'

interface Props {
  message: ChatMessage
  assistantName?: string
  isLastAnswer: boolean
  busy: boolean
  onRegenerate: () => void
  onDecide: (answerId: string, action: 'allow' | 'deny') => void
  onEdit: (turnKey: string, text: string) => void
  onShowVersion: (turnKey: string, delta: number) => void
}

/** "‹ 2 / 3 ›": flip between the versions of a turn (regenerated answers, edited questions). */
function Versions({ message, busy, onShowVersion }: Pick<Props, 'message' | 'busy' | 'onShowVersion'>) {
  const { version = 1, versions = 1, turnKey } = message
  if (versions < 2 || !turnKey) return null
  return (
    <span className="versions" role="group" aria-label="Answer versions" data-testid="versions">
      <button
        type="button"
        className="button button-small"
        aria-label="Previous version"
        disabled={busy || version <= 1}
        onClick={() => onShowVersion(turnKey, -1)}
        data-testid="version-prev"
      >
        ‹
      </button>
      <span data-testid="version-label">
        {version} / {versions}
      </span>
      <button
        type="button"
        className="button button-small"
        aria-label="Next version"
        disabled={busy || version >= versions}
        onClick={() => onShowVersion(turnKey, 1)}
        data-testid="version-next"
      >
        ›
      </button>
    </span>
  )
}

function UserMessage({ message, busy, onEdit }: Pick<Props, 'message' | 'busy' | 'onEdit'>) {
  const [draft, setDraft] = useState<string | null>(null)
  const turnKey = message.turnKey
  if (draft !== null && turnKey) {
    const submit = () => {
      if (!draft.trim()) return
      setDraft(null)
      onEdit(turnKey, draft)
    }
    return (
      <article className="message message-user" aria-label="Your message, editing">
        <textarea
          className="edit-text"
          aria-label="Edit your message"
          value={draft}
          rows={Math.min(8, draft.split('\n').length + 1)}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault()
              submit()
            } else if (e.key === 'Escape') setDraft(null)
          }}
          autoFocus
          data-testid="edit-text"
        />
        <div className="message-actions">
          <button type="button" className="button button-small button-primary" onClick={submit} disabled={busy || !draft.trim()} data-testid="edit-send">
            Send
          </button>
          <button type="button" className="button button-small" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
      </article>
    )
  }
  return (
    <article className="message message-user" aria-label="Your message">
      <div className="user-text" data-testid="message-user">
        {message.text}
      </div>
      {message.files && (
        <div className="chips" aria-label="Attached files" data-testid="message-files">
          {message.files.map((f) => (
            <span key={f.id} className="chip" title={f.id}>
              📎 {f.name}
            </span>
          ))}
        </div>
      )}
      {turnKey && (
        <div className="message-actions">
          <button
            type="button"
            className="button button-small"
            onClick={() => setDraft(message.text)}
            disabled={busy}
            aria-label="Edit and resend"
            data-testid="edit-message"
          >
            Edit
          </button>
        </div>
      )}
    </article>
  )
}

export const MessageView = memo(function MessageView({
  message,
  assistantName,
  isLastAnswer,
  busy,
  onRegenerate,
  onDecide,
  onEdit,
  onShowVersion,
}: Props) {
  if (message.role === 'user') return <UserMessage message={message} busy={busy} onEdit={onEdit} />
  const waiting = message.streaming && !message.text && message.thoughts.length === 0
  return (
    <article
      className="message message-assistant"
      data-testid="message-assistant"
      data-streaming={message.streaming ? 'true' : 'false'}
      aria-label={`Answer from ${assistantName ?? 'the assistant'}`}
      aria-busy={message.streaming || undefined}
    >
      <div className="message-meta">
        <strong>{assistantName ?? 'Assistant'}</strong>
        {message.streaming && <span className="badge badge-info">writing…</span>}
        {message.stopped && (
          <span className="badge" data-testid="stopped-badge">
            stopped
          </span>
        )}
        {message.timeElapsed != null && !message.streaming && <span>{message.timeElapsed.toFixed(1)} s</span>}
      </div>
      <Thoughts thoughts={message.thoughts} />
      {waiting ? (
        <div className="muted cursor">Thinking</div>
      ) : (
        message.text && <Markdown text={message.text} streaming={message.streaming} />
      )}
      {message.error && (
        <div className="message-error" role="alert" data-testid="message-error">
          {message.error}
        </div>
      )}
      {message.pending && !message.streaming && (
        <div className="approval" role="group" aria-label="Tool call waiting for your approval" data-testid="tool-approval">
          <p>
            <strong>{assistantName ?? 'The assistant'}</strong> wants to run <code>{message.pending.tool_name}</code> with:
          </p>
          <pre className="small" data-testid="tool-approval-args">{JSON.stringify(message.pending.tool_args, null, 2)}</pre>
          <div className="message-actions">
            <button type="button" className="button button-primary button-small" disabled={busy}
              onClick={() => onDecide(message.id, 'allow')} data-testid="tool-approval-allow">
              Allow
            </button>
            <button type="button" className="button button-small" disabled={busy}
              onClick={() => onDecide(message.id, 'deny')} data-testid="tool-approval-deny">
              Deny
            </button>
          </div>
        </div>
      )}
      {!message.streaming && (
        <div className="message-actions">
          <Versions message={message} busy={busy} onShowVersion={onShowVersion} />
          {message.text && <CopyButton text={message.text} testId="copy-message" />}
          {isLastAnswer && (
            <button type="button" className="button button-small" onClick={onRegenerate} disabled={busy} data-testid="regenerate">
              Regenerate
            </button>
          )}
        </div>
      )}
    </article>
  )
})
