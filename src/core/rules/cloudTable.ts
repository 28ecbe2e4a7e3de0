/**
 * The data behind the cloud and platform CLI pack: which programs are infrastructure CLIs, which
 * subcommand words destroy, which resource words name things that hold data, and which flags make a
 * plain command destructive. The matcher (cloudPack.ts) reads subcommand paths like `rds
 * delete-db-instance`, `volume delete`, `apps:destroy` or `stream purge` against these tables.
 */

export type Family = 'cloud' | 'publish';

export interface CliSpec {
  readonly provider: string;
  readonly family?: Family;
  /** Extra destructive verbs for this CLI only (`sync` deletes for rclone, `disable` for vault). */
  readonly verbs?: readonly string[];
  /** Flags that make any subcommand destructive (`aws s3 sync --delete`). */
  readonly flags?: readonly string[];
  /** The resource when the subcommand names none (restic and borg hold backups). */
  readonly defaultKind?: string;
  /** Resource words with a meaning of their own in this CLI (`az group` is a resource group). */
  readonly kinds?: Readonly<Record<string, string>>;
  /** Subcommands another pack judges (`gh api` is an HTTP call). */
  readonly skip?: readonly string[];
}

const CLI_TABLE: Readonly<Record<string, CliSpec>> = {
  aws: { provider: 'AWS', flags: ['--delete'], verbs: ['put-secret-value', 'update-secret', 'create-invalidation', 'schedule-key-deletion', 'disable-key'] },
  gcloud: { provider: 'Google Cloud' },
  gsutil: { provider: 'Google Cloud Storage', flags: ['-d', '--delete-unmatched-destination-objects'] },
  bq: { provider: 'BigQuery' },
  az: { provider: 'Azure', kinds: { group: 'resource group' } },
  azcopy: { provider: 'Azure Storage', flags: ['--delete-destination'] },
  doctl: { provider: 'DigitalOcean' },
  fly: { provider: 'Fly.io' },
  flyctl: { provider: 'Fly.io' },
  heroku: { provider: 'Heroku' },
  railway: { provider: 'Railway', verbs: ['down'] },
  vercel: { provider: 'Vercel', defaultKind: 'project' },
  netlify: { provider: 'Netlify' },
  // `supabase db reset` is an ORM-style reset (local unless --linked): the database pack judges it.
  supabase: { provider: 'Supabase', skip: ['db'] },
  neonctl: { provider: 'Neon' },
  neon: { provider: 'Neon' },
  pscale: { provider: 'PlanetScale' },
  turso: { provider: 'Turso' },
  firebase: { provider: 'Firebase' },
  wrangler: { provider: 'Cloudflare', verbs: ['rollback'] },
  render: { provider: 'Render' },
  linode: { provider: 'Linode' },
  'linode-cli': { provider: 'Linode' },
  hcloud: { provider: 'Hetzner Cloud' },
  scw: { provider: 'Scaleway' },
  oci: { provider: 'Oracle Cloud' },
  ibmcloud: { provider: 'IBM Cloud' },
  eksctl: { provider: 'AWS EKS' },
  atlas: { provider: 'MongoDB Atlas' },
  confluent: { provider: 'Confluent' },
  gh: { provider: 'GitHub', family: 'publish', verbs: ['disable', 'archive'], skip: ['api'] },
  glab: { provider: 'GitLab', family: 'publish', verbs: ['archive'], skip: ['api'] },
  rclone: { provider: 'rclone', verbs: ['sync', 'move', 'dedupe', 'deletefile', 'rmdirs'], flags: ['--delete-excluded', '--delete-after', '--delete-before', '--delete-during'] },
  mc: { provider: 'MinIO', verbs: ['disable', 'unset'], flags: ['--remove'] },
  s3cmd: { provider: 'S3', verbs: ['del', 'rb'], flags: ['--delete-removed'] },
  s5cmd: { provider: 'S3' },
  restic: { provider: 'restic', defaultKind: 'backup', verbs: ['forget'], flags: ['--remove-all', '--prune', '--cleanup'] },
  borg: { provider: 'Borg', defaultKind: 'backup', verbs: ['rdelete', 'compact', 'break-lock', 'recreate', 'repo-delete'] },
  velero: { provider: 'Velero', verbs: ['uninstall'] },
  vault: { provider: 'Vault', verbs: ['disable', 'revoke'] },
  op: { provider: '1Password' },
  doppler: { provider: 'Doppler' },
  nats: { provider: 'NATS' },
  rabbitmqadmin: { provider: 'RabbitMQ' },
  rabbitmqctl: { provider: 'RabbitMQ', verbs: ['clear_permissions', 'forget_cluster_node'] },
  rpk: { provider: 'Redpanda' },
  'kafka-topics': { provider: 'Kafka', flags: ['--delete'] },
  'kafka-consumer-groups': { provider: 'Kafka', flags: ['--delete', '--reset-offsets'] },
  'kafka-configs': { provider: 'Kafka', flags: ['--delete-config'] },
  'kafka-acls': { provider: 'Kafka', flags: ['--remove'] },
  'kafka-delete-records': { provider: 'Kafka', verbs: [], flags: ['--offset-json-file'] },
  algolia: { provider: 'Algolia' },
  apigeecli: { provider: 'Apigee' },
  circleci: { provider: 'CircleCI', verbs: ['remove-secret'] },
  databricks: { provider: 'Databricks' },
  'datadog-ci': { provider: 'Datadog' },
  fastly: { provider: 'Fastly' },
  flipt: { provider: 'Flipt' },
  ldcli: { provider: 'LaunchDarkly', verbs: ['archive'] },
  newrelic: { provider: 'New Relic' },
  pd: { provider: 'PagerDuty' },
  split: { provider: 'Split', verbs: ['kill'] },
  splunk: { provider: 'Splunk' },
  square: { provider: 'Square' },
  stripe: { provider: 'Stripe', verbs: ['roll'] },
  unleash: { provider: 'Unleash', verbs: ['archive'] },
  deck: { provider: 'Kong', verbs: ['reset', 'sync'] },
  'jenkins-cli': { provider: 'Jenkins' },
  'gitlab-runner': { provider: 'GitLab Runner', verbs: ['unregister'] },
  'grafana-cli': { provider: 'Grafana' },
  consul: { provider: 'Consul' },
  nomad: { provider: 'Nomad', verbs: ['stop'] },
  etcdctl: { provider: 'etcd', verbs: ['del', 'defrag'] },
  mongocli: { provider: 'MongoDB' },
};

