import { describe, expect, it } from 'vitest'
import { readAuthConfig } from './config'

describe('readAuthConfig', () => {
  it('finds an OIDC issuer and client id in a nested object', () => {
    const c = readAuthConfig({
      auth: { mode: 'oidc', oidc: { issuer: 'https://kc.example/realms/x/', client_id: 'codemill-ui' } },
      other: 1,
    })
    expect(c.mode).toBe('oidc')
    expect(c.oidc).toEqual({
      issuer: 'https://kc.example/realms/x',
      clientId: 'codemill-ui',
      scope: 'openid profile email',
      audience: undefined,
    })
  })

  it('reads a CodeMie-style list of config items', () => {
    const c = readAuthConfig([
      { key: 'oidc_issuer', value: 'https://idp.example' },
      { key: 'oidc_client_id', value: 'ui' },
      { id: 'plugins', settings: { plugin_engine_uri: 'nats://host:4222' } },
    ])
    expect(c.mode).toBe('oidc')
    expect(c.oidc?.clientId).toBe('ui')
    expect(c.pluginEngineUri).toBe('nats://host:4222')
  })

  it('is local without an issuer, and tolerates junk', () => {
    expect(readAuthConfig({ auth_mode: 'local' }).mode).toBe('local')
    expect(readAuthConfig(null)).toEqual({
      mode: 'unknown',
      localLogin: true,
      oidc: undefined,
      pluginEngineUri: undefined,
    })
    expect(readAuthConfig('nonsense').oidc).toBeUndefined()
  })

  it('reads the Codemill shape: both local login and SSO can be on', () => {
    const c = readAuthConfig([
      { id: 'auth', settings: { local: true, proxy: false, oidc: { issuer: 'https://kc/realms/r', client_id: 'ui' } } },
      { id: 'features:models', settings: { mock_llm: true } },
    ])
    expect(c).toMatchObject({ mode: 'oidc', localLogin: true, oidc: { issuer: 'https://kc/realms/r', clientId: 'ui' } })
    expect(
      readAuthConfig([{ id: 'auth', settings: { local: false, oidc: { issuer: 'https://kc', client_id: 'ui' } } }])
        .localLogin,
    ).toBe(false)
    expect(readAuthConfig({ oidc: { issuer: 'https://kc', client_id: 'ui' } }).localLogin).toBe(false)
  })

  it('keeps local mode when the server says local even if an issuer is present', () => {
    const c = readAuthConfig({ auth_mode: 'local', oidc_issuer: 'https://x', oidc_client_id: 'y' })
    expect(c.mode).toBe('local')
    expect(c.oidc).toBeDefined()
  })
})
