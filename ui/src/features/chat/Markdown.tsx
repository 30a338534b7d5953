import { memo, type ReactNode } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { CodeBlock } from './CodeBlock'
import { MermaidDiagram } from './MermaidDiagram'

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node)
  if (Array.isArray(node)) return node.map(textOf).join('')
  return ''
}

function makeComponents(streaming: boolean): Components {
  return {
    // Block code arrives as <pre><code class="language-x">; we render the whole block ourselves.
    pre: ({ children }) => <>{children}</>,
    code: ({ className, children }) => {
      const lang = /language-([\w+-]+)/.exec(className ?? '')?.[1]
      const code = textOf(children).replace(/\n$/, '')
      const isBlock = Boolean(lang) || code.includes('\n')
      if (!isBlock) return <code>{children}</code>
      if (lang === 'mermaid') {
        // An unfinished diagram cannot be drawn: show its source until the answer is complete.
        return streaming ? <CodeBlock code={code} language="mermaid" /> : <MermaidDiagram code={code} />
      }
      return <CodeBlock code={code} language={lang} />
    },
    a: ({ href, children }) => (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ),
  }
}

const finished = makeComponents(false)
const live = makeComponents(true)

/** Markdown with GitHub extensions; raw HTML in the text is not rendered. */
export const Markdown = memo(function Markdown({ text, streaming = false }: { text: string; streaming?: boolean }) {
  return (
    <div className={`markdown${streaming ? ' cursor' : ''}`}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={streaming ? live : finished}>
        {text}
      </ReactMarkdown>
    </div>
  )
})
