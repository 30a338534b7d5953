import { Suspense, useEffect, useState } from 'react'
import { NavLink, Outlet, useLocation } from 'react-router'
import { useAuth } from '../auth/AuthContext'
import { adminProjects, userIsAdmin } from '../api/auth'
import { useTheme } from '../lib/theme'
import { ReloginDialog } from '../auth/ReloginDialog'
import { Spinner } from './ui'

const link = ({ isActive }: { isActive: boolean }) => `nav-link${isActive ? ' active' : ''}`

export function Layout() {
  const { me, logout } = useAuth()
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
        Skip to content
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
          Skip to the message box
        </a>
      )}
      <nav className={`sidebar${navOpen ? ' open' : ''}`} aria-label="Main">
        <button
          type="button"
          className="icon-button nav-toggle"
          aria-expanded={navOpen}
          aria-controls="nav-drawer"
          aria-label={navOpen ? 'Close the menu' : 'Open the menu'}
          onClick={() => setNavOpen((o) => !o)}
          data-testid="nav-toggle"
        >
          {navOpen ? '✕' : '☰'}
        </button>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">C</span> Codemill
        </div>
        <div className="nav-drawer" id="nav-drawer">
        <ul className="nav-list">
          <li><NavLink className={link} to="/chat" data-testid="nav-chat">Chat</NavLink></li>
          <li><NavLink className={link} to="/assistants" data-testid="nav-assistants">Assistants</NavLink></li>
          <li><NavLink className={link} to="/datasources" data-testid="nav-datasources">Datasources</NavLink></li>
          <li><NavLink className={link} to="/workflows" data-testid="nav-workflows">Workflows</NavLink></li>
          <li><NavLink className={link} to="/integrations" data-testid="nav-integrations">Integrations</NavLink></li>
          <li><NavLink className={link} to="/mcp" data-testid="nav-mcp">MCP servers</NavLink></li>
          <li>
            <NavLink className={link} to="/analytics" data-testid="nav-analytics">
              {managesProjects ? 'Analytics' : 'My spending'}
            </NavLink>
          </li>
          <li><NavLink className={link} to="/profile" data-testid="nav-profile">Profile</NavLink></li>
          {managesProjects && (
            <li><NavLink className={link} to="/admin/projects" data-testid="nav-projects">Projects</NavLink></li>
          )}
          {isAdmin && <li><NavLink className={link} to="/admin/users" data-testid="nav-users">Users</NavLink></li>}
        </ul>
        <div className="sidebar-footer">
          <button
            type="button"
            className="button button-small"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
            data-testid="theme-toggle"
          >
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          <div className="user-chip" title={me?.email}>
            <span className="avatar" aria-hidden="true">{(me?.name || me?.username || '?').slice(0, 1).toUpperCase()}</span>
            <span className="user-name" data-testid="user-name">{me?.name || me?.username}</span>
          </div>
          <button type="button" className="button button-small" onClick={() => void logout()} data-testid="sign-out">
            Sign out
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
