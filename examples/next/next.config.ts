import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Optional: a cross-origin isolated page can interrupt Python and keep its variables;
  // without these headers everything still runs, and a stop restarts Python instead.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
        ],
      },
    ];
  },
};

export default nextConfig;