/** The CLI's spec, by normalized program name (`kafka-topics.sh` reads as `kafka-topics`). */
export function cliSpec(name: string): CliSpec | undefined {
  return CLI_TABLE[name] ?? CLI_TABLE[name.replace(/\.sh$/, '')];
}

export const CLI_PROGRAMS: readonly string[] = Object.keys(CLI_TABLE).flatMap((name) => (name.startsWith('kafka-') ? [name, `${name}.sh`] : [name]));

/** Words (or parts of hyphenated words) that destroy, in every CLI of the table. */
export const DESTRUCTIVE_VERBS = new Set([
  'delete', 'del', 'rm', 'rb', 'remove', 'destroy', 'terminate', 'purge', 'drop', 'wipe', 'erase', 'reset',
  'truncate', 'flush', 'clear', 'clean', 'cleanup', 'prune', 'uninstall', 'deregister',
  'unsubscribe', 'revoke', 'untag', 'undeploy', 'nuke', 'rdelete', 'deletefile', 'rmdir',
]);

/** Words that read or create: a subcommand path stops at them (`kv get reset-token` reads). */
export const READ_VERBS = new Set([
  'get', 'list', 'ls', 'lsd', 'lsl', 'describe', 'show', 'view', 'info', 'status', 'cat', 'head', 'stat', 'du',
  'hash', 'version', 'whoami', 'login', 'logs', 'log', 'tail', 'search', 'query', 'inspect', 'watch', 'open',
  'browse', 'exists', 'download', 'cp', 'copy', 'create', 'mb', 'run', 'dev', 'help', 'test', 'validate', 'plan',
  'diff', 'preview', 'explain', 'export', 'check', 'lookup', 'read', 'put', 'set', 'update', 'add', 'enable',
  'extract', 'mount', 'configure', 'setup', 'clone', 'pub', 'sub', 'size', 'md5sum', 'about', 'presign', 'evaluate',
  'serve', 'bench',
]);

