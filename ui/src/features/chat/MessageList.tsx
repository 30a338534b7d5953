import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { MessageView } from './MessageView'
import type { ChatMessage } from './useChat'
import { useTranslation } from 'react-i18next'

interface Props {
  messages: ChatMessage[]
  assistantNames: Record<string, string>
  defaultAssistantName?: string
  busy: boolean
  onRegenerate: () => void
  onDecide: (answerId: string, action: 'allow' | 'deny') => void
  onEdit: (turnKey: string, text: string) => void
  onShowVersion: (turnKey: string, delta: number) => void
}

const NEAR_BOTTOM = 120

/**
 * The conversation, virtualized: only the messages in view (plus a few) are in the DOM,
 * so hundreds of messages stay smooth. Follows the newest text while the reader is at the bottom.
 */
export function MessageList({
  messages,
  assistantNames,
  defaultAssistantName,
  busy,
  onRegenerate,
  onDecide,
  onEdit,
  onShowVersion,
}: Props) {
  const { t } = useTranslation()
  const scrollRef = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const [showJump, setShowJump] = useState(false)
  const lastAnswerIndex = messages.map((m) => m.role).lastIndexOf('assistant')

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 140,
    overscan: 6,
    getItemKey: (i) => messages[i].id,
    initialRect: { width: 800, height: 600 },
  })

  const toBottom = useCallback(() => {
    const el = scrollRef.current
    if (el) el.scrollTop = el.scrollHeight
  }, [])

  const onScroll = () => {
    const el = scrollRef.current
    if (!el) return
    const near = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM
    stick.current = near
    setShowJump(!near)
  }

  // Open a conversation at its end.
  useLayoutEffect(() => {
    stick.current = true
    if (messages.length) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' })
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [messages[0]?.id])

  const last = messages[messages.length - 1]
  useEffect(() => {
    if (!stick.current) return
    const id = requestAnimationFrame(toBottom)
    return () => cancelAnimationFrame(id)
  }, [messages.length, last?.text, last?.thoughts, toBottom])

  const items = virtualizer.getVirtualItems()
  return (
    <div
      ref={scrollRef}
      className="messages"
      onScroll={onScroll}
      data-testid="message-list"
      role="log"
      aria-live="polite"
      aria-relevant="additions"
      aria-label={t('message.conversation')}
      tabIndex={0}
    >
      <div className="messages-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const m = messages[item.index]
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="message-row"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <MessageView
                message={m}
                assistantName={(m.assistantId && assistantNames[m.assistantId]) || defaultAssistantName}
                isLastAnswer={item.index === lastAnswerIndex}
                busy={busy}
                onRegenerate={onRegenerate}
                onDecide={onDecide}
                onEdit={onEdit}
                onShowVersion={onShowVersion}
              />
            </div>
          )
        })}
      </div>
      {showJump && (
        <button
          type="button"
          className="button button-small jump-latest"
          onClick={() => {
            stick.current = true
            virtualizer.scrollToIndex(messages.length - 1, { align: 'end' })
            requestAnimationFrame(toBottom)
          }}
        >
          {t('message.jumpToLatest')}
        </button>
      )}
    </div>
  )
}
