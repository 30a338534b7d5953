import {
  forwardRef,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type ChangeEvent,
  type FormEvent,
  type KeyboardEvent,
} from 'react'
import { describeError } from '../../api/errors'
import { uploadFiles, type AttachedFile } from '../../api/files'
import { useTranslation } from 'react-i18next'

export interface ComposerHandle {
  setText: (text: string) => void
  focus: () => void
}

interface Props {
  draftKey: string
  disabled: boolean
  disabledReason?: string
  streaming: boolean
  onSend: (text: string, files: AttachedFile[]) => Promise<boolean>
  onStop: () => void
}

const STORE = 'codemill.draft.'
/** The draft key of a chat not created yet. */
export const NEW_KEY = 'new'

function readDraft(key: string): string {
  try {
    return sessionStorage.getItem(STORE + key) ?? ''
  } catch {
    return ''
  }
}

function writeDraft(key: string, text: string): void {
  try {
    if (text) sessionStorage.setItem(STORE + key, text)
    else sessionStorage.removeItem(STORE + key)
  } catch {
    /* ignore */
  }
}

/**
 * The message box. Enter sends, Shift+Enter adds a line. The draft is kept per conversation
 * in session storage, so a sign-in round trip or a reload does not lose it.
 */
export const Composer = forwardRef<ComposerHandle, Props>(function Composer(
  { draftKey, disabled, disabledReason, streaming, onSend, onStop },
  ref,
) {
  const { t } = useTranslation()
  const [text, setText] = useState(() => readDraft(draftKey))
  const [files, setFiles] = useState<AttachedFile[]>([])
  const [uploading, setUploading] = useState(false)
  const [uploadError, setUploadError] = useState<string | null>(null)
  const picker = useRef<HTMLInputElement>(null)
  const area = useRef<HTMLTextAreaElement>(null)
  const keyRef = useRef(draftKey)
  const textRef = useRef(text)
  textRef.current = text

  const update = (t: string) => {
    setText(t)
    writeDraft(keyRef.current, t)
  }

  useImperativeHandle(ref, () => ({
    setText: (t: string) => {
      update(t)
      area.current?.focus()
    },
    focus: () => area.current?.focus(),
  }))

  useEffect(() => {
    const previous = keyRef.current
    if (previous === draftKey) return
    keyRef.current = draftKey
    if (previous === NEW_KEY) {
      // The conversation was just created from this box: what is in it belongs to the new conversation.
      writeDraft(NEW_KEY, '')
      writeDraft(draftKey, textRef.current)
    } else {
      setText(readDraft(draftKey))
    }
  }, [draftKey])

  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    const body = text.trim()
    if (!body || disabled || streaming || uploading) return
    const attached = files
    update('')
    setFiles([])
    const accepted = await onSend(body, attached)
    // Not accepted (e.g. the session ended first): the text and files come back, nothing is lost.
    if (!accepted) {
      update(body)
      setFiles(attached)
    }
  }

  const attach = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = Array.from(e.target.files ?? [])
    e.target.value = ''
    if (chosen.length === 0) return
    setUploading(true)
    setUploadError(null)
    try {
      const result = await uploadFiles(chosen)
      setFiles((current) => [...current, ...result.files])
      if (result.failed.length) setUploadError(result.failed.map((f) => `${f.name}: ${f.reason}`).join('; '))
    } catch (err) {
      setUploadError(describeError(err))
    } finally {
      setUploading(false)
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void submit()
    }
  }

  return (
    <div className="composer">
      {(files.length > 0 || uploadError || uploading) && (
        <div className="chips" aria-label={t('composer.filesToSend')} data-testid="composer-files">
          {files.map((f) => (
            <span key={f.id} className="chip">
              📎 {f.name}
              <button
                type="button"
                className="button button-small"
                aria-label={t('composer.remove', { name: f.name })}
                onClick={() => setFiles((all) => all.filter((x) => x.id !== f.id))}
              >
                ×
              </button>
            </span>
          ))}
          {uploading && <span className="muted small">{t('composer.uploading')}</span>}
          {uploadError && (
            <span className="message-error small" role="alert" data-testid="composer-upload-error">
              {uploadError}
            </span>
          )}
        </div>
      )}
      <form onSubmit={submit} aria-label={t('composer.sendAMessage')}>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          onChange={(e) => void attach(e)}
          data-testid="composer-file-input"
          accept=".pdf,.docx,.pptx,.xlsx,.txt,.md,.csv,.json,.yaml,.yml,.xml,.log,.png,.jpg,.jpeg,.gif,.webp"
        />
        <button
          type="button"
          className="button"
          onClick={() => picker.current?.click()}
          disabled={disabled || streaming || uploading}
          aria-label={t('composer.attach')}
          data-testid="composer-attach"
        >
          📎
        </button>
        <label htmlFor="chat-input" className="visually-hidden">
          {t('composer.message')}
        </label>
        <textarea
          id="chat-input"
          ref={area}
          rows={2}
          value={text}
          placeholder={disabled ? disabledReason : t('composer.placeholder')}
          onChange={(e) => update(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={disabled}
          aria-keyshortcuts="Shift+Escape"
          data-testid="chat-composer"
        />
        {streaming ? (
          <button type="button" className="button" onClick={onStop} aria-keyshortcuts="Escape" data-testid="chat-stop">
            {t('composer.stop')}
          </button>
        ) : (
          <button
            type="submit"
            className="button button-primary"
            disabled={disabled || uploading || !text.trim()}
            data-testid="chat-send"
          >
            {t('composer.send')}
          </button>
        )}
      </form>
    </div>
  )
})
