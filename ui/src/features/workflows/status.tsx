import type { ExecutionStatus } from '../../api/types'
import { formatDateTime } from '../../i18n/format'
import { useTranslation } from 'react-i18next'

export const ACTIVE: ExecutionStatus[] = ['In Progress', 'Not Started']

/** Whether a run may still change on its own (so the view keeps polling). */
export const isActive = (s: ExecutionStatus | undefined) => !s || ACTIVE.includes(s)

export function StatusBadge({ status, testId }: { status: ExecutionStatus | string | undefined; testId?: string }) {
  const { t } = useTranslation()
  const text = status ?? 'Unknown'
  return (
    <span className="badge status-badge" data-status={text} data-testid={testId}>
      {text === 'Interrupted' ? t('workflows.waitingForApproval') : text === 'Unknown' ? t('workflows.unknown') : text}
    </span>
  )
}

export function when(iso: string | null | undefined): string {
  return formatDateTime(iso)
}
