import { useQuery } from '@tanstack/react-query'
import { assistantsApi } from '../../api/assistants'
import { authApi } from '../../api/auth'
import { formatFixed } from '../../i18n/format'
import { useTranslation } from 'react-i18next'

/** A conversation's own choices; unset means the assistant's. */
export interface ChatSettingsValue {
  model?: string | null
  temperature?: number | null
}

const KEY = 'codemill.chatSettings.'

export function loadChatSettings(conversationId: string): ChatSettingsValue | null {
  try {
    const raw = localStorage.getItem(KEY + conversationId)
    return raw ? (JSON.parse(raw) as ChatSettingsValue) : null
  } catch {
    return null
  }
}

export function saveChatSettings(conversationId: string, value: ChatSettingsValue) {
  try {
    localStorage.setItem(KEY + conversationId, JSON.stringify(value))
  } catch {
    /* storage off: the settings last as long as the page */
  }
}

interface Props {
  assistantId: string
  value: ChatSettingsValue
  onChange: (value: ChatSettingsValue) => void
  disabled?: boolean
}

/** Model, temperature and the assistant's prompt, for this conversation. */
export function ChatSettings({ assistantId, value, onChange, disabled }: Props) {
  const { t } = useTranslation()
  const models = useQuery({ queryKey: ['llm-models'], queryFn: authApi.llmModels })
  const assistant = useQuery({ queryKey: ['assistant', assistantId], queryFn: () => assistantsApi.get(assistantId) })
  const own = assistant.data
  const defaultModel = own?.llm_model_type ?? ''
  const enabled = (models.data ?? []).filter((m) => m.enabled !== false)
  const temperature = value.temperature ?? own?.temperature ?? null
  return (
    <details className="chat-settings" data-testid="chat-settings">
      <summary>{t('chatSettings.title')}</summary>
      <div className="chat-settings-body">
        <div className="field">
          <label htmlFor="chat-model">{t('chatSettings.model')}</label>
          <select
            id="chat-model"
            value={value.model ?? defaultModel}
            onChange={(e) => onChange({ ...value, model: e.target.value === defaultModel ? null : e.target.value })}
            disabled={disabled}
            data-testid="chat-model"
          >
            {!enabled.some((m) => m.base_name === defaultModel) && defaultModel && (
              <option value={defaultModel}>{defaultModel}</option>
            )}
            {enabled.map((m) => (
              <option key={m.base_name} value={m.base_name}>
                {(m.label || m.base_name) + (m.base_name === defaultModel ? t('chatSettings.assistantDefault') : '')}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="chat-temperature">
            {t('chatSettings.temperature', {
              value: temperature == null ? t('chatSettings.modelDefault') : formatFixed(temperature),
            })}
            {value.temperature != null && t('chatSettings.thisChat')}
          </label>
          <div className="row">
            <input
              id="chat-temperature"
              type="range"
              min={0}
              max={2}
              step={0.1}
              className="grow"
              value={temperature ?? 0.7}
              onChange={(e) => onChange({ ...value, temperature: Number(e.target.value) })}
              disabled={disabled}
              data-testid="chat-temperature"
            />
            {value.temperature != null && (
              <button
                type="button"
                className="button button-small"
                onClick={() => onChange({ ...value, temperature: null })}
              >
                {t('chatSettings.reset')}
              </button>
            )}
          </div>
        </div>
        <div className="field">
          <span className="label">{t('chatSettings.prompt')}</span>
          <pre
            className="prompt-preview"
            tabIndex={0}
            aria-label={t('chatSettings.promptLabel')}
            data-testid="assistant-prompt"
          >
            {own ? own.system_prompt || t('chatSettings.noPrompt') : t('common.loading')}
          </pre>
        </div>
      </div>
    </details>
  )
}
