/**
 * The file syscalls of the scenarios: creating a file by writing its pages,
 * pread/pwrite through the page cache, unlink; and special device files
 * whose ->mmap sets no vm_ops and which have no ->fault (kcov's
 * /sys/kernel/debug/kcov is the one of the 2018 thread).
 */
import { SyscallError } from './errno.js';
import { add_to_page_cache, delete_from_page_cache, find_or_read_page, type FsKind, type Inode } from '../kernel/filemap.js';
import { OutOfFramesError } from './frames.js';
import { with_oom } from '../kernel/oom_kill.js';
import type { Machine } from './machine.js';
import { PG_dirty } from '../kernel/page-flags.js';
import { do_truncate } from '../kernel/truncate.js';

/**
 * Create a file of `pages` pages by write(2): page i holds `${prefix}${i}`,
 * dirty in the page cache. Page-cache pages come from free frames, else
 * from reclaim — which writes back and evicts the file's own earlier pages
 * on ext4 — else (ext4) from the OOM killer (oom_kill.ts). When that finds
 * nothing either, the write fails and leaves nothing behind: ENOMEM on
 * ext4; ENOSPC on tmpfs, whose pages can only go to swap — the kernel's
 * tmpfs refuses at its size limit (size=, half of memory by default:
 * shmem_default_max_blocks) before memory runs out; the limit itself is
 * not modelled, and no process is OOM-killed for a tmpfs write here.
 * An ext4 file larger than the file system's free pages (Machine.diskPages
 * less the other ext4 files' sizes) is ENOSPC before anything is written —
 * where the kernel's write(2) loop would fill the disk and then fail; the
 * work stays bounded by the machine, never by the size a script asks for.
 */
export function create_file(m: Machine, name: string, fs: Exclude<FsKind, 'shmem'>, pages: number, prefix: string): Inode {
  if (m.files.has(name)) throw new SyscallError('EEXIST', `file ${name} exists`);
  if (fs === 'ext4') {
    const page = m.variant.constants.PAGE_SIZE;
    let used = 0;
    for (const f of m.files.values()) if (f.fs === 'ext4') used += Math.ceil(f.size / page);
    const free = Math.max(0, m.diskPages - used);
    if (pages > free) throw new SyscallError('ENOSPC', `write of ${name}: ${pages} pages do not fit the ext4 file system (${free} of ${m.diskPages} pages free)`);
  }
  const inode = m.newInode(name, fs, pages * m.variant.constants.PAGE_SIZE);
  try {
    for (let i = 0; i < pages; i++) with_oom(m, undefined, () => add_to_page_cache(m, inode, i, m.tags.intern(`${prefix}${i}`), true), fs === 'ext4');
  } catch (error) {
    if (!(error instanceof OutOfFramesError)) throw error;
    for (const index of [...inode.cache.keys()]) delete_from_page_cache(m, inode, index);
    m.inodes.delete(inode.id);
    if (fs === 'tmpfs') throw new SyscallError('ENOSPC', `write of ${name}: no memory left for tmpfs pages (${pages} pages asked, ${m.frames.max} frames)`);
    throw error;
  }
  m.files.set(name, inode);
  return inode;
}

/**
 * A special device file of `pages` pages of i_size (`file K dev N K`): no
 * page cache, and an ->mmap that installs nothing and sets no vm_ops, so a
 * mapping of it has no ->fault (what a fault there gets is the `anon`
 * rule's: policies.ts).
 */
export function create_device(m: Machine, name: string, pages: number): Inode {
  if (m.files.has(name)) throw new SyscallError('EEXIST', `file ${name} exists`);
  const inode = m.newInode(name, 'tmpfs', pages * m.variant.constants.PAGE_SIZE, true);
  m.files.set(name, inode);
  return inode;
}

/** Whether the inode is a special device file (create_device). */
export function isDevice(inode: Inode): boolean {
  return inode.device;
}

/** pread() of one page: the bytes below EOF and the tag. */
export function file_pread(m: Machine, inode: Inode, page: number): { bytes: number; data?: string } {
  const size = m.variant.constants.PAGE_SIZE;
  const bytes = Math.max(0, Math.min(size, inode.size - page * size));
  if (bytes === 0) return { bytes: 0 };
  // shmem_file_read_iter() reads a hole as zeroes without allocating a page
  if (inode.fs !== 'ext4' && !inode.cache.has(page) && !inode.swapped.has(page)) return { bytes, data: '0' };
  const { frame } = page_cache_page(m, inode, page);
  return { bytes, data: m.tags.name(m.frames.tag[frame]!) };
}

/**
 * The page-cache page of a read or write: a new one comes from free frames,
 * reclaim (ext4: the clean cache evicted) or the OOM killer; a tmpfs page
 * that finds no memory after reclaim is ENOSPC (see create_file).
 */
function page_cache_page(m: Machine, inode: Inode, page: number): { frame: number; major: boolean } {
  try {
    return with_oom(m, undefined, () => find_or_read_page(m, inode, page), inode.fs === 'ext4');
  } catch (error) {
    if (error instanceof OutOfFramesError && inode.fs !== 'ext4') throw new SyscallError('ENOSPC', `${inode.name} page ${page}: no memory left for tmpfs pages (${m.frames.max} frames)`);
    throw error;
  }
}

/** pwrite() of a tag at a page: returns the bytes written (the tag and its NUL). */
export function file_pwrite(m: Machine, inode: Inode, page: number, tag: string): number {
  const size = m.variant.constants.PAGE_SIZE;
  const { frame } = page_cache_page(m, inode, page);
  m.frames.tag[frame] = m.tags.intern(tag);
  m.frames.flags[frame]! |= PG_dirty;
  const end = page * size + tag.length + 1;
  if (end > inode.size) inode.size = end;
  return tag.length + 1;
}

/** unlink(): the name goes; the pages stay while mapped (the inode lives on). */
export function remove_file(m: Machine, name: string): void {
  const inode = m.files.get(name);
  if (!inode) throw new SyscallError('ENOENT', `no file ${name}`);
  m.files.delete(name);
  inode.unlinked = true;
}

export { do_truncate };
