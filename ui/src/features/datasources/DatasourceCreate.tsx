import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react'
import { Link, useNavigate } from 'react-router'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { defaultProject, userProjects } from '../../api/auth'
import { datasourcesApi, type DatasourceBase } from '../../api/datasources'
import { integrationsApi } from '../../api/integrations'
import type { Integration } from '../../api/types'
import { useAuth } from '../../auth/AuthContext'
import { ErrorBox, Field, PageHeader } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { validateName } from './status'
import { formatFixed, formatNumber } from '../../i18n/format'
import { useTranslation } from 'react-i18next'

type Kind = 'file' | 'git' | 'confluence' | 'jira'

const KINDS: { kind: Kind; label: string; credential?: string }[] = [
  { kind: 'file', label: 'Upload files' },
  { kind: 'git', label: 'Git repository', credential: 'Git' },
  { kind: 'confluence', label: 'Confluence', credential: 'Confluence' },
  { kind: 'jira', label: 'Jira', credential: 'Jira' },
]

const MAX_FILE_MB = 100

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`
  if (bytes < 1024 * 1024) return `${formatFixed(bytes / 1024)} KB`
  return `${formatFixed(bytes / 1024 / 1024)} MB`
}

export function FileDrop({ files, onChange }: { files: File[]; onChange: (f: File[]) => void }) {
  const { t } = useTranslation()
  const [dragging, setDragging] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const add = (list: FileList | null) => {
    if (!list) return
    const incoming = Array.from(list)
    const names = new Set(files.map((f) => f.name))
    onChange([...files, ...incoming.filter((f) => !names.has(f.name))])
  }
  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    add(e.dataTransfer.files)
  }
  return (
    <div>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        role="button"
        tabIndex={0}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), input.current?.click())}
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="datasource-dropzone"
      >
        <strong>{t('dsCreate.dropHere')}</strong> {t('dsCreate.orClick')}
      </div>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        onChange={(e) => {
          add(e.target.files)
          e.target.value = ''
        }}
        data-testid="datasource-file-input"
      />
      {files.length > 0 && (
        <ul className="list" style={{ marginTop: '0.5rem' }} aria-label={t('dsCreate.filesToUpload')}>
          {files.map((f) => (
            <li key={f.name} className="row">
              <span className="grow">
                {f.name} <span className="muted small">({formatSize(f.size)})</span>
              </span>
              {f.size > MAX_FILE_MB * 1024 * 1024 && (
                <span className="badge badge-danger">{t('dsCreate.over', { mb: MAX_FILE_MB })}</span>
              )}
              <button
                type="button"
                className="button button-small"
                onClick={() => onChange(files.filter((x) => x !== f))}
                aria-label={t('composer.remove', { name: f.name })}
              >
                {t('projects.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export default function DatasourceCreate() {
  const { me } = useAuth()
  const navigate = useNavigate()
  const { t } = useTranslation()
  const toast = useToast()
  const queryClient = useQueryClient()
  const projects = userProjects(me)
  const [kind, setKind] = useState<Kind>('file')
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [project, setProject] = useState(defaultProject(me))
  const [shared, setShared] = useState(false)
  const [files, setFiles] = useState<File[]>([])
  const [link, setLink] = useState('')
  const [branch, setBranch] = useState('main')
  const [filesFilter, setFilesFilter] = useState('')
  const [query, setQuery] = useState('')
  const [settingId, setSettingId] = useState('')
  const [errors, setErrors] = useState<Record<string, string | null>>({})
  useEffect(() => {
    if (!project && me) setProject(defaultProject(me))
  }, [me, project])
  const [saveError, setSaveError] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)

  const credential = KINDS.find((k) => k.kind === kind)?.credential
  const integrations = useQuery({
    queryKey: ['integrations-all'],
    queryFn: async () => [
      ...(await integrationsApi.list('user')),
      ...(await integrationsApi.list('project').catch(() => [] as Integration[])),
    ],
    enabled: Boolean(credential),
  })
  const usable = (integrations.data ?? []).filter((i) => i.credential_type === credential)

  const check = () => {
    const e: Record<string, string | null> = { name: validateName(name) }
    if (!description.trim()) e.description = t('dsCreate.describe')
    if (!project) e.project = t('dsCreate.chooseProject')
    if (kind === 'file') {
      if (files.length === 0) e.files = t('dsCreate.addFile')
      else if (files.some((f) => f.size > MAX_FILE_MB * 1024 * 1024))
        e.files = t('dsCreate.tooBig', { mb: MAX_FILE_MB })
    }
    if (kind === 'git') {
      if (!/^(https?:\/\/|git@|ssh:\/\/)/.test(link.trim())) e.link = t('dsCreate.enterUrl')
      if (!branch.trim()) e.branch = t('dsCreate.enterBranch')
    }
    if ((kind === 'confluence' || kind === 'jira') && !query.trim()) {
      e.query = kind === 'jira' ? t('dsCreate.enterJql') : t('dsCreate.enterCql')
    }
    if ((kind === 'confluence' || kind === 'jira') && !settingId) {
      e.setting = t('dsCreate.chooseIntegration', { credential })
    }
    setErrors(e)
    return !Object.values(e).some(Boolean)
  }

  const submit = async (ev: FormEvent) => {
    ev.preventDefault()
    if (!check()) return
    setSaving(true)
    setSaveError(null)
    const base: DatasourceBase = {
      name,
      project_name: project,
      description: description.trim(),
      project_space_visible: shared,
      setting_id: settingId || null,
    }
    try {
      if (kind === 'file') await datasourcesApi.createFiles(base, files)
      else if (kind === 'git')
        await datasourcesApi.createGit(base, { link: link.trim(), branch: branch.trim(), filesFilter })
      else if (kind === 'confluence') await datasourcesApi.createConfluence(base, query.trim())
      else await datasourcesApi.createJira(base, query.trim())
      toast.info(`“${name}” is being indexed.`)
      await queryClient.invalidateQueries({ queryKey: ['datasources'] })
      navigate(`/datasources?created=${encodeURIComponent(name)}`)
    } catch (e) {
      setSaveError(e)
    } finally {
      setSaving(false)
    }
  }

  return (
    <div className="page page-narrow">
      <PageHeader title={t('dsCreate.title')} subtitle={t('dsCreate.subtitle')} />
      <div className="tabs" role="tablist" aria-label={t('dsCreate.type')}>
        {KINDS.map((k) => (
          <button
            key={k.kind}
            type="button"
            role="tab"
            className="tab"
            aria-selected={kind === k.kind}
            onClick={() => {
              setKind(k.kind)
              setErrors({})
              setSettingId('')
            }}
            data-testid={`datasource-kind-${k.kind}`}
          >
            {k.kind === 'file' ? t('dsCreate.upload') : k.kind === 'git' ? t('datasources.typeGit') : k.label}
          </button>
        ))}
      </div>
      <form className="form card" onSubmit={submit} noValidate data-testid="datasource-form">
        <div className="grid-2">
          <Field label={t('common.name')} htmlFor="ds-name" error={errors.name} hint={t('dsCreate.nameHint')}>
            <input
              id="ds-name"
              value={name}
              onChange={(e) => setName(e.target.value.toLowerCase())}
              data-testid="datasource-name"
              maxLength={50}
            />
          </Field>
          <Field label={t('projects.project')} htmlFor="ds-project" error={errors.project}>
            {projects.length > 0 ? (
              <select
                id="ds-project"
                value={project}
                onChange={(e) => setProject(e.target.value)}
                data-testid="datasource-project"
              >
                {projects.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id="ds-project"
                value={project}
                onChange={(e) => setProject(e.target.value)}
                data-testid="datasource-project"
              />
            )}
          </Field>
        </div>
        <Field label={t('common.description')} htmlFor="ds-desc" error={errors.description}>
          <input
            id="ds-desc"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={100}
            data-testid="datasource-description"
          />
        </Field>

        {kind === 'file' && (
          <Field label={t('datasources.typeFiles')} error={errors.files}>
            <FileDrop
              files={files}
              onChange={(f) => {
                setFiles(f)
                setErrors((e) => ({ ...e, files: null }))
              }}
            />
          </Field>
        )}
        {kind === 'git' && (
          <>
            <Field label={t('dsCreate.url')} htmlFor="ds-link" error={errors.link}>
              <input
                id="ds-link"
                value={link}
                onChange={(e) => setLink(e.target.value)}
                placeholder="https://github.com/org/repo.git"
                data-testid="datasource-git-url"
              />
            </Field>
            <div className="grid-2">
              <Field label={t('dsCreate.branch')} htmlFor="ds-branch" error={errors.branch}>
                <input
                  id="ds-branch"
                  value={branch}
                  onChange={(e) => setBranch(e.target.value)}
                  data-testid="datasource-git-branch"
                />
              </Field>
              <Field label={t('dsCreate.filter')} htmlFor="ds-filter" hint={t('dsCreate.filterHint')}>
                <input id="ds-filter" value={filesFilter} onChange={(e) => setFilesFilter(e.target.value)} />
              </Field>
            </div>
          </>
        )}
        {(kind === 'confluence' || kind === 'jira') && (
          <Field
            label={kind === 'jira' ? t('dsCreate.jql') : t('dsCreate.cql')}
            htmlFor="ds-query"
            error={errors.query}
          >
            <input
              id="ds-query"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder={kind === 'jira' ? 'project = ABC AND updated > -90d' : 'space = ENG AND type = page'}
              data-testid="datasource-query"
            />
          </Field>
        )}
        {credential && (
          <Field
            label={
              kind === 'git'
                ? t('dsCreate.integrationPrivate', { credential })
                : t('dsCreate.integration', { credential })
            }
            htmlFor="ds-setting"
            error={errors.setting}
            hint={
              usable.length === 0 && !integrations.isLoading ? (
                <>
                  {t('dsCreate.noneYet')}{' '}
                  <Link to="/integrations">{t('dsCreate.createIntegration', { credential })}</Link>{' '}
                  {t('dsCreate.first')}
                </>
              ) : undefined
            }
          >
            <select
              id="ds-setting"
              value={settingId}
              onChange={(e) => setSettingId(e.target.value)}
              data-testid="datasource-integration"
            >
              <option value="">{kind === 'git' ? t('dsCreate.nonePublic') : t('dsCreate.choose')}</option>
              {usable.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.alias || i.credential_type} ({i.setting_type})
                </option>
              ))}
            </select>
          </Field>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
          {t('dsCreate.visible')}
        </label>
        <ErrorBox error={saveError} />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <Link className="button" to="/datasources">
            {t('common.cancel')}
          </Link>
          <button type="submit" className="button button-primary" disabled={saving} data-testid="datasource-save">
            {saving ? (kind === 'file' ? t('composer.uploading') : t('dsCreate.creating')) : t('dsCreate.create')}
          </button>
        </div>
      </form>
    </div>
  )
}
