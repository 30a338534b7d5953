import { memo } from 'react'
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
}

export const MessageView = memo(function MessageView({ message, assistantName, isLastAnswer, busy, onRegenerate, onDecide }: Props) {
  if (message.role === 'user') {
    return (
      <article className="message message-user" data-testid="message-user" aria-label="Your message">
        <div className="user-text">{message.text}</div>
        {message.files && (
          <div className="chips" aria-label="Attached files" data-testid="message-files">
            {message.files.map((f) => (
              <span key={f.id} className="chip" title={f.id}>
                📎 {f.name}
              </span>
            ))}
          </div>
        )}
      </article>
    )
  }
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
        {message.stopped && <span className="badge">stopped</span>}
        {message.timeElapsed != null && !message.streaming && <span>{message.timeElapsed.toFixed(1)} s</span>}
      </div>
      {message.warnings?.map((warning) => (
        <div key={warning} className="budget-warning" role="status" data-testid="budget-warning">
          {warning}
        </div>
      ))}
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
