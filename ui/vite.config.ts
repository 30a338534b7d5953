/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The API runs on the same origin in production (`codemill serve` serves ui/dist at `/`).
// In development, proxy /v1 to a local Codemill (override with CODEMILL_API).
const api = process.env.CODEMILL_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // mermaid is loaded on demand and is large by nature; the initial-chunk budget is checked by `npm run size`.
    chunkSizeWarningLimit: 3000,
  },
  server: {
    proxy: { '/v1': { target: api, changeOrigin: true } },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    include: ['src/**/*.test.{ts,tsx}'],
    // Form-filling tests type many characters: 5 s (the default) is too tight on a busy 2-core runner.
    testTimeout: 15_000,
  },
})
