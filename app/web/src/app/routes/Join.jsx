import { useSearchParams } from 'react-router';
import { RequireAuth } from '../../lib/auth/RequireAuth.jsx';
import { GuestJoin, MemberJoin } from '../../features/join/components/JoinPage.jsx';

/** /join/:id: a guest with ?invite=, or a logged-in partner or client. */
export function JoinRoute() {
  const [params] = useSearchParams();
  const invite = params.get('invite');
  if (invite) return <GuestJoin invite={invite} />;
  return (
    <RequireAuth>
      <MemberJoin />
    </RequireAuth>
  );
}
