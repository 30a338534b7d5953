import '@testing-library/jest-dom/vitest'
import { afterEach } from 'vitest'
import { cleanup, configure } from '@testing-library/react'
import '../i18n'

// Lazy route chunks load on first use; allow for a busy CI machine.
configure({ asyncUtilTimeout: 5000 })

afterEach(() => {
  cleanup()
  localStorage.clear()
  sessionStorage.clear()
})

// jsdom does no layout, so every box measures 0 and a virtualized list would show nothing.
// Give scroll containers a viewport and list rows a height, as a browser would.
const sizeOf = (el: HTMLElement, axis: 'height' | 'width'): number => {
  if (el.classList?.contains('messages')) return axis === 'height' ? 600 : 800
  if (el.classList?.contains('message-row')) return axis === 'height' ? 100 : 800
  return 0
}
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get() {
    return sizeOf(this, 'height')
  },
})
Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
  configurable: true,
  get() {
    return sizeOf(this, 'width')
  },
})
Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
  configurable: true,
  get() {
    return sizeOf(this, 'height')
  },
})
Object.defineProperty(HTMLElement.prototype, 'offsetWidth', {
  configurable: true,
  get() {
    return sizeOf(this, 'width')
  },
})

// jsdom keeps scrollTop at 0; remember what a scroll sets, bounded like a browser, and fire `scroll`.
const scrollTops = new WeakMap<HTMLElement, number>()
Object.defineProperty(HTMLElement.prototype, 'scrollTop', {
  configurable: true,
  get() {
    return scrollTops.get(this) ?? 0
  },
  set(value: number) {
    const max = Math.max(0, this.scrollHeight - this.clientHeight)
    scrollTops.set(this, Math.max(0, Math.min(Number(value) || 0, max || Number(value) || 0)))
    this.dispatchEvent(new Event('scroll'))
  },
})
Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
  configurable: true,
  get() {
    const inner = this.firstElementChild as HTMLElement | null
    const h = inner?.style?.height ? parseFloat(inner.style.height) : 0
    return Math.max(h, this.clientHeight)
  },
})
HTMLElement.prototype.scrollTo = function (this: HTMLElement, opts?: ScrollToOptions | number, y?: number) {
  const top = typeof opts === 'number' ? y : opts?.top
  if (top != null) this.scrollTop = top
} as typeof HTMLElement.prototype.scrollTo
