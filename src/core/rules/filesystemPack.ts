import { argValues } from '../shell/ir';
import type { Word } from '../shell/ir';
import { parseFind } from '../shell/findExpression';
import { hasFlag, parseArgs } from '../shell/options';
import { deletionFinding } from './deletion';
import type { Finding, Rule, RuleInput, RulePack } from './rule';
import { pathImpact } from './targets';
import type { Target } from './targets';

/** Operands of a parsed command, as the words they came from. */
function operandWords(input: RuleInput, spec: Parameters<typeof parseArgs>[1] = {}): { words: Word[]; flags: ReturnType<typeof parseArgs> } {
  const args = input.invocation.argv.slice(1);
  const parsed = parseArgs(args.map((word) => word.value), spec);
  return { words: parsed.operandIndexes.map((index) => args[index] as Word), flags: parsed };
}

function targetsOf(input: RuleInput, words: readonly Word[]): Target[] {
  return words.map((word) => input.targets.resolve(word, input.invocation));
}

const rm: Rule = {
  id: 'fs.rm',
  programs: ['rm', 'rimraf', 'srm', 'unlink'],
  description: 'Deletes files or trees: scored by what the targets hold and whether git can restore it.',
  check(input) {
    const { words, flags } = operandWords(input);
    const name = input.invocation.name;
    // Files found by `find -exec rm {}` are every match below the start paths: a recursive delete.
    const viaFind = input.invocation.via.find((via) => via.startsWith('find -exec') || via.startsWith('find -ok'));
    if (viaFind?.endsWith('(empty only)')) return undefined;
    const recursive = name === 'rimraf' || viaFind !== undefined || hasFlag(flags, '-r', '-R', '--recursive');
    const selective = viaFind?.endsWith('(matching)') ?? false;
    const findings = targetsOf(input, words).map((target) => deletionFinding(target, { recursive, rule: 'fs.rm', verb: 'deletes', selective }));
    if (hasFlag(flags, '--no-preserve-root')) findings.push({ rule: 'fs.rm.no-preserve-root', score: 100, message: 'turns off rm\'s last protection against deleting /' });
    return findings;
  },
};

const rmdir: Rule = {
  id: 'fs.rmdir',
  programs: ['rmdir'],
  description: 'Removes empty directories: nothing is lost.',
  check: () => undefined,
};

const findDelete: Rule = {
  id: 'fs.find-delete',
  programs: ['find'],
  description: '`find ... -delete` deletes every match below its start paths.',
  check(input) {
    const find = parseFind(input.invocation.argv.slice(1));
    if (!find.deletes || find.emptyOnly) return undefined;
    const startWords = find.starts.length > 0 ? find.starts : [{ value: '.', prefix: '.', dynamic: false, glob: false }];
    // `-delete` removes matching files, and folders only once empty: names select files, not subtrees.
    const names = find.names;
    const targets = names ? startWords.map((word) => input.targets.resolveMatching(word, input.invocation, names)) : targetsOf(input, startWords);
    return targets.map((target) => deletionFinding(target, { recursive: true, rule: 'fs.find-delete', verb: 'deletes', selective: find.selective }));
  },
};

const shred: Rule = {
  id: 'fs.shred',
  programs: ['shred', 'wipe', 'scrub'],
  description: 'Overwrites file contents so nothing can recover them.',
  check(input) {
    const { words } = operandWords(input, { shortWithValue: 'nsx', longWithValue: ['iterations', 'size', 'random-source', 'remove'] });
    return targetsOf(input, words).map((target) => {
      const deletion = deletionFinding(target, { recursive: false, rule: 'fs.shred', verb: 'overwrites beyond recovery' });
      return { ...deletion, score: Math.max(deletion.score, target.place === 'device' ? 100 : 65) };
    });
  },
};

