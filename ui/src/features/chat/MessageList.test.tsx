import { describe, expect, it } from 'vitest'
import { render, screen } from '@testing-library/react'
import { MessageList } from './MessageList'
import type { ChatMessage } from './useChat'

const many = (n: number): ChatMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 === 0 ? 'user' : 'assistant',
    text: i % 2 === 0 ? `Question ${i}` : `Answer ${i} with \`code\``,
    thoughts: [],
  }))

describe('MessageList', () => {
  it('keeps only the visible part of a 300-message conversation in the DOM, starting at the end', () => {
    render(
      <MessageList
        messages={many(300)}
        assistantNames={{}}
        busy={false}
        onRegenerate={() => undefined}
        onDecide={() => undefined}
        onEdit={() => undefined}
        onShowVersion={() => undefined}
      />,
    )
    const rows = screen.getByTestId('message-list').querySelectorAll('.message-row')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThan(40)
    expect(screen.getByText('Question 298')).toBeInTheDocument()
    expect(screen.queryByText('Question 0')).not.toBeInTheDocument()
    // Only the newest answer offers Regenerate.
    expect(screen.getAllByTestId('regenerate')).toHaveLength(1)
  })
})
