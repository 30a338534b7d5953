/** What the sign-in screen needs from GET /v1/config, read defensively (unknown keys ignored). */
export interface AuthConfig {
  mode: 'local' | 'oidc' | 'header' | 'unknown'
  /** Whether to offer the email/password form. */
  localLogin: boolean
  oidc?: { issuer: string; clientId: string; scope: string; audience?: string }
  pluginEngineUri?: string
}

type Dict = Record<string, unknown>

/** Flatten a config that may be an object, a list of {key,value}, or a list of {id/name, settings}. */
function flatten(input: unknown, out: Dict = {}, depth = 0): Dict {
  if (depth > 5 || input == null) return out
  if (Array.isArray(input)) {
    for (const item of input) {
      if (item && typeof item === 'object') {
        const o = item as Dict
        const key = (o.key ?? o.name ?? o.id) as string | undefined
        const value = o.value ?? o.settings
        if (typeof key === 'string' && value !== undefined) {
          out[key.toLowerCase()] = value
          if (value && typeof value === 'object') flatten(value, out, depth + 1)
        } else {
          flatten(o, out, depth + 1)
        }
      }
    }
    return out
  }
  if (typeof input === 'object') {
    for (const [k, v] of Object.entries(input as Dict)) {
      const key = k.toLowerCase()
      if (v && typeof v === 'object') {
        for (const [k2, v2] of Object.entries(flatten(v, {}, depth + 1))) {
          out[`${key}.${k2}`] = v2
          if (!(k2 in out)) out[k2] = v2
        }
      } else {
        out[key] = v
      }
    }
  }
  return out
}

function pickBool(flat: Dict, patterns: RegExp[]): boolean | undefined {
  for (const re of patterns) {
    for (const [k, v] of Object.entries(flat)) {
      if (re.test(k) && typeof v === 'boolean') return v
    }
  }
  return undefined
}

function pick(flat: Dict, patterns: RegExp[]): string | undefined {
  for (const re of patterns) {
    for (const [k, v] of Object.entries(flat)) {
      if (re.test(k) && typeof v === 'string' && v.trim()) return v.trim()
    }
  }
  return undefined
}

export function readAuthConfig(raw: unknown): AuthConfig {
  const flat = flatten(raw)
  const issuer = pick(flat, [/(^|[._])oidc[._]?issuer(_url)?$/, /(^|[._])issuer(_url)?$/, /keycloak.*(url|issuer)$/])
  const clientId = pick(flat, [/(^|[._])oidc[._]?client[._]?id$/, /(^|[._])client[._]?id$/])
  const modeRaw = pick(flat, [/(^|[._])auth[._]?mode$/, /(^|[._])idp[._]?provider$/, /(^|[._])auth[._]?type$/])
  const scope = pick(flat, [/(^|[._])oidc[._]?scopes?$/, /(^|[._])scopes?$/]) ?? 'openid profile email'
  const audience = pick(flat, [/(^|[._])audience$/])
  const pluginEngineUri = pick(flat, [/plugin[._]?engine[._]?ur[il]$/, /(^|[._])nats[._]?(public[._]?)?ur[il]$/])
  let mode: AuthConfig['mode'] = 'unknown'
  const m = modeRaw?.toLowerCase()
  if (m === 'local') mode = 'local'
  else if (m && /oidc|keycloak|sso|openid/.test(m)) mode = 'oidc'
  else if (m && /header|proxy/.test(m)) mode = 'header'
  if (issuer && clientId && mode !== 'local') mode = 'oidc'
  const localFlag = pickBool(flat, [/(^|[._])local[._]?(auth|login)?([._]?enabled)?$/])
  const oidc = issuer && clientId ? { issuer: issuer.replace(/\/$/, ''), clientId, scope, audience } : undefined
  return {
    mode,
    localLogin: localFlag ?? (mode === 'local' || !oidc),
    oidc,
    pluginEngineUri,
  }
}
