import { userId, userIsAdmin, adminProjects } from '../../api/auth'
import type { Me, Workflow } from '../../api/types'

/** Whether the signed-in user may change or delete a workflow: its author, a project admin, or an admin. */
export function canEditWorkflow(
  me: Me | null | undefined,
  wf: Pick<Workflow, 'created_by' | 'project' | 'user_abilities'>,
): boolean {
  // The server says what the caller may do when it can; otherwise the same rule is applied here.
  if (wf.user_abilities) return wf.user_abilities.includes('write')
  if (userIsAdmin(me)) return true
  if (adminProjects(me).includes(wf.project)) return true
  const author = wf.created_by?.user_id ?? wf.created_by?.id
  return Boolean(author && author === userId(me))
}

/** The key a template is chosen by in the address: its slug, else its name. */
export const templateKey = (wf: Pick<Workflow, 'slug' | 'name'>) => wf.slug || wf.name
