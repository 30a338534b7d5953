/** Splits a byte stream of newline-delimited JSON into objects, across chunk boundaries. */
export class NdjsonParser<T = unknown> {
  private buffer = ''

  constructor(private readonly onObject: (obj: T) => void) {}

  push(text: string): void {
    this.buffer += text
    let nl = this.buffer.indexOf('\n')
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl)
      this.buffer = this.buffer.slice(nl + 1)
      this.emit(line)
      nl = this.buffer.indexOf('\n')
    }
  }

  /** Emits whatever remains (a last line without a trailing newline). */
  flush(): void {
    const rest = this.buffer
    this.buffer = ''
    this.emit(rest)
  }

  private emit(line: string): void {
    let trimmed = line.trim()
    if (!trimmed) return
    // Tolerate SSE framing in case a proxy or server variant adds it.
    if (trimmed.startsWith('data:')) trimmed = trimmed.slice(5).trim()
    if (!trimmed || trimmed === '[DONE]') return
    try {
      this.onObject(JSON.parse(trimmed) as T)
    } catch {
      // A line that is not JSON is ignored rather than breaking the whole answer.
    }
  }
}
