import { describe, expect, it } from 'vitest'
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Route, Routes } from 'react-router'
import { setToken } from '../../api/client'
import type { AssistantRequest } from '../../api/types'
import { installFakeApi, json } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'
import AssistantEditor from './AssistantEditor'
import AssistantsPage from './AssistantsPage'

describe('assistant editor', () => {
  it('creates an assistant with model, prompt variables, tools, datasource and starters', async () => {
    setToken('t')
    const saved: AssistantRequest[] = []
    installFakeApi({
      'GET /v1/config': () => json({}),
      'GET /v1/user': () => json(me),
      'GET /v1/llm_models': () =>
        json([
          { base_name: 'mock-small', label: 'Mock small', enabled: true },
          { base_name: 'mock-large', label: 'Mock large', enabled: true, default: true },
        ]),
      'GET /v1/assistants/tools': () =>
        json([{ toolkit: 'research', label: 'Research', tools: [{ name: 'web_search', label: 'Web search' }] }]),
      'GET /v1/assistants/context': () => json([{ context_type: 'knowledge_base', name: 'handbook' }]),
      'POST /v1/assistants': ({ body }) => {
        saved.push(body as AssistantRequest)
        return json({ message: 'ok', assistantId: 'a9' })
      },
      'GET /v1/assistants': () => json(saved.map((s, i) => ({ ...s, id: `a${9 + i}` }))),
    })
    renderWithApp(
      <Routes>
        <Route path="/assistants/new" element={<AssistantEditor />} />
        <Route path="/assistants" element={<AssistantsPage />} />
      </Routes>,
      '/assistants/new',
    )
    const user = userEvent.setup()
    await waitFor(() => expect(screen.getByTestId('assistant-model')).toHaveValue('mock-large'))
    await user.click(screen.getByTestId('assistant-save'))
    expect(screen.getByText('Give the assistant a name.')).toBeInTheDocument()

    await user.type(screen.getByTestId('assistant-name'), 'HR helper')
    await user.type(screen.getByTestId('assistant-description'), 'Answers HR questions')
    await user.type(screen.getByTestId('assistant-system-prompt'), 'You help {{{{team}} with HR.')
    expect(await screen.findByTestId('prompt-variables')).toHaveTextContent('{{team}}')
    await user.click(screen.getByTestId('tool-research-web_search'))
    await user.click(await screen.findByTestId('context-handbook'))
    await user.click(screen.getByTestId('add-starter'))
    await user.type(screen.getByTestId('assistant-starter-input'), 'How many holidays?')
    await user.click(screen.getByTestId('assistant-shared'))
    await user.click(screen.getByTestId('assistant-save'))

    expect(await screen.findByTestId('assistant-card')).toHaveTextContent('HR helper')
    expect(saved[0]).toMatchObject({
      name: 'HR helper',
      project: 'demo',
      llm_model_type: 'mock-large',
      system_prompt: 'You help {{team}} with HR.',
      prompt_variables: [{ key: 'team', default_value: '', description: '' }],
      toolkits: [{ toolkit: 'research', tools: [{ name: 'web_search' }] }],
      context: [{ context_type: 'knowledge_base', name: 'handbook' }],
      conversation_starters: ['How many holidays?'],
      shared: true,
    })
  })
})
