import { beforeAll, describe, expect, it } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import App from '../../App'
import { setToken } from '../../api/client'
import { installFakeApi, json, ndjsonStream, type Handler } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'

async function readyComposer() {
  const composer = await screen.findByTestId('chat-composer')
  await waitFor(() => expect(composer).toBeEnabled())
  return composer
}

const assistant = {
  id: 'a1',
  name: 'Helper',
  description: 'Answers questions',
  conversation_starters: ['What can you do?'],
}

function chatRoutes(model: Handler, extra: Record<string, Handler> = {}) {
  return installFakeApi({
    'GET /v1/config': () => json({}),
    'GET /v1/user': () => json(me),
    'GET /v1/assistants': () => json([assistant]),
    'GET /v1/conversations': () => json([]),
    'GET /v1/conversations/folders/list': () => json([]),
    'POST /v1/conversations': () => json({ id: 'c1', name: 'New chat' }),
    'POST /v1/assistants/a1/model': model,
    ...extra,
  })
}

describe('chat', () => {
  // The route chunk (markdown renderer included) is loaded lazily; load it once up front.
  beforeAll(async () => {
    await import('./ChatPage')
  })

  it('streams an answer with a live tool call, then offers copy and regenerate', async () => {
    setToken('t')
    const { calls } = chatRoutes(() =>
      ndjsonStream([
        { thought: { id: 't1', author_name: 'search_docs', in_progress: true, input_text: 'holidays' } },
        { thought: { id: 't1', message: 'Found 2 pages', in_progress: false } },
        { generated_chunk: 'Hello' },
        { generated_chunk: ' **world**' },
        { last: true, generated: 'Hello **world**', time_elapsed: 0.4 },
      ]),
    )
    renderWithApp(<App />, '/chat')
    const user = userEvent.setup()
    const composer = await readyComposer()
    await user.type(composer, 'Hi there{Enter}')

    const answer = await screen.findByTestId('message-assistant')
    await waitFor(() => expect(answer).toHaveAttribute('data-streaming', 'false'))
    expect(within(answer).getByText('world').tagName).toBe('STRONG')
    const thought = within(answer).getByTestId('thought')
    expect(thought).toHaveTextContent('search_docs')
    expect(thought).toHaveTextContent('Found 2 pages')
    expect(within(answer).getByTestId('copy-message')).toBeInTheDocument()
    expect(within(answer).getByTestId('regenerate')).toBeInTheDocument()
    expect(screen.getByTestId('message-user')).toHaveTextContent('Hi there')
    expect(composer).toHaveValue('')

    const chatCall = calls.find((c) => c.path === '/v1/assistants/a1/model')
    expect(chatCall?.body).toMatchObject({
      text: 'Hi there',
      conversation_id: 'c1',
      stream: true,
      history: [],
      history_index: 0,
    })

    // A second message carries the first exchange as history.
    await user.type(composer, 'And more?{Enter}')
    await waitFor(() => expect(screen.getAllByTestId('message-assistant')).toHaveLength(2))
    await waitFor(() =>
      expect(screen.getAllByTestId('message-assistant')[1]).toHaveAttribute('data-streaming', 'false'),
    )
    const second = calls.filter((c) => c.path === '/v1/assistants/a1/model')[1]
    expect(second.body).toMatchObject({
      text: 'And more?',
      history: [
        { role: 'User', message: 'Hi there' },
        { role: 'Assistant', message: 'Hello **world**' },
      ],
      history_index: 1,
    })
  })

  it('stops a generation with the Stop button and keeps what arrived', async () => {
    setToken('t')
    chatRoutes(({ init }) => {
      const enc = new TextEncoder()
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(enc.encode(JSON.stringify({ generated_chunk: 'Partial answer' }) + '\n'))
          init.signal?.addEventListener('abort', () => controller.error(new DOMException('Aborted', 'AbortError')))
        },
      })
      return new Response(stream, { headers: { 'Content-Type': 'application/x-ndjson' } })
    })
    renderWithApp(<App />, '/chat')
    const user = userEvent.setup()
    await user.type(await readyComposer(), 'Tell me a long story{Enter}')
    await screen.findByText('Partial answer')
    await user.click(screen.getByTestId('chat-stop'))
    const answer = screen.getByTestId('message-assistant')
    await waitFor(() => expect(answer).toHaveAttribute('data-streaming', 'false'))
    expect(answer).toHaveTextContent('stopped')
    expect(answer).toHaveTextContent('Partial answer')
    expect(screen.getByTestId('chat-send')).toBeInTheDocument()
  })

  it('asks to sign in again on 401 without losing the message being sent', async () => {
    setToken('expired')
    let valid = false
    chatRoutes(
      () =>
        valid
          ? ndjsonStream([{ last: true, generated: 'Back again' }])
          : json({ error: { message: 'Token expired' } }, 401),
      {
        'POST /v1/local-auth/login': () => {
          valid = true
          return json({ access_token: 'fresh' })
        },
      },
    )
    renderWithApp(<App />, '/chat')
    const user = userEvent.setup()
    const composer = await readyComposer()
    await user.type(composer, 'Important question{Enter}')

    const dialog = await screen.findByTestId('relogin-dialog')
    expect(composer).toHaveValue('Important question')
    expect(screen.queryByTestId('message-user')).not.toBeInTheDocument()
    expect(within(dialog).getByTestId('login-email')).toHaveValue('ada@example.com')
    await user.type(within(dialog).getByTestId('login-password'), 'pw')
    await user.click(within(dialog).getByTestId('login-submit'))
    await waitFor(() => expect(screen.queryByTestId('relogin-dialog')).not.toBeInTheDocument())
    expect(composer).toHaveValue('Important question')

    await act(async () => {
      await user.click(screen.getByTestId('chat-send'))
    })
    expect(await screen.findByText('Back again')).toBeInTheDocument()
  })

  it('shows starters for an empty conversation and what to do when there is no assistant', async () => {
    setToken('t')
    chatRoutes(() => ndjsonStream([{ last: true, generated: 'I can help.' }]))
    renderWithApp(<App />, '/chat')
    const user = userEvent.setup()
    await user.click(await screen.findByTestId('starter'))
    expect(await screen.findByText('I can help.')).toBeInTheDocument()
  })

  it('loads a saved conversation with its history and thoughts', async () => {
    setToken('t')
    chatRoutes(() => json({}), {
      'GET /v1/conversations/c9': () =>
        json({
          id: 'c9',
          conversation_name: 'Old chat',
          initial_assistant_id: 'a1',
          history: [
            { role: 'User', message: 'First question', historyIndex: 0 },
            {
              role: 'Assistant',
              message: 'First answer',
              historyIndex: 0,
              assistantId: 'a1',
              thoughts: [{ id: 'x', author_name: 'lookup', message: 'ok' }],
            },
          ],
        }),
    })
    renderWithApp(<App />, '/chat/c9')
    expect(await screen.findByText('First answer')).toBeInTheDocument()
    expect(screen.getByText('First question')).toBeInTheDocument()
    expect(screen.getByTestId('thought')).toHaveTextContent('lookup')
  })
})