const FORMATTERS = /^(mkfs(\..+)?|mke2fs|mkswap|mkdosfs|mkntfs|newfs(_.+)?|wipefs|blkdiscard)$/;
const PARTITION_EDITORS = new Set(['fdisk', 'gdisk', 'cfdisk', 'parted', 'sfdisk', 'sgdisk']);
/** sgdisk and sfdisk options that change the table; everything else of theirs reads it. */
const PARTITION_WRITES = /^(-[ozZdnNgtcCmeGUrs]|--(zap|zap-all|clear|delete|new|largest-new|mbrtogpt|change-name|typecode|partition-guid|disk-guid|randomize-guids|sort|transpose|gpttombr|hybrid|load-backup|move-second-header|delete|wipe|wipe-partitions)(=.*)?)$/;
const VOLUME_REMOVERS = new Set(['lvremove', 'vgremove', 'pvremove']);

const diskTools: Rule = {
  id: 'fs.disk',
  programs: ['mdadm', 'nvme', 'badblocks', 'hdparm', 'mkfs', 'mke2fs', 'mkswap', 'mkdosfs', 'mkntfs', 'wipefs', 'blkdiscard', 'sgdisk', 'sfdisk', 'fdisk', 'gdisk', 'parted', 'cfdisk', 'zpool', 'lvremove', 'vgremove', 'pvremove', 'cryptsetup', 'diskutil', 'newfs', 'mkfs.ext4', 'mkfs.ext3', 'mkfs.ext2', 'mkfs.xfs', 'mkfs.vfat', 'mkfs.btrfs', 'mkfs.fat', 'mkfs.ntfs', 'mkfs.exfat', 'newfs_apfs', 'newfs_hfs'],
  description: 'Formats, partitions or wipes disks and volumes.',
  check(input) {
    const { name } = input.invocation;
    const args = argValues(input.invocation);
    const text = args.join(' ').slice(0, 80);
    const lost = (score: number, what: string): Finding => ({ rule: 'fs.disk', score, message: `${name} ${what} (${text}): everything on it is lost` });
    if (args.length === 0 || args.some((arg) => arg === '--help' || arg === '-h' || arg === '--version' || arg === '-V')) return undefined;
    // wipefs without -a or -o only lists signatures.
    if (name === 'wipefs' && !args.some((arg) => /^(-[A-Za-z]*a[A-Za-z]*|--all|-o|--offset(=.*)?|-[A-Za-z]*o)$/.test(arg))) return undefined;
    if (FORMATTERS.test(name)) {
      const operands = parseArgs(args, { shortWithValue: 'tLUbBcCEgGiIjJlmMNoOrsTvwxS' }).operands;
      if (operands.some((operand) => operand.startsWith('/dev/'))) return lost(95, 'formats a disk or volume');
      // Formatting an image file destroys only that file.
      return operands.flatMap((operand) => overwriteFinding(input.targets.resolve({ value: operand, prefix: operand, dynamic: false, glob: false }, input.invocation), 'fs.disk.file', `${name} formats`) ?? []);
    }
    if (PARTITION_EDITORS.has(name)) {
      if (args.some((arg) => /^(-l|--list|-p|--print|-v|--verify|-L|--list-types|-i|--info|-b|--backup|-d|--dump|-s|--show-size)$/.test(arg) && !(name === 'sgdisk' && PARTITION_WRITES.test(arg))) && !args.some((arg) => PARTITION_WRITES.test(arg))) return undefined;
      if (name === 'sgdisk' || name === 'sfdisk') return args.some((arg) => PARTITION_WRITES.test(arg)) || name === 'sfdisk' ? lost(90, 'rewrites the partition table') : undefined;
      if (name === 'parted' && !args.some((arg) => /^(mklabel|mkpart|rm|resizepart|rescue|mktable)$/i.test(arg))) return { rule: 'fs.disk.interactive', score: 60, message: `parted opens ${text} for partitioning` };
      return name === 'parted' ? lost(90, 'rewrites the partition table') : { rule: 'fs.disk.interactive', score: 60, message: `${name} opens ${text} for interactive partitioning; a wrong key loses the disk` };
    }
    if (VOLUME_REMOVERS.has(name)) return lost(90, 'removes an LVM volume');
    if (name === 'mdadm') return args.some((arg) => /^(--zero-superblock|--create|-C|--remove|--fail|--grow)$/.test(arg)) ? lost(90, 'rewrites a RAID array') : undefined;
    if (name === 'nvme') return /^(format|sanitize|delete-ns|detach-ns)$/.test(args[0] ?? '') ? lost(95, `${args[0]}s an NVMe drive`) : undefined;
    if (name === 'badblocks') return args.some((arg) => /^-[A-Za-z]*w/.test(arg)) ? lost(95, 'writes test patterns over a disk') : undefined;
    if (name === 'hdparm') return args.some((arg) => /^--(security-erase|security-erase-enhanced|trim-sector-ranges|write-sector|fwdownload)/.test(arg)) ? lost(95, 'erases or rewrites a disk') : undefined;
    if (name === 'zpool') return /^(destroy|labelclear)$/.test(args[0] ?? '') ? lost(95, `${args[0]}s a ZFS pool`) : undefined;
    if (name === 'cryptsetup') return args.some((arg) => /^(luksFormat|erase|luksErase|reencrypt|luksKillSlot|luksRemoveKey)$/.test(arg)) ? lost(95, 'reformats or erases an encrypted volume') : undefined;
    if (name === 'diskutil') return args.some((arg) => /^(erase\w*|partitionDisk|zeroDisk|randomDisk|secureErase|reformat|deleteVolume|apfs)$/i.test(arg)) ? lost(95, 'erases or repartitions a disk') : undefined;
    return undefined;
  },
};

