import { useEffect, useRef } from 'react'
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js'

// Only the parts these charts use: Chart.js is tree-shaken to bars and lines.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Filler,
)

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim()
  return value || fallback
}

export interface ChartProps {
  type: 'bar' | 'line'
  labels: string[]
  values: number[]
  /** What the chart shows, for screen readers (the table beside it has the figures). */
  label: string
  format: (value: number) => string
  horizontal?: boolean
  testId?: string
}

/** One series as bars or a line, in the theme's colours; redrawn when its data changes. */
export function UsageChart({ type, labels, values, label, format, horizontal, testId }: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    if (!canvas.current) return
    const primary = cssVar('--primary', '#2563eb')
    const muted = cssVar('--muted', '#6b7280')
    const border = cssVar('--border', '#e5e7eb')
    const chart = new Chart(canvas.current, {
      type,
      data: {
        labels,
        datasets: [
          {
            label,
            data: values,
            backgroundColor: type === 'bar' ? primary : `${primary}33`,
            borderColor: primary,
            fill: type === 'line',
            tension: 0.25,
            pointRadius: values.length > 40 ? 0 : 2,
          },
        ],
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { callbacks: { label: (item) => format(Number(item.raw)) } } },
        scales: {
          x: { ticks: { color: muted, maxRotation: 0, autoSkip: true }, grid: { color: border } },
          y: { ticks: { color: muted }, grid: { color: border }, beginAtZero: true },
        },
      },
    })
    return () => chart.destroy()
  }, [type, labels, values, label, format, horizontal])
  return (
    <div className="chart-box" data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  )
}
