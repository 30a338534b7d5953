import { useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { adminApi } from '../../api/admin'
import { adminProjects, userId, userIsAdmin } from '../../api/auth'
import { describeError } from '../../api/errors'
import type { ProjectMember } from '../../api/types'
import { useAuth } from '../../auth/AuthContext'
import { ConfirmDialog, Dialog } from '../../components/Dialog'
import { EmptyState, ErrorBox, Field, PageHeader, Pager, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import { useTranslation } from 'react-i18next'

function Members({ project, isAdmin }: { project: string; isAdmin: boolean }) {
  const { me } = useAuth()
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const detail = useQuery({ queryKey: ['project', project], queryFn: () => adminApi.project(project) })
  // Platform admins look people up by name or email; project admins add members by their user id.
  const [find, setFind] = useState('')
  const users = useQuery({
    queryKey: ['admin-users', find, 0, 'pick'],
    queryFn: () => adminApi.users(find || undefined, 0, 20),
    enabled: isAdmin,
    placeholderData: (previous) => previous,
  })
  const [newMember, setNewMember] = useState('')
  const [newIsAdmin, setNewIsAdmin] = useState(false)
  const [removing, setRemoving] = useState<ProjectMember | null>(null)
  const nameOf = (m: ProjectMember) => m.name || m.email || m.user_id
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['project', project] })

  const change = useMutation({
    mutationFn: async (op: { kind: 'add' | 'role' | 'remove'; user: string; admin?: boolean }) => {
      if (op.kind === 'add') return adminApi.assign(project, op.user, Boolean(op.admin))
      if (op.kind === 'role') return adminApi.setRole(project, op.user, Boolean(op.admin))
      return adminApi.unassign(project, op.user)
    },
    onSuccess: (_d, op) => {
      toast.info(
        op.kind === 'add'
          ? t('projects.memberAdded')
          : op.kind === 'role'
            ? t('projects.roleChanged')
            : t('projects.memberRemoved'),
      )
      setRemoving(null)
      setNewMember('')
      if (op.kind === 'add') setFind('')
      refresh()
    },
    onError: (e) => toast.error(describeError(e)),
  })

  const add = (e: FormEvent) => {
    e.preventDefault()
    if (newMember.trim()) change.mutate({ kind: 'add', user: newMember.trim(), admin: newIsAdmin })
  }

  if (detail.isLoading) return <Spinner />
  if (detail.error) return <ErrorBox error={detail.error} onRetry={() => void detail.refetch()} />
  const members = detail.data?.members ?? []
  const memberIds = new Set(members.map((m) => m.user_id))
  return (
    <section className="card" aria-label={t('projects.membersOf', { project })} data-testid="project-members">
      <h2>{detail.data?.display_name || project}</h2>
      {detail.data?.description && <p className="muted">{detail.data.description}</p>}
      {members.length === 0 ? (
        <p className="muted">{t('projects.noMembers')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{t('projects.member')}</th>
                <th>{t('users.role')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.user_id}>
                  <td>
                    {nameOf(m)}
                    {m.email && m.email !== nameOf(m) && <span className="muted small"> · {m.email}</span>}
                    {m.user_id === userId(me) && (
                      <span className="badge" style={{ marginLeft: '0.4rem' }}>
                        you
                      </span>
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={t('projects.roleOf', { name: nameOf(m) })}
                      value={m.is_project_admin ? 'admin' : 'member'}
                      onChange={(e) =>
                        change.mutate({ kind: 'role', user: m.user_id, admin: e.target.value === 'admin' })
                      }
                      style={{ width: 'auto' }}
                    >
                      <option value="member">{t('projects.member')}</option>
                      <option value="admin">{t('projects.projectAdmin')}</option>
                    </select>
                  </td>
                  <td>
                    <button type="button" className="button button-small" onClick={() => setRemoving(m)}>
                      {t('projects.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="row" onSubmit={add} style={{ marginTop: '1rem' }} aria-label={t('projects.addAMember')}>
        {isAdmin ? (
          <>
            <input
              type="search"
              aria-label={t('projects.findUser')}
              placeholder={t('projects.findPlaceholder')}
              value={find}
              onChange={(e) => {
                setFind(e.target.value)
                setNewMember('')
              }}
              style={{ maxWidth: 240 }}
            />
            <select
              aria-label={t('projects.userToAdd')}
              value={newMember}
              onChange={(e) => setNewMember(e.target.value)}
              className="grow"
              style={{ maxWidth: 360 }}
            >
              <option value="">
                {users.data && users.data.total > users.data.items.length
                  ? t('projects.chooseMany', { count: users.data.total })
                  : t('projects.choose')}
              </option>
              {(users.data?.items ?? [])
                .filter((u) => !memberIds.has(u.id))
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name || u.username} ({u.email})
                  </option>
                ))}
            </select>
          </>
        ) : (
          <input
            aria-label={t('projects.userIdToAdd')}
            placeholder={t('projects.userId')}
            value={newMember}
            onChange={(e) => setNewMember(e.target.value)}
            style={{ maxWidth: 360 }}
          />
        )}
        <label className="checkbox">
          <input type="checkbox" checked={newIsAdmin} onChange={(e) => setNewIsAdmin(e.target.checked)} />{' '}
          {t('projects.projectAdmin')}
        </label>
        <button type="submit" className="button button-primary" disabled={!newMember.trim() || change.isPending}>
          {t('projects.addMember')}
        </button>
      </form>
      {removing && (
        <ConfirmDialog
          title={t('projects.removeTitle')}
          message={t('projects.removeMessage', { name: nameOf(removing), project })}
          confirmLabel={t('projects.remove')}
          danger
          busy={change.isPending}
          onConfirm={() => change.mutate({ kind: 'remove', user: removing.user_id })}
          onCancel={() => setRemoving(null)}
        />
      )}
    </section>
  )
}

export default function ProjectsPage() {
  const { me } = useAuth()
  const isAdmin = userIsAdmin(me)
  const managed = adminProjects(me)
  const toast = useToast()
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [search, setSearch] = useState('')
  const [page, setPage] = useState(0)
  const [selected, setSelected] = useState<string | null>(null)
  const [creating, setCreating] = useState(false)
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const projects = useQuery({
    queryKey: ['projects', search, page],
    queryFn: () => adminApi.projects(search || undefined, page),
    placeholderData: (previous) => previous,
  })
  const visible = (projects.data?.items ?? []).filter((p) => isAdmin || managed.includes(p.name))

  const create = useMutation({
    mutationFn: () => adminApi.createProject(name.trim(), description.trim()),
    onSuccess: () => {
      toast.info(t('projects.created', { name }))
      setCreating(false)
      setSelected(name.trim())
      setSearch(name.trim())
      setPage(0)
      setName('')
      setDescription('')
      void queryClient.invalidateQueries({ queryKey: ['projects'] })
    },
    onError: (e) => toast.error(describeError(e)),
  })

  if (!isAdmin && managed.length === 0) {
    return <EmptyState title={t('projects.noneToManage')}>{t('projects.noneToManageText')}</EmptyState>
  }
  return (
    <div className="page">
      <PageHeader
        title={t('nav.projects')}
        subtitle={t('projects.subtitle')}
        actions={
          isAdmin && (
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              {t('projects.new')}
            </button>
          )
        }
      />
      <input
        type="search"
        className="search"
        placeholder={t('projects.search')}
        aria-label={t('projects.search')}
        value={search}
        onChange={(e) => {
          setSearch(e.target.value)
          setPage(0)
        }}
      />
      {projects.isLoading && <Spinner />}
      <ErrorBox error={projects.error} onRetry={() => void projects.refetch()} />
      {projects.data && visible.length === 0 && <p className="muted">{t('projects.noMatch')}</p>}
      {visible.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="project-list">
            <thead>
              <tr>
                <th>{t('projects.project')}</th>
                <th>{t('projects.members')}</th>
                <th>{t('projects.admins')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {visible.map((p) => (
                <tr key={p.name} aria-selected={p.name === selected}>
                  <td>
                    <strong>{p.display_name || p.name}</strong>
                    {p.project_type === 'personal' && (
                      <span className="badge" style={{ marginLeft: '0.4rem' }}>
                        {t('projects.personal')}
                      </span>
                    )}
                  </td>
                  <td>{p.user_count ?? '—'}</td>
                  <td>{p.admin_count ?? '—'}</td>
                  <td>
                    <button type="button" className="button button-small" onClick={() => setSelected(p.name)}>
                      {t('projects.manage')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {projects.data && (
        <Pager
          label={t('projects.pages')}
          page={projects.data.page}
          perPage={projects.data.perPage}
          total={projects.data.total}
          onPage={setPage}
        />
      )}
      {selected && <Members key={selected} project={selected} isAdmin={isAdmin} />}
      {creating && (
        <Dialog title={t('projects.newTitle')} onClose={() => setCreating(false)}>
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault()
              if (name.trim()) create.mutate()
            }}
          >
            <Field label={t('common.name')} htmlFor="p-name" hint={t('projects.nameHint')}>
              <input id="p-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            </Field>
            <Field label={t('common.description')} htmlFor="p-desc">
              <input id="p-desc" value={description} onChange={(e) => setDescription(e.target.value)} />
            </Field>
            <div className="row" style={{ justifyContent: 'flex-end' }}>
              <button type="button" className="button" onClick={() => setCreating(false)}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="button button-primary" disabled={!name.trim() || create.isPending}>
                {t('common.create')}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </div>
  )
}
