// Writes a brotli (.br) and a gzip (.gz) twin beside each hashed asset of dist/assets, so the server can
// send them as they are (Content-Encoding negotiation) instead of compressing on every request.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const assets = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'assets')
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|html|txt|map)$/
let raw = 0
let br = 0
for (const name of readdirSync(assets)) {
  if (!COMPRESSIBLE.test(name)) continue
  const buf = readFileSync(join(assets, name))
  if (buf.length < 512) continue
  const brotli = brotliCompressSync(buf, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  })
  writeFileSync(join(assets, `${name}.br`), brotli)
  writeFileSync(join(assets, `${name}.gz`), gzipSync(buf, { level: 9 }))
  raw += buf.length
  br += brotli.length
}
console.log(`compressed assets: ${(raw / 1024).toFixed(0)} KB raw, ${(br / 1024).toFixed(0)} KB brotli`)
