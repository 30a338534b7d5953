import { describe, expect, it, vi } from 'vitest'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Route, Routes } from 'react-router'
import { setToken } from '../../api/client'
import { installFakeApi, json } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'
import ExecutionView from './ExecutionView'
import WorkflowDetail from './WorkflowDetail'
import WorkflowsPage from './WorkflowsPage'

// These walk through whole pages with many clicks: allow for a busy machine.
vi.setConfig({ testTimeout: 20_000 })

// Mermaid needs a real layout engine (the browser test draws it); here the diagram's source is enough.
vi.mock('../chat/MermaidDiagram', () => ({
  MermaidDiagram: ({ code }: { code: string }) => <pre data-testid="mermaid-source">{code}</pre>,
}))

const base = { 'GET /v1/config': () => json({}), 'GET /v1/user': () => json(me) }

const TEMPLATE_YAML = `assistants:
  - id: reviewer
    system_prompt: Review code.
states:
  - id: review
    assistant_id: reviewer
    next:
      state_id: summary
`

describe('workflows list', () => {
  it('lists by scope with search and pages, and deletes after confirming', async () => {
    setToken('t')
    const queries: URLSearchParams[] = []
    const { calls } = installFakeApi({
      ...base,
      'GET /v1/workflows': ({ url }) => {
        queries.push(url.searchParams)
        const page = Number(url.searchParams.get('page'))
        const data = Array.from({ length: page === 0 ? 12 : 3 }, (_, i) => ({
          id: `w${page}-${i}`,
          name: `Flow ${page}-${i}`,
          project: 'demo',
          shared: i === 0,
          created_by: { user_id: 'u1', name: 'Ada' },
        }))
        return json({ data, pagination: { page, per_page: 12, total: 15 } })
      },
      'DELETE /v1/workflows/w0-1': () => json({ message: 'deleted' }),
    })
    renderWithApp(<WorkflowsPage />, '/workflows')
    expect(await screen.findAllByTestId('workflow-card')).toHaveLength(12)
    expect(screen.getByText('1–12 of 15')).toBeInTheDocument()
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Next' }))
    await waitFor(() => expect(screen.getAllByTestId('workflow-card')).toHaveLength(3))

    expect(queries.at(-1)?.get('page')).toBe('1')
    expect(queries.at(-1)?.get('filter_by_user')).toBe('true')

    await user.click(screen.getByTestId('workflow-scope-shared'))
    await user.type(screen.getByTestId('workflow-search'), 'rev')
    await waitFor(() =>
      expect(JSON.parse(queries.at(-1)?.get('filters') ?? '{}')).toEqual({ search: 'rev', shared: true }),
    )
    expect(queries.at(-1)?.get('filter_by_user')).toBe('false')
    expect(queries.at(-1)?.get('page')).toBe('0')

    await user.click(screen.getByTestId('workflow-scope-project'))
    await waitFor(() =>
      expect(JSON.parse(queries.at(-1)?.get('filters') ?? '{}')).toEqual({ search: 'rev', project: ['demo'] }),
    )

    await user.click(screen.getByTestId('workflow-scope-mine'))
    await user.clear(screen.getByTestId('workflow-search'))
    const card = (await screen.findAllByTestId('workflow-card'))[1]
    await user.click(within(card).getByTestId('workflow-delete'))
    expect(screen.getByTestId('confirm-dialog')).toHaveTextContent('Flow 0-1')
    await user.click(screen.getByTestId('confirm-button'))
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/workflows/w0-1')).toBe(true))
  })
})

