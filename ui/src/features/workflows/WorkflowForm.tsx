import { useDeferredValue, useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router'
import { useQuery } from '@tanstack/react-query'
import { defaultProject, userProjects } from '../../api/auth'
import type { Workflow, WorkflowCreateRequest } from '../../api/types'
import { workflowsApi } from '../../api/workflows'
import { useAuth } from '../../auth/AuthContext'
import { ErrorBox, Field } from '../../components/ui'
import { MermaidDiagram } from '../chat/MermaidDiagram'
import { workflowToMermaid } from './diagram'
import { YamlEditor, type YamlEditorHandle } from './YamlEditor'
import { YamlHistory } from './YamlHistory'
import { parseWorkflowYaml, serverProblems, validationProblems, type EditorProblem } from './yamlModel'
import { useTranslation } from 'react-i18next'
import i18n from '../../i18n'

/** The value once it has stopped changing for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return settled
}

export const BLANK_YAML = `# A workflow: assistants (or tools) do the work; states say in which order.
assistants:
  - id: writer
    system_prompt: You write short, clear answers.

states:
  - id: draft
    assistant_id: writer
    task: Answer the user's request in a few sentences.
    next:
      state_id: end
`

export interface WorkflowFormValues {
  name: string
  description: string
  project: string
  shared: boolean
  yaml: string
}

export function formFrom(wf: Workflow | null | undefined, project: string): WorkflowFormValues {
  return {
    name: wf?.name ?? '',
    description: wf?.description ?? '',
    project: wf?.project || project,
    shared: Boolean(wf?.shared),
    yaml: wf?.yaml_config ?? BLANK_YAML,
  }
}

function dedupe(list: EditorProblem[]): EditorProblem[] {
  const seen = new Set<string>()
  return list.filter((p) => {
    const key = `${p.line}:${p.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

type Errors = Partial<Record<'name' | 'description' | 'project' | 'yaml', string>>

export function validateForm(v: WorkflowFormValues): Errors {
  const e: Errors = {}
  if (!v.name.trim()) e.name = i18n.t('workflowForm.nameNeeded')
  if (!v.description.trim()) e.description = i18n.t('workflowForm.descriptionNeeded')
  if (!v.project.trim()) e.project = i18n.t('dsCreate.chooseProject')
  if (!v.yaml.trim()) e.yaml = i18n.t('workflowForm.yamlEmpty')
  return e
}

export const toRequest = (v: WorkflowFormValues): WorkflowCreateRequest => ({
  name: v.name.trim(),
  description: v.description.trim(),
  project: v.project,
  shared: v.shared,
  yaml_config: v.yaml,
  mode: 'Sequential',
})

interface Props {
  initial: WorkflowFormValues
  history?: Workflow['yaml_config_history']
  editing: boolean
  readOnly: boolean
  onSave: (values: WorkflowFormValues) => Promise<void>
}

/** Name, project, sharing and the YAML with its problems in place, beside a diagram of the states. */
export function WorkflowForm({ initial, history, editing, readOnly, onSave }: Props) {
  const { me } = useAuth()
  const { t } = useTranslation()
  const projects = userProjects(me)
  const [values, setValues] = useState(initial)
  const [errors, setErrors] = useState<Errors>({})
  const [saveError, setSaveError] = useState<unknown>(null)
  const [server, setServer] = useState<{ yaml: string; problems: EditorProblem[] } | null>(null)
  const [saving, setSaving] = useState(false)
  const editor = useRef<YamlEditorHandle>(null)

  useEffect(() => {
    if (!values.project && me) setValues((v) => ({ ...v, project: defaultProject(me) }))
  }, [me, values.project])

  const deferredYaml = useDeferredValue(values.yaml)
  const parsed = useMemo(() => parseWorkflowYaml(deferredYaml), [deferredYaml])
  const lastGood = useRef<Record<string, unknown> | null>(null)
  if (parsed.value) lastGood.current = parsed.value
  const diagram = useMemo(() => workflowToMermaid(parsed.value ?? lastGood.current), [parsed.value])

  // The server checks references (states, assistants, tools) as you type, once typing pauses.
  const settledYaml = useSettled(values.yaml, 600)
  const check = useQuery({
    queryKey: ['workflow-validate', settledYaml],
    queryFn: ({ signal }) => workflowsApi.validate(settledYaml, signal),
    enabled: !readOnly && Boolean(settledYaml.trim()) && parseWorkflowYaml(settledYaml).problems.length === 0,
    staleTime: Infinity,
    retry: false,
  })
  const live = check.data && settledYaml === values.yaml ? validationProblems(check.data) : []

  // Problems from saving stay until the YAML they were about changes; syntax problems are live.
  const serverShown = server && server.yaml === values.yaml ? server.problems : []
  const problems = dedupe([...parsed.problems, ...(serverShown.length ? serverShown : live)])

  const set = <K extends keyof WorkflowFormValues>(key: K, value: WorkflowFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }))
    if (errors[key as keyof Errors]) setErrors((e) => ({ ...e, [key]: undefined }))
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const found = validateForm(values)
    setErrors(found)
    if (Object.values(found).some(Boolean)) return
    setSaving(true)
    setSaveError(null)
    setServer(null)
    try {
      await onSave(values)
    } catch (err) {
      const placed = serverProblems(err, values.yaml)
      if (placed.length) {
        setServer({ yaml: values.yaml, problems: placed })
        const first = placed.find((p) => p.line != null)
        if (first?.line) editor.current?.goToLine(first.line)
      } else {
        setSaveError(err)
      }
    } finally {
      setSaving(false)
    }
  }

  return (
    <form className="workflow-layout" onSubmit={submit} noValidate data-testid="workflow-form">
      <div className="form card">
        <div className="grid-2">
          <Field label={t('common.name')} htmlFor="wf-name" error={errors.name}>
            <input
              id="wf-name"
              value={values.name}
              onChange={(e) => set('name', e.target.value)}
              readOnly={readOnly}
              maxLength={200}
              data-testid="workflow-name"
            />
          </Field>
          <Field label={t('projects.project')} htmlFor="wf-project" error={errors.project}>
            {projects.length > 0 && !editing && !readOnly ? (
              <select
                id="wf-project"
                value={values.project}
                onChange={(e) => set('project', e.target.value)}
                data-testid="workflow-project-select"
              >
                {!projects.includes(values.project) && <option value={values.project}>{values.project}</option>}
                {projects.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id="wf-project"
                value={values.project}
                readOnly={editing || readOnly}
                onChange={(e) => set('project', e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field label={t('common.description')} htmlFor="wf-description" error={errors.description}>
          <input
            id="wf-description"
            value={values.description}
            onChange={(e) => set('description', e.target.value)}
            readOnly={readOnly}
            data-testid="workflow-description"
          />
        </Field>
        <Field
          label="YAML"
          htmlFor="wf-yaml"
          error={errors.yaml}
          hint={readOnly ? undefined : <span id="wf-yaml-hint">{t('workflowForm.yamlHint')}</span>}
        >
          <YamlEditor
            ref={editor}
            id="wf-yaml"
            label={t('workflowForm.yamlLabel')}
            value={values.yaml}
            onChange={(v) => set('yaml', v)}
            problems={problems}
            readOnly={readOnly}
            describedBy={readOnly ? undefined : 'wf-yaml-hint'}
          />
        </Field>
        {!readOnly && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={values.shared}
              onChange={(e) => set('shared', e.target.checked)}
              data-testid="workflow-shared"
            />
            {t('assistantEditor.share')}
          </label>
        )}
        <ErrorBox error={saveError} />
        <YamlHistory
          versions={history ?? []}
          current={values.yaml}
          onOpen={readOnly ? undefined : (yaml) => set('yaml', yaml)}
        />
        {!readOnly && (
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <Link className="button" to="/workflows">
              {t('common.cancel')}
            </Link>
            <button type="submit" className="button button-primary" disabled={saving} data-testid="workflow-save">
              {saving ? t('common.saving') : editing ? t('common.saveChanges') : t('workflowForm.create')}
            </button>
          </div>
        )}
      </div>
      <section className="card" aria-label={t('workflowForm.diagramOf')} data-testid="workflow-diagram-panel">
        <h2>{t('execution.states')}</h2>
        {diagram ? (
          <MermaidDiagram code={diagram} />
        ) : (
          <p className="muted small">
            {t('workflowForm.diagramAppears')} <code>states</code>
            {t('workflowForm.diagramAppearsEnd')}
          </p>
        )}
        {parsed.problems.length > 0 && diagram && <p className="muted small">{t('workflowForm.lastParsed')}</p>}
      </section>
    </form>
  )
}
