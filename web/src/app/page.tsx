import { AnnotatorApp } from '@/features/workspace';
import { predictionWindowThreshold } from '@/features/predictions/server';
import { requirePageSession } from '@/server/auth/pageSession';

export default async function HomePage() {
  return (
    <AnnotatorApp session={await requirePageSession('/')} predictionWindowThreshold={predictionWindowThreshold()} />
  );
}
