import { api } from './client'

/** The periods the analytics API accepts (`time_period`). */
export const PERIODS = [
  { id: 'last_24_hours', label: 'Last 24 hours' },
  { id: 'last_7_days', label: 'Last 7 days' },
  { id: 'last_30_days', label: 'Last 30 days' },
  { id: 'last_90_days', label: 'Last 90 days' },
] as const
export type Period = (typeof PERIODS)[number]['id']

export interface Metric {
  id: string
  label: string
  value: number | string | null
  format?: string | null
}

export interface Column {
  id: string
  label: string
  type: string
  format?: string | null
}

export type Row = Record<string, string | number | null>

export interface Tabular {
  data: { columns: Column[]; rows: Row[] }
  pagination?: { total_count: number } | null
}

export interface TimelinePoint {
  bucket: string
  total_cost_usd: number
  input_tokens: number
  output_tokens: number
  total_requests: number
  error_count: number
}

/** A breakdown the page offers: which report, which column names a row, which one is charted. */
export const BREAKDOWNS = [
  { id: 'projects', label: 'By project', report: 'projects-spending', name: 'project_name' },
  { id: 'users', label: 'By user', report: 'users-spending', name: 'user_email' },
  { id: 'models', label: 'By model', report: 'llms-usage', name: 'model_name' },
  { id: 'assistants', label: 'By assistant', report: 'assistants-chats', name: 'assistant_name' },
] as const
export type Breakdown = (typeof BREAKDOWNS)[number]

const opts = { unwrap: false }

export const analyticsApi = {
  summaries: (period: Period) =>
    api.get<{ data: { metrics: Metric[] } }>('/v1/analytics/summaries', { time_period: period }, opts),
  timeline: (period: Period) =>
    api.get<{ data: { grain: 'hour' | 'day'; points: TimelinePoint[] } }>(
      '/v1/analytics/usage-over-time',
      { time_period: period },
      opts,
    ),
  report: (report: string, period: Period) =>
    api.get<Tabular>(`/v1/analytics/${report}`, { time_period: period, per_page: 50 }, opts),
}
