import { authHeaders, ensureOk } from './client'

/** A file uploaded for a chat: its id goes into the chat's file_names. */
export interface AttachedFile {
  id: string
  name: string
}

export interface UploadResult {
  files: AttachedFile[]
  failed: { name: string; reason: string }[]
}

interface BulkAnswer {
  files: { file_url: string }[]
  failed_files?: { file_name: string; message: string }[] | null
}

/** POST /v1/files/bulk: the accepted files (in order) and the refused ones with the server's reason. */
export async function uploadFiles(files: File[]): Promise<UploadResult> {
  const form = new FormData()
  for (const f of files) form.append('files', f, f.name)
  const res = await fetch('/v1/files/bulk', {
    method: 'POST',
    headers: authHeaders(),
    body: form,
    credentials: 'same-origin',
  })
  await ensureOk(res)
  const answer = (await res.json()) as BulkAnswer
  const failed = (answer.failed_files ?? []).map((f) => ({ name: f.file_name, reason: f.message }))
  const refused = new Set(failed.map((f) => f.name))
  const accepted = files.filter((f) => !refused.has(f.name))
  return { files: answer.files.map((f, i) => ({ id: f.file_url, name: accepted[i]?.name ?? f.file_url })), failed }
}
