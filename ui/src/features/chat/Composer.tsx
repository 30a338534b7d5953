import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'

export interface ComposerHandle {
  setText: (text: string) => void
  focus: () => void
}

interface Props {
  draftKey: string
  disabled: boolean
  disabledReason?: string
  streaming: boolean
  onSend: (text: string) => Promise<boolean>
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
  const [text, setText] = useState(() => readDraft(draftKey))
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
    if (!body || disabled || streaming) return
    update('')
    const accepted = await onSend(body)
    // Not accepted (e.g. the session ended first): the text comes back, nothing is lost.
    if (!accepted) update(body)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void submit()
    }
  }

  return (
    <div className="composer">
      <form onSubmit={submit} aria-label="Send a message">
        <label htmlFor="chat-input" className="visually-hidden">
          Message
        </label>
        <textarea
          id="chat-input"
          ref={area}
          rows={2}
          value={text}
          placeholder={disabled ? disabledReason : 'Ask something… (Enter to send, Shift+Enter for a new line)'}
          onChange={(e) => update(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={disabled}
          aria-keyshortcuts="Shift+Escape"
          data-testid="chat-composer"
        />
        {streaming ? (
          <button type="button" className="button" onClick={onStop} aria-keyshortcuts="Escape" data-testid="chat-stop">
            Stop
          </button>
        ) : (
          <button type="submit" className="button button-primary" disabled={disabled || !text.trim()} data-testid="chat-send">
            Send
          </button>
        )}
      </form>
    </div>
  )
})