/** Verbs that hide or detach rather than erase: asked about, but below the critical verbs. */
export const SOFT_VERBS = new Set(['archive', 'disable', 'unregister', 'deregister', 'unsubscribe', 'untag', 'undeploy', 'cancel', 'kill', 'roll', 'create-invalidation', 'update-secret', 'put-secret-value', 'revoke', 'rollback', 'unset', 'down', 'stop', 'compact', 'break-lock', 'recreate', 'defrag', 'dedupe', 'cleanup', 'clean']);

/** Resource words that name what holds data, with the noun used in messages. */
const DATA_RESOURCES: Readonly<Record<string, string>> = {
  volume: 'volume', database: 'database', db: 'database', d1: 'D1 database', rds: 'database', bucket: 'bucket',
  rb: 'bucket', snapshot: 'snapshot', backup: 'backup', cluster: 'cluster', disk: 'disk', stack: 'stack',
  project: 'project', app: 'app', apps: 'app', vault: 'vault', repo: 'repository', repository: 'repository',
  namespace: 'namespace', environment: 'environment', env: 'environment', envs: 'environment', keyspace: 'keyspace',
  table: 'table', index: 'index', indice: 'index', indexe: 'index', organization: 'organization', org: 'organization',
  account: 'account', metastore: 'metastore', catalog: 'catalog', schema: 'schema', vhost: 'virtual host',
  storage: 'storage', filesystem: 'file system', kv: 'key-value store', stream: 'stream', topic: 'topic',
  secrets: 'secrets engine', secret: 'secret', instance: 'instance', instances: 'instance', server: 'server',
  branch: 'database branch', queue: 'queue', zone: 'zone', 'hosted-zone': 'hosted zone', domain: 'domain',
  site: 'site', service: 'service', registry: 'registry', container: 'container', blob: 'blob', object: 'object',
  image: 'image', sql: 'database', pg: 'database', postgres: 'database', redis: 'database', droplet: 'server', s3: 'object',
  addons: 'add-on', firestore: 'database', keyvault: 'vault', kms: 'encryption key', efs: 'file system', snapshots: 'snapshot', vm: 'instance', vms: 'instance', key: 'key', user: 'user', archive: 'archive', worker: 'worker', function: 'function',
};

/** Resources whose loss is loss of data or of a whole system: critical. */
export const CRITICAL_KINDS = new Set([
  'volume', 'database', 'D1 database', 'bucket', 'snapshot', 'backup', 'cluster', 'disk', 'stack', 'project', 'app',
  'vault', 'repository', 'namespace', 'environment', 'keyspace', 'table', 'index', 'organization', 'account',
  'metastore', 'catalog', 'schema', 'virtual host', 'storage', 'file system', 'key-value store', 'stream', 'topic',
  'secrets engine', 'instance', 'resource group', 'encryption key', 'server', 'database branch', 'hosted zone', 'archive',
]);

/** The resource noun a subcommand word names (`delete-db-instance` names a database instance). */
export function resourceOf(word: string): string | undefined {
  const whole = DATA_RESOURCES[word];
  if (whole) return whole;
  let found: string | undefined;
  for (const part of word.replace('file-system', 'filesystem').split(/[-_:]/)) {
    const kind = DATA_RESOURCES[part] ?? DATA_RESOURCES[part.replace(/e?s$/, '')] ?? DATA_RESOURCES[part.replace(/s$/, '')];
    // The most critical part names the thing (`delete-db-instance` is about a database), and a copy
    // names it over what it is a copy of (`delete-db-snapshot` is about a snapshot).
    if (kind && (found === undefined || (CRITICAL_KINDS.has(kind) && !CRITICAL_KINDS.has(found)) || kind === 'snapshot' || kind === 'backup')) found = kind;
  }
  return found;
}
