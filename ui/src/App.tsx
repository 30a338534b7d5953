import { lazy, Suspense, type ReactNode } from 'react'
import { Navigate, Route, Routes, useLocation } from 'react-router'
import { lastSignedIn, useAuth } from './auth/AuthContext'
import { Layout } from './components/Layout'
import { Spinner } from './components/ui'
import SignIn from './auth/SignIn'
import { useTranslation } from 'react-i18next'

// Route-level code splitting: each screen is its own chunk, loaded when first visited.
const ChatPage = lazy(() => import('./features/chat/ChatPage'))
const AssistantsPage = lazy(() => import('./features/assistants/AssistantsPage'))
const AssistantEditor = lazy(() => import('./features/assistants/AssistantEditor'))
const AssistantVersions = lazy(() => import('./features/assistants/AssistantVersions'))
const DatasourcesPage = lazy(() => import('./features/datasources/DatasourcesPage'))
const DatasourceCreate = lazy(() => import('./features/datasources/DatasourceCreate'))
const WorkflowsPage = lazy(() => import('./features/workflows/WorkflowsPage'))
const WorkflowDetail = lazy(() => import('./features/workflows/WorkflowDetail'))
const ExecutionView = lazy(() => import('./features/workflows/ExecutionView'))
const IntegrationsPage = lazy(() => import('./features/integrations/IntegrationsPage'))
const McpCataloguePage = lazy(() => import('./features/mcp/McpCataloguePage'))
const ProjectsPage = lazy(() => import('./features/admin/ProjectsPage'))
const UsersPage = lazy(() => import('./features/admin/UsersPage'))
const ProfilePage = lazy(() => import('./features/profile/ProfilePage'))
const AnalyticsPage = lazy(() => import('./features/analytics/AnalyticsPage'))
const OidcCallback = lazy(() => import('./auth/OidcCallback'))
const InvitePage = lazy(() => import('./auth/InvitePage'))
const RegisterPage = lazy(() => import('./auth/InvitePage').then((m) => ({ default: m.RegisterPage })))

function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth()
  const location = useLocation()
  const { t } = useTranslation()
  if (status === 'loading') return <Spinner label={t('app.starting')} />
  if (status !== 'authenticated') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search, owner: lastSignedIn() }} />
  }
  return <>{children}</>
}

function NotFound() {
  const { t } = useTranslation()
  return (
    <div className="empty-state">
      <h1>{t('app.notFound')}</h1>
      <p>
        {t('app.notFoundText')} <a href="/chat">{t('app.goToChat')}</a>.
      </p>
    </div>
  )
}

export default function App() {
  const { status } = useAuth()
  const { t } = useTranslation()
  return (
    <Suspense fallback={<Spinner />}>
      <Routes>
        <Route path="/login" element={status === 'loading' ? <Spinner label={t('app.starting')} /> : <SignIn />} />
        <Route path="/auth/callback" element={<OidcCallback />} />
        <Route path="/invite/:token" element={<InvitePage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route index element={<Navigate to="/chat" replace />} />
          <Route path="chat/:conversationId?" element={<ChatPage />} />
          <Route path="assistants" element={<AssistantsPage />} />
          <Route path="assistants/new" element={<AssistantEditor />} />
          <Route path="assistants/:assistantId/edit" element={<AssistantEditor />} />
          <Route path="assistants/:assistantId/versions" element={<AssistantVersions />} />
          <Route path="datasources" element={<DatasourcesPage />} />
          <Route path="datasources/new" element={<DatasourceCreate />} />
          <Route path="workflows" element={<WorkflowsPage />} />
          <Route path="workflows/new" element={<WorkflowDetail />} />
          <Route path="workflows/:workflowId" element={<WorkflowDetail />} />
          <Route path="workflows/:workflowId/executions/:executionId" element={<ExecutionView />} />
          <Route path="integrations" element={<IntegrationsPage />} />
          <Route path="mcp" element={<McpCataloguePage />} />
          <Route path="admin/projects" element={<ProjectsPage />} />
          <Route path="admin/users" element={<UsersPage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="analytics" element={<AnalyticsPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  )
}
