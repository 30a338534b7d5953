import { describe, expect, it } from 'vitest'
import { fromHistory } from './useChat'

describe('fromHistory', () => {
  it('marks an interrupted answer as stopped and keeps its partial text', () => {
    const messages = fromHistory([
      { role: 'User', message: 'Summarise the notes', historyIndex: 0, status: 'success' },
      { role: 'Assistant', message: 'The notes say', historyIndex: 0, status: 'interrupted' },
      { role: 'User', message: 'again', historyIndex: 1, status: 'success' },
      { role: 'Assistant', message: 'Done.', historyIndex: 1, status: 'success' },
    ])
    expect(messages.map((m) => [m.role, m.text, m.stopped ?? false])).toEqual([
      ['user', 'Summarise the notes', false],
      ['assistant', 'The notes say', true],
      ['user', 'again', false],
      ['assistant', 'Done.', false],
    ])
  })
})
