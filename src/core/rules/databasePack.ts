import { ormResetRule } from './databaseOrm';
import { bareSqlRule, sqlClientRule } from './databaseSql';
import { DATABASE_TOOL_RULES } from './databaseTools';
import type { RulePack } from './rule';

/**
 * Databases: SQL run through clients (parsed with a real SQL parser), administration tools that
 * drop or flush, and ORM resets. Every rule id starts with `db.`; the SQL parser only runs when one
 * of these programs is on the line (the engine indexes rules by program name).
 */
export const DATABASE_PACK: RulePack = {
  id: 'db',
  description: 'Databases: DROP, TRUNCATE, DELETE/UPDATE without WHERE and ALTER ... DROP through SQL clients; dropdb, redis FLUSHALL, mongo dropDatabase; ORM resets.',
  rules: [sqlClientRule, bareSqlRule, ...DATABASE_TOOL_RULES, ormResetRule],
};
