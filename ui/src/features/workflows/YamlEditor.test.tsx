import { describe, expect, it } from 'vitest'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { YamlEditor } from './YamlEditor'
import type { EditorProblem } from './yamlModel'

function Harness({ problems = [] }: { problems?: EditorProblem[] }) {
  const [value, setValue] = useState('states:\n- id: a\n')
  return (
    <>
      <YamlEditor id="y" label="Workflow YAML" value={value} onChange={setValue} problems={problems} />
      <button type="button">after</button>
    </>
  )
}

describe('YAML editor', () => {
  it('indents with Tab, and Escape then Tab leaves it (no keyboard trap)', async () => {
    render(<Harness />)
    const area = screen.getByRole('textbox', { name: 'Workflow YAML' }) as HTMLTextAreaElement
    const user = userEvent.setup()
    await user.click(area)
    area.setSelectionRange(8, 8)
    await user.keyboard('{Tab}')
    expect(area.value).toBe('states:\n  - id: a\n')
    expect(area).toHaveFocus()
    await user.keyboard('{Escape}{Tab}')
    expect(screen.getByRole('button', { name: 'after' })).toHaveFocus()
  })

  it('numbers lines, writes problems on their line and lists them with a way to reach the line', async () => {
    render(
      <Harness
        problems={[
          { line: 2, message: "'a' state: 'next' is required", source: 'server' },
          { line: null, message: 'General problem', source: 'server' },
        ]}
      />,
    )
    expect(screen.getByTestId('yaml-inline-error')).toHaveAttribute('data-line', '2')
    expect(screen.getByTestId('yaml-inline-error').style.top).toBe('28px')
    expect(screen.getByTestId('yaml-error-line')).toHaveTextContent('2')
    const list = screen.getByRole('alert', { name: 'Problems in the YAML' })
    expect(list).toHaveTextContent('General problem')
    const area = screen.getByRole('textbox', { name: 'Workflow YAML' }) as HTMLTextAreaElement
    expect(area).toHaveAttribute('aria-invalid', 'true')
    expect(area.getAttribute('aria-describedby')).toContain('y-problems')
    await userEvent.setup().click(screen.getByRole('button', { name: 'Line 2' }))
    expect(area).toHaveFocus()
    expect(area.selectionStart).toBe(8)
  })
})
