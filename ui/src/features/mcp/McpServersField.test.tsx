import { describe, expect, it } from 'vitest'
import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { setToken } from '../../api/client'
import type { McpServer } from '../../api/mcp'
import { parseCommandLine } from '../../api/mcp'
import { installFakeApi, json } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'
import { McpServersField } from './McpServersField'

const TIME = {
  id: 'system-codemill-time',
  name: 'Time',
  categories: ['Utilities'],
  config: { command: 'python', args: ['-m', 'codemill.mcp.servers.time'] },
  required_env_vars: [],
  is_public: true,
  is_system: true,
  is_active: true,
}

function Harness({ seen }: { seen: McpServer[][] }) {
  const [servers, setServers] = useState<McpServer[]>([])
  return (
    <McpServersField
      servers={servers}
      onChange={(next) => {
        seen.push(next)
        setServers(next)
      }}
    />
  )
}

describe('MCP servers on the assistant editor', () => {
  it('adds a catalogue entry and a custom command, and tests them', async () => {
    setToken('t')
    const { calls } = installFakeApi({
      'GET /v1/config': () => json({}),
      'GET /v1/user': () => json(me),
      'GET /v1/mcp-configs': () => json({ configs: [TIME], total: 1, page: 0, per_page: 100 }),
      'POST /v1/assistants/mcp_tools': ({ body }) => {
        const server = body as McpServer
        if (server.config?.command === 'bash') {
          return json(
            {
              error: {
                message: "Cannot list the MCP server's tools",
                details: "The command 'bash' is not on the MCP Connect allow-list",
              },
            },
            422,
          )
        }
        return json([{ toolkit: server.name, tools: [{ name: 'current_time' }, { name: 'convert_time' }] }])
      },
    })
    const seen: McpServer[][] = []
    renderWithApp(<Harness seen={seen} />)
    const user = userEvent.setup()

    await waitFor(() => expect(screen.getByRole('option', { name: 'Time (system)' })).toBeInTheDocument())
    await user.selectOptions(screen.getByTestId('mcp-catalogue-select'), 'system-codemill-time')
    await user.click(screen.getByTestId('mcp-add-catalogue'))
    expect(seen.at(-1)).toEqual([
      expect.objectContaining({ name: 'Time', mcp_config_id: 'system-codemill-time', enabled: true }),
    ])
    await user.click(screen.getByTestId('mcp-test-Time'))
    expect(await screen.findByTestId('mcp-tools-Time')).toHaveTextContent('2 tools: current_time, convert_time')

    await user.type(screen.getByTestId('mcp-custom-input'), 'bash -c "rm -rf /"')
    await user.click(screen.getByTestId('mcp-add-custom'))
    expect(seen.at(-1)?.[1]).toEqual(
      expect.objectContaining({
        name: 'bash',
        use_custom_config: true,
        config: { command: 'bash', args: ['-c', 'rm -rf /'] },
      }),
    )
    await user.click(screen.getByTestId('mcp-test-bash'))
    expect(await screen.findByTestId('mcp-error-bash')).toHaveTextContent('not on the MCP Connect allow-list')
    expect(calls.filter((c) => c.path === '/v1/assistants/mcp_tools')).toHaveLength(2)

    await user.click(screen.getByRole('button', { name: 'Remove bash' }))
    expect(seen.at(-1)?.map((s) => s.name)).toEqual(['Time'])
  })

  it('splits a command line like a shell, quotes kept together', () => {
    expect(parseCommandLine(`npx -y "@scope/server name" 'a b'`)).toEqual({
      command: 'npx',
      args: ['-y', '@scope/server name', 'a b'],
    })
    expect(parseCommandLine('')).toEqual({ command: '', args: [] })
  })
})
