import { describe, expect, it } from 'vitest'
import type { ToolKit } from '../../api/types'
import { emptyForm, promptVariableNames, syncVariables, toRequest, toolKey, validate } from './form'

describe('assistant form', () => {
  it('finds prompt variables and keeps what was typed for them', () => {
    expect(promptVariableNames('Hi {{ user }}, see {{team}} and {{user}}')).toEqual(['user', 'team'])
    const vars = syncVariables('{{a}} {{b}}', [
      { key: 'a', default_value: 'x', description: 'd' },
      { key: 'gone', default_value: '' },
    ])
    expect(vars).toEqual([
      { key: 'a', default_value: 'x', description: 'd' },
      { key: 'b', default_value: '', description: '' },
    ])
  })

  it('validates required fields with messages', () => {
    const e = validate(emptyForm('proj', ''), true)
    expect(e.name).toBeTruthy()
    expect(e.systemPrompt).toBeTruthy()
    expect(e.model).toBeTruthy()
    expect(
      validate({ ...emptyForm('p', 'm'), name: 'n', description: 'd', systemPrompt: 's', temperature: 3 }, true)
        .temperature,
    ).toBeTruthy()
  })

  it('sends only the chosen tools, grouped by toolkit, and trimmed starters', () => {
    const toolkits: ToolKit[] = [
      { toolkit: 'git', tools: [{ name: 'read' }, { name: 'write' }] },
      { toolkit: 'jira', tools: [{ name: 'search' }] },
    ]
    const form = {
      ...emptyForm('proj', 'gpt'),
      name: ' Helper ',
      description: 'Helps',
      systemPrompt: 'Be nice',
      tools: [toolKey('git', 'read')],
      contexts: ['knowledge_base::docs'],
      starters: [' Hello ', ''],
      temperature: 0.2,
    }
    const req = toRequest(form, toolkits, [{ context_type: 'knowledge_base', name: 'docs' }])
    expect(req).toMatchObject({
      name: 'Helper',
      project: 'proj',
      llm_model_type: 'gpt',
      temperature: 0.2,
      toolkits: [{ toolkit: 'git', tools: [{ name: 'read' }] }],
      context: [{ context_type: 'knowledge_base', name: 'docs' }],
      conversation_starters: ['Hello'],
    })
  })
})