const dd: Rule = {
  id: 'fs.dd',
  programs: ['dd'],
  description: '`dd of=...` overwrites a file or a whole disk.',
  check(input) {
    const output = input.invocation.argv.slice(1).find((word) => word.value.startsWith('of='));
    if (!output) return undefined;
    const word = { ...output, value: output.value.slice(3), prefix: output.prefix.slice(3) };
    const target = input.targets.resolve(word, input.invocation);
    if (target.place === 'null-device') return undefined;
    if (target.place === 'device') return { rule: 'fs.dd.device', score: 100, message: `dd overwrites the disk ${word.value}: every partition and file on it`, paths: [pathImpact(target)] };
    return overwriteFinding(target, 'fs.dd', 'dd overwrites');
  },
};

/** Overwriting an existing file: bad when its content is not in git or it belongs to the system. */
export function overwriteFinding(target: Target, rule: string, verb: string): Finding | undefined {
  const facts = target.facts;
  const name = target.word.value;
  switch (target.place) {
    case 'null-device':
    case 'temp':
    case 'temp-root':
    case 'build-output':
    case 'home-cache':
      return undefined;
    case 'device':
      return { rule: `${rule}.device`, score: 95, message: `${verb} the disk device ${name}`, paths: [pathImpact(target)] };
    case 'root':
    case 'system':
      if (facts && !facts.exists) return undefined;
      return { rule: `${rule}.system`, score: 80, message: `${verb} the system file ${name}`, paths: [pathImpact(target)] };
    case 'git-dir':
      return { rule: `${rule}.git-dir`, score: 80, message: `${verb} ${name} inside .git, corrupting the repository`, paths: [pathImpact(target)] };
    case 'home-sensitive':
      if (facts && !facts.exists) return undefined;
      return { rule: `${rule}.home-sensitive`, score: 65, message: `${verb} ${name} in your home directory (keys, credentials or settings)`, paths: [pathImpact(target)] };
    default:
      if (target.dynamic || !facts?.exists || facts.isDirectory) return undefined;
      if (facts.inGitRepo && facts.untracked + facts.modified + facts.ignored === 0) return undefined;
      return { rule: `${rule}.unrecoverable`, score: 35, message: `${verb} ${name}; its current content is not in git`, paths: [pathImpact(target)] };
  }
}

