import type { ExecutionStatus } from '../../api/types'

export const ACTIVE: ExecutionStatus[] = ['In Progress', 'Not Started']

/** Whether a run may still change on its own (so the view keeps polling). */
export const isActive = (s: ExecutionStatus | undefined) => !s || ACTIVE.includes(s)

export function StatusBadge({ status, testId }: { status: ExecutionStatus | string | undefined; testId?: string }) {
  const text = status ?? 'Unknown'
  return (
    <span className="badge status-badge" data-status={text} data-testid={testId}>
      {text === 'Interrupted' ? 'Waiting for approval' : text}
    </span>
  )
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}
