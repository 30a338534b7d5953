import type { ReactElement } from 'react'
import { render } from '@testing-library/react'
import { MemoryRouter } from 'react-router'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { AuthProvider } from '../auth/AuthContext'
import { ToastProvider } from '../components/Toasts'

export const me = {
  user_id: 'u1',
  name: 'Ada Admin',
  username: 'ada',
  email: 'ada@example.com',
  is_admin: true,
  applications: ['demo'],
  applications_admin: ['demo'],
  projects: [{ name: 'demo', is_project_admin: true, is_default: true }],
}

/** Render with the app's providers at a given URL. */
export function renderWithApp(ui: ReactElement, path = '/') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <ToastProvider>
          <AuthProvider>{ui}</AuthProvider>
        </ToastProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  )
}
