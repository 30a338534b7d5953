import { useState, type FormEvent } from 'react'
import { integrationsApi, type TestResult } from '../../api/integrations'
import { describeError } from '../../api/errors'
import type { Integration, SettingType } from '../../api/types'
import { Dialog } from '../../components/Dialog'
import { ErrorBox, Field } from '../../components/ui'
import {
  buildValues,
  CREDENTIAL_SCHEMAS,
  CREDENTIAL_TYPES,
  fieldLabel,
  generatePluginKey,
  isSecretKey,
  valueOf,
} from './schemas'
import { useTranslation } from 'react-i18next'

interface Props {
  settingType: SettingType
  projects: string[]
  defaultProjectName: string
  existing?: Integration | null
  onClose: () => void
  /** Called after a save; `pluginKey` is set when a new plugin key was created (to show it once). */
  onSaved: (saved: { alias: string; pluginKey?: string }) => void
}

export function IntegrationForm({ settingType, projects, defaultProjectName, existing, onClose, onSaved }: Props) {
  const editing = Boolean(existing?.id)
  const { t } = useTranslation()
  const [type, setType] = useState(existing?.credential_type ?? 'Git')
  const [alias, setAlias] = useState(existing?.alias ?? '')
  const [project, setProject] = useState(existing?.project_name ?? defaultProjectName)
  const [isDefault, setIsDefault] = useState(Boolean(existing?.default))
  const schema = CREDENTIAL_SCHEMAS[type]
  const [entered, setEntered] = useState<Record<string, string | boolean>>(() => {
    const init: Record<string, string | boolean> = {}
    for (const f of CREDENTIAL_SCHEMAS[existing?.credential_type ?? 'Git'] ?? []) {
      // Secrets are never put back into a form: the field starts empty and means "keep".
      if (f.secret) init[f.key] = ''
      else {
        const v = valueOf(existing?.credential_values, f.key)
        init[f.key] = f.kind === 'bool' ? Boolean(v) : v == null ? '' : String(v)
      }
    }
    return init
  })
  const [rows, setRows] = useState<{ key: string; value: string }[]>(() =>
    schema
      ? []
      : (existing?.credential_values ?? []).map((v) => ({
          key: v.key,
          value: isSecretKey(type, v.key) ? '' : String(v.value ?? ''),
        })),
  )
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saveError, setSaveError] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)
  const [testing, setTesting] = useState(false)
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string } | null>(null)

  const changeType = (kind: string) => {
    setType(kind)
    const init: Record<string, string | boolean> = {}
    for (const f of CREDENTIAL_SCHEMAS[kind] ?? []) init[f.key] = f.kind === 'bool' ? false : ''
    if (kind === 'Plugin') init.plugin_key = generatePluginKey()
    setEntered(init)
    setRows(CREDENTIAL_SCHEMAS[kind] ? [] : [{ key: '', value: '' }])
    setTestResult(null)
  }

  const validate = () => {
    const e: Record<string, string> = {}
    if (!alias.trim()) e.alias = t('integrationForm.aliasNeeded')
    if (!project) e.project = t('dsCreate.chooseProject')
    for (const f of schema ?? []) {
      const v = entered[f.key]
      const keepsSecret = f.secret && editing && valueOf(existing?.credential_values, f.key) != null
      if (f.required && f.kind !== 'bool' && !String(v ?? '').trim() && !keepsSecret)
        e[f.key] = t('fields.required', { label: fieldLabel(f) })
      if (f.kind === 'url' && v && !/^https?:\/\//.test(String(v))) e[f.key] = t('integrationForm.fullUrl')
    }
    setErrors(e)
    return Object.keys(e).length === 0
  }

  const body = (): Integration => ({
    ...(existing?.id ? { id: existing.id } : {}),
    alias: alias.trim(),
    project_name: project,
    credential_type: type,
    credential_values: buildValues(type, entered, rows, existing),
    setting_type: settingType,
    default: isDefault,
  })

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!validate()) return
    setSaving(true)
    setSaveError(null)
    try {
      const payload = body()
      const response = editing
        ? await integrationsApi.update(settingType, existing!.id!, payload)
        : await integrationsApi.create(settingType, payload)
      const fromServer = (response &&
        typeof response === 'object' &&
        (response as Record<string, unknown>).plugin_key) as string | undefined
      const pluginKey = type === 'Plugin' && entered.plugin_key ? String(fromServer ?? entered.plugin_key) : undefined
      onSaved({ alias: alias.trim(), pluginKey })
    } catch (err) {
      setSaveError(err)
    } finally {
      setSaving(false)
    }
  }

  const test = async () => {
    setTesting(true)
    setTestResult(null)
    try {
      const payload = body()
      const r: TestResult = await integrationsApi.test({
        credential_type: type,
        credential_values: payload.credential_values,
        setting_id: existing?.id ?? null,
      })
      const ok = r?.success !== false
      setTestResult({ ok, text: r?.message || (ok ? t('integrationForm.works') : t('integrationForm.failed')) })
    } catch (err) {
      setTestResult({ ok: false, text: describeError(err) })
    } finally {
      setTesting(false)
    }
  }

  const savedSecret = (key: string) => editing && valueOf(existing?.credential_values, key) != null

  return (
    <Dialog
      title={
        editing
          ? t('assistantEditor.editTitle', { name: existing?.alias || type })
          : settingType === 'project'
            ? t('integrationForm.newProject')
            : t('integrationForm.newUser')
      }
      onClose={onClose}
      wide
      testId="integration-dialog"
    >
      <form className="form" onSubmit={submit} noValidate data-testid="integration-form">
        <div className="grid-2">
          <Field label={t('datasources.type')} htmlFor="i-type">
            <select
              id="i-type"
              value={type}
              onChange={(e) => changeType(e.target.value)}
              disabled={editing}
              data-testid="integration-type"
            >
              {CREDENTIAL_TYPES.map((ct) => (
                <option key={ct} value={ct}>
                  {ct}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('common.name')} htmlFor="i-alias" error={errors.alias}>
            <input
              id="i-alias"
              value={alias}
              onChange={(e) => setAlias(e.target.value)}
              data-testid="integration-alias"
              autoFocus
            />
          </Field>
        </div>
        <Field label={t('projects.project')} htmlFor="i-project" error={errors.project}>
          {projects.length > 0 ? (
            <select
              id="i-project"
              value={project}
              onChange={(e) => setProject(e.target.value)}
              disabled={editing}
              data-testid="integration-project"
            >
              {!projects.includes(project) && <option value={project}>{project}</option>}
              {projects.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          ) : (
            <input
              id="i-project"
              value={project}
              onChange={(e) => setProject(e.target.value)}
              disabled={editing}
              data-testid="integration-project"
            />
          )}
        </Field>
        {type === 'Plugin' && !editing && (
          <p className="notice small">
            {t('integrationForm.pluginA')} <code>codemie-plugins</code> {t('integrationForm.pluginB')}
          </p>
        )}
        {(schema ?? []).map((f) => {
          const id = `i-f-${f.key}`
          if (f.kind === 'bool') {
            return (
              <label key={f.key} className="checkbox">
                <input
                  type="checkbox"
                  checked={Boolean(entered[f.key])}
                  onChange={(e) => setEntered({ ...entered, [f.key]: e.target.checked })}
                  data-testid={`integration-field-${f.key}`}
                />
                {fieldLabel(f)}
              </label>
            )
          }
          if (f.secret) {
            const saved = savedSecret(f.key)
            if (type === 'Plugin' && !editing) return null
            return (
              <Field
                key={f.key}
                label={fieldLabel(f)}
                htmlFor={id}
                error={errors[f.key]}
                hint={saved ? t('integrationForm.savedHidden') : t('integrationForm.storedEncrypted')}
              >
                {f.kind === 'textarea' ? (
                  <textarea
                    id={id}
                    rows={4}
                    value={String(entered[f.key] ?? '')}
                    placeholder={saved ? t('integrationForm.savedPlaceholder') : ''}
                    onChange={(e) => setEntered({ ...entered, [f.key]: e.target.value })}
                    data-testid="integration-secret"
                    data-key={f.key}
                    autoComplete="off"
                    spellCheck={false}
                  />
                ) : (
                  <input
                    id={id}
                    type="password"
                    value={String(entered[f.key] ?? '')}
                    placeholder={saved ? t('integrationForm.savedPlaceholder') : ''}
                    onChange={(e) => setEntered({ ...entered, [f.key]: e.target.value })}
                    data-testid="integration-secret"
                    data-key={f.key}
                    autoComplete="new-password"
                  />
                )}
              </Field>
            )
          }
          return (
            <Field key={f.key} label={fieldLabel(f)} htmlFor={id} error={errors[f.key]}>
              {f.kind === 'textarea' ? (
                <textarea
                  id={id}
                  rows={4}
                  value={String(entered[f.key] ?? '')}
                  onChange={(e) => setEntered({ ...entered, [f.key]: e.target.value })}
                  data-testid={`integration-field-${f.key}`}
                />
              ) : (
                <input
                  id={id}
                  value={String(entered[f.key] ?? '')}
                  placeholder={f.placeholder}
                  onChange={(e) => setEntered({ ...entered, [f.key]: e.target.value })}
                  data-testid={`integration-field-${f.key}`}
                />
              )}
            </Field>
          )
        })}
        {!schema && (
          <fieldset>
            <legend>{t('integrationForm.credentials')}</legend>
            <p className="muted small">{t('integrationForm.secretKeys')}</p>
            {rows.map((r, i) => {
              const secret = isSecretKey(type, r.key)
              return (
                <div key={i} className="row" style={{ marginBottom: '0.4rem' }}>
                  <input
                    aria-label={t('integrationForm.keyN', { n: i + 1 })}
                    placeholder={t('integrationForm.key')}
                    value={r.key}
                    onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
                    style={{ maxWidth: 220 }}
                  />
                  <input
                    aria-label={t('integrationForm.valueN', { n: i + 1 })}
                    className="grow"
                    type={secret ? 'password' : 'text'}
                    placeholder={
                      secret && savedSecret(r.key) ? t('integrationForm.savedPlaceholder') : t('integrationForm.value')
                    }
                    value={r.value}
                    onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
                    data-testid={secret ? 'integration-secret' : undefined}
                    autoComplete="off"
                  />
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setRows(rows.filter((_, j) => j !== i))}
                  >
                    {t('projects.remove')}
                  </button>
                </div>
              )
            })}
            <button
              type="button"
              className="button button-small"
              onClick={() => setRows([...rows, { key: '', value: '' }])}
            >
              {t('integrationForm.addValue')}
            </button>
          </fieldset>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
          {t('integrationForm.useByDefault', { type })}
        </label>
        {testResult && (
          <div
            className={testResult.ok ? 'success-box' : 'error-box'}
            role="status"
            data-testid="integration-test-result"
          >
            {testResult.text}
          </div>
        )}
        <ErrorBox error={saveError} />
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <button
            type="button"
            className="button"
            onClick={test}
            disabled={testing || type === 'Plugin'}
            data-testid="integration-test"
          >
            {testing ? t('integrationForm.testing') : t('integrationForm.test')}
          </button>
          <div className="row">
            <button type="button" className="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button button-primary" disabled={saving} data-testid="integration-save">
              {saving ? t('common.saving') : editing ? t('common.saveChanges') : t('integrationForm.create')}
            </button>
          </div>
        </div>
      </form>
    </Dialog>
  )
}
