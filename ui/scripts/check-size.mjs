// Fails when the JavaScript a first visit loads (the entry chunk and its static imports,
// i.e. what index.html references) is over the budget, gzipped. Lazy chunks do not count.
import { readFileSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const BUDGET_KB = Number(process.env.UI_INITIAL_JS_BUDGET_KB ?? 300)

if (!existsSync(join(dist, 'index.html'))) {
  console.error('ui/dist/index.html not found: run `npm run build` first.')
  process.exit(2)
}
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const refs = new Set()
for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) refs.add(m[1])
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) refs.add(m[1])
for (const m of html.matchAll(/<link[^>]+href="([^"]+\.js)"[^>]+rel="modulepreload"/g)) refs.add(m[1])

// Follow static imports inside the entry too (Vite lists them as modulepreload, but be thorough).
const queue = [...refs]
const seen = new Set()
while (queue.length) {
  const ref = queue.shift()
  if (seen.has(ref)) continue
  seen.add(ref)
  const file = join(dist, ref.replace(/^\//, ''))
  const code = readFileSync(file, 'utf8')
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
    queue.push(join(dirname(ref), m[1]).replace(/\\/g, '/'))
  }
}

const rows = [...seen].map((ref) => {
  const buf = readFileSync(join(dist, ref.replace(/^\//, '')))
  return { file: ref, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length }
})
const total = rows.reduce((s, r) => s + r.gzip, 0)
const kb = (n) => (n / 1024).toFixed(1)
console.log('initial JS chunk'.padEnd(52), 'raw KB'.padStart(9), 'gzip KB'.padStart(9))
for (const r of rows) console.log(r.file.padEnd(52), kb(r.raw).padStart(9), kb(r.gzip).padStart(9))
console.log('total'.padEnd(52), kb(rows.reduce((s, r) => s + r.raw, 0)).padStart(9), kb(total).padStart(9))
console.log(
  JSON.stringify({
    metric: 'ui_initial_js_gzip_kb',
    value: Number(kb(total)),
    budget_kb: BUDGET_KB,
    files: rows.length,
  }),
)
if (total > BUDGET_KB * 1024) {
  console.error(`Initial JavaScript is ${kb(total)} KB gzipped, over the ${BUDGET_KB} KB budget.`)
  process.exit(1)
}
