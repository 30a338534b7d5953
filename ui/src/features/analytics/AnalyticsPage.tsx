import { useMemo, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { useAuth } from '../../auth/AuthContext'
import { adminProjects, userIsAdmin } from '../../api/auth'
import {
  analyticsApi,
  BREAKDOWNS,
  PERIODS,
  type Breakdown,
  type Column,
  type Period,
  type Row,
  type TimelinePoint,
} from '../../api/analytics'
import { ErrorBox, PageHeader, Spinner } from '../../components/ui'
import { UsageChart } from './Chart'
import { formatDate, formatDateTime, formatNumber, formatTime } from '../../i18n/format'
import { useTranslation } from 'react-i18next'

const money = {
  format: (value: number) => formatNumber(value, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 }),
}
const count = { format: (value: number) => formatNumber(value) }
const formatMoney = (value: number) => money.format(value)
const MEASURES = [
  { id: 'cost', label: 'Cost', format: formatMoney },
  { id: 'tokens', label: 'Tokens', format: (value: number) => count.format(value) },
  { id: 'calls', label: 'Model calls', format: (value: number) => count.format(value) },
] as const
type Measure = (typeof MEASURES)[number]

function measureOf(measure: Measure, row: Row | TimelinePoint): number {
  const r = row as Record<string, unknown>
  if (measure.id === 'cost') return Number(r.total_cost_usd ?? 0)
  if (measure.id === 'tokens')
    return Number(r.input_tokens ?? 0) + Number(r.output_tokens ?? 0) || Number(r.total_tokens ?? 0)
  return Number(r.total_requests ?? r.total_invocations ?? 0)
}
const SUMMARY_CARDS = [
  'total_money_spent',
  'total_tokens',
  'total_requests',
  'total_errors',
  'unique_active_users',
  'unique_assistants_invoked',
]

function cell(column: Column, value: Row[string]): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'number') return column.format === 'currency' ? money.format(value) : count.format(value)
  if (column.format === 'timestamp') return formatDateTime(value)
  return String(value)
}

function bucketLabel(bucket: string, grain: 'hour' | 'day'): string {
  const when = new Date(bucket)
  return grain === 'hour'
    ? formatTime(when, { hour: '2-digit', minute: '2-digit' })
    : formatDate(when, { month: 'short', day: 'numeric' })
}

