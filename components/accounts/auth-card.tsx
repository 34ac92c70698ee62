/** The centred card of the signed-out pages (sign-in, setup, invitation, password reset). */
export function AuthCard({ title, text, children }: { title: string; text?: React.ReactNode; children?: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">{title}</h1>
        {text ? <p className="mt-1 text-sm text-slate-600">{text}</p> : null}
        {children}
      </div>
    </main>
  );
}
