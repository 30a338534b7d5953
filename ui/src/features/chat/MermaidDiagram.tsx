import { memo, useEffect, useId, useState } from 'react'
import { currentTheme } from '../../lib/theme'
import { CodeBlock } from './CodeBlock'

type MermaidApi = typeof import('mermaid').default
let mermaidPromise: Promise<MermaidApi> | null = null
let configuredTheme: string | null = null

/** mermaid is large: it is imported the first time a diagram is shown, never before. */
function loadMermaid(): Promise<MermaidApi> {
  mermaidPromise ??= import('mermaid').then((m) => m.default)
  return mermaidPromise
}

let counter = 0

export const MermaidDiagram = memo(function MermaidDiagram({ code }: { code: string }) {
  const reactId = useId()
  const [svg, setSvg] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [theme, setTheme] = useState(currentTheme())

  useEffect(() => {
    const onTheme = () => setTheme(currentTheme())
    window.addEventListener('codemill-theme', onTheme)
    return () => window.removeEventListener('codemill-theme', onTheme)
  }, [])

  useEffect(() => {
    let alive = true
    loadMermaid()
      .then(async (mermaid) => {
        const mTheme = theme === 'dark' ? 'dark' : 'default'
        if (configuredTheme !== mTheme) {
          mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: mTheme })
          configuredTheme = mTheme
        }
        const id = `mermaid-${reactId.replace(/[^a-zA-Z0-9]/g, '')}-${++counter}`
        const out = await mermaid.render(id, code)
        if (alive) {
          setSvg(out.svg)
          setError(null)
        }
      })
      .catch((e: unknown) => {
        if (alive) setError(e instanceof Error ? e.message : String(e))
      })
    return () => {
      alive = false
    }
  }, [code, theme, reactId])

  if (error) {
    return (
      <div>
        <p className="muted small">This diagram could not be drawn ({error.split('\n')[0]}). Its source:</p>
        <CodeBlock code={code} language="mermaid" />
      </div>
    )
  }
  if (!svg)
    return (
      <div className="mermaid-diagram muted" data-testid="mermaid-loading">
        Drawing diagram…
      </div>
    )
  // securityLevel "strict" makes mermaid sanitize the SVG it returns.
  return <div className="mermaid-diagram" data-testid="mermaid-diagram" dangerouslySetInnerHTML={{ __html: svg }} />
})
