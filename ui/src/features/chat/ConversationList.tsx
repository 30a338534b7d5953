import { useMemo, useState } from 'react'
import { Link } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { conversationsApi } from '../../api/conversations'
import { describeError } from '../../api/errors'
import type { ConversationSummary } from '../../api/types'
import { ConfirmDialog, Dialog } from '../../components/Dialog'
import { ErrorBox, Spinner } from '../../components/ui'
import { useToast } from '../../components/Toasts'
import i18n from '../../i18n'
import { useTranslation } from 'react-i18next'

interface Props {
  activeId?: string
  onNewChat: () => void
  onDeleted: (id: string) => void
  /** On phones and tablets the list is a drawer: shown only when open. */
  open?: boolean
}

type Editing =
  | { kind: 'rename'; conv: ConversationSummary }
  | { kind: 'move'; conv: ConversationSummary }
  | { kind: 'delete'; conv: ConversationSummary }
  | { kind: 'new-folder' }
  | { kind: 'rename-folder'; folder: string }
  | { kind: 'delete-folder'; folder: string }

/** A title as plain text: a name taken from a first message may hold markdown (`# Heading`, **bold**, links). */
export function plainTitle(name: string | null | undefined): string {
  const text = (name ?? '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/(\*\*|__|~~|\*|_|`+)(?=\S)([^]*?\S)\1/g, '$2')
    .replace(/`+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return text || i18n.t('conversations.newChatTitle')
}

export function groupByFolder(list: ConversationSummary[], search: string): [string, ConversationSummary[]][] {
  const q = search.trim().toLowerCase()
  const shown = q ? list.filter((c) => plainTitle(c.name).toLowerCase().includes(q)) : list
  const groups = new Map<string, ConversationSummary[]>()
  for (const c of shown) {
    const key = c.folder || ''
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  return [...groups.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
}

export function ConversationList({ activeId, onNewChat, onDeleted, open: drawerOpen = false }: Props) {
  const queryClient = useQueryClient()
  const toast = useToast()
  const { t } = useTranslation()
  const [search, setSearch] = useState('')
  const [editing, setEditing] = useState<Editing | null>(null)
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const toggle = (folder: string) =>
    setCollapsed((now) => {
      const next = new Set(now)
      if (!next.delete(folder)) next.add(folder)
      return next
    })
  const [value, setValue] = useState('')
  const conversations = useQuery({ queryKey: ['conversations'], queryFn: conversationsApi.list })
  const folders = useQuery({ queryKey: ['conversation-folders'], queryFn: conversationsApi.folders })

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['conversations'] })
    void queryClient.invalidateQueries({ queryKey: ['conversation-folders'] })
  }

  const action = useMutation({
    mutationFn: async (e: Editing) => {
      switch (e.kind) {
        case 'rename':
          return conversationsApi.update(e.conv.id, { name: value.trim() })
        case 'move':
          return conversationsApi.update(e.conv.id, { folder: value || null })
        case 'delete':
          return conversationsApi.remove(e.conv.id)
        case 'new-folder':
          return conversationsApi.createFolder(value.trim())
        case 'rename-folder':
          return conversationsApi.renameFolder(e.folder, value.trim())
        case 'delete-folder':
          return conversationsApi.deleteFolder(e.folder)
      }
    },
    onSuccess: (_d, e) => {
      if (e.kind === 'delete') {
        toast.info(t('conversations.deleted'))
        onDeleted(e.conv.id)
      }
      setEditing(null)
      refresh()
    },
    onError: (err) => toast.error(describeError(err)),
  })

  const folderNames = useMemo(() => {
    const names = new Set<string>((folders.data ?? []).map((f) => f.folder_name).filter(Boolean))
    for (const c of conversations.data ?? []) if (c.folder) names.add(c.folder)
    return [...names].sort()
  }, [folders.data, conversations.data])

  const groups = useMemo(() => {
    const g = groupByFolder(conversations.data ?? [], search)
    // Empty folders still show, so a new folder is visible before anything is moved in.
    if (!search) for (const f of folderNames) if (!g.some(([k]) => k === f)) g.unshift([f, []])
    return g
  }, [conversations.data, search, folderNames])

  const open = (e: Editing, initial = '') => {
    setValue(initial)
    setEditing(e)
  }

  return (
    <aside
      className={`conv-panel${drawerOpen ? ' open' : ''}`}
      id="conv-panel"
      aria-label={t('conversations.label')}
      data-testid="conversation-list"
    >
      <div className="conv-panel-header">
        <button
          type="button"
          className="button button-primary"
          onClick={onNewChat}
          aria-keyshortcuts="Control+Shift+O Meta+Shift+O"
          data-testid="new-chat"
        >
          {t('conversations.newChat')}
        </button>
        <input
          type="search"
          id="conversation-search"
          placeholder={t('conversations.search')}
          aria-label={t('conversations.search')}
          aria-keyshortcuts="Control+K Meta+K"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="conversation-search"
        />
        <button type="button" className="button button-small" onClick={() => open({ kind: 'new-folder' })}>
          {t('conversations.newFolderButton')}
        </button>
      </div>
      <div className="conv-list">
        {conversations.isLoading && <Spinner />}
        <ErrorBox error={conversations.error} onRetry={() => void conversations.refetch()} />
        {conversations.data && conversations.data.length === 0 && (
          <p className="muted small">{t('conversations.none')}</p>
        )}
        {search && groups.length === 0 && <p className="muted small">{t('conversations.noMatch', { search })}</p>}
        {groups.map(([folder, items]) => (
          <section
            key={folder || '__none'}
            className="conv-folder"
            aria-label={folder ? t('conversations.folder', { folder }) : t('conversations.notInFolder')}
          >
            {folder ? (
              <div className="conv-folder-name">
                <button
                  type="button"
                  className="folder-toggle"
                  aria-expanded={!collapsed.has(folder)}
                  onClick={() => toggle(folder)}
                  data-testid="folder-toggle"
                >
                  <span className="folder-arrow" aria-hidden="true">
                    ▸
                  </span>{' '}
                  {folder}
                </button>
                <span>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('conversations.renameFolderNamed', { folder })}
                    onClick={() => open({ kind: 'rename-folder', folder }, folder)}
                  >
                    ✎
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('conversations.deleteFolderNamed', { folder })}
                    onClick={() => open({ kind: 'delete-folder', folder })}
                  >
                    ✕
                  </button>
                </span>
              </div>
            ) : (
              groups.length > 1 && (
                <div className="conv-folder-name" data-testid="no-folder-label">
                  <span>{t('conversations.notInFolder')}</span>
                </div>
              )
            )}
            {folder && collapsed.has(folder) ? null : (
              <>
                {folder && items.length === 0 && <p className="muted small">{t('conversations.emptyFolder')}</p>}
                <ul className="list" style={{ gap: 0 }}>
                  {items.map((c) => (
                    <li key={c.id} className={`conv-item${c.id === activeId ? ' active' : ''}`}>
                      <Link
                        className="conv-link"
                        to={`/chat/${c.id}`}
                        aria-current={c.id === activeId ? 'page' : undefined}
                        title={plainTitle(c.name)}
                      >
                        {plainTitle(c.name)}
                      </Link>
                      <span className="conv-actions">
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={t('conversations.renameNamed', { name: plainTitle(c.name) })}
                          onClick={() => open({ kind: 'rename', conv: c }, c.name)}
                        >
                          ✎
                        </button>
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={t('conversations.moveNamed', { name: plainTitle(c.name) })}
                          onClick={() => open({ kind: 'move', conv: c }, c.folder ?? '')}
                        >
                          ⇄
                        </button>
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={t('conversations.deleteNamed', { name: plainTitle(c.name) })}
                          onClick={() => open({ kind: 'delete', conv: c })}
                        >
                          ✕
                        </button>
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        ))}
      </div>

      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('conversations.deleteTitle')}
          message={t('conversations.deleteMessage', { name: plainTitle(editing.conv.name) })}
          confirmLabel={t('common.delete')}
          danger
          busy={action.isPending}
          onConfirm={() => action.mutate(editing)}
          onCancel={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'delete-folder' && (
        <ConfirmDialog
          title={t('conversations.deleteFolderTitle')}
          message={t('conversations.deleteFolderMessage', { folder: editing.folder })}
          confirmLabel={t('conversations.deleteFolder')}
          danger
          busy={action.isPending}
          onConfirm={() => action.mutate(editing)}
          onCancel={() => setEditing(null)}
        />
      )}
      {editing && (editing.kind === 'rename' || editing.kind === 'new-folder' || editing.kind === 'rename-folder') && (
        <Dialog
          title={
            editing.kind === 'rename'
              ? t('conversations.renameTitle')
              : editing.kind === 'new-folder'
                ? t('conversations.newFolder')
                : t('conversations.renameFolder')
          }
          onClose={() => setEditing(null)}
        >
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault()
              if (value.trim()) action.mutate(editing)
            }}
          >
            <div className="field">
              <label htmlFor="edit-name">{t('common.name')}</label>
              <input
                id="edit-name"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                maxLength={200}
                autoFocus
                data-testid="rename-input"
              />
            </div>
            <div className="row" style={{ justifyContent: 'flex-end' }}>
              <button type="button" className="button" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </button>
              <button
                type="submit"
                className="button button-primary"
                disabled={!value.trim() || action.isPending}
                data-testid="rename-save"
              >
                {t('common.save')}
              </button>
            </div>
          </form>
        </Dialog>
      )}
      {editing?.kind === 'move' && (
        <Dialog title={t('conversations.moveTitle')} onClose={() => setEditing(null)}>
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault()
              action.mutate(editing)
            }}
          >
            <div className="field">
              <label htmlFor="move-folder">{t('conversations.folderLabel')}</label>
              <select id="move-folder" value={value} onChange={(e) => setValue(e.target.value)}>
                <option value="">{t('conversations.noFolder')}</option>
                {folderNames.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
              {folderNames.length === 0 && <small className="hint">{t('conversations.noFolders')}</small>}
            </div>
            <div className="row" style={{ justifyContent: 'flex-end' }}>
              <button type="button" className="button" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="button button-primary" disabled={action.isPending}>
                {t('conversations.move')}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </aside>
  )
}
