import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthProvider } from '../features/auth/components/AuthProvider.jsx';
import { RequireAuth } from '../features/auth/components/RequireAuth.jsx';
import { LoginPage } from '../features/auth/components/LoginPage.jsx';
import { JoinRoute } from '../features/join/components/JoinPage.jsx';
import { DashboardRoute } from './routes/Dashboard.jsx';
import { NotFoundRoute } from './routes/NotFound.jsx';
import { basePath } from '../lib/base-path.js';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/dashboard" replace />} />
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/dashboard/:tab?"
        element={
          <RequireAuth>
            <DashboardRoute />
          </RequireAuth>
        }
      />
      <Route path="/join/:id" element={<JoinRoute />} />
      <Route path="*" element={<NotFoundRoute />} />
    </Routes>
  );
}

export function App() {
  return (
    <AuthProvider>
      <BrowserRouter basename={basePath() || '/'}>
        <AppRoutes />
      </BrowserRouter>
    </AuthProvider>
  );
}
