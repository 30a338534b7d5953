import { memo, useState } from 'react'
import { CopyButton } from '../../components/ui'
import { Markdown } from './Markdown'
import { Thoughts } from './Thoughts'
import type { ChatMessage } from './useChat'
import { formatFixed } from '../../i18n/format'
import { useTranslation } from 'react-i18next'

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
  const { t } = useTranslation()
  const { version = 1, versions = 1, turnKey } = message
  if (versions < 2 || !turnKey) return null
  return (
    <span className="versions" role="group" aria-label={t('message.versions')} data-testid="versions">
      <button
        type="button"
        className="button button-small"
        aria-label={t('message.previousVersion')}
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
        aria-label={t('message.nextVersion')}
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
  const { t } = useTranslation()
  const [draft, setDraft] = useState<string | null>(null)
  const turnKey = message.turnKey
  if (draft !== null && turnKey) {
    const submit = () => {
      if (!draft.trim()) return
      setDraft(null)
      onEdit(turnKey, draft)
    }
    return (
      <article className="message message-user" aria-label={t('message.yoursEditing')}>
        <textarea
          className="edit-text"
          aria-label={t('message.editYours')}
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
          <button
            type="button"
            className="button button-small button-primary"
            onClick={submit}
            disabled={busy || !draft.trim()}
            data-testid="edit-send"
          >
            {t('composer.send')}
          </button>
          <button type="button" className="button button-small" onClick={() => setDraft(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </article>
    )
  }
  return (
    <article className="message message-user" aria-label={t('message.yours')}>
      <div className="user-text" data-testid="message-user">
        {message.text}
      </div>
      {message.files && (
        <div className="chips" aria-label={t('message.attached')} data-testid="message-files">
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
            aria-label={t('message.editAndResend')}
            data-testid="edit-message"
          >
            {t('message.edit')}
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
  const { t } = useTranslation()
  if (message.role === 'user') return <UserMessage message={message} busy={busy} onEdit={onEdit} />
  const waiting = message.streaming && !message.text && message.thoughts.length === 0
  return (
    <article
      className="message message-assistant"
      data-testid="message-assistant"
      data-streaming={message.streaming ? 'true' : 'false'}
      aria-label={t('message.answerFrom', { name: assistantName ?? t('message.theAssistant') })}
      aria-busy={message.streaming || undefined}
    >
      <div className="message-meta">
        <strong>{assistantName ?? t('message.assistant')}</strong>
        {message.streaming && <span className="badge badge-info">{t('message.writing')}</span>}
        {message.stopped && (
          <span className="badge" data-testid="stopped-badge">
            {t('message.stopped')}
          </span>
        )}
        {message.timeElapsed != null && !message.streaming && (
          <span>{t('message.seconds', { value: formatFixed(message.timeElapsed) })}</span>
        )}
      </div>
      <Thoughts thoughts={message.thoughts} />
      {waiting ? (
        <div className="muted cursor">{t('message.thinking')}</div>
      ) : (
        message.text && <Markdown text={message.text} streaming={message.streaming} />
      )}
      {message.error && (
        <div className="message-error" role="alert" data-testid="message-error">
          {message.error}
        </div>
      )}
      {message.pending && !message.streaming && (
        <div className="approval" role="group" aria-label={t('message.approval')} data-testid="tool-approval">
          <p>
            <strong>{assistantName ?? t('message.theAssistantCap')}</strong> {t('message.wantsToRun')}{' '}
            <code>{message.pending.tool_name}</code> {t('message.with')}
          </p>
          <pre className="small" data-testid="tool-approval-args">
            {JSON.stringify(message.pending.tool_args, null, 2)}
          </pre>
          <div className="message-actions">
            <button
              type="button"
              className="button button-primary button-small"
              disabled={busy}
              onClick={() => onDecide(message.id, 'allow')}
              data-testid="tool-approval-allow"
            >
              {t('message.allow')}
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => onDecide(message.id, 'deny')}
              data-testid="tool-approval-deny"
            >
              {t('message.deny')}
            </button>
          </div>
        </div>
      )}
      {!message.streaming && (
        <div className="message-actions">
          <Versions message={message} busy={busy} onShowVersion={onShowVersion} />
          {message.text && <CopyButton text={message.text} testId="copy-message" />}
          {isLastAnswer && (
            <button
              type="button"
              className="button button-small"
              onClick={onRegenerate}
              disabled={busy}
              data-testid="regenerate"
            >
              {t('message.regenerate')}
            </button>
          )}
        </div>
      )}
    </article>
  )
})
