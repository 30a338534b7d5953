import { forwardRef, useImperativeHandle, useMemo, useRef, useState } from 'react'
import type { EditorProblem } from './yamlModel'
import i18n from '../../i18n'

// Fixed metrics so a line number maps to a pixel row (the textarea does not wrap lines).
const LINE_PX = 20
const PAD_PX = 8

export interface YamlEditorHandle {
  /** Puts the caret at the start of a 1-based line and scrolls it into view. */
  goToLine: (line: number) => void
}

interface Props {
  id: string
  value: string
  onChange: (value: string) => void
  problems: EditorProblem[]
  readOnly?: boolean
  label: string
  describedBy?: string
}

/**
 * A plain textarea with line numbers and each problem written next to its line (a light editor:
 * no library, nothing to download). Problems are also listed under the editor for screen readers,
 * each a button that moves the caret to its line.
 */
export const YamlEditor = forwardRef<YamlEditorHandle, Props>(function YamlEditor(
  { id, value, onChange, problems, readOnly, label, describedBy },
  ref,
) {
  const area = useRef<HTMLTextAreaElement>(null)
  const [scroll, setScroll] = useState({ top: 0, left: 0 })
  const lineCount = useMemo(() => value.split('\n').length, [value])
  const byLine = useMemo(() => {
    const map = new Map<number, EditorProblem[]>()
    for (const p of problems) {
      if (p.line == null) continue
      const line = Math.min(Math.max(1, p.line), lineCount)
      map.set(line, [...(map.get(line) ?? []), p])
    }
    return map
  }, [problems, lineCount])
  const unplaced = problems.filter((p) => p.line == null)

  const goToLine = (line: number) => {
    const el = area.current
    if (!el) return
    const lines = el.value.split('\n')
    const target = Math.min(Math.max(1, line), lines.length)
    const offset = lines.slice(0, target - 1).reduce((n, l) => n + l.length + 1, 0)
    el.focus()
    el.setSelectionRange(offset, offset)
    el.scrollTop = Math.max(0, (target - 3) * LINE_PX)
  }
  useImperativeHandle(ref, () => ({ goToLine }))

  const height = Math.min(Math.max(lineCount, 12), 32) * LINE_PX + PAD_PX * 2 + 16
  const listId = `${id}-problems`
  return (
    <div className="yaml-editor-wrap">
      <div
        className={`yaml-editor${problems.length ? ' has-problems' : ''}`}
        style={{ height }}
        data-testid="yaml-editor"
      >
        <div className="yaml-gutter" aria-hidden="true">
          <div style={{ transform: `translateY(${-scroll.top}px)` }}>
            {Array.from({ length: lineCount }, (_, i) => (
              <div
                key={i}
                className={`yaml-gutter-line${byLine.has(i + 1) ? ' error' : ''}`}
                data-testid={byLine.has(i + 1) ? 'yaml-error-line' : undefined}
                data-line={i + 1}
              >
                {i + 1}
              </div>
            ))}
          </div>
        </div>
        <div className="yaml-code">
          <div className="yaml-layer" aria-hidden="true" style={{ transform: `translateY(${-scroll.top}px)` }}>
            {[...byLine.keys()].map((line) => (
              <div key={line} className="yaml-line-band" style={{ top: PAD_PX + (line - 1) * LINE_PX }} />
            ))}
          </div>
          <textarea
            ref={area}
            id={id}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, left: e.currentTarget.scrollLeft })}
            onKeyDown={(e) => {
              // Tab indents by two spaces (YAML has no tabs); Escape then Tab leaves the editor as usual.
              if (
                e.key === 'Tab' &&
                !e.shiftKey &&
                !readOnly &&
                !e.nativeEvent.isComposing &&
                area.current?.dataset.escaped !== '1'
              ) {
                e.preventDefault()
                const el = e.currentTarget
                const { selectionStart: s, selectionEnd: t } = el
                const next = `${el.value.slice(0, s)}  ${el.value.slice(t)}`
                onChange(next)
                requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2))
              }
              if (area.current) area.current.dataset.escaped = e.key === 'Escape' ? '1' : '0'
            }}
            readOnly={readOnly}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            wrap="off"
            aria-label={label}
            aria-invalid={problems.length > 0 || undefined}
            aria-describedby={[describedBy, problems.length ? listId : null].filter(Boolean).join(' ') || undefined}
            data-testid="workflow-yaml"
            style={{ lineHeight: `${LINE_PX}px`, padding: `${PAD_PX}px` }}
          />
          <div
            className="yaml-layer yaml-layer-top"
            aria-hidden="true"
            style={{ transform: `translateY(${-scroll.top}px)` }}
          >
            {[...byLine.entries()].map(([line, list]) => (
              <div
                key={line}
                className={`yaml-inline-error yaml-inline-${list[0].source}`}
                style={{ top: PAD_PX + (line - 1) * LINE_PX }}
                data-testid="yaml-inline-error"
                data-line={line}
                title={list.map((p) => p.message).join('\n')}
              >
                {list[0].message}
                {list.length > 1 ? ` (+${list.length - 1} more)` : ''}
              </div>
            ))}
          </div>
        </div>
      </div>
      {problems.length > 0 && (
        <ul
          className="yaml-problems"
          id={listId}
          role="alert"
          aria-label={i18n.t('yamlHistory.problems')}
          data-testid="yaml-problems"
        >
          {[...byLine.entries()].flatMap(([line, list]) =>
            list.map((p, i) => (
              <li key={`${line}-${i}`}>
                <button type="button" className="button-link" onClick={() => goToLine(line)}>
                  Line {line}
                </button>{' '}
                {p.message}
              </li>
            )),
          )}
          {unplaced.map((p, i) => (
            <li key={`u-${i}`}>{p.message}</li>
          ))}
        </ul>
      )}
    </div>
  )
})
