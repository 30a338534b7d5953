import { describe, expect, it } from 'vitest'
import { plainTitle } from './ConversationList'

describe('plainTitle', () => {
  it('shows a markdown name as plain text', () => {
    expect(plainTitle('# **Plan** the `deploy` for [prod](https://x.example)')).toBe('Plan the deploy for prod')
    expect(plainTitle('- _one_ item')).toBe('one item')
    expect(plainTitle('a*b*c 2 * 3')).toBe('abc 2 * 3')
    expect(plainTitle('')).toBe('New chat')
  })
})
