import type { ReactNode } from 'react';

export const metadata = { title: 'Python in the browser for useChat (Next.js, AI SDK)' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
