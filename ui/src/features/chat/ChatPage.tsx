import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { useQuery } from '@tanstack/react-query'
import { assistantsApi } from '../../api/assistants'
import type { AttachedFile } from '../../api/files'
import { EmptyState, ErrorBox, Spinner } from '../../components/ui'
import { ConversationList } from './ConversationList'
import { Composer, NEW_KEY, type ComposerHandle } from './Composer'
import { MessageList } from './MessageList'
import { useChat } from './useChat'
import { ChatSettings, loadChatSettings, saveChatSettings, type ChatSettingsValue } from './ChatSettings'
import { useTranslation } from 'react-i18next'

const LAST_ASSISTANT = 'codemill.lastAssistant'

function rememberedAssistant(): string | null {
  try {
    return localStorage.getItem(LAST_ASSISTANT)
  } catch {
    return null
  }
}

export default function ChatPage() {
  const { conversationId } = useParams()
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const { t } = useTranslation()
  const composer = useRef<ComposerHandle>(null)
  const assistants = useQuery({ queryKey: ['assistants'], queryFn: () => assistantsApi.list() })
  const [chosen, setChosen] = useState<string | null>(params.get('assistant'))

  // The chat's settings, remembered per conversation (a new chat's go with it once it is created).
  const [settings, setSettings] = useState<ChatSettingsValue>({})
  const settingsRef = useRef(settings)
  settingsRef.current = settings
  const justCreated = useRef<string | null>(null)
  useEffect(() => {
    if (!conversationId) setSettings({})
    else if (justCreated.current === conversationId) saveChatSettings(conversationId, settingsRef.current)
    else setSettings(loadChatSettings(conversationId) ?? {})
  }, [conversationId])
  const changeSettings = (value: ChatSettingsValue) => {
    setSettings(value)
    if (conversationId) saveChatSettings(conversationId, value)
  }

  const onConversationCreated = useCallback(
    (id: string) => {
      justCreated.current = id
      navigate(`/chat/${id}`, { replace: true })
    },
    [navigate],
  )

  // The assistant: picked here, else given in the link, else the conversation's, else the last used.
  const list = assistants.data ?? []
  const [conversationAssistant, setConversationAssistant] = useState<string | null>(null)
  const assistantId = useMemo(() => {
    const known = (id: string | null | undefined) => (id && list.some((a) => a.id === id) ? id : null)
    return known(chosen) ?? known(conversationAssistant) ?? known(rememberedAssistant()) ?? list[0]?.id ?? null
  }, [chosen, conversationAssistant, list])

  // Phones and tablets: the conversation list is a drawer, closed when a conversation opens.
  const [listOpen, setListOpen] = useState(false)
  useEffect(() => setListOpen(false), [conversationId])

  const chat = useChat({ conversationId, assistantId: assistantId ?? undefined, settings, onConversationCreated })

  useEffect(() => {
    const d = chat.details
    if (!d) return
    const lastUsed = [...chat.messages].reverse().find((m) => m.assistantId)?.assistantId
    setConversationAssistant(lastUsed ?? d.initial_assistant_id ?? d.assistant_ids?.[0] ?? null)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chat.details])

  useEffect(() => {
    if (!conversationId) setConversationAssistant(null)
  }, [conversationId])

  const pick = (id: string) => {
    setChosen(id)
    try {
      localStorage.setItem(LAST_ASSISTANT, id)
    } catch {
      /* ignore */
    }
    if (params.has('assistant')) {
      params.delete('assistant')
      setParams(params, { replace: true })
    }
  }

  const assistant = list.find((a) => a.id === assistantId)
  const names = useMemo(() => Object.fromEntries(list.map((a) => [a.id, a.name])), [list])

  const send = async (text: string, files: AttachedFile[]) => (await chat.send(text, files)) !== 'session-expired'

  const newChat = () => {
    navigate('/chat')
    setTimeout(() => composer.current?.focus(), 0)
  }

  // Keyboard: Ctrl/⌘+Shift+O a new chat, Shift+Esc the message box, Ctrl/⌘+K search, Esc stops an answer.
  const stop = chat.stop
  const streaming = chat.streaming
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey
      const key = e.key.toLowerCase()
      if (mod && e.shiftKey && key === 'o') {
        e.preventDefault()
        newChat()
      } else if (e.shiftKey && key === 'escape') {
        e.preventDefault()
        composer.current?.focus()
      } else if (mod && !e.shiftKey && key === 'k') {
        e.preventDefault()
        setListOpen(true)
        setTimeout(() => document.getElementById('conversation-search')?.focus(), 0)
      } else if (key === 'escape' && streaming) {
        e.preventDefault()
        stop()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stop, streaming])

  let body
  if (assistants.isLoading)
    body = (
      <div className="messages">
        <Spinner label={t('chat.loadingAssistants')} />
      </div>
    )
  else if (assistants.error)
    body = (
      <div className="messages">
        <ErrorBox error={assistants.error} onRetry={() => void assistants.refetch()} />
      </div>
    )
  else if (list.length === 0) {
    body = (
      <div className="messages">
        <EmptyState
          title={t('chat.noAssistants')}
          action={
            <Link className="button button-primary" to="/assistants/new">
              {t('chat.createAssistant')}
            </Link>
          }
        >
          {t('chat.noAssistantsText')}
        </EmptyState>
      </div>
    )
  } else if (chat.loading)
    body = (
      <div className="messages">
        <Spinner label={t('chat.loadingConversation')} />
      </div>
    )
  else if (chat.loadError) {
    body = (
      <div className="messages">
        <ErrorBox error={chat.loadError} onRetry={() => conversationId && void chat.reload(conversationId)} />
      </div>
    )
  } else if (chat.messages.length === 0) {
    body = (
      <div className="messages">
        <EmptyState title={assistant ? t('chat.chatWith', { name: assistant.name }) : t('chat.start')}>
          {assistant?.description || t('chat.startText')}
        </EmptyState>
        {assistant?.conversation_starters && assistant.conversation_starters.length > 0 && (
          <div className="starters" aria-label={t('chat.starters')}>
            {assistant.conversation_starters.map((s) => (
              <button key={s} type="button" className="button" onClick={() => void chat.send(s)} data-testid="starter">
                {s}
              </button>
            ))}
          </div>
        )}
      </div>
    )
  } else {
    body = (
      <MessageList
        messages={chat.messages}
        assistantNames={names}
        defaultAssistantName={assistant?.name}
        busy={chat.streaming}
        onRegenerate={() => void chat.regenerate()}
        onDecide={(answerId, action) => void chat.decide(answerId, action)}
        onEdit={(turnKey, text) => void chat.edit(turnKey, text)}
        onShowVersion={chat.showVersion}
      />
    )
  }

  return (
    <div className="chat">
      <ConversationList
        activeId={conversationId}
        open={listOpen}
        onNewChat={() => {
          setListOpen(false)
          newChat()
        }}
        onDeleted={(id) => id === conversationId && navigate('/chat')}
      />
      <section className="chat-main" aria-label={t('chat.chat')}>
        <div className="chat-toolbar" hidden={list.length === 0}>
          <button
            type="button"
            className="button button-small conv-toggle"
            aria-expanded={listOpen}
            aria-controls="conv-panel"
            onClick={() => setListOpen((o) => !o)}
            data-testid="conversations-toggle"
          >
            {listOpen ? t('chat.conversationsClose') : t('chat.conversationsOpen')}
          </button>
          <label htmlFor="assistant-picker" className="muted">
            {t('chat.assistant')}
          </label>
          <select
            id="assistant-picker"
            value={assistantId ?? ''}
            onChange={(e) => pick(e.target.value)}
            disabled={list.length === 0 || chat.streaming}
            data-testid="assistant-picker"
          >
            {list.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {assistant && (
            <ChatSettings
              assistantId={assistant.id}
              value={settings}
              onChange={changeSettings}
              disabled={chat.streaming}
            />
          )}
          {assistant && (
            <Link className="button button-small" to={`/assistants/${assistant.id}/edit`}>
              {t('chat.editAssistant')}
            </Link>
          )}
        </div>
        {body}
        {chat.warnings.map((warning) => (
          <div key={warning} className="budget-warning" role="status" data-testid="budget-warning">
            {warning}
          </div>
        ))}
        <Composer
          ref={composer}
          draftKey={conversationId ?? NEW_KEY}
          disabled={!assistantId}
          disabledReason={t('chat.createToChat')}
          streaming={chat.streaming}
          onSend={send}
          onStop={chat.stop}
        />
      </section>
    </div>
  )
}