describe('workflow editor', () => {
  it('starts from a template, places the server’s error at its line, and saves once fixed', async () => {
    setToken('t')
    const saved: unknown[] = []
    installFakeApi({
      ...base,
      'GET /v1/workflows/prebuilt': () =>
        json([
          {
            slug: 'code-review',
            name: 'Code review',
            description: 'Review a merge request',
            project: '',
            yaml_config: TEMPLATE_YAML,
          },
        ]),
      'GET /v1/workflows': () => json({ data: [], pagination: { page: 0, per_page: 12, total: 0 } }),
      'POST /v1/workflows': ({ body }) => {
        const yaml = (body as { yaml_config: string }).yaml_config
        if (yaml.includes('state_id: summary')) {
          return json(
            {
              error: {
                message: 'Invalid YAML config was provided:',
                details: {
                  error_type: 'cross_reference_validation',
                  errors: [
                    { message: "'next' references undefined 'summary' state", line: 8, where: "'review' state" },
                  ],
                },
                help: 'Fix the YAML at the line given.',
              },
            },
            400,
          )
        }
        saved.push(body)
        return json({ id: 'w9', name: 'Code review', project: 'demo' })
      },
      'GET /v1/workflows/id/w9': () =>
        json({
          id: 'w9',
          name: 'Code review',
          project: 'demo',
          description: 'Review a merge request',
          yaml_config: TEMPLATE_YAML.replace('summary', 'end'),
          created_by: { user_id: 'u1' },
        }),
    })
    renderWithApp(
      <Routes>
        <Route path="/workflows" element={<WorkflowsPage />} />
        <Route path="/workflows/new" element={<WorkflowDetail />} />
        <Route path="/workflows/:workflowId" element={<WorkflowDetail />} />
      </Routes>,
      '/workflows',
    )
    const user = userEvent.setup()
    await user.click(await screen.findByTestId('new-workflow'))
    await user.click(await screen.findByRole('button', { name: 'Use template Code review' }))

    const yaml = await screen.findByTestId('workflow-yaml')
    expect(yaml).toHaveValue(TEMPLATE_YAML)
    expect(screen.getByTestId('workflow-name')).toHaveValue('Code review')
    expect(screen.getByTestId('mermaid-source')).toHaveTextContent('s0 --> u0')

    await user.click(screen.getByTestId('workflow-save'))
    const inline = await screen.findByTestId('yaml-inline-error')
    expect(inline).toHaveAttribute('data-line', '8')
    expect(inline).toHaveTextContent("In 'review' state: 'next' references undefined 'summary' state")
    expect(screen.getByTestId('yaml-error-line')).toHaveTextContent('8')
    expect(screen.getByTestId('yaml-problems')).toHaveTextContent('Line 8')
    expect(yaml).toHaveAttribute('aria-invalid', 'true')
    expect(saved).toHaveLength(0)

    // Fixing the line clears its error; a syntax slip is shown at once, on the client.
    fireEvent.change(yaml, { target: { value: TEMPLATE_YAML.replace('state_id: summary', 'state_id: [end') } })
    expect((await screen.findByTestId('yaml-inline-error')).textContent).not.toContain('summary')
    fireEvent.change(yaml, { target: { value: TEMPLATE_YAML.replace('summary', 'end') } })
    await waitFor(() => expect(screen.queryByTestId('yaml-inline-error')).toBeNull())
    expect(screen.getByTestId('mermaid-source')).toHaveTextContent('s0 --> end_')

    await user.click(screen.getByTestId('workflow-save'))
    await waitFor(() => expect(saved).toHaveLength(1))
    expect(saved[0]).toMatchObject({
      name: 'Code review',
      project: 'demo',
      description: 'Review a merge request',
      mode: 'Sequential',
      shared: false,
    })
    expect(await screen.findByTestId('tab-runs')).toBeInTheDocument()
  })
})

describe('YAML history', () => {
  it('compares a saved YAML with the editor and opens it there', async () => {
    setToken('t')
    const current = TEMPLATE_YAML.replace('summary', 'end')
    installFakeApi({
      ...base,
      'GET /v1/workflows/id/w7': () =>
        json({
          id: 'w7',
          name: 'Reviewed',
          project: 'demo',
          description: 'd',
          yaml_config: current,
          user_abilities: ['read', 'write', 'delete'],
          yaml_config_history: [
            { yaml_config: current, date: '2026-12-06T11:00:00Z', created_by: { name: 'Ada' } },
            {
              yaml_config: current.replace('Review code.', 'Review the code carefully.'),
              date: '2026-12-06T10:00:00Z',
              created_by: { name: 'Ada' },
            },
          ],
        }),
    })
    renderWithApp(
      <Routes>
        <Route path="/workflows/:workflowId" element={<WorkflowDetail />} />
      </Routes>,
      '/workflows/w7',
    )
    const history = await screen.findByTestId('yaml-history')
    const user = userEvent.setup()
    await user.click(within(history).getByText('YAML history'))
    const [latest, older] = within(history).getAllByTestId('yaml-version')
    expect(latest).toHaveTextContent('in the editor')
    expect(within(latest).queryByTestId('yaml-version-open')).toBeNull()
    await user.click(within(older).getByRole('button', { name: 'Compare' }))
    const diff = within(older).getByTestId('yaml-version-diff')
    expect(diff).toHaveTextContent('- system_prompt: Review the code carefully.')
    expect(diff).toHaveTextContent('+ system_prompt: Review code.')
    await user.click(within(older).getByTestId('yaml-version-open'))
    expect(screen.getByTestId('workflow-yaml')).toHaveValue(
      current.replace('Review code.', 'Review the code carefully.'),
    )
  })
})

