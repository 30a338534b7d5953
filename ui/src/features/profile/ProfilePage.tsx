import { useAuth } from '../../auth/AuthContext'
import { PageHeader } from '../../components/ui'
import { ApiKeysSection } from './ApiKeysSection'
import { useTranslation } from 'react-i18next'

/** The signed-in user's own page: who they are, and their personal API keys. */
export default function ProfilePage() {
  const { me } = useAuth()
  const { t } = useTranslation()
  return (
    <div className="page">
      <PageHeader title={t('nav.profile')} subtitle={me ? `${me.name || me.username} · ${me.email}` : undefined} />
      <ApiKeysSection />
    </div>
  )
}
