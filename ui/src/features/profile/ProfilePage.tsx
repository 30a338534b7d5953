import { useAuth } from '../../auth/AuthContext'
import { PageHeader } from '../../components/ui'
import { ApiKeysSection } from './ApiKeysSection'

/** The signed-in user's own page: who they are, and their personal API keys. */
export default function ProfilePage() {
  const { me } = useAuth()
  return (
    <div className="page">
      <PageHeader title="Profile" subtitle={me ? `${me.name || me.username} · ${me.email}` : undefined} />
      <ApiKeysSection />
    </div>
  )
}
