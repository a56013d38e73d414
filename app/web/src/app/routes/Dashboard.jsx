import { AppHeader } from '../../components/AppHeader.jsx';
import { useAuth } from '../../lib/auth/AuthProvider.jsx';
import { PartnerDashboard } from './partner/PartnerDashboard.jsx';
import { ClientDashboard } from './client/ClientDashboard.jsx';

export function DashboardRoute() {
  const { user } = useAuth();
  return (
    <>
      <AppHeader />
      {user.role === 'partner' && <PartnerDashboard />}
      {user.role === 'client' && <ClientDashboard />}
      {user.role === 'admin' && (
        <main className="dashboard" id="main">
          <h1>Administrator</h1>
          <p>
            Administrators manage users with the <code>vsessionctl</code> command line. The dashboards are for partners and clients.
          </p>
        </main>
      )}
    </>
  );
}