/** Spending and usage: everyone sees their own; project admins their projects; platform admins everything. */
export default function AnalyticsPage() {
  const { me } = useAuth()
  const wide = userIsAdmin(me) || adminProjects(me).length > 0
  const { t } = useTranslation()
  const measureLabel = (id: Measure['id']) =>
    id === 'cost' ? t('analytics.cost') : id === 'tokens' ? t('analytics.tokens') : t('analytics.calls')
  const periodLabel: Record<Period, string> = {
    last_24_hours: t('analytics.last24Hours'),
    last_7_days: t('analytics.last7Days'),
    last_30_days: t('analytics.last30Days'),
    last_90_days: t('analytics.last90Days'),
  }
  const breakdownLabel: Record<string, string> = {
    projects: t('analytics.byProject'),
    users: t('analytics.byUser'),
    models: t('analytics.byModel'),
    assistants: t('analytics.byAssistant'),
  }
  const grainLabel = (grain: string) => (grain === 'hour' ? t('analytics.hour') : t('analytics.day'))
  const [period, setPeriod] = useState<Period>('last_30_days')
  const [measure, setMeasure] = useState<Measure>(MEASURES[0])
  const [breakdown, setBreakdown] = useState<Breakdown>(wide ? BREAKDOWNS[0] : BREAKDOWNS[2])
  const summary = useQuery({
    queryKey: ['analytics', 'summaries', period],
    queryFn: () => analyticsApi.summaries(period),
  })
  const timeline = useQuery({
    queryKey: ['analytics', 'timeline', period],
    queryFn: () => analyticsApi.timeline(period),
  })
  const report = useQuery({
    queryKey: ['analytics', breakdown.report, period],
    queryFn: () => analyticsApi.report(breakdown.report, period),
  })

  const trend = useMemo(() => {
    const data = timeline.data?.data
    if (!data) return null
    return {
      labels: data.points.map((p) => bucketLabel(p.bucket, data.grain)),
      values: data.points.map((p) => measureOf(measure, p)),
      grain: data.grain,
    }
  }, [timeline.data, measure])
  const top = useMemo(() => {
    const rows = report.data?.data.rows ?? []
    const ten = rows.slice(0, 10)
    return {
      labels: ten.map((r) => String(r[breakdown.name] ?? '—')),
      values: ten.map((r) => measureOf(measure, r)),
    }
  }, [report.data, breakdown, measure])

  const metrics = new Map((summary.data?.data.metrics ?? []).map((m) => [m.id, m]))
  return (
    <div className="page" data-testid="analytics-page">
      <PageHeader
        title={wide ? t('nav.analytics') : t('nav.mySpending')}
        subtitle={wide ? t('analytics.subtitleWide') : t('analytics.subtitleOwn')}
        actions={
          <div className="page-actions">
            <label className="inline-field">
              <span>{t('analytics.show')}</span>
              <select
                value={measure.id}
                onChange={(e) => setMeasure(MEASURES.find((m) => m.id === e.target.value) ?? MEASURES[0])}
                data-testid="analytics-measure"
              >
                {MEASURES.map((m) => (
                  <option key={m.id} value={m.id}>
                    {measureLabel(m.id)}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-field">
              <span>{t('analytics.period')}</span>
              <select
                value={period}
                onChange={(e) => setPeriod(e.target.value as Period)}
                data-testid="analytics-period"
              >
                {PERIODS.map((p) => (
                  <option key={p.id} value={p.id}>
                    {periodLabel[p.id] ?? p.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
        }
      />
      {summary.isError ? (
        <ErrorBox error={summary.error} onRetry={() => void summary.refetch()} />
      ) : summary.isPending ? (
        <Spinner />
      ) : (
        <div className="stat-grid" data-testid="analytics-summary">
          {SUMMARY_CARDS.filter((id) => metrics.has(id)).map((id) => {
            const metric = metrics.get(id)!
            const value = Number(metric.value ?? 0)
            return (
              <div className="card stat" key={id} data-testid={`metric-${id}`}>
                <div className="stat-label">{metric.label}</div>
                <div className="stat-value">
                  {metric.format === 'currency' ? money.format(value) : count.format(value)}
                </div>
              </div>
            )
          })}
        </div>
      )}
      <section className="card" aria-labelledby="trend-title">
        <h2 id="trend-title" className="section-title">
          {t('analytics.per', { measure: measureLabel(measure.id), grain: grainLabel(trend?.grain ?? 'day') })}
        </h2>
        {timeline.isError ? (
          <ErrorBox error={timeline.error} onRetry={() => void timeline.refetch()} />
        ) : trend ? (
          <UsageChart
            type="line"
            labels={trend.labels}
            values={trend.values}
            label={t('analytics.per', { measure: measureLabel(measure.id), grain: grainLabel(trend.grain) })}
            format={measure.format}
            testId="analytics-trend"
          />
        ) : (
          <Spinner />
        )}
      </section>
      <section className="card" aria-labelledby="breakdown-title">
        <h2 id="breakdown-title" className="section-title">
          {t('analytics.breakdown')}
        </h2>
        <div className="tabs" role="tablist" aria-label={t('analytics.breakdown')}>
          {BREAKDOWNS.map((b) => (
            <button
              key={b.id}
              type="button"
              role="tab"
              className="tab"
              aria-selected={b.id === breakdown.id}
              onClick={() => setBreakdown(b)}
              data-testid={`breakdown-${b.id}`}
            >
              {breakdownLabel[b.id] ?? b.label}
            </button>
          ))}
        </div>
        {report.isError ? (
          <ErrorBox error={report.error} onRetry={() => void report.refetch()} />
        ) : report.isPending ? (
          <Spinner />
        ) : report.data.data.rows.length === 0 ? (
          <p className="muted" data-testid="breakdown-empty">
            {t('analytics.noUsage')}
          </p>
        ) : (
          <>
            <UsageChart
              type="bar"
              horizontal
              labels={top.labels}
              values={top.values}
              label={`${measureLabel(measure.id)}, ${(breakdownLabel[breakdown.id] ?? breakdown.label).toLowerCase()}`}
              format={measure.format}
              testId="analytics-breakdown-chart"
            />
            <div className="table-wrap">
              <table className="table" data-testid="breakdown-table">
                <thead>
                  <tr>
                    {report.data.data.columns.map((c) => (
                      <th key={c.id} scope="col">
                        {c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {report.data.data.rows.map((row, i) => (
                    <tr key={i}>
                      {report.data.data.columns.map((c) => (
                        <td key={c.id}>{cell(c, row[c.id])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </div>
  )
}
