import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { setToken } from '../../api/client'
import type { Integration } from '../../api/types'
import { installFakeApi, json } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'
import IntegrationsPage from './IntegrationsPage'

function fakeSettings() {
  const stored: Integration[] = []
  const masked = (i: Integration) => ({
    ...i,
    credential_values: i.credential_values.map((v) =>
      /token|key|password/.test(v.key) ? { ...v, value: '**********' } : v,
    ),
  })
  const api = installFakeApi({
    'GET /v1/config': () => json({ plugin_engine_uri: 'nats://codemill.example:4222' }),
    'GET /v1/user': () => json(me),
    'GET /v1/settings/user': () => json(stored.map(masked)),
    'POST /v1/settings/user': ({ body }) => {
      stored.push({ ...(body as Integration), id: `s${stored.length + 1}` })
      return json({ message: 'created' })
    },
    'PUT /v1/settings/user/s1': ({ body }) => {
      stored[0] = { ...(body as Integration), id: 's1' }
      return json({ message: 'updated' })
    },
    'POST /v1/settings/test/': () => json({ success: true, message: 'Connected as ada' }),
  })
  return { stored, ...api }
}

describe('integrations', () => {
  it('creates an integration whose secret is never shown again, tests it, and keeps the secret on edit', async () => {
    setToken('t')
    const { stored, calls } = fakeSettings()
    renderWithApp(<IntegrationsPage />)
    const user = userEvent.setup()
    await user.click(await screen.findByTestId('new-integration'))
    const dialog = screen.getByTestId('integration-dialog')
    await user.type(within(dialog).getByTestId('integration-alias'), 'GitHub work')
    await user.type(within(dialog).getByTestId('integration-field-url'), 'https://github.com')
    const secret = within(dialog).getByTestId('integration-secret')
    expect(secret).toHaveAttribute('type', 'password')
    await user.type(secret, 'ghp_supersecret')

    await user.click(within(dialog).getByTestId('integration-test'))
    expect(await within(dialog).findByTestId('integration-test-result')).toHaveTextContent('Connected as ada')

    await user.click(within(dialog).getByTestId('integration-save'))
    const row = await screen.findByTestId('integration-row')
    expect(stored[0].credential_values).toContainEqual({ key: 'token', value: 'ghp_supersecret' })
    expect(within(row).getByTestId('integration-secret-masked')).toHaveTextContent('••••••••')
    expect(document.body.textContent).not.toContain('ghp_supersecret')
    expect(document.body.textContent).not.toContain('**********')

    // Editing without typing a new secret sends back the server's mask, which means "unchanged".
    await user.click(within(row).getByText('Edit'))
    const edit = screen.getByTestId('integration-dialog')
    expect(within(edit).getByTestId('integration-secret')).toHaveValue('')
    await user.clear(within(edit).getByTestId('integration-alias'))
    await user.type(within(edit).getByTestId('integration-alias'), 'GitHub')
    await user.click(within(edit).getByTestId('integration-save'))
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true))
    const put = calls.find((c) => c.method === 'PUT')!.body as Integration
    expect(put.credential_values).toContainEqual({ key: 'token', value: '**********' })
    expect(put.alias).toBe('GitHub')
  })

  it('shows a new plugin key once, with copy and the start command', async () => {
    setToken('t')
    const { stored } = fakeSettings()
    renderWithApp(<IntegrationsPage />)
    const user = userEvent.setup()
    await user.click(await screen.findByTestId('new-integration'))
    const dialog = screen.getByTestId('integration-dialog')
    await user.selectOptions(within(dialog).getByTestId('integration-type'), 'Plugin')
    await user.type(within(dialog).getByTestId('integration-alias'), 'My laptop')
    await user.click(within(dialog).getByTestId('integration-save'))
    const keyDialog = await screen.findByTestId('plugin-key-dialog')
    const key = String(stored[0].credential_values.find((v) => v.key === 'plugin_key')?.value)
    expect(key).toMatch(/^[0-9a-f-]{32,36}$/)
    expect(within(keyDialog).getByTestId('plugin-key')).toHaveTextContent(key)
    expect(within(keyDialog).getByTestId('plugin-command')).toHaveTextContent(
      `PLUGIN_KEY=${key} PLUGIN_ENGINE_URI=nats://codemill.example:4222`,
    )
    expect(within(keyDialog).getByTestId('copy-plugin-key')).toBeInTheDocument()
    await user.click(within(keyDialog).getByText('I have copied it'))
    await waitFor(() => expect(screen.queryByTestId('plugin-key-dialog')).not.toBeInTheDocument())
    expect(document.body.textContent).not.toContain(key)
  })
})
