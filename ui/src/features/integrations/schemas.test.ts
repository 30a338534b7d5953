import { describe, expect, it } from 'vitest'
import { buildValues, isSecretKey, pluginCommand, generatePluginKey, CREDENTIAL_TYPES } from './schemas'

describe('integration credentials', () => {
  it('knows which fields are secret', () => {
    expect(isSecretKey('Git', 'token')).toBe(true)
    expect(isSecretKey('Git', 'url')).toBe(false)
    expect(isSecretKey('Custom', 'api_key')).toBe(true)
    expect(isSecretKey('Custom', 'region')).toBe(false)
    expect(isSecretKey('MCP', 'GITHUB_HOST')).toBe(true)
  })

  it("offers CodeMie's credential types with their secret keys", () => {
    for (const type of [
      'Sonar',
      'SQL',
      'Kubernetes',
      'ServiceNow',
      'Elastic',
      'Email',
      'GCP',
      'Telegram',
      'XWiki',
      'MCP',
    ]) {
      expect(CREDENTIAL_TYPES).toContain(type)
    }
    expect(isSecretKey('Kubernetes', 'kubernetes_token')).toBe(true)
    expect(isSecretKey('Sonar', 'sonar_project_name')).toBe(false)
    expect(isSecretKey('SQL', 'password')).toBe(true)
    expect(isSecretKey('Email', 'smtp_password')).toBe(true)
    expect(isSecretKey('Elastic', 'elastic_api_key_id')).toBe(true)
  })

  it('keeps a saved secret when its field is left empty, by sending back what the server returned', () => {
    const existing = {
      project_name: 'p',
      credential_type: 'Git',
      credential_values: [
        { key: 'url', value: 'https://github.com' },
        { key: 'token', value: '**********' },
      ],
    }
    const values = buildValues('Git', { url: 'https://gitlab.com', token: '', name: '' }, [], existing)
    expect(values).toEqual([
      { key: 'url', value: 'https://gitlab.com' },
      { key: 'token', value: '**********' },
    ])
    const replaced = buildValues('Git', { url: 'https://gitlab.com', token: 'new-secret' }, [], existing)
    expect(replaced).toContainEqual({ key: 'token', value: 'new-secret' })
  })

  it('builds the plugin start command', () => {
    const key = generatePluginKey()
    expect(key).toMatch(/^[0-9a-f-]{32,36}$/)
    expect(pluginCommand(key, 'nats://h:4222')).toBe(
      `PLUGIN_KEY=${key} PLUGIN_ENGINE_URI=nats://h:4222 uvx codemie-plugins development run --repo-path .`,
    )
  })
})