describe('a workflow shared with a plain user', () => {
  it('is shown read-only, and can still be run', async () => {
    setToken('t')
    const plain = {
      ...me,
      is_admin: false,
      applications_admin: [],
      projects: [{ name: 'demo', is_project_admin: false, is_default: true }],
    }
    const { calls } = installFakeApi({
      'GET /v1/config': () => json({}),
      'GET /v1/user': () => json(plain),
      'GET /v1/workflows/id/w5': () =>
        json({
          id: 'w5',
          name: 'Team flow',
          project: 'demo',
          shared: true,
          description: 'Shared',
          yaml_config: TEMPLATE_YAML,
          created_by: { user_id: 'someone' },
          user_abilities: ['read'],
        }),
      'POST /v1/workflows/w5/executions': () =>
        json({
          id: 'e5',
          execution_id: 'e5',
          workflow_id: 'w5',
          overall_status: 'In Progress',
          date: '2026-12-06T10:00:00Z',
          prompt: 'hi',
        }),
    })
    renderWithApp(
      <Routes>
        <Route path="/workflows/:workflowId" element={<WorkflowDetail />} />
        <Route path="/workflows/:workflowId/executions/:executionId" element={<p>run page</p>} />
      </Routes>,
      '/workflows/w5',
    )
    expect(
      await screen.findByText(/Only its author or a project administrator can change this workflow/),
    ).toBeInTheDocument()
    expect(screen.getByTestId('workflow-yaml')).toHaveAttribute('readonly')
    expect(screen.getByTestId('workflow-name')).toHaveAttribute('readonly')
    expect(screen.queryByTestId('workflow-save')).toBeNull()
    expect(screen.queryByTestId('workflow-shared')).toBeNull()
    const user = userEvent.setup()
    await user.click(screen.getByTestId('header-run'))
    await user.type(screen.getByTestId('run-input'), 'hi')
    await user.click(screen.getByTestId('run-start'))
    expect(await screen.findByText('run page')).toBeInTheDocument()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ user_input: 'hi' })
    // A read-only view does not ask the server to validate what the user cannot change.
    expect(calls.some((c) => c.path === '/v1/workflows/validate')).toBe(false)
  })
})

describe('run view', () => {
  it('shows states with output, approves an interrupted run with an edited task, and aborts', async () => {
    setToken('t')
    let status = 'Interrupted'
    const { calls } = installFakeApi({
      ...base,
      'GET /v1/workflows/id/w1': () =>
        json({
          id: 'w1',
          name: 'Triage',
          project: 'demo',
          yaml_config:
            'states:\n  - id: read\n    assistant_id: a\n    next: {state_id: decide}\n  - id: decide\n    assistant_id: a\n    interrupt_before: true\n    task: Decide the priority.\n    next: {state_id: end}\n',
        }),
      'GET /v1/workflows/w1/executions/e1': () =>
        json({
          id: 'e1',
          execution_id: 'e1',
          workflow_id: 'w1',
          overall_status: status,
          date: '2026-12-06T10:00:00Z',
          prompt: 'PROJ-1',
          created_by: { user_id: 'u1' },
          waiting_states: status === 'Interrupted' ? ['decide'] : [],
        }),
      'GET /v1/workflows/w1/executions/e1/states': () =>
        json({
          data: [
            {
              id: 'st1',
              execution_id: 'e1',
              name: 'read',
              status: 'Succeeded',
              started_at: '2026-12-06T10:00:01Z',
              completed_at: '2026-12-06T10:00:02Z',
              thoughts: [
                {
                  id: 't1',
                  execution_state_id: 'st1',
                  author_name: 'reader',
                  author_type: 'Assistant',
                  date: '2026-12-06T10:00:01Z',
                },
              ],
            },
          ],
          pagination: { total: 1 },
        }),
      'GET /v1/workflows/w1/executions/e1/states/st1/output': () => json({ output: 'Ticket PROJ-1 is about login.' }),
      'POST /v1/workflows/w1/executions/e1/thoughts': () =>
        json([
          {
            id: 't1',
            execution_state_id: 'st1',
            author_name: 'reader',
            author_type: 'Assistant',
            input_text: 'Read PROJ-1',
            content: 'It is about login.',
            date: '2026-12-06T10:00:01Z',
            children: [],
          },
        ]),
      'PUT /v1/workflows/w1/executions/e1/states/st1/output': () =>
        json({ id: 'st1', execution_id: 'e1', name: 'read', status: 'Succeeded' }),
      'PUT /v1/workflows/w1/executions/e1/resume': () => {
        status = 'In Progress'
        return json({ message: 'Workflow execution has been resumed' })
      },
      'PUT /v1/workflows/w1/executions/e1/abort': () => {
        status = 'Aborted'
        return json({ message: 'Workflow execution has been aborted' })
      },
    })
    renderWithApp(
      <Routes>
        <Route path="/workflows/:workflowId/executions/:executionId" element={<ExecutionView />} />
      </Routes>,
      '/workflows/w1/executions/e1',
    )
    const state = await screen.findByTestId('execution-state')
    expect(within(state).getByTestId('state-status')).toHaveTextContent('Succeeded')
    expect(await within(state).findByTestId('state-output')).toHaveTextContent('Ticket PROJ-1 is about login.')
    const user = userEvent.setup()
    await user.click(within(state).getByText('Thoughts (1)'))
    expect(await within(state).findByTestId('state-thought')).toHaveTextContent('It is about login.')
    expect(screen.getByTestId('mermaid-source')).toHaveTextContent('class s0 succeeded')

    // While the run waits, a finished state's output can be corrected before the next state reads it.
    await user.click(within(state).getByTestId('state-output-edit-start'))
    const edit = within(state).getByTestId('state-output-edit')
    expect(edit).toHaveValue('Ticket PROJ-1 is about login.')
    await user.clear(edit)
    await user.type(edit, 'Ticket PROJ-1: login fails for everyone.')
    await user.click(within(state).getByTestId('state-output-save'))
    expect(await within(state).findByTestId('state-output')).toHaveTextContent(
      'Ticket PROJ-1: login fails for everyone.',
    )
    expect(calls.find((c) => c.path.endsWith('/states/st1/output') && c.method === 'PUT')?.body).toEqual({
      output: 'Ticket PROJ-1: login fails for everyone.',
    })

    const panel = screen.getByTestId('approval-panel')
    expect(panel).toHaveTextContent('“decide” is next')
    const task = await within(panel).findByTestId('approval-task')
    await waitFor(() => expect(task).toHaveValue('Decide the priority.'))
    await user.clear(task)
    await user.type(task, 'Decide; login bugs are high.')
    await user.click(within(panel).getByTestId('approve-continue'))
    await waitFor(() => expect(screen.getByTestId('execution-status')).toHaveTextContent('In Progress'))
    expect(calls.find((c) => c.path.endsWith('/resume'))?.body).toEqual({ user_input: 'Decide; login bugs are high.' })
    expect(screen.queryByTestId('approval-panel')).toBeNull()

    await user.click(screen.getByTestId('abort-run'))
    await user.click(screen.getByTestId('confirm-button'))
    await waitFor(() => expect(screen.getByTestId('execution-status')).toHaveTextContent('Aborted'))
    expect(screen.queryByTestId('abort-run')).toBeNull()
    expect(within(screen.getByTestId('execution-state')).queryByTestId('state-output-edit-start')).toBeNull()
  })
})

