import { memo, useEffect, useState } from 'react'
import { CopyButton } from '../../components/ui'
import i18n from '../../i18n'

type Highlighter = (code: string, language: string | undefined) => string | null
let highlighter: Promise<Highlighter> | null = null
const loadHighlighter = () => (highlighter ??= import('./highlight').then((m) => m.highlight))

/** A fenced code block: shown at once as plain text, then highlighted when highlight.js has loaded. */
export const CodeBlock = memo(function CodeBlock({ code, language }: { code: string; language?: string }) {
  const [html, setHtml] = useState<string | null>(null)

  useEffect(() => {
    let alive = true
    loadHighlighter()
      .then((h) => {
        if (alive) setHtml(h(code, language))
      })
      .catch(() => undefined)
    return () => {
      alive = false
    }
  }, [code, language])

  return (
    <div className="code-block" data-testid="code-block">
      <pre>
        {html != null ? (
          // highlight.js escapes the source; only its own token spans are markup.
          <code className={`hljs language-${language ?? 'auto'}`} dangerouslySetInnerHTML={{ __html: html }} />
        ) : (
          <code className={language ? `language-${language}` : undefined}>{code}</code>
        )}
      </pre>
      <span className="code-copy">
        <CopyButton text={code} label={i18n.t('common.copyCode')} />
      </span>
    </div>
  )
})
