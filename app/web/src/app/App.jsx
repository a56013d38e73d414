import { useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from '../lib/query-client.js';
import { AuthProvider } from '../lib/auth/AuthProvider.jsx';
import { RequireAuth } from '../lib/auth/RequireAuth.jsx';
import { LoginPage } from '../features/auth/components/LoginPage.jsx';
import { JoinRoute } from './routes/Join.jsx';
import { DashboardRoute } from './routes/Dashboard.jsx';
import { NotFoundRoute } from './routes/NotFound.jsx';
import { basePath } from '../lib/base-path.js';
import { SetPasswordPage } from '../features/account/components/SetPasswordPage.jsx';
import { ForgotPasswordPage } from '../features/account/components/ForgotPasswordPage.jsx';
import { SettingsPage } from '../features/account/components/SettingsPage.jsx';

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
      <Route path="/welcome" element={<SetPasswordPage purpose="onboarding" />} />
      <Route path="/reset-password" element={<SetPasswordPage purpose="password_reset" />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route
        path="/settings"
        element={
          <RequireAuth>
            <SettingsPage />
          </RequireAuth>
        }
      />
      <Route path="*" element={<NotFoundRoute />} />
    </Routes>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <BrowserRouter basename={basePath() || '/'}>
          <AppRoutes />
        </BrowserRouter>
      </AuthProvider>
    </QueryClientProvider>
  );
}
