import { CLOUD_PACK } from './cloudPack';
import { CONTAINER_PACK } from './containerPack';
import { DATABASE_PACK } from './databasePack';
import { DNS_PACK } from './dnsPack';
import { DYNAMIC_CODE_PACK } from './dynamicCodePack';
import { FILESYSTEM_PACK } from './filesystemPack';
import { GIT_PACK } from './gitPack';
import { HTTP_PACK } from './httpPack';
import { IAC_PACK } from './iacPack';
import { KUBERNETES_PACK } from './kubernetesPack';
import { PUBLISHING_PACK } from './publishingPack';
import type { Rule, RulePack } from './rule';
import { SECRETS_PACK } from './secretsPack';
import { SYSTEM_PACK } from './systemPack';
import { TAMPER_PACK } from './tamperPack';

/** The packs every engine runs, in the order their findings are listed on ties. */
export const DEFAULT_PACKS: readonly RulePack[] = [TAMPER_PACK, FILESYSTEM_PACK, GIT_PACK, DYNAMIC_CODE_PACK, CLOUD_PACK, HTTP_PACK, DATABASE_PACK, IAC_PACK, KUBERNETES_PACK, CONTAINER_PACK, PUBLISHING_PACK, SECRETS_PACK, SYSTEM_PACK, DNS_PACK];

/** Rules indexed by program name, so each invocation meets only the rules that can apply. */
export class RuleIndex {
  private readonly byProgram = new Map<string, Rule[]>();
  private readonly everywhere: Rule[] = [];

  constructor(packs: readonly RulePack[]) {
    for (const rule of packs.flatMap((pack) => pack.rules)) {
      if (rule.programs === '*') {
        this.everywhere.push(rule);
        continue;
      }
      for (const program of rule.programs) this.byProgram.set(program, [...(this.byProgram.get(program) ?? []), rule]);
    }
  }

  rulesFor(program: string): readonly Rule[] {
    const specific = this.byProgram.get(program);
    return specific ? [...this.everywhere, ...specific] : this.everywhere;
  }
}
