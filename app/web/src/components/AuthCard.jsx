// The centred card of the pages a person sees before they are logged in (log in, forgot
// password, set a password), with the brand on top.
export function AuthCard({ children }) {
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <p className="brand brand--large" aria-hidden="true">
          <span className="brand__mark" /> vsession
        </p>
        {children}
      </div>
    </main>
  );
}
