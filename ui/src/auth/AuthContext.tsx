import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { getToken, onSessionExpired, setToken } from '../api/client'
import { ApiError } from '../api/errors'
import { authApi } from '../api/auth'
import type { Me } from '../api/types'
import { readAuthConfig, type AuthConfig } from './config'
import { beginLogin } from './pkce'
import i18n from '../i18n'

type Status = 'loading' | 'anonymous' | 'authenticated'

export interface AuthState {
  status: Status
  me: Me | null
  config: AuthConfig
  /** A call answered 401 while signed in: ask to sign in again, keeping the page as it is. */
  sessionExpired: boolean
  bootError: string | null
  login: (email: string, password: string) => Promise<void>
  loginWithOidc: (returnTo?: string) => Promise<void>
  acceptToken: (token: string) => Promise<void>
  logout: () => Promise<void>
  refreshMe: () => Promise<void>
}

const AuthContext = createContext<AuthState | null>(null)

const LAST_USER = 'codemill.lastUser'

/** Who a user is, whichever key the server used. */
export const userKey = (user: Me | null | undefined) => user?.user_id ?? user?.userId ?? user?.email

function rememberSignedIn(userId: string | undefined) {
  try {
    if (userId) sessionStorage.setItem(LAST_USER, userId)
  } catch {
    /* storage off: the return page is then never kept */
  }
}

/** The user last signed in on this tab: a page they were on is theirs to return to, nobody else's. */
export function lastSignedIn(): string | null {
  try {
    return sessionStorage.getItem(LAST_USER)
  } catch {
    return null
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient()
  const [status, setStatus] = useState<Status>('loading')
  const [me, setMe] = useState<Me | null>(null)
  const [config, setConfig] = useState<AuthConfig>({ mode: 'unknown', localLogin: true })
  const [sessionExpired, setSessionExpired] = useState(false)
  const [bootError, setBootError] = useState<string | null>(null)
  const statusRef = useRef<Status>('loading')
  statusRef.current = status

  useEffect(
    () =>
      onSessionExpired(() => {
        if (statusRef.current === 'authenticated') setSessionExpired(true)
      }),
    [],
  )

  const loadMe = useCallback(async () => {
    const user = await authApi.me()
    rememberSignedIn(userKey(user))
    setMe(user)
    setStatus('authenticated')
    setSessionExpired(false)
  }, [])

  useEffect(() => {
    let cancelled = false
    ;(async () => {
      const raw = await authApi.config().catch(() => null)
      if (!cancelled) setConfig(readAuthConfig(raw))
      try {
        // Also works without a token when an auth proxy in front of Codemill identifies the user.
        await loadMe()
      } catch (err) {
        if (cancelled) return
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
          if (getToken()) setToken(null)
        } else {
          setBootError(err instanceof Error ? err.message : String(err))
        }
        setStatus('anonymous')
      }
    })()
    return () => {
      cancelled = true
    }
  }, [loadMe])

  const acceptToken = useCallback(
    async (token: string) => {
      setToken(token)
      await loadMe()
      setBootError(null)
      // Signed in, /v1/config also tells where plugins connect (kept from anonymous callers).
      const raw = await authApi.config().catch(() => null)
      if (raw) setConfig(readAuthConfig(raw))
      // Anything that failed while the session was gone is fetched again.
      await queryClient.invalidateQueries()
    },
    [loadMe, queryClient],
  )

  const login = useCallback(
    async (email: string, password: string) => {
      const res = await authApi.login(email.trim(), password)
      const token = res?.access_token
      if (!token) throw new Error(i18n.t('errors.noToken'))
      await acceptToken(token)
    },
    [acceptToken],
  )

  const loginWithOidc = useCallback(
    async (returnTo?: string) => {
      if (!config.oidc) throw new Error(i18n.t('errors.noSso'))
      const target = returnTo ?? window.location.pathname + window.location.search
      window.location.assign(await beginLogin(config.oidc, target))
    },
    [config.oidc],
  )

  const logout = useCallback(async () => {
    await authApi.logout()
    setToken(null)
    setMe(null)
    setSessionExpired(false)
    setStatus('anonymous')
    queryClient.clear()
  }, [queryClient])

  const value = useMemo<AuthState>(
    () => ({
      status,
      me,
      config,
      sessionExpired,
      bootError,
      login,
      loginWithOidc,
      acceptToken,
      logout,
      refreshMe: loadMe,
    }),
    [status, me, config, sessionExpired, bootError, login, loginWithOidc, acceptToken, logout, loadMe],
  )
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext)
  if (!ctx) throw new Error('useAuth outside AuthProvider')
  return ctx
}

/** For tests and storybook-like rendering: provide a fixed auth state. */
export const AuthContextForTests = AuthContext
