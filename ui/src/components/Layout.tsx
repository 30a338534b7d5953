import { Suspense, useEffect, useState } from 'react'
import { NavLink, Outlet, useLocation } from 'react-router'
import { useAuth } from '../auth/AuthContext'
import { adminProjects, userIsAdmin } from '../api/auth'
import { useTheme } from '../lib/theme'
import { ReloginDialog } from '../auth/ReloginDialog'
import { Spinner } from './ui'
import { LanguagePicker } from './LanguagePicker'
import { useTranslation } from 'react-i18next'

const link = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' active' : ''}`

export function Layout() {
  const { me, logout } = useAuth()
  const { t } = useTranslation()
  const [theme, toggleTheme] = useTheme()
  const isAdmin = userIsAdmin(me)
  const managesProjects = isAdmin || adminProjects(me).length > 0
  // Phones and tablets: the navigation is a drawer behind a menu button, closed again on every page change.
  const [navOpen, setNavOpen] = useState(false)
  const location = useLocation()
  useEffect(() => setNavOpen(false), [location.pathname])
  useEffect(() => {
    if (!navOpen) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setNavOpen(false)
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [navOpen])
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skipToContent')}
      </a>
      {location.pathname.startsWith('/chat') && (
        <a
          className="skip-link"
          href="#chat-input"
          onClick={(e) => {
            e.preventDefault()
            document.getElementById('chat-input')?.focus()
          }}
          data-testid="skip-to-composer"
        >
          {t('nav.skipToComposer')}
        </a>
      )}
      <nav className={`sidebar${navOpen ? ' open' : ''}`} aria-label={t('nav.main')}>
        <button
          type="button"
          className="icon-button nav-toggle"
          aria-expanded={navOpen}
          aria-controls="nav-drawer"
          aria-label={navOpen ? t('nav.closeMenu') : t('nav.openMenu')}
          onClick={() => setNavOpen((o) => !o)}
          data-testid="nav-toggle"
        >
          {navOpen ? '✕' : '☰'}
        </button>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            C
          </span>{' '}
          Codemill
        </div>
        <div className="nav-drawer" id="nav-drawer">
          <ul className="nav-list">
            <li>
              <NavLink className={link} to="/chat" data-testid="nav-chat">
                {t('nav.chat')}
              </NavLink>
            </li>
            <li>
              <NavLink className={link} to="/assistants" data-testid="nav-assistants">
                {t('nav.assistants')}
              </NavLink>
            </li>
            <li>
              <NavLink className={link} to="/datasources" data-testid="nav-datasources">
                {t('nav.datasources')}
              </NavLink>
            </li>
            <li>
              <NavLink className={link} to="/workflows" data-testid="nav-workflows">
                {t('nav.workflows')}
              </NavLink>
            </li>
            <li>
              <NavLink className={link} to="/integrations" data-testid="nav-integrations">
                {t('nav.integrations')}
              </NavLink>
            </li>
            <li>
              <NavLink className={link} to="/mcp" data-testid="nav-mcp">
                {t('nav.mcp')}
              </NavLink>
            </li>
            <li>
              <NavLink className={link} to="/analytics" data-testid="nav-analytics">
                {managesProjects ? t('nav.analytics') : t('nav.mySpending')}
              </NavLink>
            </li>
            <li>
              <NavLink className={link} to="/profile" data-testid="nav-profile">
                {t('nav.profile')}
              </NavLink>
            </li>
            {managesProjects && (
              <li>
                <NavLink className={link} to="/admin/projects" data-testid="nav-projects">
                  {t('nav.projects')}
                </NavLink>
              </li>
            )}
            {isAdmin && (
              <li>
                <NavLink className={link} to="/admin/users" data-testid="nav-users">
                  {t('nav.users')}
                </NavLink>
              </li>
            )}
          </ul>
          <div className="sidebar-footer">
            <button
              type="button"
              className="button button-small"
              onClick={toggleTheme}
              aria-label={theme === 'dark' ? t('nav.switchToLight') : t('nav.switchToDark')}
              data-testid="theme-toggle"
            >
              {theme === 'dark' ? t('nav.light') : t('nav.dark')}
            </button>
            <LanguagePicker />
            <div className="user-chip" title={me?.email}>
              <span className="avatar" aria-hidden="true">
                {(me?.name || me?.username || '?').slice(0, 1).toUpperCase()}
              </span>
              <span className="user-name" data-testid="user-name">
                {me?.name || me?.username}
              </span>
            </div>
            <button type="button" className="button button-small" onClick={() => void logout()} data-testid="sign-out">
              {t('nav.signOut')}
            </button>
          </div>
        </div>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
      <ReloginDialog />
    </div>
  )
}
