import { describe, expect, it } from 'vitest'
import { activePath, pathMessages, switchVersion, turnsFromHistory } from './branches'

const h = (id: string, role: string, message: string, historyIndex: number, parentId: string | null = null) => ({
  id,
  role,
  message,
  historyIndex,
  parentId,
  status: 'success',
})

describe('branches', () => {
  const history = [
    h('q1', 'User', 'first', 0),
    h('a1', 'Assistant', 'one', 0),
    h('q2', 'User', 'second', 1, 'a1'),
    h('a2', 'Assistant', 'two', 1),
    h('q3', 'User', 'second', 1, 'a1'),
    h('a3', 'Assistant', 'two again', 1),
    h('q4', 'User', 'first, edited', 0),
    h('a4', 'Assistant', 'edited answer', 0),
  ]

  it('shows the newest version of each turn and follows its branch', () => {
    const turns = turnsFromHistory(history)
    const texts = pathMessages(activePath(turns, {})).map((m) => m.text)
    expect(texts).toEqual(['first, edited', 'edited answer'])
  })

  it('switches versions: the older first question brings back its own later turns', () => {
    const turns = turnsFromHistory(history)
    const change = switchVersion(turns, 'q4', -1)
    expect(change).toEqual(['root', 'q1'])
    const messages = pathMessages(activePath(turns, { root: 'q1' }))
    expect(messages.map((m) => m.text)).toEqual(['first', 'one', 'second', 'two again'])
    expect(messages[3]).toMatchObject({ version: 2, versions: 2 })
    const older = pathMessages(activePath(turns, { root: 'q1', a1: 'q2' }))
    expect(older[3]).toMatchObject({ text: 'two', version: 1, versions: 2 })
  })

  it('reads histories without parents (older or imported) as one line of newest versions', () => {
    const turns = turnsFromHistory(history.map((x) => ({ ...x, parentId: null })))
    const texts = pathMessages(activePath(turns, {})).map((m) => m.text)
    // The third turn (q4, index 0) is a version of the first; the second turn's versions follow a1.
    expect(texts).toEqual(['first, edited', 'edited answer'])
    expect(pathMessages(activePath(turns, { root: 'q1' })).map((m) => m.text)).toEqual([
      'first',
      'one',
      'second',
      'two again',
    ])
  })
})
