/**
 * Known infrastructure APIs: hosting, cloud, database and Git hosting. A destructive call to one of
 * them deletes real resources (volumes, databases, repositories), so it scores higher than the same
 * call to an unknown host. Matched on the host name only.
 */
const INFRA_HOSTS: readonly (readonly [RegExp, string])[] = [
  [/(^|\.)backboard\.railway\.(app|com)$|(^|\.)railway\.(app|com)$/, 'Railway'],
  [/(^|\.)render\.com$/, 'Render'],
  [/(^|\.)(fly\.io|machines\.dev)$/, 'Fly.io'],
  [/(^|\.)heroku\.com$/, 'Heroku'],
  [/(^|\.)vercel\.com$/, 'Vercel'],
  [/(^|\.)netlify\.com$/, 'Netlify'],
  [/(^|\.)digitalocean\.com$/, 'DigitalOcean'],
  [/(^|\.)supabase\.(com|co|io)$/, 'Supabase'],
  [/(^|\.)neon\.tech$/, 'Neon'],
  [/(^|\.)planetscale\.com$/, 'PlanetScale'],
  [/(^|\.)cloudflare\.com$/, 'Cloudflare'],
  [/(^|\.)amazonaws\.com(\.cn)?$/, 'AWS'],
  [/(^|\.)googleapis\.com$/, 'Google Cloud'],
  [/(^|\.)(azure\.com|windows\.net|azure\.net)$/, 'Azure'],
  [/^api\.github\.com$|(^|\.)github\.com$/, 'GitHub'],
  [/(^|\.)gitlab\.com$/, 'GitLab'],
  [/(^|\.)bitbucket\.org$/, 'Bitbucket'],
  [/(^|\.)linode\.com$/, 'Linode'],
  [/(^|\.)hetzner\.(cloud|com)$/, 'Hetzner'],
  [/(^|\.)mongodb\.(com|net)$/, 'MongoDB Atlas'],
  [/(^|\.)elastic-cloud\.com$|(^|\.)cloud\.es\.io$/, 'Elastic Cloud'],
  [/(^|\.)turso\.(tech|io)$/, 'Turso'],
  [/(^|\.)upstash\.(com|io)$/, 'Upstash'],
  [/(^|\.)firebaseio\.com$|(^|\.)firebase\.google\.com$/, 'Firebase'],
  [/(^|\.)scaleway\.com$/, 'Scaleway'],
  [/(^|\.)vultr\.com$/, 'Vultr'],
  [/(^|\.)algolia\.(net|io)$/, 'Algolia'],
  [/(^|\.)stripe\.com$/, 'Stripe'],
  [/(^|\.)datadoghq\.(com|eu)$/, 'Datadog'],
  [/(^|\.)pagerduty\.com$/, 'PagerDuty'],
  [/(^|\.)launchdarkly\.com$/, 'LaunchDarkly'],
  [/(^|\.)circleci\.com$/, 'CircleCI'],
  [/(^|\.)newrelic\.com$/, 'New Relic'],
];

/** The provider of a known infrastructure API host, or undefined. */
export function infraProvider(host: string, path = '/'): string | undefined {
  for (const [pattern, provider] of INFRA_HOSTS) if (pattern.test(host)) return provider;
  // Self-hosted GitLab keeps its API under /api/v4.
  if (/^\/api\/v4\//.test(path)) return 'GitLab';
  return undefined;
}

/** Is the host a known infrastructure API? (The same test as `infraProvider`.) */
export function isInfraHost(host: string): boolean {
  return infraProvider(host) !== undefined;
}
