import { describe, expect, it } from 'vitest'
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import App from '../App'
import { installFakeApi, json } from '../test/fakeApi'
import { me, renderWithApp } from '../test/render'

describe('sign-in', () => {
  it('signs in with email and password, sends the bearer token, and opens chat', async () => {
    let token: string | null = null
    const { calls } = installFakeApi({
      'GET /v1/config': () => json({ auth_mode: 'local' }),
      'GET /v1/user': ({ init }) => {
        const auth = (init.headers as Record<string, string>).Authorization
        return auth === 'Bearer jwt-1' ? json(me) : json({ error: { message: 'Not authenticated' } }, 401)
      },
      'POST /v1/local-auth/login': ({ body }) => {
        const b = body as { email: string; password: string }
        if (b.password !== 'secret') return json({ error: { message: 'Invalid credentials' } }, 401)
        token = 'jwt-1'
        return json({ access_token: token, user: {} })
      },
      'GET /v1/assistants': () => json([]),
      'GET /v1/conversations': () => json([]),
      'GET /v1/conversations/folders/list': () => json([]),
    })
    renderWithApp(<App />, '/chat')
    const user = userEvent.setup()
    const email = await screen.findByTestId('login-email')
    await user.click(screen.getByTestId('login-submit'))
    expect(screen.getByTestId('login-error')).toHaveTextContent('Enter your email and password.')

    await user.type(email, 'ada@example.com')
    await user.type(screen.getByTestId('login-password'), 'wrong')
    await user.click(screen.getByTestId('login-submit'))
    expect(await screen.findByTestId('login-error')).toHaveTextContent('do not match')

    await user.clear(screen.getByTestId('login-password'))
    await user.type(screen.getByTestId('login-password'), 'secret')
    await user.click(screen.getByTestId('login-submit'))
    expect(await screen.findByText('No assistants yet')).toBeInTheDocument()
    expect(screen.getByTestId('user-name')).toHaveTextContent('Ada Admin')
    expect(localStorage.getItem('codemill.token')).toBe('jwt-1')
    const loginCall = calls.find(
      (c) => c.path === '/v1/local-auth/login' && (c.body as { password: string }).password === 'secret',
    )
    expect(loginCall?.body).toEqual({ email: 'ada@example.com', password: 'secret' })
    await waitFor(() =>
      expect(calls.some((c) => c.path === '/v1/assistants' && c.headers.Authorization === 'Bearer jwt-1')).toBe(true),
    )
  })

  it('offers single sign-on when the server reports an OIDC issuer', async () => {
    installFakeApi({
      'GET /v1/config': () => json({ oidc: { issuer: 'https://idp.example/realms/x', client_id: 'codemill' } }),
      'GET /v1/user': () => json({ error: { message: 'Not authenticated' } }, 401),
    })
    renderWithApp(<App />, '/login')
    expect(await screen.findByTestId('login-sso')).toHaveTextContent('single sign-on')
    expect(screen.queryByTestId('login-password')).not.toBeInTheDocument()
  })
})
