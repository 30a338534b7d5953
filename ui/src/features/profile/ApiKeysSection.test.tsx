import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ApiKey } from '../../api/apiKeys'
import { setToken } from '../../api/client'
import { installFakeApi, json } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'
import ProfilePage from './ProfilePage'

function fakeKeys() {
  const stored: ApiKey[] = []
  const api = installFakeApi({
    'GET /v1/user': () => json(me),
    'GET /v1/api-keys': () => json(stored.filter((k) => !k.revoked_at)),
    'POST /v1/api-keys': ({ body }) => {
      const { name, expires_at } = body as { name: string; expires_at: string | null }
      const key = {
        id: `k${stored.length + 1}`,
        name,
        prefix: 'cmk_abcdefgh',
        created_at: '2026-12-06T20:00:00Z',
        expires_at,
        last_used_at: null,
      }
      stored.push(key)
      return json({ ...key, key: 'cmk_abcdefgh-the-whole-secret' }, 201)
    },
    'DELETE /v1/api-keys/k1': () => {
      stored[0] = { ...stored[0], revoked_at: '2026-12-06T21:00:00Z' }
      return json(stored[0])
    },
  })
  return { stored, ...api }
}

describe('API keys on the profile page', () => {
  it('creates a key shown once with a copy button, lists it without the secret, and revokes it', async () => {
    setToken('t')
    const { calls } = fakeKeys()
    renderWithApp(<ProfilePage />)
    const user = userEvent.setup()
    expect(await screen.findByTestId('api-keys-empty')).toBeInTheDocument()

    await user.type(screen.getByTestId('api-key-name'), 'CI job')
    await user.click(screen.getByTestId('api-key-create'))
    const created = await screen.findByTestId('api-key-created')
    expect(within(created).getByTestId('api-key-value')).toHaveTextContent('cmk_abcdefgh-the-whole-secret')
    expect(within(created).getByTestId('api-key-copy')).toBeInTheDocument()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'CI job', expires_at: null })

    const row = await screen.findByTestId('api-key-row')
    expect(row).toHaveTextContent('CI job')
    expect(row).toHaveTextContent('cmk_abcdefgh…')
    expect(row).not.toHaveTextContent('the-whole-secret')

    // Once dismissed, the key is gone from the page for good.
    await user.click(within(created).getByText('Done'))
    expect(document.body.textContent).not.toContain('the-whole-secret')

    await user.click(within(row).getByTestId('api-key-revoke'))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }))
    await waitFor(() => expect(screen.queryByTestId('api-key-row')).not.toBeInTheDocument())
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/api-keys/k1')).toBe(true)
    expect(screen.getByTestId('api-keys-empty')).toBeInTheDocument()
  })
})
