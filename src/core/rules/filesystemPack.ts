import { argValues } from '../shell/ir';
import type { Word } from '../shell/ir';
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
  programs: ['rm', 'rimraf', 'del', 'trash-empty', 'srm', 'unlink'],
  description: 'Deletes files or trees: scored by what the targets hold and whether git can restore it.',
  check(input) {
    const { words, flags } = operandWords(input);
    const name = input.invocation.name;
    // Files found by `find -exec rm {}` are every match below the start paths: a recursive delete.
    const viaFind = input.invocation.via.some((via) => via.startsWith('find -exec') || via.startsWith('find -ok'));
    const recursive = name === 'rimraf' || name === 'del' || viaFind || hasFlag(flags, '-r', '-R', '--recursive');
    const findings = targetsOf(input, words).map((target) => deletionFinding(target, { recursive, rule: 'fs.rm', verb: 'deletes' }));
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
    const args = input.invocation.argv.slice(1);
    if (!args.some((word) => word.value === '-delete')) return undefined;
    const starts: Word[] = [];
    for (const word of args) {
      if (word.value.startsWith('-') || word.value === '(' || word.value === '!') break;
      starts.push(word);
    }
    const selective = args.some((word) => /^-(i?name|i?path|i?regex|type|size|mtime|mmin|atime|amin|ctime|cmin|newer|empty|user|group|perm|links|wholename|iwholename)$/.test(word.value));
    const startWords = starts.length > 0 ? starts : [{ value: '.', prefix: '.', dynamic: false, glob: false }];
    return targetsOf(input, startWords).map((target) => deletionFinding(target, { recursive: true, rule: 'fs.find-delete', verb: 'deletes', selective }));
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

const DISK_TOOLS = /^(mkfs(\..+)?|mke2fs|mkswap|mkdosfs|mkntfs|newfs(_.+)?|wipefs|blkdiscard|sgdisk|sfdisk|fdisk|gdisk|parted|cfdisk|zpool|lvremove|vgremove|pvremove|cryptsetup|diskutil|format)$/;
const DISK_READ_ONLY = /^(-l|--list|-s|--show|print|list|status|info|--help|-h|luksDump|isLuks)$/;

const diskTools: Rule = {
  id: 'fs.disk',
  programs: ['mkfs', 'mke2fs', 'mkswap', 'mkdosfs', 'mkntfs', 'wipefs', 'blkdiscard', 'sgdisk', 'sfdisk', 'fdisk', 'gdisk', 'parted', 'cfdisk', 'zpool', 'lvremove', 'vgremove', 'pvremove', 'cryptsetup', 'diskutil', 'newfs', 'mkfs.ext4', 'mkfs.ext3', 'mkfs.xfs', 'mkfs.vfat', 'mkfs.btrfs', 'mkfs.fat', 'mkfs.ntfs', 'newfs_apfs', 'newfs_hfs'],
  description: 'Formats, partitions or wipes disks and volumes.',
  check(input) {
    const { name } = input.invocation;
    if (!DISK_TOOLS.test(name)) return undefined;
    const args = argValues(input.invocation);
    if (args.length === 0 || args.some((arg) => DISK_READ_ONLY.test(arg))) return undefined;
    if (name === 'zpool' && args[0] !== 'destroy' && args[0] !== 'labelclear') return undefined;
    if (name === 'cryptsetup' && !args.some((arg) => /^(luksformat|erase|luksErase|reencrypt)$/i.test(arg))) return undefined;
    if (name === 'diskutil' && !args.some((arg) => /^(erase\w*|partitionDisk|zeroDisk|randomDisk|secureErase|reformat|deleteVolume|apfs)$/i.test(arg))) return undefined;
    return { rule: 'fs.disk', score: 95, message: `${name} rewrites a disk or volume (${args.join(' ').slice(0, 80)}): everything on it is lost` };
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
      return { rule: `${rule}.system`, score: 80, message: `${verb} the system file ${name}`, paths: [pathImpact(target)] };
    case 'git-dir':
      return { rule: `${rule}.git-dir`, score: 80, message: `${verb} ${name} inside .git, corrupting the repository`, paths: [pathImpact(target)] };
    case 'home-sensitive':
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
    if (![...flags.flags].some((flag) => flag.startsWith('--delete') || flag === '--remove-source-files')) return undefined;
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
    if (!hasFlag(flags, '-R', '--recursive', '--rec', '--recu', '--recur', '--recurs', '--recursi', '--recursiv')) return undefined;
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
  rules: [rm, rmdir, findDelete, shred, diskTools, dd, truncatingRedirect, truncate, rsyncDelete, recursivePermissions, crontabRemove, moveAway],
};
