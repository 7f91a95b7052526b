import { AnnotatorApp } from '@/features/workspace/components/AnnotatorApp';

export default function HomePage() {
  return <AnnotatorApp />;
}
