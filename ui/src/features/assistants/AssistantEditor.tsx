import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { assistantsApi, createdId } from '../../api/assistants'
import { authApi, defaultProject, userProjects } from '../../api/auth'
import { ApiError, describeError } from '../../api/errors'
import { useAuth } from '../../auth/AuthContext'
import { ErrorBox, Field, PageHeader, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { formatFixed } from '../../i18n/format'
import { ToolPicker } from './ToolPicker'
import { McpServersField } from '../mcp/McpServersField'
import {
  contextKey,
  emptyForm,
  fromAssistant,
  syncVariables,
  toRequest,
  validate,
  type AssistantForm,
  type FormErrors,
} from './form'
import { useTranslation } from 'react-i18next'

export default function AssistantEditor() {
  const { assistantId } = useParams()
  const editing = Boolean(assistantId)
  const { me } = useAuth()
  const navigate = useNavigate()
  const toast = useToast()
  const queryClient = useQueryClient()
  const projects = userProjects(me)

  const existing = useQuery({
    queryKey: ['assistant', assistantId],
    queryFn: () => assistantsApi.get(assistantId!),
    enabled: editing,
  })
  const models = useQuery({ queryKey: ['llm-models'], queryFn: authApi.llmModels })
  const tools = useQuery({ queryKey: ['assistant-tools'], queryFn: assistantsApi.tools })

  const [form, setForm] = useState<AssistantForm | null>(editing ? null : emptyForm(defaultProject(me), ''))
  const [errors, setErrors] = useState<FormErrors>({})
  const [saveError, setSaveError] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const { t } = useTranslation()

  useEffect(() => {
    if (editing && existing.data && !form) setForm(fromAssistant(existing.data))
  }, [editing, existing.data, form])

  useEffect(() => {
    if (form && !form.project && me) setForm({ ...form, project: defaultProject(me) })
  }, [form, me])

  // Pick the default model once the list arrives.
  useEffect(() => {
    if (!form || form.model || !models.data?.length) return
    const enabled = models.data.filter((m) => m.enabled !== false)
    const def = enabled.find((m) => m.default) ?? enabled[0]
    if (def) setForm({ ...form, model: def.base_name })
  }, [models.data, form])

  const project = form?.project ?? ''
  const contexts = useQuery({
    queryKey: ['assistant-context', project],
    queryFn: () => assistantsApi.context(project),
    enabled: Boolean(project),
  })

  const modelOptions = useMemo(() => (models.data ?? []).filter((m) => m.enabled !== false), [models.data])

  if (editing && existing.isLoading) return <Spinner label={t('assistantEditor.loading')} />
  if (editing && existing.error) return <ErrorBox error={existing.error} onRetry={() => void existing.refetch()} />
  if (!form) return <Spinner />

  const set = <K extends keyof AssistantForm>(key: K, value: AssistantForm[K]) => {
    setForm((f) => (f ? { ...f, [key]: value } : f))
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }))
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const found = validate(form, modelOptions.length > 0)
    setErrors(found)
    if (Object.values(found).some(Boolean)) {
      const first = Object.keys(found)[0]
      document.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus()
      return
    }
    setSaving(true)
    setSaveError(null)
    try {
      const body = toRequest(form, tools.data ?? [], contexts.data ?? [])
      const result = editing ? await assistantsApi.update(assistantId!, body) : await assistantsApi.create(body)
      await queryClient.invalidateQueries({ queryKey: ['assistants'] })
      await queryClient.invalidateQueries({ queryKey: ['assistant', assistantId] })
      const missing = result?.validation?.has_missing_integrations ? result.validation.message : null
      toast.info(editing ? t('assistantEditor.saved') : t('assistantEditor.created'))
      if (missing) {
        setNotice(missing)
        return
      }
      const id = editing ? assistantId : createdId(result)
      navigate(id && !editing ? `/assistants?created=${encodeURIComponent(id)}` : '/assistants')
    } catch (err) {
      if (err instanceof ApiError) {
        // Each message the server gave for a field goes next to that field.
        const map: Record<string, keyof AssistantForm> = {
          name: 'name',
          description: 'description',
          system_prompt: 'systemPrompt',
          llm_model_type: 'model',
          temperature: 'temperature',
          project: 'project',
        }
        const found = Object.entries(err.fieldErrors).filter(([field]) => map[field])
        if (found.length) {
          setErrors((x) => ({ ...x, ...Object.fromEntries(found.map(([field, msg]) => [map[field], msg])) }))
          // Said next to the fields, and only there.
          if (found.length === Object.keys(err.fieldErrors).length) return
        }
      }
      setSaveError(err)
    } finally {
      setSaving(false)
    }
  }

  const variables = form.variables
  return (
    <div className="page page-narrow">
      <PageHeader
        title={
          editing
            ? t('assistantEditor.editTitle', { name: existing.data?.name ?? t('assistantEditor.assistant') })
            : t('assistantEditor.newTitle')
        }
        subtitle={t('assistantEditor.subtitle')}
        actions={
          editing && (
            <Link className="button" to={`/assistants/${assistantId}/versions`}>
              {t('assistants.versions')}
            </Link>
          )
        }
      />
      <form className="form card" onSubmit={submit} noValidate data-testid="assistant-form">
        <Field label={t('common.name')} htmlFor="a-name" error={errors.name}>
          <input
            id="a-name"
            data-field="name"
            value={form.name}
            onChange={(e) => set('name', e.target.value)}
            data-testid="assistant-name"
            maxLength={100}
            required
          />
        </Field>
        <Field
          label={t('common.description')}
          htmlFor="a-desc"
          error={errors.description}
          hint={t('assistantEditor.descriptionHint')}
        >
          <input
            id="a-desc"
            data-field="description"
            value={form.description}
            onChange={(e) => set('description', e.target.value)}
            data-testid="assistant-description"
          />
        </Field>
        <div className="grid-2">
          <Field label={t('projects.project')} htmlFor="a-project" error={errors.project}>
            {projects.length > 0 ? (
              <select
                id="a-project"
                data-field="project"
                value={form.project}
                onChange={(e) => set('project', e.target.value)}
                disabled={editing}
                data-testid="assistant-project"
              >
                {!projects.includes(form.project) && <option value={form.project}>{form.project}</option>}
                {projects.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id="a-project"
                data-field="project"
                value={form.project}
                onChange={(e) => set('project', e.target.value)}
                disabled={editing}
                data-testid="assistant-project"
              />
            )}
          </Field>
          <Field
            label={t('chatSettings.model')}
            htmlFor="a-model"
            error={errors.model}
            hint={models.error ? describeError(models.error) : undefined}
          >
            <select
              id="a-model"
              data-field="model"
              value={form.model}
              onChange={(e) => set('model', e.target.value)}
              data-testid="assistant-model"
            >
              {modelOptions.length === 0 && <option value="">{t('assistantEditor.serverDefault')}</option>}
              {form.model && !modelOptions.some((m) => m.base_name === form.model) && (
                <option value={form.model}>{form.model}</option>
              )}
              {modelOptions.map((m) => (
                <option key={m.base_name} value={m.base_name}>
                  {m.label || m.base_name}
                  {m.default ? ' (default)' : ''}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field
          label={t('assistantEditor.systemPrompt')}
          htmlFor="a-prompt"
          error={errors.systemPrompt}
          hint={
            <>
              {t('assistantEditor.promptHintUse')} <code>{'{{name}}'}</code> {t('assistantEditor.promptHintFor')}
            </>
          }
        >
          <textarea
            id="a-prompt"
            data-field="systemPrompt"
            rows={8}
            value={form.systemPrompt}
            onChange={(e) => {
              const prompt = e.target.value
              setForm((f) => (f ? { ...f, systemPrompt: prompt, variables: syncVariables(prompt, f.variables) } : f))
              if (errors.systemPrompt) setErrors((x) => ({ ...x, systemPrompt: undefined }))
            }}
            data-testid="assistant-system-prompt"
          />
        </Field>
        {variables.length > 0 && (
          <fieldset data-testid="prompt-variables">
            <legend>{t('assistantEditor.variables')}</legend>
            {errors.variables && <p className="field-message">{errors.variables}</p>}
            {variables.map((v, i) => (
              <div key={v.key} className="grid-2" style={{ marginBottom: '0.5rem' }}>
                <Field label={t('assistantEditor.variableDefault', { key: `{{${v.key}}}` })} htmlFor={`var-${i}`}>
                  <input
                    id={`var-${i}`}
                    value={v.default_value}
                    onChange={(e) =>
                      set(
                        'variables',
                        variables.map((x, j) => (j === i ? { ...x, default_value: e.target.value } : x)),
                      )
                    }
                  />
                </Field>
                <Field label={t('common.description')} htmlFor={`var-d-${i}`}>
                  <input
                    id={`var-d-${i}`}
                    value={v.description ?? ''}
                    onChange={(e) =>
                      set(
                        'variables',
                        variables.map((x, j) => (j === i ? { ...x, description: e.target.value } : x)),
                      )
                    }
                  />
                </Field>
              </div>
            ))}
          </fieldset>
        )}
        <Field
          label={t('chatSettings.temperature', {
            value: form.temperature == null ? t('chatSettings.modelDefault') : formatFixed(form.temperature),
          })}
          htmlFor="a-temp"
          error={errors.temperature}
          hint={t('assistantEditor.temperatureHint')}
        >
          <div className="row">
            <input
              id="a-temp"
              type="range"
              min={0}
              max={2}
              step={0.1}
              className="grow"
              value={form.temperature ?? 0.7}
              onChange={(e) => set('temperature', Number(e.target.value))}
              data-testid="assistant-temperature"
            />
            <label className="checkbox">
              <input
                type="checkbox"
                checked={form.temperature == null}
                onChange={(e) => set('temperature', e.target.checked ? null : 0.7)}
              />
              {t('assistantEditor.modelDefault')}
            </label>
          </div>
        </Field>
        <ToolPicker
          toolkits={tools.data ?? []}
          loading={tools.isLoading}
          error={tools.error}
          selected={form.tools}
          onChange={(v) => set('tools', v)}
        />
        <McpServersField servers={form.mcpServers} onChange={(v) => set('mcpServers', v)} />
        <fieldset data-testid="assistant-datasources">
          <legend>{t('nav.datasources')}</legend>
          {contexts.isLoading && <Spinner />}
          <ErrorBox error={contexts.error} />
          {contexts.data?.length === 0 && (
            <p className="muted small">
              {t('assistantEditor.noDatasources')} <Link to="/datasources/new">{t('assistantEditor.addOne')}</Link>{' '}
              {t('assistantEditor.willAppear')}
            </p>
          )}
          <div className="chips">
            {(contexts.data ?? []).map((c) => {
              const key = contextKey(c)
              return (
                <label key={key} className="checkbox chip">
                  <input
                    type="checkbox"
                    checked={form.contexts.includes(key)}
                    onChange={(e) =>
                      set(
                        'contexts',
                        e.target.checked ? [...form.contexts, key] : form.contexts.filter((k) => k !== key),
                      )
                    }
                    data-testid={`context-${c.name}`}
                  />
                  {c.name} <span className="badge">{c.context_type}</span>
                </label>
              )
            })}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('chat.starters')}</legend>
          <p className="muted small">{t('assistantEditor.startersHint')}</p>
          {form.starters.map((s, i) => (
            <div key={i} className="row" style={{ marginBottom: '0.4rem' }}>
              <input
                aria-label={t('assistantEditor.starter', { n: i + 1 })}
                className="grow"
                value={s}
                onChange={(e) =>
                  set(
                    'starters',
                    form.starters.map((x, j) => (j === i ? e.target.value : x)),
                  )
                }
                data-testid="assistant-starter-input"
              />
              <button
                type="button"
                className="button button-small"
                onClick={() =>
                  set(
                    'starters',
                    form.starters.filter((_, j) => j !== i),
                  )
                }
                aria-label={t('assistantEditor.removeStarter', { n: i + 1 })}
              >
                {t('projects.remove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button button-small"
            onClick={() => set('starters', [...form.starters, ''])}
            data-testid="add-starter"
          >
            {t('assistantEditor.addStarter')}
          </button>
        </fieldset>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={form.shared}
            onChange={(e) => set('shared', e.target.checked)}
            data-testid="assistant-shared"
          />
          {t('assistantEditor.share')}
        </label>
        {notice && (
          <div className="notice" role="status">
            {notice} <Link to="/integrations">{t('assistantEditor.openIntegrations')}</Link>
          </div>
        )}
        <ErrorBox error={saveError} />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <Link className="button" to="/assistants">
            {t('common.cancel')}
          </Link>
          <button type="submit" className="button button-primary" disabled={saving} data-testid="assistant-save">
            {saving ? t('common.saving') : editing ? t('common.saveChanges') : t('assistantEditor.create')}
          </button>
        </div>
      </form>
    </div>
  )
}
