import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, redactDeep, redactSecrets } from '../../src/core/redaction/redact';

// Each case is a command or text an agent could plausibly produce, the secret it carries, and the
// parts that must survive so the reviewer still understands what ran.
const cases: ReadonlyArray<{ name: string; input: string; secret: string; keep: readonly string[] }> = [
  {
    name: 'PocketOS curl with a literal bearer token',
    input:
      'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer 8f1c2a7e-55b1-4f7a-9c3e-0d2b6e9a1f44" -d \'{"query":"mutation { volumeDelete(volumeId: \\"3d2c42fb-1111\\") }"}\'',
    secret: '8f1c2a7e-55b1-4f7a-9c3e-0d2b6e9a1f44',
    keep: ['curl -X POST https://backboard.railway.app/graphql/v2', 'Authorization: Bearer', 'volumeDelete', '3d2c42fb-1111'],
  },
  {
    name: 'Basic auth header',
    input: "curl -H 'Authorization: Basic dXNlcjpodW50ZXIy' https://api.example.com/v1/items",
    secret: 'dXNlcjpodW50ZXIy',
    keep: ['Authorization: Basic', 'https://api.example.com/v1/items'],
  },
  {
    name: 'API key header',
    input: "curl -X DELETE -H 'X-Api-Key: 4b8f0e1d2c3a49f8a7b6c5d4e3f2a1b0' https://api.render.com/v1/services/srv-123",
    secret: '4b8f0e1d2c3a49f8a7b6c5d4e3f2a1b0',
    keep: ['curl -X DELETE', 'X-Api-Key:', 'https://api.render.com/v1/services/srv-123'],
  },
  {
    name: 'GitLab private token header',
    input: 'curl --request DELETE --header "PRIVATE-TOKEN: Zx9yW8vU7tS6rQ5pO4nM" "https://gitlab.example.com/api/v4/projects/5"',
    secret: 'Zx9yW8vU7tS6rQ5pO4nM',
    keep: ['--request DELETE', 'PRIVATE-TOKEN:', 'projects/5'],
  },
  {
    name: 'postgres connection string',
    input: 'psql "postgres://admin:S3cr3t!pass@db.prod.internal:5432/app" -c "DROP TABLE users"',
    secret: 'S3cr3t!pass',
    keep: ['postgres://admin:', '@db.prod.internal:5432/app', 'DROP TABLE users'],
  },
  {
    name: 'https userinfo',
    input: 'git push https://deploy:a1b2c3d4e5f6@git.example.com/team/repo.git main --force',
    secret: 'a1b2c3d4e5f6',
    keep: ['git push https://deploy:', '@git.example.com/team/repo.git main --force'],
  },
  {
    name: 'ADO.NET connection string',
    input: 'sqlcmd -Q "DROP DATABASE shop" -C "Server=tcp:prod.db;User Id=sa;Password=Tr0ub4dor&3x;"',
    secret: 'Tr0ub4dor',
    keep: ['DROP DATABASE shop', 'User Id=sa'],
  },
  {
    name: 'AWS secret in an environment assignment',
    input: 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY aws s3 rb s3://prod-bucket --force',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    keep: ['aws s3 rb s3://prod-bucket --force', 'AWS_SECRET_ACCESS_KEY='],
  },
  {
    name: 'AWS access key id by shape',
    input: 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE aws s3 ls',
    secret: 'AKIAIOSFODNN7EXAMPLE',
    keep: ['aws s3 ls'],
  },
  {
    name: 'exported token',
    input: 'export GITHUB_TOKEN="ghp_16C7e42F292c6912E7710c838347Ae178B4a" && gh repo delete team/app --yes',
    secret: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    keep: ['export GITHUB_TOKEN=', 'gh repo delete team/app --yes'],
  },
  {
    name: 'PGPASSWORD assignment',
    input: "PGPASSWORD='hunter2hunter2' psql -h prod -U app -c 'TRUNCATE orders'",
    secret: 'hunter2hunter2',
    keep: ['PGPASSWORD=', "psql -h prod -U app -c 'TRUNCATE orders'"],
  },
  {
    name: '--token flag',
    input: 'vercel remove my-app --yes --token 0a1B2c3D4e5F6g7H8i9J0k1L',
    secret: '0a1B2c3D4e5F6g7H8i9J0k1L',
    keep: ['vercel remove my-app --yes --token'],
  },
  {
    name: '--password= flag',
    input: 'mongosh "mongodb://prod:27017" --username root --password=Sup3rS3cret --eval "db.dropDatabase()"',
    secret: 'Sup3rS3cret',
    keep: ['--username root', 'db.dropDatabase()'],
  },
  {
    name: 'mysql attached -p',
    input: 'mysql -u root -pRootPass123 -e "DROP DATABASE app"',
    secret: 'RootPass123',
    keep: ['mysql -u root -p', 'DROP DATABASE app'],
  },
  {
    name: 'docker login -p',
    input: 'docker login registry.example.com -u ci -p dckr_pat_aBcDeFgHiJkLmNoP',
    secret: 'dckr_pat_aBcDeFgHiJkLmNoP',
    keep: ['docker login registry.example.com -u ci -p'],
  },
  {
    name: 'redis-cli -a',
    input: 'redis-cli -h cache.prod -a r3disP4ss FLUSHALL',
    secret: 'r3disP4ss',
    keep: ['redis-cli -h cache.prod -a', 'FLUSHALL'],
  },
  {
    name: 'curl -u user:password',
    input: 'curl -u admin:letmein123 -X DELETE https://es.example.com/logs-*',
    secret: 'letmein123',
    keep: ['curl -u admin:', '-X DELETE https://es.example.com/logs-*'],
  },
  {
    name: 'JSON body with a password',
    input: 'curl -X POST https://api.example.com/login -d \'{"user":"ops","password":"c0rrect-h0rse","remember":true}\'',
    secret: 'c0rrect-h0rse',
    keep: ['"user":"ops"', '"password":', '"remember":true'],
  },
  {
    name: 'JSON body with apiKey and token, escaped inside a double-quoted shell string',
    input: 'curl -d "{\\"apiKey\\": \\"AbCdEf0123456789\\", \\"name\\": \\"x\\"}" https://api.example.com',
    secret: 'AbCdEf0123456789',
    keep: ['\\"name\\": \\"x\\"'],
  },
  {
    name: 'OpenAI-style key by shape',
    input: 'echo sk-proj-abcdefghijklmnopqrstuvwxyz0123456789 > key.txt',
    secret: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
    keep: ['echo', '> key.txt'],
  },
  {
    name: 'Slack token by shape',
    input: 'curl -d token=xoxb-1234567890-0987654321-AbCdEfGhIjKl https://slack.com/api/chat.delete',
    secret: 'xoxb-1234567890-0987654321-AbCdEfGhIjKl',
    keep: ['https://slack.com/api/chat.delete'],
  },
  {
    name: 'GitLab and npm tokens by shape',
    input: 'glab auth login --hostname x glpat-AbCdEfGhIjKlMnOpQrSt; npm config set //registry.npmjs.org/:_authToken npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
    secret: 'glpat-AbCdEfGhIjKlMnOpQrSt',
    keep: ['glab auth login'],
  },
  {
    name: 'fine-grained GitHub token',
    input: 'git clone https://github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU@github.com/o/r',
    secret: 'github_pat_11ABCDEFG0123456789',
    keep: ['git clone https://', '@github.com/o/r'],
  },
  {
    name: 'private key in a heredoc',
    input:
      "cat > id_ed25519 <<'EOF'\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACB3\n-----END OPENSSH PRIVATE KEY-----\nEOF",
    secret: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
    keep: ["cat > id_ed25519 <<'EOF'", '-----BEGIN OPENSSH PRIVATE KEY-----', '\nEOF'],
  },
  {
    name: 'JWT by shape',
    input: 'curl -H "X-Session: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" https://x',
    secret: 'eyJhbGciOiJIUzI1NiJ9',
    keep: ['curl -H'],
  },
];

