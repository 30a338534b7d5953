import i18n from '../i18n'
// OIDC authorization code flow with PKCE (RFC 7636) for a public browser client.

const STATE_KEY = 'codemill.oidc'

export interface PendingLogin {
  state: string
  verifier: string
  redirectUri: string
  returnTo: string
  tokenEndpoint: string
  clientId: string
}

function base64url(bytes: Uint8Array): string {
  let s = ''
  bytes.forEach((b) => (s += String.fromCharCode(b)))
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function randomString(bytes = 32): string {
  const a = new Uint8Array(bytes)
  crypto.getRandomValues(a)
  return base64url(a)
}

export async function challengeFor(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url(new Uint8Array(digest))
}

interface Discovery {
  authorization_endpoint: string
  token_endpoint: string
  end_session_endpoint?: string
}

export async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`)
  if (!res.ok) throw new Error(`The sign-in provider did not answer (HTTP ${res.status}).`)
  return (await res.json()) as Discovery
}

/** Build the authorization URL and remember what the callback needs. */
export async function beginLogin(
  oidc: { issuer: string; clientId: string; scope: string; audience?: string },
  returnTo: string,
): Promise<string> {
  const d = await discover(oidc.issuer)
  const verifier = randomString(48)
  const state = randomString(16)
  const redirectUri = `${window.location.origin}/auth/callback`
  const pending: PendingLogin = {
    state,
    verifier,
    redirectUri,
    returnTo,
    tokenEndpoint: d.token_endpoint,
    clientId: oidc.clientId,
  }
  sessionStorage.setItem(STATE_KEY, JSON.stringify(pending))
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri,
    scope: oidc.scope,
    state,
    code_challenge: await challengeFor(verifier),
    code_challenge_method: 'S256',
  })
  if (oidc.audience) params.set('audience', oidc.audience)
  return `${d.authorization_endpoint}?${params.toString()}`
}

/** Exchange the callback's code for tokens. Returns the access token and where to go next. */
export async function completeLogin(search: string): Promise<{ accessToken: string; returnTo: string }> {
  const q = new URLSearchParams(search)
  const error = q.get('error')
  if (error) throw new Error(q.get('error_description') ?? `Sign-in was refused (${error}).`)
  const raw = sessionStorage.getItem(STATE_KEY)
  if (!raw) throw new Error(i18n.t('errors.linkExpired'))
  const pending = JSON.parse(raw) as PendingLogin
  sessionStorage.removeItem(STATE_KEY)
  if (q.get('state') !== pending.state) throw new Error(i18n.t('errors.stateMismatch'))
  const code = q.get('code')
  if (!code) throw new Error(i18n.t('errors.noCode'))
  const res = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  })
  if (!res.ok) throw new Error(`The sign-in provider refused the code (HTTP ${res.status}).`)
  const tokens = (await res.json()) as { access_token?: string }
  if (!tokens.access_token) throw new Error(i18n.t('errors.noAccessToken'))
  return { accessToken: tokens.access_token, returnTo: pending.returnTo || '/' }
}
