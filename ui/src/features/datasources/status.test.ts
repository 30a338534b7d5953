import { describe, expect, it } from 'vitest'
import type { DataSourceRaw } from '../../api/types'
import { datasourceStatus, explainError, validateName } from './status'

const ds = (extra: Partial<DataSourceRaw>): DataSourceRaw => ({
  id: '1',
  project_name: 'p',
  repo_name: 'docs',
  ...extra,
})

describe('datasourceStatus', () => {
  it('computes progress from processed and total counts', () => {
    const s = datasourceStatus(ds({ current_state: 3, complete_state: 12 }))
    expect(s).toMatchObject({ state: 'indexing', percent: 25, message: '3 of 12 documents' })
  })

  it('is indeterminate while fetching without counts', () => {
    expect(datasourceStatus(ds({ is_fetching: true }))).toMatchObject({ state: 'fetching', percent: null })
  })

  it('is done at 100% once completed', () => {
    const s = datasourceStatus(ds({ completed: true, current_state: 4, complete_state: 4 }))
    expect(s).toMatchObject({ state: 'done', percent: 100, message: '4 documents indexed.' })
  })

  it('names the files that were skipped when done', () => {
    const text = '1 of 5 file(s) skipped: memo.docx: refused: archive would inflate to 99.8 MiB'
    const s = datasourceStatus(ds({ completed: true, current_state: 4, complete_state: 5, text }))
    expect(s).toMatchObject({ state: 'done', message: `4 documents indexed. ${text}` })
  })

  it('reads a status string and a fractional progress', () => {
    expect(datasourceStatus(ds({ status: 'in_progress', progress: 0.5 })).percent).toBe(50)
    expect(datasourceStatus(ds({ status: 'completed' })).state).toBe('done')
  })

  it('explains failures in plain words and keeps the details', () => {
    const s = datasourceStatus(ds({ error: true, text: 'HTTP 401 Unauthorized from https://jira' }))
    expect(s.state).toBe('failed')
    expect(s.message).toMatch(/refused the credentials/)
    expect(s.message).toMatch(/401 Unauthorized/)
    expect(explainError('')).toMatch(/Try a full reindex/)
    expect(explainError('Connection refused')).toMatch(/could not reach/)
  })
})

describe('validateName', () => {
  it('follows the API naming rule', () => {
    expect(validateName('team_handbook')).toBeNull()
    expect(validateName('')).toMatch(/name/)
    expect(validateName('Handbook')).toMatch(/lowercase/)
    expect(validateName('_x')).toMatch(/lowercase/)
  })
})
