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
import { useTranslation } from 'react-i18next'

export default function UsersPage() {
  const { me } = useAuth()
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [search, setSearch] = useState('')
  const [page, setPage] = useState(0)
  const [creating, setCreating] = useState(false)
  const [inviting, setInviting] = useState(false)
  const [confirm, setConfirm] = useState<{
    user: AdminUser
    change: { is_admin?: boolean; is_active?: boolean }
    text: string
  } | null>(null)
  const users = useQuery({
    queryKey: ['admin-users', search, page],
    queryFn: () => adminApi.users(search || undefined, page),
    enabled: userIsAdmin(me),
    placeholderData: (previous) => previous,
  })

  const update = useMutation({
    mutationFn: ({ user, change }: { user: AdminUser; change: { is_admin?: boolean; is_active?: boolean } }) =>
      adminApi.updateUser(user.id, change),
    onSuccess: () => {
      toast.info(t('users.updated'))
      setConfirm(null)
      void queryClient.invalidateQueries({ queryKey: ['admin-users'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  if (!userIsAdmin(me)) return <EmptyState title={t('users.adminsOnly')}>{t('users.askAdmin')}</EmptyState>
  return (
    <div className="page">
      <PageHeader
        title={t('nav.users')}
        subtitle={t('users.subtitle')}
        actions={
          <div className="row" style={{ gap: '0.5rem' }}>
            <button type="button" className="button" onClick={() => setInviting(true)} data-testid="invite-user">
              {t('users.invite')}
            </button>
            <button
              type="button"
              className="button button-primary"
              onClick={() => setCreating(true)}
              data-testid="new-user"
            >
              {t('users.new')}
            </button>
          </div>
        }
      />
      {creating && (
        <NewUserDialog
          onClose={() => setCreating(false)}
          onCreated={(email) => {
            setCreating(false)
            toast.info(t('users.canSignIn', { email }))
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
      <input
        type="search"
        className="search"
        placeholder={t('users.searchPlaceholder')}
        aria-label={t('users.search')}
        value={search}
        onChange={(e) => {
          setSearch(e.target.value)
          setPage(0)
        }}
      />
      {users.isLoading && <Spinner />}
      <ErrorBox error={users.error} onRetry={() => void users.refetch()} />
      {users.data?.items.length === 0 && <p className="muted">{t('users.noMatch')}</p>}
      {users.data && users.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="user-list">
            <thead>
              <tr>
                <th>{t('common.name')}</th>
                <th>{t('signIn.email')}</th>
                <th>{t('users.role')}</th>
                <th>{t('nav.projects')}</th>
                <th>{t('users.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => {
                const self = u.id === userId(me)
                return (
                  <tr key={u.id}>
                    <td>{u.name || u.username}</td>
                    <td>{u.email}</td>
                    <td>
                      {u.is_admin ? <span className="badge badge-info">{t('users.admin')}</span> : t('users.user')}
                    </td>
                    <td className="small">
                      {(u.projects ?? [])
                        .map((p) => `${p.name}${p.is_project_admin ? t('users.projectAdmin') : ''}`)
                        .join(', ') || '—'}
                    </td>
                    <td>
                      {u.is_active === false && u.auth_source === 'local' && u.email_verified === false ? (
                        <span className="badge badge-info">{t('users.invited')}</span>
                      ) : u.is_active === false ? (
                        <span className="badge badge-danger">{t('users.deactivated')}</span>
                      ) : (
                        <span className="badge badge-success">{t('users.active')}</span>
                      )}
                    </td>
                    <td>
                      <div className="row" style={{ gap: '0.35rem' }}>
                        <button
                          type="button"
                          className="button button-small"
                          disabled={self}
                          title={self ? t('users.ownRole') : undefined}
                          onClick={() =>
                            setConfirm({
                              user: u,
                              change: { is_admin: !u.is_admin },
                              text: u.is_admin
                                ? t('users.removeAdminConfirm', { email: u.email })
                                : t('users.makeAdminConfirm', { email: u.email }),
                            })
                          }
                        >
                          {u.is_admin ? t('users.removeAdmin') : t('users.makeAdmin')}
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          disabled={self}
                          onClick={() =>
                            setConfirm({
                              user: u,
                              change: { is_active: u.is_active === false },
                              text:
                                u.is_active === false
                                  ? t('users.reactivateConfirm', { email: u.email })
                                  : t('users.deactivateConfirm', { email: u.email }),
                            })
                          }
                        >
                          {u.is_active === false ? t('users.reactivate') : t('users.deactivate')}
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
      {users.data && (
        <Pager
          label={t('users.pages')}
          page={users.data.page}
          perPage={users.data.perPage}
          total={users.data.total}
          onPage={setPage}
        />
      )}
      {confirm && (
        <ConfirmDialog
          title={t('users.change')}
          message={confirm.text}
          confirmLabel={t('common.confirm')}
          danger={confirm.change.is_active === false || confirm.change.is_admin === false}
          busy={update.isPending}
          onConfirm={() => update.mutate(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
      <p className="muted small">
        {t('users.toProject')} <a href="/admin/projects">{t('nav.projects')}</a>.
      </p>
    </div>
  )
}
