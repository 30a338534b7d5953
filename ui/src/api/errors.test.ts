import { describe, expect, it } from 'vitest'
import { ApiError, describeError, errorFromBody } from './errors'

describe('errorFromBody', () => {
  it('reads the Codemill/CodeMie error shape', () => {
    const e = errorFromBody(404, {
      error: { message: 'Assistant not found', details: 'id abc', help: 'Check the link' },
    })
    expect(e.status).toBe(404)
    expect(e.message).toBe('Assistant not found')
    expect(describeError(e)).toBe('Assistant not found — id abc — Check the link')
  })

  it('names the fields of a FastAPI validation error', () => {
    const e = errorFromBody(422, { detail: [{ loc: ['body', 'name'], msg: 'Field required' }] })
    expect(e.message).toBe('name: Field required')
    expect(e.field).toBe('name')
  })

  it('keeps validation details for the fields and out of the sentence', () => {
    const e = errorFromBody(422, {
      error: {
        message: 'name: String should have at least 1 character; temperature: Input should be less than or equal to 2',
        details: [
          { loc: ['body', 'name'], msg: 'String should have at least 1 character', type: 'string_too_short' },
          { loc: ['body', 'temperature'], msg: 'Input should be less than or equal to 2', type: 'less_than_equal' },
        ],
        help: null,
      },
    })
    expect(e.fieldErrors).toEqual({
      name: 'String should have at least 1 character',
      temperature: 'Input should be less than or equal to 2',
    })
    expect(e.field).toBe('name')
    expect(describeError(e)).not.toContain('[')
  })

  it('says a repeated message once', () => {
    expect(describeError(new ApiError(400, 'Connection refused', { details: 'Connection refused' }))).toBe(
      'Connection refused',
    )
  })

  it('falls back to plain words per status, never to an HTML page', () => {
    expect(errorFromBody(503, '<html>bad gateway</html>').message).toMatch(/temporarily unavailable/)
    expect(errorFromBody(500, null).message).toMatch(/server ran into a problem/)
  })

  it('explains network failures', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/Could not reach the server/)
    expect(describeError(new ApiError(403, 'No'))).toBe('No')
  })
})
