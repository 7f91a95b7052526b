import { AdminPanel } from '@/features/auth';
import { requirePageSession } from '@/server/auth/pageSession';

export const metadata = { title: 'Users & tokens · Candle Annotator' };

export default async function AdminPage() {
  return <AdminPanel session={await requirePageSession('/admin', 'admin')} />;
}
