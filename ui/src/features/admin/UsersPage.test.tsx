import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { setToken } from '../../api/client'
import { installFakeApi, json } from '../../test/fakeApi'
import { me, renderWithApp } from '../../test/render'
import UsersPage from './UsersPage'

const people = Array.from({ length: 120 }, (_, i) => ({
  id: `u${i + 100}`,
  name: `Person ${i}`,
  username: `person${i}`,
  email: `person${i}@example.com`,
  is_admin: false,
  is_active: true,
  projects: [],
}))

/** The admin users endpoint as the server pages and searches it. */
function fakeUsers() {
  return installFakeApi({
    'GET /v1/user': () => json(me),
    'GET /v1/config': () => json({}),
    'GET /v1/admin/users': ({ url }) => {
      const page = Number(url.searchParams.get('page'))
      const perPage = Number(url.searchParams.get('per_page'))
      const search = url.searchParams.get('search') ?? ''
      const found = people.filter((p) => p.email.includes(search))
      return json({
        data: found.slice(page * perPage, (page + 1) * perPage),
        pagination: { total: found.length, page, per_page: perPage },
      })
    },
  })
}

describe('users page', () => {
  it('pages through more users than one page holds and searches on the server', async () => {
    setToken('t')
    fakeUsers()
    renderWithApp(<UsersPage />)
    const user = userEvent.setup()
    const list = await screen.findByTestId('user-list')
    expect(within(list).getAllByRole('row')).toHaveLength(51) // header + 50
    const pager = screen.getByRole('navigation', { name: 'User pages' })
    expect(pager).toHaveTextContent('1–50 of 120')
    expect(within(pager).getByRole('button', { name: 'Previous' })).toBeDisabled()

    await user.click(within(pager).getByRole('button', { name: 'Next' }))
    await user.click(within(pager).getByRole('button', { name: 'Next' }))
    await waitFor(() => expect(pager).toHaveTextContent('101–120 of 120'))
    expect(within(pager).getByRole('button', { name: 'Next' })).toBeDisabled()
    expect(screen.getByTestId('user-list')).toHaveTextContent('person119@example.com')

    await user.type(screen.getByLabelText('Search users'), 'person7@')
    await waitFor(() => expect(within(screen.getByTestId('user-list')).getAllByRole('row')).toHaveLength(2))
    expect(screen.queryByRole('navigation', { name: 'User pages' })).toBeNull()
    expect(screen.getByTestId('user-list')).toHaveTextContent('person7@example.com')
  })
})
