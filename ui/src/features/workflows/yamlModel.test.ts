import { describe, expect, it } from 'vitest'
import { ApiError } from '../../api/errors'
import { lineOfId, parseWorkflowYaml, serverProblems, validationProblems } from './yamlModel'

const YAML = `assistants:
  - id: writer
    system_prompt: Write.
states:
  - id: draft
    assistant_id: writer
    next:
      state_id: review
`

describe('workflow YAML on the client', () => {
  it('parses a workflow and reports a syntax error at its line', () => {
    expect(parseWorkflowYaml(YAML).value?.states).toHaveLength(1)
    const bad = parseWorkflowYaml('states:\n  - id: a\n    next: {state_id: end\n  - id: b\n')
    expect(bad.value).toBeNull()
    expect(bad.problems[0].source).toBe('syntax')
    expect(bad.problems[0].line).toBeGreaterThanOrEqual(3)
    expect(parseWorkflowYaml('- just\n- a list\n').problems[0].message).toMatch(/mapping/)
  })

  it('finds the line of a state id', () => {
    expect(lineOfId(YAML, 'draft')).toBe(5)
    expect(lineOfId(YAML, 'writer')).toBe(2)
    expect(lineOfId(YAML, 'nowhere')).toBeNull()
  })

  it('places structured server errors at their line, naming where', () => {
    const details = JSON.stringify({
      error_type: 'cross_reference_validation',
      errors: [{ message: "'next' references undefined 'review' state", line: 7, where: "'draft' state" }],
    })
    const problems = serverProblems(new ApiError(400, 'Invalid YAML config was provided:', { details }), YAML)
    expect(problems).toEqual([
      { line: 7, message: "In 'draft' state: 'next' references undefined 'review' state", source: 'server' },
    ])
  })

  it('takes CodeMie-style config_line, else a state id, else "line N" in the text', () => {
    const cfg = JSON.stringify({
      errors: [
        { message: 'Validation error', details: 'bad', config_line: 3 },
        { message: 'Unknown', state_id: 'draft' },
      ],
    })
    expect(serverProblems(new ApiError(400, 'x', { details: cfg }), YAML).map((p) => p.line)).toEqual([3, 5])
    const plain = new ApiError(
      400,
      "Invalid YAML config was provided: 1) In 'draft' state (line 6): 'assistant_id' key references undefined 'nobody' assistant",
    )
    expect(serverProblems(plain, YAML)[0].line).toBe(6)
    expect(serverProblems(new ApiError(500, 'boom'), YAML)).toEqual([])
    expect(serverProblems(new TypeError('offline'), YAML)).toEqual([])
  })

  it('reads the validate endpoint answer', () => {
    expect(validationProblems({ valid: true })).toEqual([])
    expect(
      validationProblems({
        valid: false,
        errors: [{ message: 'state is unreachable', line: 9, where: "'x' state" }],
      })[0],
    ).toMatchObject({ line: 9, message: "In 'x' state: state is unreachable" })
    expect(validationProblems({ valid: false, message: 'Invalid YAML' })[0]).toMatchObject({
      line: null,
      message: 'Invalid YAML',
    })
  })
})
