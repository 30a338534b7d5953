import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { adminApi } from '../../api/admin'
import { userId, userIsAdmin } from '../../api/auth'
import { describeError } from '../../api/errors'
import type { AdminUser } from '../../api/types'
import { useAuth } from '../../auth/AuthContext'
import { ConfirmDialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, PageHeader, Pager, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { InviteUserDialog } from './InviteUserDialog'
import { NewUserDialog } from './NewUserDialog'

export default function UsersPage() {
  const { me } = useAuth()
  const toast = useToast()
  const queryClient = useQueryClient()
  const [search, setSearch] = useState('')
  const [page, setPage] = useState(0)
  const [creating, setCreating] = useState(false)
  const [inviting, setInviting] = useState(false)
  const [confirm, setConfirm] = useState<{ user: AdminUser; change: { is_admin?: boolean; is_active?: boolean }; text: string } | null>(null)
  const users = useQuery({
    queryKey: ['admin-users', search, page],
    queryFn: () => adminApi.users(search || undefined, page),
    enabled: userIsAdmin(me),
    placeholderData: (previous) => previous,
  })

  const update = useMutation({
    mutationFn: ({ user, change }: { user: AdminUser; change: { is_admin?: boolean; is_active?: boolean } }) => adminApi.updateUser(user.id, change),
    onSuccess: () => {
      toast.info('User updated.')
      setConfirm(null)
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  if (!userIsAdmin(me)) return <EmptyState title="Administrators only">Ask an administrator to manage users.</EmptyState>
  return (
    <div className="page">
      <PageHeader
        title="Users"
        subtitle="Everyone who can sign in, their platform role and their projects."
        actions={
          <div className="row" style={{ gap: '0.5rem' }}>
            <button type="button" className="button" onClick={() => setInviting(true)} data-testid="invite-user">
              Invite user
            </button>
            <button type="button" className="button button-primary" onClick={() => setCreating(true)} data-testid="new-user">
              + New user
            </button>
          </div>
        }
      />
      {creating && (
        <NewUserDialog
          onClose={() => setCreating(false)}
          onCreated={(email) => {
            setCreating(false)
            toast.info(`${email} can now sign in.`)
            void queryClient.invalidateQueries({ queryKey: ['admin-users'] })
          }}
        />
      )}
      {inviting && (
        <InviteUserDialog
          onClose={() => setInviting(false)}
          onInvited={() => void queryClient.invalidateQueries({ queryKey: ['admin-users'] })}
        />
      )}
      <input type="search" className="search" placeholder="Search by name or email" aria-label="Search users" value={search} onChange={(e) => { setSearch(e.target.value); setPage(0) }} />
      {users.isLoading && <Spinner />}
      <ErrorBox error={users.error} onRetry={() => void users.refetch()} />
      {users.data?.items.length === 0 && <p className="muted">No user matches.</p>}
      {users.data && users.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="user-list">
            <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Projects</th><th>Status</th><th /></tr></thead>
            <tbody>
              {users.data.items.map((u) => {
                const self = u.id === userId(me)
                return (
                  <tr key={u.id}>
                    <td>{u.name || u.username}</td>
                    <td>{u.email}</td>
                    <td>{u.is_admin ? <span className="badge badge-info">admin</span> : 'user'}</td>
                    <td className="small">{(u.projects ?? []).map((p) => `${p.name}${p.is_project_admin ? ' (admin)' : ''}`).join(', ') || '—'}</td>
                    <td>{u.is_active === false && u.auth_source === 'local' && u.email_verified === false ? <span className="badge badge-info">invited</span> : u.is_active === false ? <span className="badge badge-danger">deactivated</span> : <span className="badge badge-success">active</span>}</td>
                    <td>
                      <div className="row" style={{ gap: '0.35rem' }}>
                        <button type="button" className="button button-small" disabled={self}
                          title={self ? 'You cannot change your own role' : undefined}
                          onClick={() => setConfirm({ user: u, change: { is_admin: !u.is_admin }, text: u.is_admin ? `Remove administrator rights from ${u.email}?` : `Make ${u.email} an administrator of the whole platform?` })}>
                          {u.is_admin ? 'Remove admin' : 'Make admin'}
                        </button>
                        <button type="button" className="button button-small" disabled={self}
                          onClick={() => setConfirm({ user: u, change: { is_active: u.is_active === false }, text: u.is_active === false ? `Reactivate ${u.email}?` : `Deactivate ${u.email}? They will no longer be able to sign in.` })}>
                          {u.is_active === false ? 'Reactivate' : 'Deactivate'}
                        </button>
                      </div>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {users.data && <Pager label="User pages" page={users.data.page} perPage={users.data.perPage} total={users.data.total} onPage={setPage} />}
      {confirm && (
        <ConfirmDialog
          title="Change user"
          message={confirm.text}
          confirmLabel="Confirm"
          danger={confirm.change.is_active === false || confirm.change.is_admin === false}
          busy={update.isPending}
          onConfirm={() => update.mutate(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
      <p className="muted small">To add someone to a project, open <a href="/admin/projects">Projects</a>.</p>
    </div>
  )
}
