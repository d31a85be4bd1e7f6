/** What identifies one version of a source file on disk: an edit, a restore or a replace changes it. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  /** ctime cannot be set back by tools that restore mtimes, so an edit always shows. */
  ctimeMs: number;
  ino: number;
}

export const sameStamp = (a: FileStamp, b: FileStamp): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
