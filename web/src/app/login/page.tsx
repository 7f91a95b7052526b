import { redirect } from 'next/navigation';
import { LoginForm } from '@/features/auth';
import { authConfig } from '@/server/auth/config';
import { pagePrincipal } from '@/server/auth/pageSession';

export const metadata = { title: 'Sign in · Candle Annotator' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next = '/' } = await searchParams;
  if (!authConfig().required) redirect('/');
  const principal = await pagePrincipal();
  if (principal && !principal.mustChangePassword) redirect(next.startsWith('/') && !next.startsWith('//') ? next : '/');
  return <LoginForm next={next} pendingChangeFor={principal?.mustChangePassword ? principal.username : undefined} />;
}
