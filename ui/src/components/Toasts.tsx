import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import i18n from '../i18n'

interface Toast {
  id: number
  kind: 'info' | 'error'
  text: string
}

interface ToastApi {
  info: (text: string) => void
  error: (text: string) => void
}

const ToastContext = createContext<ToastApi>({ info: () => undefined, error: () => undefined })

let nextId = 1

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const push = useCallback((kind: Toast['kind'], text: string) => {
    const id = nextId++
    setToasts((t) => [...t.slice(-3), { id, kind, text }])
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 4000)
  }, [])
  const api = useMemo(() => ({ info: (t: string) => push('info', t), error: (t: string) => push('error', t) }), [push])
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite" aria-atomic="false">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            {t.text}
            <button
              type="button"
              className="icon-button"
              aria-label={i18n.t('common.dismiss')}
              onClick={() => setToasts((all) => all.filter((x) => x.id !== t.id))}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export const useToast = () => useContext(ToastContext)
