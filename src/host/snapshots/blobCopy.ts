import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { looksBinary, BINARY_SNIFF_BYTES } from '../../core/snapshots/snapshotModel';
import type { SnapshotErrorCode } from '../../core/snapshots/snapshotModel';

/**
 * Streaming copies with a hash, for the snapshot store: content is read in chunks, never whole, so a
 * multi-gigabyte database costs one chunk of memory. Every copy goes to a temporary file, is fsync'd
 * and read back to check its hash before the caller renames it into place, so a crash, a full disk or
 * a bad sector leaves at worst a temporary file, never a blob or file that claims content it lacks.
 */

const CHUNK_BYTES = 1024 * 1024;

/** A failure with the code the store reports; `phase` tells reading the source from writing the copy. */
export class CopyError extends Error {
  constructor(
    readonly code: SnapshotErrorCode,
    message: string,
    readonly size?: number,
  ) {
    super(message);
    this.name = 'CopyError';
  }
}

/** Maps a node error from writing into the store or the workspace to a code and a sentence. */
export function writeFailure(error: unknown, where: string): CopyError {
  if (error instanceof CopyError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return new CopyError('read-only', `${where} cannot be written (${code}): the disk or folder is read-only`);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new CopyError('disk-full', `${where} cannot be written (${code}): the disk is full`);
  return new CopyError('io-error', `${where} could not be written: ${(error as Error).message}`);
}

/** Maps a node error from reading a file to a code and a sentence. */
export function readFailure(error: unknown, path: string): CopyError {
  if (error instanceof CopyError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new CopyError('not-found', `${path} does not exist`);
  if (code === 'ELOOP') return new CopyError('symlink', `${path} is a symbolic link; Airlock does not follow links`);
  if (code === 'EISDIR') return new CopyError('not-a-file', `${path} is a folder, not a file`);
  return new CopyError('io-error', `${path} could not be read: ${(error as Error).message}`);
}

export interface CopyLimits {
  /** Refuse (`too-large`) once more than this many bytes were read. */
  readonly maxBytes?: number;
  /** Epoch milliseconds; the copy stops with `deadline` when a chunk finishes after it. */
  readonly deadline?: number;
  /** The temporary file's name starts with this (a restore's copy sits beside its target). */
  readonly tempPrefix?: string;
}

export interface CopiedFile {
  readonly tempPath: string;
  readonly hash: string;
  readonly size: number;
  readonly binary: boolean;
}

/** Opens a regular file for reading without following a symbolic link at its last component. */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number; mode: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw readFailure(error, path);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new CopyError('not-a-file', `${path} is not a regular file`);
    return { handle, size: stat.size, mode: stat.mode & 0o7777 };
  } catch (error) {
    await handle.close();
    throw readFailure(error, path);
  }
}

/** A fresh temporary name in `dir`, unique across processes. */
export function tempName(dir: string, prefix: string): string {
  return join(dir, `${prefix}${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Copies an open source into a new temporary file in `tempDir`: chunked, hashed while read, fsync'd,
 * then read back and hashed again. On any failure the temporary file is removed and a `CopyError`
 * thrown. `afterWrite` lets tests damage the copy between the write and the check.
 */
export async function copyToTemp(
  source: FileHandle,
  sourceLabel: string,
  tempDir: string,
  limits: CopyLimits,
  afterWrite?: (tempPath: string) => void | Promise<void>,
): Promise<CopiedFile> {
  const tempPath = tempName(tempDir, limits.tempPrefix ?? '');
  const hash = createHash('sha256');
  let size = 0;
  let binary = false;
  let sniffed = 0;
  let out: FileHandle | undefined;
  try {
    try {
      out = await open(tempPath, 'wx', 0o600);
    } catch (error) {
      throw writeFailure(error, 'the snapshot store');
    }
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      let read: number;
      try {
        ({ bytesRead: read } = await source.read(buffer, 0, CHUNK_BYTES, null));
      } catch (error) {
        throw readFailure(error, sourceLabel);
      }
      if (read === 0) break;
      size += read;
      if (limits.maxBytes !== undefined && size > limits.maxBytes) {
        throw new CopyError('too-large', `${sourceLabel} is larger than the snapshot limit of ${limits.maxBytes} bytes`, size);
      }
      const chunk = buffer.subarray(0, read);
      if (sniffed < BINARY_SNIFF_BYTES) {
        binary ||= looksBinary(chunk.subarray(0, BINARY_SNIFF_BYTES - sniffed));
        sniffed += Math.min(read, BINARY_SNIFF_BYTES - sniffed);
      }
      hash.update(chunk);
      try {
        await out.write(chunk, 0, read);
      } catch (error) {
        throw writeFailure(error, 'the snapshot store');
      }
      if (limits.deadline !== undefined && Date.now() > limits.deadline) {
        throw new CopyError('deadline', `the time to copy ${sourceLabel} ran out after ${size} bytes`, size);
      }
    }
    try {
      await out.sync();
      await out.close();
      out = undefined;
    } catch (error) {
      throw writeFailure(error, 'the snapshot store');
    }
    await afterWrite?.(tempPath);
    const digest = hash.digest('hex');
    const check = await hashFile(tempPath).catch((error: unknown) => {
      throw writeFailure(error, 'the snapshot store');
    });
    if (check.hash !== digest || check.size !== size) {
      throw new CopyError('io-error', `the copy of ${sourceLabel} did not read back as written (the disk may be failing); it was discarded`);
    }
    return { tempPath, hash: digest, size, binary };
  } catch (error) {
    await out?.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
}

/** SHA-256 and size of a file, read in chunks. Throws node errors as they are. */
export async function hashFile(path: string, noFollow = false): Promise<{ hash: string; size: number }> {
  const handle = await open(path, constants.O_RDONLY | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return { hash: hash.digest('hex'), size };
  } finally {
    await handle.close();
  }
}