for (const c of cases) {
  void test(`redacts: ${c.name}`, () => {
    const out = redactSecrets(c.input);
    assert.ok(!out.includes(c.secret), `secret survived in: ${out}`);
    assert.ok(out.includes(REDACTED), `no marker in: ${out}`);
    for (const part of c.keep) assert.ok(out.includes(part), `lost "${part}" in: ${out}`);
  });
}

void test('keeps variable references: they name a secret without revealing it', () => {
  const pocket =
    'curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $RAILWAY_TOKEN" -d \'{"query":"mutation { volumeDelete(volumeId: \\"3d2c42fb\\") }"}\'';
  assert.equal(redactSecrets(pocket), pocket);
  for (const line of [
    'psql "postgres://app:${DB_PASSWORD}@db/app"',
    'GITHUB_TOKEN=$GH_TOKEN gh release delete v1',
    'vercel --token "$VERCEL_TOKEN" remove app',
    'docker login -u ci -p $(cat /run/secrets/pw) registry',
    'curl -H "Authorization: Bearer ${TOKEN}" https://x',
  ]) {
    assert.equal(redactSecrets(line), line);
  }
});

void test('leaves ordinary commands alone', () => {
  for (const line of [
    'rm -rf node_modules dist',
    'git commit -m "rotate the token handling" && git push origin main',
    'BYPASS_CACHE=1 OLDPWD=/tmp npm run build',
    'kubectl delete namespace staging --context prod-eu',
    'grep -rn "password" src/',
    'psql -h localhost -p 5432 -U app -c "DELETE FROM sessions"',
    'terraform destroy -auto-approve -var env=prod',
    'task-runner-with-a-long-name-and-sk-prefix --flag',
  ]) {
    assert.equal(redactSecrets(line), line);
  }
});

void test('redactDeep redacts secret-named keys and every nested string, without changing the input', () => {
  const input = {
    action: { kind: 'shell', command: 'curl -H "Authorization: Bearer abcdefgh12345678" https://x' },
    headers: { Authorization: 'Bearer abcdefgh12345678', apiKey: 'k-123', token: '$TOKEN' },
    list: ['AWS_SECRET_ACCESS_KEY=abc123def456', 42, null, true],
    score: 90,
  };
  const out = redactDeep(input);
  assert.equal(out.action.command, `curl -H "Authorization: Bearer ${REDACTED}" https://x`);
  assert.equal(out.headers.Authorization, `Bearer ${REDACTED}`);
  assert.equal(out.headers.apiKey, REDACTED);
  assert.equal(out.headers.token, '$TOKEN');
  assert.deepEqual(out.list, [`AWS_SECRET_ACCESS_KEY=${REDACTED}`, 42, null, true]);
  assert.equal(out.score, 90);
  assert.equal(input.headers.apiKey, 'k-123');
});

void test('redaction is idempotent', () => {
  for (const c of cases) {
    const once = redactSecrets(c.input);
    assert.equal(redactSecrets(once), once, c.name);
  }
});