const truncatingRedirect: Rule = {
  id: 'fs.redirect',
  programs: '*',
  description: '`> file` truncates the file before the command runs.',
  check(input) {
    const findings: Finding[] = [];
    for (const redirect of input.invocation.redirects) {
      if (!['>', '>|', '&>', '>&'].includes(redirect.op) || /^\d+$|^-$/.test(redirect.target.value)) continue;
      const target = input.targets.resolve(redirect.target, input.invocation);
      const finding = overwriteFinding(target, 'fs.redirect', 'truncates and overwrites');
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

const copyOver: Rule = {
  id: 'fs.copy-over',
  programs: ['tee', 'cp', 'install', 'cat'],
  description: 'Writing onto a disk device, /proc/sysrq-trigger or a system file with tee or cp.',
  check(input) {
    const { words, flags } = operandWords(input, { shortWithValue: 'tSm', longWithValue: ['target-directory', 'suffix', 'mode', 'backup'] });
    const name = input.invocation.name;
    if (name === 'cat') return undefined;
    const destinations = name === 'tee' ? words : words.slice(-1);
    if (name !== 'tee' && (words.length < 2 || flags.values.has('-t') || flags.values.has('--target-directory'))) return undefined;
    // Appending (`tee -a /etc/fstab`) or copying into a folder adds; only replacing a file destroys.
    if (name === 'tee' && hasFlag(flags, '-a', '--append')) return undefined;
    return targetsOf(input, destinations).flatMap((target) => {
      if (target.place === 'device') return overwriteFinding(target, `fs.${name}`, `${name} overwrites`) ?? [];
      if (target.place !== 'system' && target.place !== 'root') return [];
      if (!target.facts?.exists || target.facts.isDirectory) return [];
      return overwriteFinding(target, `fs.${name}`, `${name} overwrites`) ?? [];
    });
  },
};

const remoteOverwrite: Rule = {
  id: 'fs.remote-copy',
  programs: ['scp', 'rsync'],
  description: 'Copying over system folders of another machine (`scp x host:/etc/`).',
  check(input) {
    const operands = parseArgs(argValues(input.invocation), { shortWithValue: 'PiFocelSJe', longWithValue: ['rsh', 'exclude', 'include', 'files-from'] }).operands;
    const destination = operands[operands.length - 1];
    const match = destination && operands.length >= 2 ? /^(?:[^@/:]+@)?([^/:]+):(\/.*)$/.exec(destination) : null;
    if (!match) return undefined;
    const [, host = '', path = '/'] = match;
    // The machine's own files; deployment folders (/srv, /opt, /var/www, /home) take new files every day.
    if (!/^\/(etc|usr|bin|sbin|lib|lib32|lib64|boot|root|sys|proc|dev|var\/lib)(\/|$)|^\/$/.test(path)) return undefined;
    return { rule: 'fs.remote-copy.system', score: 70, message: `copies over ${path} on ${host}, a system folder of that machine`, resources: [{ kind: 'host', name: host }] };
  },
};

const truncate: Rule = {
  id: 'fs.truncate',
  programs: ['truncate'],
  description: '`truncate -s 0` empties files.',
  check(input) {
    const { words } = operandWords(input, { shortWithValue: 'sr', longWithValue: ['size', 'reference'] });
    return targetsOf(input, words).flatMap((target) => overwriteFinding(target, 'fs.truncate', 'empties') ?? []);
  },
};

const rsyncDelete: Rule = {
  id: 'fs.rsync-delete',
  programs: ['rsync'],
  description: '`rsync --delete` deletes destination files missing from the source.',
  check(input) {
    const { words, flags } = operandWords(input, { shortWithValue: 'eBfT', longWithValue: ['rsh', 'exclude', 'include', 'filter', 'exclude-from', 'include-from', 'files-from', 'log-file', 'password-file', 'backup-dir', 'suffix', 'temp-dir', 'compare-dest', 'link-dest', 'copy-dest', 'rsync-path', 'chmod', 'chown', 'timeout', 'bwlimit', 'port', 'out-format', 'max-size', 'min-size', 'max-delete', 'partial-dir'] });
    if (![...flags.flags].some((flag) => flag.startsWith('--del') || flag === '--remove-source-files')) return undefined;
    if (hasFlag(flags, '-n', '--dry-run', '--list-only')) return undefined;
    const destination = words[words.length - 1];
    if (!destination || words.length < 2) return undefined;
    if (/^[^/]*:/.test(destination.value)) {
      return { rule: 'fs.rsync-delete.remote', score: 60, message: `rsync --delete removes files on ${destination.value} that are not in the source` };
    }
    const target = input.targets.resolve(destination, input.invocation);
    const deletion = deletionFinding(target, { recursive: true, rule: 'fs.rsync-delete', verb: 'deletes, from', selective: true });
    return { ...deletion, message: `${deletion.message} (rsync --delete removes whatever the source lacks)` };
  },
};

const recursivePermissions: Rule = {
  id: 'fs.permissions',
  programs: ['chmod', 'chown', 'chgrp', 'setfacl'],
  description: 'Recursive permission or owner changes on wide trees.',
  check(input) {
    const { words, flags } = operandWords(input, { longWithValue: ['reference', 'from'] });
    // `find / -exec chmod 000 {} +` reaches every file below / just as -R does.
    const viaFind = input.invocation.via.some((via) => via.startsWith('find -exec') || via.startsWith('find -ok'));
    if (!viaFind && !hasFlag(flags, '-R', '--recursive', '--rec', '--recu', '--recur', '--recurs', '--recursi', '--recursiv')) return undefined;
    // The mode or owner is the first operand, unless `--reference` gives it.
    const operands = words.slice(input.invocation.name === 'setfacl' || flags.values.has('--reference') ? 0 : 1);
    return targetsOf(input, operands).flatMap((target): Finding[] => {
      const name = target.word.value;
      const verb = `${input.invocation.name} -R`;
      if (['root', 'system', 'home', 'workspace-ancestor', 'device'].includes(target.place)) {
        return [{ rule: 'fs.permissions.wide', score: 85, message: `${verb} changes every file under ${name}; system and login files can stop working`, paths: [pathImpact(target)] }];
      }
      if (target.place === 'home-sensitive' || target.place === 'git-dir') {
        return [{ rule: 'fs.permissions.sensitive', score: 60, message: `${verb} changes permissions under ${name}`, paths: [pathImpact(target)] }];
      }
      return [];
    });
  },
};

const crontabRemove: Rule = {
  id: 'fs.crontab-remove',
  programs: ['crontab'],
  description: '`crontab -r` removes every scheduled job, with no undo.',
  check(input) {
    const flags = parseArgs(argValues(input.invocation), { shortWithValue: 'u' });
    if (!hasFlag(flags, '-r', '--remove')) return undefined;
    return { rule: 'fs.crontab-remove', score: hasFlag(flags, '-i') ? 45 : 75, message: 'crontab -r deletes all of your scheduled jobs; there is no undo' };
  },
};

const moveAway: Rule = {
  id: 'fs.mv',
  programs: ['mv'],
  description: 'Moving a tree to /dev/null or moving critical directories away.',
  check(input) {
    const { words, flags } = operandWords(input, { shortWithValue: 'tS', longWithValue: ['target-directory', 'suffix', 'backup'] });
    const targetDirectory = flags.values.get('-t')?.[0] ?? flags.values.get('--target-directory')?.[0];
    const destinationWord = targetDirectory !== undefined ? { value: targetDirectory, prefix: targetDirectory, dynamic: false, glob: false } : words[words.length - 1];
    const sourceWords = targetDirectory !== undefined ? words : words.slice(0, -1);
    if (!destinationWord || sourceWords.length === 0) return undefined;
    const destination = input.targets.resolve(destinationWord, input.invocation);
    const sources = targetsOf(input, sourceWords);
    if (destination.place === 'null-device') {
      return sources.map((source) => deletionFinding(source, { recursive: true, rule: 'fs.mv-null', verb: 'moves to /dev/null (deletes)' }));
    }
    return sources.flatMap((source): Finding[] => {
      if (['root', 'system', 'home', 'workspace-root', 'workspace-ancestor', 'git-dir', 'home-sensitive'].includes(source.place)) {
        return [{ rule: 'fs.mv.critical', score: source.place === 'home-sensitive' ? 55 : 70, message: `moves ${source.word.value} (${source.place.replace('-', ' ')}) away to ${destination.word.value}`, paths: [pathImpact(source)] }];
      }
      return [];
    });
  },
};

export const FILESYSTEM_PACK: RulePack = {
  id: 'filesystem',
  description: 'Deleting, wiping, truncating and re-permissioning files and disks.',
  rules: [rm, rmdir, findDelete, shred, diskTools, dd, truncatingRedirect, truncate, copyOver, remoteOverwrite, rsyncDelete, recursivePermissions, crontabRemove, moveAway],
};
