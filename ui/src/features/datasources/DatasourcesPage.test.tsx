import { describe, expect, it } from 'vitest'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Route, Routes } from 'react-router'
import { setToken } from '../../api/client'
import { installFakeApi, json } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'
import DatasourceCreate from './DatasourceCreate'
import DatasourcesPage from './DatasourcesPage'

describe('datasources', () => {
  it('uploads dropped files, then shows the new datasource indexing with a progress bar', async () => {
    setToken('t')
    let created: { query: URLSearchParams; files: string[] } | null = null
    const { calls } = installFakeApi({
      'GET /v1/config': () => json({}),
      'GET /v1/user': () => json(me),
      'POST /v1/index/knowledge_base/file': ({ url, init }) => {
        const form = init.body as FormData
        created = { query: url.searchParams, files: form.getAll('files').map((f) => (f as File).name) }
        return json({ message: 'Indexing started' })
      },
      'GET /v1/index': () =>
        json({
          data: [
            {
              id: 'd1',
              project_name: 'demo',
              repo_name: 'handbook',
              index_type: 'knowledge_base_file',
              current_state: 1,
              complete_state: 4,
            },
          ],
        }),
    })
    renderWithApp(
      <Routes>
        <Route path="/datasources/new" element={<DatasourceCreate />} />
        <Route path="/datasources" element={<DatasourcesPage />} />
      </Routes>,
      '/datasources/new',
    )
    const user = userEvent.setup()
    await user.click(await screen.findByTestId('datasource-save'))
    expect(screen.getByText(/Give the datasource a name/)).toBeInTheDocument()
    expect(screen.getByText('Add at least one file.')).toBeInTheDocument()

    await user.type(screen.getByTestId('datasource-name'), 'handbook')
    await user.type(screen.getByTestId('datasource-description'), 'Company handbook')
    const file = new File(['Holidays: 30 days a year.'], 'handbook.md', { type: 'text/markdown' })
    fireEvent.drop(screen.getByTestId('datasource-dropzone'), { dataTransfer: { files: [file] } })
    expect(await screen.findByText('handbook.md')).toBeInTheDocument()
    await user.click(screen.getByTestId('datasource-save'))

    await waitFor(() => expect(screen.queryByTestId('error-box')?.textContent ?? 'none').toBe('none'))
    const row = await screen.findByTestId('datasource-row')
    expect(created!.files).toEqual(['handbook.md'])
    expect(Object.fromEntries(created!.query)).toMatchObject({
      name: 'handbook',
      project_name: 'demo',
      description: 'Company handbook',
    })
    const progress = within(row).getByTestId('datasource-progress')
    expect(progress).toHaveAttribute('aria-valuenow', '25')
    expect(within(row).getByTestId('datasource-status')).toHaveAttribute('data-state', 'indexing')
    expect(row).toHaveTextContent('1 of 4 documents')
    expect(calls.filter((c) => c.path === '/v1/index').length).toBeGreaterThan(0)
  })

  it('says in plain words why indexing failed, and confirms before deleting', async () => {
    setToken('t')
    const { calls } = installFakeApi({
      'GET /v1/config': () => json({}),
      'GET /v1/user': () => json(me),
      'GET /v1/index': () =>
        json([
          {
            id: 'd2',
            project_name: 'demo',
            repo_name: 'wiki',
            index_type: 'knowledge_base_confluence',
            error: true,
            text: '401 Unauthorized',
          },
        ]),
      'DELETE /v1/index/d2': () => json({ message: 'deleted' }),
    })
    renderWithApp(<DatasourcesPage />)
    const row = await screen.findByTestId('datasource-row')
    expect(row).toHaveTextContent('refused the credentials')
    const user = userEvent.setup()
    await user.click(within(row).getByTestId('datasource-delete'))
    expect(screen.getByTestId('confirm-dialog')).toHaveTextContent('wiki')
    await user.click(screen.getByTestId('confirm-button'))
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/index/d2')).toBe(true))
  })
})
