/**
 * Files that hold secrets: environment files, private keys, cloud and registry credentials. Reading
 * one through the shell is recorded (secret access); sending one over the network is exfiltration.
 */
const SECRET_BASENAMES = /^(\.env(\.(?!example$|sample$|template$|dist$|defaults?$)[\w.-]+)?|\.envrc|id_(rsa|dsa|ecdsa|ed25519)(_sk)?|credentials(\.json)?|\.netrc|_netrc|\.git-credentials|\.npmrc|\.pypirc|\.pgpass|\.my\.cnf|shadow|gshadow|master\.key|secrets?\.(ya?ml|json|toml|env)|service[-_]?account.*\.json|.*\.(pem|key|p12|pfx|keystore|jks|ppk|tfvars|kdbx)|kubeconfig)$/i;
const SECRET_PATHS = /(^|\/)\.(ssh|aws|gnupg|kube|azure|password-store)$|(^|\/)(certs|certificates|private|secrets|keys)$|(^|\/)(\.aws\/credentials|\.kube\/config|\.docker\/config\.json|\.ssh\/[^/]+|\.gnupg\/|\.config\/gcloud\/|\.azure\/|\.password-store\/|etc\/(shadow|gshadow|sudoers))$|(^|\/)\.ssh\/(?!.*\.pub$)[^/]*$/;

/** Does this path (as written) name a file that holds secrets? Public keys and `.env.example` do not. */
/** Is this a folder of keys (`certs`, `~/.ssh`) rather than a file? Non-recursive copies skip its files. */
export function isSecretFolder(path: string): boolean {
  return /(^|\/)(\.(ssh|aws|gnupg|kube|azure|password-store)|certs|certificates|private|secrets|keys)\/?$/.test(path.replace(/^["']|["']$/g, ''));
}

export function isSecretPath(path: string): boolean {
  // `certs/`, `certs/*` and `certs/**` name the folder's files.
  const clean = path.replace(/^["']|["']$/g, '').replace(/\/(\*\*?)?$/, '');
  if (clean === '' || /\.pub$/.test(clean) || /known_hosts$|authorized_keys$/.test(clean)) return false;
  const base = clean.split('/').pop() ?? clean;
  return SECRET_BASENAMES.test(base) || SECRET_PATHS.test(clean);
}

/**
 * A user's or machine's own credentials, as opposed to a project's configuration: SSH and GnuPG
 * private keys, password hashes, password stores, cloud and Git login files. No routine task needs
 * their text, and text an agent reads goes into its transcript, which leaves the machine.
 */
const IDENTITY_CREDENTIALS = /(^|\/)(id_(rsa|dsa|ecdsa|ed25519)(_sk)?|\.ssh\/[^/]+|etc\/(shadow|gshadow|master\.passwd)|\.gnupg\/(private-keys-v1\.d(\/.*)?|secring\.gpg)|\.password-store(\/.*)?|[^/]+\.kdbx|\.aws\/credentials|\.config\/gcloud\/.+|\.azure\/.+|\.netrc|\.git-credentials)$/;
// In `~/.ssh`, a private key may have any name (`deploy_key`, `github`), but not these: public keys,
// the client's own settings and lists, and notes or backups of them.
const SSH_NOT_KEYS = /(^|\/)\.ssh\/(.*\.pub(\.[^/]*)?|(known_hosts|authorized_keys\d?|config|environment|rc|agent[^/]*)(\.[^/]*)?|[^/]+\.(md|txt|log|json|ya?ml|conf|cfg|sh))$/;

export function isIdentityCredential(path: string): boolean {
  const clean = path.replace(/^["']|["']$/g, '').replace(/\/+$/, '');
  return !/\.pub$/.test(clean) && !SSH_NOT_KEYS.test(clean) && IDENTITY_CREDENTIALS.test(clean);
}