describe('runs of a workflow', () => {
  it('lists runs with their status and deletes a finished one', async () => {
    setToken('t')
    let runs = [
      {
        id: 'e2',
        execution_id: 'e2',
        workflow_id: 'w1',
        overall_status: 'In Progress',
        date: '2026-12-06T10:05:00Z',
        prompt: 'second',
        created_by: { name: 'Ada' },
      },
      {
        id: 'e1',
        execution_id: 'e1',
        workflow_id: 'w1',
        overall_status: 'Succeeded',
        date: '2026-12-06T10:00:00Z',
        prompt: 'first',
        created_by: { name: 'Ada' },
      },
    ]
    const { calls } = installFakeApi({
      ...base,
      'GET /v1/workflows/id/w1': () =>
        json({
          id: 'w1',
          name: 'Triage',
          project: 'demo',
          yaml_config: TEMPLATE_YAML,
          user_abilities: ['read', 'write', 'delete'],
        }),
      'GET /v1/workflows/w1/executions': () =>
        json({ data: runs, pagination: { page: 0, per_page: 10, total: runs.length } }),
      'DELETE /v1/workflows/w1/executions/e1': () => {
        runs = runs.filter((r) => r.id !== 'e1')
        return json({ message: 'Execution removed' })
      },
    })
    renderWithApp(
      <Routes>
        <Route path="/workflows/:workflowId" element={<WorkflowDetail />} />
      </Routes>,
      '/workflows/w1?tab=runs',
    )
    const rows = await screen.findAllByTestId('execution-row')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toHaveTextContent('In Progress')
    expect(within(rows[0]).queryByTestId('execution-delete')).toBeNull()
    expect(rows[1]).toHaveTextContent('Succeeded')
    const user = userEvent.setup()
    await user.click(within(rows[1]).getByTestId('execution-delete'))
    await user.click(screen.getByTestId('confirm-button'))
    await waitFor(() => expect(screen.getAllByTestId('execution-row')).toHaveLength(1))
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/workflows/w1/executions/e1')).toBe(true)
  })
})
